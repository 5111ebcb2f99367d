import type { AlarmSpec, AlarmTargets, Thresholds } from "./spec";

/**
 * Where a member sits, for alarm ids and descriptions: node "002" of a cluster-mode-disabled group, or
 * shard "0002" node "001" ("0002-001") with cluster mode (the members' naming, modules/cache/topology.ts).
 */
export function redisNodeLabels(memberCount: number, shards = 1): { id: string; name: string }[] {
  const perShard = memberCount / shards;
  if (memberCount === 0 || !Number.isInteger(shards) || shards < 1 || !Number.isInteger(perShard))
    throw new Error(
      `Monitoring: redis.memberClusterIds must list the same number (>= 1) of nodes for each of ${shards} shard(s), got ${memberCount}`,
    );
  return Array.from({ length: memberCount }, (_, i) => {
    const node = String((i % perShard) + 1).padStart(3, "0");
    if (shards === 1) return { id: node, name: `node ${node}` };
    const shard = String(Math.floor(i / perShard) + 1).padStart(4, "0");
    return { id: `${shard}-${node}`, name: `shard ${shard} node ${node}` };
  });
}

/** Alarms of the redis: each node's CPU, memory, evictions and hit rate, and replicas' lag, per shard. */
export function redisAlarms(target: NonNullable<AlarmTargets["redis"]>, t: Thresholds): AlarmSpec[] {
  const specs: AlarmSpec[] = [];
  const members = target.memberClusterIds;
  const shards = target.shards ?? 1;
  const labels = redisNodeLabels(members.length, shards);
  members.forEach((member, i) => {
    const { id: n, name } = labels[i];
    const dimensions = { CacheClusterId: member };
    // missing: ElastiCache publishes node metrics every minute; a gap is CloudWatch delay, keep the state.
    specs.push({
      family: "redis-cpu",
      id: `redis-${n}-engine-cpu-high`,
      description: `Redis ${name}: EngineCPUUtilization above ${t.redisCpuPercent}% for 5 of 5 minutes (Redis is single-threaded). See docs/monitoring.md#redis-cpu.`,
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
      description: `Redis ${name}: DatabaseMemoryUsagePercentage above ${t.redisMemoryPercent}% for 5 of 5 minutes; evictions follow. See docs/monitoring.md#redis-memory.`,
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
      description: `Redis ${name}: more than ${t.redisEvictionsPerMinute} evictions per minute for 5 of 5 minutes. See docs/monitoring.md#redis-evictions.`,
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
      description: `Redis ${name}: cache hit rate below ${t.redisHitRatePercent}% for 15 of 15 minutes (with >= 60 lookups a minute). See docs/monitoring.md#redis-hit-rate.`,
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
    // every member of a shard with replicas, notBreaching so the current primary's silence is healthy.
    if (members.length / shards > 1)
      specs.push({
        family: "redis-replication-lag",
        id: `redis-${n}-replication-lag`,
        description: `Redis ${name}: replica more than ${t.redisReplicationLagSeconds}s behind the primary for 5 of 5 minutes. See docs/monitoring.md#redis-replication-lag.`,
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
  return specs;
}
