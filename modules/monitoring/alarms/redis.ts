import type { AlarmSpec, AlarmTargets, Thresholds } from "./spec";

/** Alarms of the redis. */
export function redisAlarms(target: NonNullable<AlarmTargets["redis"]>, t: Thresholds): AlarmSpec[] {
  const specs: AlarmSpec[] = [];
  const members = target.memberClusterIds;
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
  return specs;
}
