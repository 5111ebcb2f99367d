/**
 * The alarm pack: one typed spec per alarm, built from the other tiers' identifiers and the
 * thresholds in config (environments/schema.ts `monitoring.thresholds`). Every alarm evaluates
 * 1-minute datapoints (the seed: "Metrics: 1-minute intervals"); `treatMissingData` is chosen per
 * alarm, and the reason is written next to it.
 */
import type { EnvironmentConfig } from "../../environments/schema";

/** The seed's metric resolution: every alarm evaluates 60-second periods. */
export const ALARM_PERIOD_SECONDS = 60;

export type Thresholds = EnvironmentConfig["monitoring"]["thresholds"];

/** The CloudWatch-agent metric the Qdrant heartbeat alarm counts (the agent's memory metric). */
export const QDRANT_HEARTBEAT_METRIC = "mem_used_percent";
/** Minutes without a single agent datapoint before the heartbeat alarm fires. */
export const QDRANT_HEARTBEAT_MINUTES = 15;

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
  /** ElastiCache member cluster ids: `<replication-group-id>-001`, `-002`, ... */
  readonly redis?: { readonly replicationGroupId: string; readonly memberClusterIds: readonly string[] };
  /** Qdrant host and the CWAgent dimensions of its memory and data-volume disk metrics. */
  readonly qdrant?: {
    readonly instanceId: string;
    readonly memoryDimensions: Record<string, string>;
    readonly diskDimensions: Record<string, string>;
    /** @default "CWAgent" */
    readonly agentNamespace?: string;
  };
  readonly queue?: { readonly queueName: string; readonly dlqName: string };
  readonly natGatewayIds?: readonly string[];
}

const PERCENTILE = /^p\d{1,2}(\.\d+)?$/;

/** ElastiCache member cluster ids of a replication group: `<id>-001`, `<id>-002`, ... */
export function redisMemberClusterIds(replicationGroupId: string, numCacheClusters: number): string[] {
  return Array.from(
    { length: numCacheClusters },
    (_, i) => `${replicationGroupId}-${String(i + 1).padStart(3, "0")}`,
  );
}

/** True when the statistic is a percentile (rendered as extended_statistic). */
export function isPercentile(statistic: string): boolean {
  return PERCENTILE.test(statistic);
}

/** Builds every alarm spec for the targets given. Families of absent targets are skipped. */
export function buildAlarmSpecs(targets: AlarmTargets, t: Thresholds): AlarmSpec[] {
  const specs: AlarmSpec[] = [];

  if (targets.ecs) {
    const dimensions = { ClusterName: targets.ecs.clusterName, ServiceName: targets.ecs.serviceName };
    // notBreaching: no utilization data means no running tasks (or a deploy gap); the ALB host and
    // 5xx alarms page for an outage, a utilization alarm must not flap on it.
    specs.push({
      family: "ecs-cpu",
      id: "ecs-cpu-high",
      description: `ECS service CPU above ${t.ecsCpuPercent}% for 5 of 5 minutes: autoscaling is at its limit or a task is spinning. See docs/monitoring.md#ecs-cpu.`,
      comparison: "GreaterThanThreshold",
      threshold: t.ecsCpuPercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: "notBreaching",
      metric: { namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions, statistic: "Average" },
    });
    specs.push({
      family: "ecs-memory",
      id: "ecs-memory-high",
      description: `ECS service memory above ${t.ecsMemoryPercent}% for 5 of 5 minutes: tasks risk OOM kills. See docs/monitoring.md#ecs-memory.`,
      comparison: "GreaterThanThreshold",
      threshold: t.ecsMemoryPercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: "notBreaching",
      metric: { namespace: "AWS/ECS", metricName: "MemoryUtilization", dimensions, statistic: "Average" },
    });
  }

  if (targets.alb) {
    const lb = { LoadBalancer: targets.alb.arnSuffix };
    const tg = { ...lb, TargetGroup: targets.alb.targetGroupArnSuffix };
    const alternate = targets.alb.alternateTargetGroupArnSuffix;
    // With two target groups ECS moves the live tasks between them on every deployment: a metric on the
    // primary group alone goes silent (notBreaching) half the time. Latency is then taken for the whole
    // ALB (it only fronts the API), unhealthy hosts as the maximum over both groups.
    const latencyDimensions = alternate ? lb : tg;
    for (const [p, threshold] of [
      ["p95", t.latencyP95Seconds],
      ["p99", t.latencyP99Seconds],
    ] as const) {
      // notBreaching: no requests means no latency datapoints; idle minutes (dev at night) are healthy.
      specs.push({
        family: `latency-${p}`,
        id: `api-latency-${p}`,
        description: `API latency ${p} (ALB TargetResponseTime) above ${threshold}s for 3 of 5 minutes. See docs/monitoring.md#api-latency.`,
        comparison: "GreaterThanThreshold",
        threshold,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: "notBreaching",
        metric: {
          namespace: "AWS/ApplicationELB",
          metricName: "TargetResponseTime",
          dimensions: latencyDimensions,
          statistic: p,
        },
      });
    }
    // One expression for target and ALB 5xx, so one incident pages once; the dashboards split them.
    // FILL(...,0): the ALB publishes HTTPCode_* only for minutes that had such responses.
    // notBreaching: without requests there is no error rate to judge.
    specs.push({
      family: "error-rate",
      id: "api-5xx-rate",
      description: `5xx responses (targets + ALB) above ${t.errorRatePercent}% of requests for 3 of 5 minutes. See docs/monitoring.md#api-5xx-rate.`,
      comparison: "GreaterThanThreshold",
      threshold: t.errorRatePercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      math: {
        expression: "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests",
        label: "5xx error rate (%)",
        metrics: [
          {
            id: "target5xx",
            namespace: "AWS/ApplicationELB",
            metricName: "HTTPCode_Target_5XX_Count",
            dimensions: lb,
            stat: "Sum",
          },
          {
            id: "elb5xx",
            namespace: "AWS/ApplicationELB",
            metricName: "HTTPCode_ELB_5XX_Count",
            dimensions: lb,
            stat: "Sum",
          },
          {
            id: "requests",
            namespace: "AWS/ApplicationELB",
            metricName: "RequestCount",
            dimensions: lb,
            stat: "Sum",
          },
        ],
      },
    });
    // notBreaching: no datapoints = no registered targets (a fresh build before the first task, or the idle
    // group of a blue/green pair); "no healthy target" with traffic is caught by api-5xx-rate (ALB 503s).
    specs.push({
      family: "unhealthy-hosts",
      id: "api-unhealthy-hosts",
      description:
        "At least one API target failed ALB health checks for 3 of 3 minutes. See docs/monitoring.md#api-unhealthy-hosts.",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      ...(alternate
        ? {
            math: {
              expression: "MAX([primary, alternate])",
              label: "Unhealthy targets (both target groups)",
              metrics: [
                {
                  id: "primary",
                  namespace: "AWS/ApplicationELB",
                  metricName: "UnHealthyHostCount",
                  dimensions: tg,
                  stat: "Maximum",
                },
                {
                  id: "alternate",
                  namespace: "AWS/ApplicationELB",
                  metricName: "UnHealthyHostCount",
                  dimensions: { ...lb, TargetGroup: alternate },
                  stat: "Maximum",
                },
              ],
            },
          }
        : {
            metric: {
              namespace: "AWS/ApplicationELB",
              metricName: "UnHealthyHostCount",
              dimensions: tg,
              statistic: "Maximum",
            },
          }),
    });
  }

  if (targets.redis) {
    const members = targets.redis.memberClusterIds;
    if (members.length === 0) throw new Error("Monitoring: redis.memberClusterIds must list at least one id");
    members.forEach((member, i) => {
      const n = String(i + 1).padStart(3, "0");
      const dimensions = { CacheClusterId: member };
      // missing: ElastiCache publishes node metrics every minute; a gap is CloudWatch delay, keep the state.
      specs.push({
        family: "redis-cpu",
        id: `redis-${n}-engine-cpu-high`,
        description: `Redis node ${n}: EngineCPUUtilization above ${t.redisCpuPercent}% for 5 of 5 minutes (Redis is single-threaded). See docs/monitoring.md#redis-cpu.`,
        comparison: "GreaterThanThreshold",
        threshold: t.redisCpuPercent,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        treatMissingData: "missing",
        metric: {
          namespace: "AWS/ElastiCache",
          metricName: "EngineCPUUtilization",
          dimensions,
          statistic: "Average",
        },
      });
      specs.push({
        family: "redis-memory",
        id: `redis-${n}-memory-high`,
        description: `Redis node ${n}: DatabaseMemoryUsagePercentage above ${t.redisMemoryPercent}% for 5 of 5 minutes; evictions follow. See docs/monitoring.md#redis-memory.`,
        comparison: "GreaterThanThreshold",
        threshold: t.redisMemoryPercent,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        treatMissingData: "missing",
        metric: {
          namespace: "AWS/ElastiCache",
          metricName: "DatabaseMemoryUsagePercentage",
          dimensions,
          statistic: "Average",
        },
      });
      // notBreaching: Evictions is only meaningful while keys are written; no data means none.
      specs.push({
        family: "redis-evictions",
        id: `redis-${n}-evictions`,
        description: `Redis node ${n}: more than ${t.redisEvictionsPerMinute} evictions per minute for 5 of 5 minutes. See docs/monitoring.md#redis-evictions.`,
        comparison: "GreaterThanThreshold",
        threshold: t.redisEvictionsPerMinute,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        treatMissingData: "notBreaching",
        metric: { namespace: "AWS/ElastiCache", metricName: "Evictions", dimensions, statistic: "Sum" },
      });
      // Hit rate from KeyspaceHits/Misses, counted as 100% in minutes with fewer than 60 lookups, so an
      // idle cache (dev at night) does not alarm. notBreaching: no data means no lookups at all.
      specs.push({
        family: "redis-hit-rate",
        id: `redis-${n}-hit-rate-low`,
        description: `Redis node ${n}: cache hit rate below ${t.redisHitRatePercent}% for 15 of 15 minutes (with >= 60 lookups a minute). See docs/monitoring.md#redis-hit-rate.`,
        comparison: "LessThanThreshold",
        threshold: t.redisHitRatePercent,
        evaluationPeriods: 15,
        datapointsToAlarm: 15,
        treatMissingData: "notBreaching",
        math: {
          expression: "IF((FILL(hits, 0) + FILL(misses, 0)) >= 60, 100 * hits / (hits + misses), 100)",
          label: "Cache hit rate (%)",
          metrics: [
            { id: "hits", namespace: "AWS/ElastiCache", metricName: "KeyspaceHits", dimensions, stat: "Sum" },
            {
              id: "misses",
              namespace: "AWS/ElastiCache",
              metricName: "KeyspaceMisses",
              dimensions,
              stat: "Sum",
            },
          ],
        },
      });
      // Only replicas publish ReplicationLag, and which node is primary changes on failover: alarm on
      // every member, notBreaching so the current primary's silence is healthy.
      if (members.length > 1)
        specs.push({
          family: "redis-replication-lag",
          id: `redis-${n}-replication-lag`,
          description: `Redis node ${n}: replica more than ${t.redisReplicationLagSeconds}s behind the primary for 5 of 5 minutes. See docs/monitoring.md#redis-replication-lag.`,
          comparison: "GreaterThanThreshold",
          threshold: t.redisReplicationLagSeconds,
          evaluationPeriods: 5,
          datapointsToAlarm: 5,
          treatMissingData: "notBreaching",
          metric: {
            namespace: "AWS/ElastiCache",
            metricName: "ReplicationLag",
            dimensions,
            statistic: "Maximum",
          },
        });
    });
  }

  if (targets.qdrant) {
    const q = targets.qdrant;
    const instance = { InstanceId: q.instanceId };
    const agent = q.agentNamespace ?? "CWAgent";
    // breaching: EC2 publishes status checks every minute (detailed monitoring); silence means the
    // instance is stopped or gone, which for the only Qdrant host is an outage.
    specs.push({
      family: "qdrant-status",
      id: "qdrant-status-check-failed",
      description:
        "Qdrant host failed an EC2 status check (system or instance) for 2 of 2 minutes. See docs/monitoring.md#qdrant-status.",
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: "breaching",
      metric: {
        namespace: "AWS/EC2",
        metricName: "StatusCheckFailed",
        dimensions: instance,
        statistic: "Maximum",
      },
    });
    // notBreaching: the status-check alarm owns "host down"; CPU only judges a running host.
    specs.push({
      family: "qdrant-cpu",
      id: "qdrant-cpu-high",
      description: `Qdrant host CPU above ${t.qdrantCpuPercent}% for 10 of 10 minutes (search or indexing load). See docs/monitoring.md#qdrant-cpu.`,
      comparison: "GreaterThanThreshold",
      threshold: t.qdrantCpuPercent,
      evaluationPeriods: 10,
      datapointsToAlarm: 10,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/EC2",
        metricName: "CPUUtilization",
        dimensions: instance,
        statistic: "Average",
      },
    });
    // missing: a gap keeps the last state (a fresh build or a replaced instance has no datapoints until
    // its agent starts); agent silence is the qdrant-agent-heartbeat alarm's job, not this one's.
    specs.push({
      family: "qdrant-memory",
      id: "qdrant-memory-high",
      description: `Qdrant host memory above ${t.qdrantMemoryPercent}% for 5 of 5 minutes. See docs/monitoring.md#qdrant-memory.`,
      comparison: "GreaterThanThreshold",
      threshold: t.qdrantMemoryPercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: "missing",
      metric: {
        namespace: agent,
        metricName: "mem_used_percent",
        dimensions: q.memoryDimensions,
        statistic: "Average",
      },
    });
    // missing: as for memory; the heartbeat below pages when the agent stops, so this one need not.
    specs.push({
      family: "qdrant-disk",
      id: "qdrant-disk-high",
      description: `Qdrant data volume above ${t.qdrantDiskPercent}% used for 5 of 5 minutes. See docs/monitoring.md#qdrant-disk.`,
      comparison: "GreaterThanThreshold",
      threshold: t.qdrantDiskPercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: "missing",
      metric: {
        namespace: agent,
        metricName: "disk_used_percent",
        dimensions: q.diskDimensions,
        statistic: "Maximum",
      },
    });
    // breaching: the one alarm where missing data IS the signal. The agent publishes mem_used_percent
    // every 60 s with exactly the memory dimensions (append_dimensions InstanceId); SampleCount < 1 never
    // holds while it reports, so the alarm fires only on silence. 15 of 15 one-minute periods (AAI-MON-003
    // keeps every alarm at 60 s) leave a first boot time to install and start the agent, and ride out
    // late flushes, before it pages.
    specs.push({
      family: "qdrant-agent-heartbeat",
      id: "qdrant-agent-heartbeat",
      description: `The CloudWatch agent on the Qdrant host sent no ${QDRANT_HEARTBEAT_METRIC} for ${QDRANT_HEARTBEAT_MINUTES} minutes: memory and disk are unwatched. See docs/monitoring.md#qdrant-agent-heartbeat.`,
      comparison: "LessThanThreshold",
      threshold: 1,
      evaluationPeriods: QDRANT_HEARTBEAT_MINUTES,
      datapointsToAlarm: QDRANT_HEARTBEAT_MINUTES,
      treatMissingData: "breaching",
      metric: {
        namespace: agent,
        metricName: QDRANT_HEARTBEAT_METRIC,
        dimensions: q.memoryDimensions,
        statistic: "SampleCount",
      },
    });
  }

  if (targets.queue) {
    // notBreaching: SQS stops publishing metrics for a queue idle for 6 hours; idle is healthy.
    specs.push({
      family: "dlq-depth",
      id: "dlq-messages",
      description: `More than ${t.dlqMessages} messages in the dead-letter queue: work failed maxReceiveCount times. See docs/monitoring.md#dlq-messages.`,
      comparison: "GreaterThanThreshold",
      threshold: t.dlqMessages,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: targets.queue.dlqName },
        statistic: "Maximum",
      },
    });
    specs.push({
      family: "queue-age",
      id: "queue-oldest-message",
      description: `Oldest work-queue message older than ${t.queueOldestMessageSeconds}s for 5 of 5 minutes: workers are stuck or too few. See docs/monitoring.md#queue-oldest-message.`,
      comparison: "GreaterThanThreshold",
      threshold: t.queueOldestMessageSeconds,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: { QueueName: targets.queue.queueName },
        statistic: "Maximum",
      },
    });
  }

  (targets.natGatewayIds ?? []).forEach((natGatewayId, i) => {
    // notBreaching: NAT gateways publish ErrorPortAllocation only while they carry traffic.
    specs.push({
      family: "nat-port-allocation",
      id: `nat-${i + 1}-port-allocation-errors`,
      description:
        "NAT gateway could not allocate a source port (too many concurrent connections to one destination). See docs/monitoring.md#nat-port-allocation.",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/NATGateway",
        metricName: "ErrorPortAllocation",
        dimensions: { NatGatewayId: natGatewayId },
        statistic: "Sum",
      },
    });
  });

  const ids = new Set<string>();
  for (const s of specs) {
    if (ids.has(s.id)) throw new Error(`Monitoring: duplicate alarm id ${s.id}`);
    ids.add(s.id);
  }
  return specs;
}
