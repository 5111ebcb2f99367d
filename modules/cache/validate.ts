import {
  MAINTENANCE_WINDOW,
  SNAPSHOT_WINDOW,
  maintenanceWindowMinutes,
  snapshotWindowMinutes,
  windowsOverlap,
} from "../../lib/windows";
import type { CacheProps } from "./index";
import { CACHE_NODE_TYPE, MAXMEMORY_POLICIES, REDIS_ENGINE_VERSIONS, REPLICATION_GROUP_ID } from "./settings";
import { shardsProblem } from "./topology";

/** Rejects, at synth, props that AWS would reject at apply time: one line naming the field. */
export function validate(p: CacheProps, engineVersion: string, maxmemoryPolicy: string): void {
  const fail = (field: string, value: unknown, rule: string) => {
    throw new Error(`Cache: ${field} = ${JSON.stringify(value)}: ${rule}`);
  };
  const name = p.platform.name("redis");
  if (!REPLICATION_GROUP_ID.test(name))
    fail(
      "platform.namePrefix",
      p.platform.namePrefix,
      `"${name}" must be a replication group id: 1-40 lowercase letters, digits and single hyphens, starting with a letter`,
    );
  if (!CACHE_NODE_TYPE.test(p.nodeType))
    fail(
      "nodeType",
      p.nodeType,
      "must be a Graviton ElastiCache node type (cache.r6g|r7g|m6g|m7g|t4g.<size>)",
    );
  if (!(REDIS_ENGINE_VERSIONS as readonly string[]).includes(engineVersion))
    fail("engineVersion", engineVersion, `must be one of ${REDIS_ENGINE_VERSIONS.join(", ")}`);
  if (!(MAXMEMORY_POLICIES as readonly string[]).includes(maxmemoryPolicy))
    fail("maxmemoryPolicy", maxmemoryPolicy, `must be one of ${MAXMEMORY_POLICIES.join(", ")}`);
  const n = p.numCacheClusters;
  if (!Number.isInteger(n) || n < 1 || n > 6) fail("numCacheClusters", n, "must be 1-6");
  const shards = p.shards ?? 1;
  const shardRule = shardsProblem({ shards, nodesPerShard: n, multiAz: p.multiAz });
  if (shardRule) fail("shards", shards, shardRule);
  const { privateSubnetIds: subnets, availabilityZones: azs } = p.network;
  if (subnets.length < 2)
    fail(
      "network.privateSubnetIds",
      subnets,
      "must list >= 2 private subnets (one per AZ) for the subnet group",
    );
  if (azs.length !== subnets.length)
    fail("network.availabilityZones", azs, `must name the AZ of each subnet (${subnets.length} subnets)`);
  if (p.multiAz && n < 2)
    fail("numCacheClusters", n, "must be >= 2 when multiAz is true (automatic failover needs a replica)");
  if (p.multiAz && n > azs.length)
    fail(
      "numCacheClusters",
      n,
      `must be <= the number of availability zones (${azs.length}) when multiAz is true`,
    );
  const days = p.snapshotRetentionDays;
  if (!Number.isInteger(days) || days < 0 || days > 35)
    fail("snapshotRetentionDays", days, "must be 0-35 days");
  if (!SNAPSHOT_WINDOW.test(p.snapshotWindow))
    fail("snapshotWindow", p.snapshotWindow, 'must be a UTC window "hh:mm-hh:mm"');
  if (snapshotWindowMinutes(p.snapshotWindow) < 60)
    fail("snapshotWindow", p.snapshotWindow, "must last at least 60 minutes");
  if (!MAINTENANCE_WINDOW.test(p.maintenanceWindow))
    fail("maintenanceWindow", p.maintenanceWindow, 'must be a UTC window "ddd:hh:mm-ddd:hh:mm"');
  if (maintenanceWindowMinutes(p.maintenanceWindow) < 60)
    fail("maintenanceWindow", p.maintenanceWindow, "must last at least 60 minutes");
  if (windowsOverlap(p.snapshotWindow, p.maintenanceWindow))
    fail("snapshotWindow", p.snapshotWindow, `must not overlap maintenanceWindow ${p.maintenanceWindow}`);
}
