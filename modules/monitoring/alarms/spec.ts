/**
 * The alarm pack's types: one typed spec per alarm, built from the other tiers' identifiers and the
 * thresholds in config (environments/schema.ts `monitoring.thresholds`). Every alarm evaluates
 * 1-minute datapoints (the seed: "Metrics: 1-minute intervals"); `treatMissingData` is chosen per
 * alarm, and the reason is written next to it.
 */

/** The seed's metric resolution: every alarm evaluates 60-second periods. */
export const ALARM_PERIOD_SECONDS = 60;

/** Alarm thresholds (config monitoring.thresholds; docs/monitoring.md explains each alarm). */
export interface Thresholds {
  /** ECS service average CPU %. */
  readonly ecsCpuPercent: number;
  /** ECS service average memory %. */
  readonly ecsMemoryPercent: number;
  /** ALB TargetResponseTime p95 and p99, seconds (p99 >= p95). */
  readonly latencyP95Seconds: number;
  readonly latencyP99Seconds: number;
  /** 5xx (target + ALB) as % of requests. */
  readonly errorRatePercent: number;
  /** Redis EngineCPUUtilization %, DatabaseMemoryUsagePercentage, evictions per minute. */
  readonly redisCpuPercent: number;
  readonly redisMemoryPercent: number;
  readonly redisEvictionsPerMinute: number;
  /** Minimum Redis hit rate % (alarm below it). */
  readonly redisHitRatePercent: number;
  /** Redis ReplicationLag, seconds. */
  readonly redisReplicationLagSeconds: number;
  /** Qdrant host CPU %, memory % and data-volume used %. */
  readonly qdrantCpuPercent: number;
  readonly qdrantMemoryPercent: number;
  readonly qdrantDiskPercent: number;
  /** Messages tolerated in the dead-letter queue. */
  readonly dlqMessages: number;
  /** Age of the oldest work-queue message, seconds. */
  readonly queueOldestMessageSeconds: number;
}

/** What CloudWatch does with a period without data. */
export type MissingData = "breaching" | "notBreaching" | "ignore" | "missing";

/** One metric of a metric-math alarm. */
export interface MathMetric {
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly stat: string;
}

export interface AlarmSpec {
  /** Family, e.g. "ecs-cpu"; one family may have several alarms (one per node, per NAT). */
  readonly family: string;
  /** Suffix of the alarm name (unique within the environment). */
  readonly id: string;
  /** What the alarm means and what to do (alarm_description; docs/monitoring.md has the runbook). */
  readonly description: string;
  readonly comparison:
    | "GreaterThanThreshold"
    | "GreaterThanOrEqualToThreshold"
    | "LessThanThreshold"
    | "LessThanOrEqualToThreshold";
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: MissingData;
  /** A single metric... */
  readonly metric?: {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Record<string, string>;
    /** "Average", "Maximum", "Sum" or a percentile such as "p95" (extended_statistic). */
    readonly statistic: string;
  };
  /** ...or metric math: `expression` over `metrics` (the expression is the alarm's value). */
  readonly math?: { readonly expression: string; readonly label: string; readonly metrics: MathMetric[] };
}

/** One Qdrant host: its instance and the CWAgent dimensions of its memory and data-volume disk metrics. */
export interface QdrantHostTarget {
  readonly instanceId: string;
  readonly memoryDimensions: Record<string, string>;
  readonly diskDimensions: Record<string, string>;
}

/** Identifiers of the tiers the alarms watch (plain values: the other modules' public attributes). */
export interface AlarmTargets {
  /** ALB and target group ARN suffixes (the CloudWatch dimension values). */
  readonly alb?: {
    readonly arnSuffix: string;
    readonly targetGroupArnSuffix: string;
    /**
     * The second target group of ECS blue/green, canary and linear deployments. After a deployment the
     * live tasks sit in whichever group took the traffic, so target-group metrics must cover both.
     * @default none (ROLLING: one target group)
     */
    readonly alternateTargetGroupArnSuffix?: string;
  };
  readonly ecs?: { readonly clusterName: string; readonly serviceName: string };
  /**
   * ElastiCache member cluster ids: `<replication-group-id>-001`, `-002`, ...; with cluster mode (`shards`
   * >= 2) `-0001-001`, `-0001-002`, `-0002-001`, ..., shard by shard, the same number per shard.
   */
  readonly redis?: {
    readonly replicationGroupId: string;
    readonly memberClusterIds: readonly string[];
    /** @default 1 */
    readonly shards?: number;
  };
  /** Qdrant host (node 0) and the CWAgent dimensions of its memory and data-volume disk metrics. */
  readonly qdrant?: QdrantHostTarget & {
    /** @default "CWAgent" */
    readonly agentNamespace?: string;
    /** A cluster's nodes 1..n-1, each with node 0's alarms (ids `qdrant-<i>-...`). @default none */
    readonly otherNodes?: readonly QdrantHostTarget[];
    /** A cluster's size and replication factor (the AMP cluster-health rules). @default none (one node) */
    readonly cluster?: { readonly nodes: number; readonly replicationFactor: number };
  };
  readonly queue?: { readonly queueName: string; readonly dlqName: string };
  readonly natGatewayIds?: readonly string[];
}
