/**
 * The alarm pack: one typed spec per alarm, built from the other tiers' identifiers (their
 * `alarmTargets`) and the thresholds in config, one file per watched tier. Every alarm evaluates
 * 1-minute datapoints (the seed: "Metrics: 1-minute intervals"); `treatMissingData` is chosen per
 * alarm, and the reason is written next to it.
 */
import { albAlarms } from "./alb";
import { ecsAlarms } from "./ecs";
import { natAlarms } from "./nat";
import { qdrantAlarms } from "./qdrant";
import { queueAlarms } from "./queue";
import { redisAlarms } from "./redis";
import type { AlarmSpec, AlarmTargets, Thresholds } from "./spec";

export { QDRANT_HEARTBEAT_METRIC, QDRANT_HEARTBEAT_MINUTES } from "./qdrant";
export { redisNodeLabels } from "./redis";
export * from "./spec";

const PERCENTILE = /^p\d{1,2}(\.\d+)?$/;

/**
 * ElastiCache member cluster ids of a replication group: `<id>-001`, `<id>-002`, ... (cluster mode:
 * `<id>-0001-001`, ...): the cache module's naming, so alarms and the group agree.
 */
export { memberClusterIds as redisMemberClusterIds } from "../../cache/topology";

/** True when the statistic is a percentile (rendered as extended_statistic). */
export function isPercentile(statistic: string): boolean {
  return PERCENTILE.test(statistic);
}

/** Builds every alarm spec for the targets given. Families of absent targets are skipped. */
export function buildAlarmSpecs(targets: AlarmTargets, t: Thresholds): AlarmSpec[] {
  const specs: AlarmSpec[] = [
    ...(targets.ecs ? ecsAlarms(targets.ecs, t) : []),
    ...(targets.alb ? albAlarms(targets.alb, t) : []),
    ...(targets.redis ? redisAlarms(targets.redis, t) : []),
    ...(targets.qdrant ? qdrantAlarms(targets.qdrant, t) : []),
    ...(targets.queue ? queueAlarms(targets.queue, t) : []),
    ...natAlarms(targets.natGatewayIds ?? []),
  ];
  const ids = new Set<string>();
  for (const s of specs) {
    if (ids.has(s.id)) throw new Error(`Monitoring: duplicate alarm id ${s.id}`);
    ids.add(s.id);
  }
  return specs;
}
