/**
 * How the cache's nodes are arranged. One shard is a cluster-mode-disabled replication group (a primary
 * and its replicas); two or more shards are cluster mode enabled: the keyspace's 16384 hash slots are split
 * over the shards, each a primary with the same number of replicas. Clients then connect through the
 * configuration endpoint with a cluster-aware client (README: How the application connects).
 */

/** Shards (node groups) per replication group: node group ids run 0001-0090 (API NodeGroup). */
export const MAX_CACHE_SHARDS = 90;
/** Nodes per cluster-mode-enabled group without a quota increase (shards x nodes per shard). */
export const MAX_CACHE_NODES = 90;

/** The CacheProps fields that decide the layout. */
export interface CacheLayout {
  /** Shards: 1 = cluster mode disabled. */
  readonly shards: number;
  /** Nodes per shard: a primary + replicas. */
  readonly nodesPerShard: number;
  readonly multiAz: boolean;
}

/**
 * Cache cluster (node) ids, shard by shard: the CacheClusterId dimension of the node metrics. Cluster mode
 * disabled: `<group>-001`, `-002`, ...; enabled: `<group>-0001-001`, `<group>-0001-002`, `<group>-0002-001`,
 * ... (node group ids 0001-0090, three-digit member numbers). A group that was moved to cluster mode in
 * place keeps the names it had (README: Moving from 1 to 2+ shards).
 */
export function memberClusterIds(groupId: string, nodesPerShard: number, shards = 1): string[] {
  const node = (n: number) => String(n + 1).padStart(3, "0");
  const nodes = Array.from({ length: nodesPerShard }, (_, n) => node(n));
  if (shards === 1) return nodes.map((n) => `${groupId}-${n}`);
  return Array.from({ length: shards }, (_, s) => String(s + 1).padStart(4, "0")).flatMap((shard) =>
    nodes.map((n) => `${groupId}-${shard}-${n}`),
  );
}

/** One AZ per node, in order: the primary in the first AZ, each replica in the next. */
export function preferredAzs(availabilityZones: readonly string[], nodes: number): string[] {
  return Array.from({ length: nodes }, (_, i) => availabilityZones[i % availabilityZones.length]);
}

/**
 * The replication group arguments that differ between the modes. Cluster mode disabled keeps the
 * arguments the group had before shards existed (num_cache_clusters, one AZ per node, failover with
 * Multi-AZ). Cluster mode enabled: num_node_groups and replicas_per_node_group (the provider rejects
 * num_cache_clusters with either), no AZ list (ElastiCache spreads each shard's nodes over the subnet
 * group's AZs; node_group_configuration would pin them, and changing it replaces the group), and
 * automatic failover always on (AWS requires it for cluster mode enabled).
 */
export function topologyArguments(layout: CacheLayout, availabilityZones: readonly string[]) {
  const { shards, nodesPerShard, multiAz } = layout;
  if (shards === 1)
    return {
      clusterMode: "disabled",
      numCacheClusters: nodesPerShard,
      preferredCacheClusterAzs: preferredAzs(availabilityZones, nodesPerShard),
      multiAzEnabled: multiAz,
      automaticFailoverEnabled: multiAz,
    };
  return {
    clusterMode: "enabled",
    numNodeGroups: shards,
    replicasPerNodeGroup: nodesPerShard - 1,
    multiAzEnabled: multiAz,
    automaticFailoverEnabled: true,
  };
}

/**
 * The custom parameter group's name suffix and parameters. cluster-enabled must match the group's mode
 * (AWS refuses a parameter group whose cluster-enabled differs from the group's), so cluster mode gets its
 * own group, `<name>-<family>-cluster`: switching modes creates it before the old one is deleted.
 */
export function parameterSettings(shards: number, maxmemoryPolicy: string) {
  const parameters = [{ name: "maxmemory-policy", value: maxmemoryPolicy }];
  return shards === 1
    ? { suffix: "", mode: "", parameters }
    : {
        suffix: "-cluster",
        mode: " cluster mode,",
        parameters: [...parameters, { name: "cluster-enabled", value: "yes" }],
      };
}

/**
 * What is wrong with the shard count, or undefined: one rule shared by the Cache constructor and the
 * config schema (`prefix` names the sibling fields as the caller's reader knows them, e.g. "cache.").
 */
export function shardsProblem(layout: CacheLayout, prefix = ""): string | undefined {
  const { shards, nodesPerShard: n, multiAz } = layout;
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_CACHE_SHARDS)
    return `must be 1-${MAX_CACHE_SHARDS}`;
  if (shards > 1 && !multiAz)
    return `must be 1 when ${prefix}multiAz is false (cluster mode needs automatic failover, so a replica in every shard)`;
  if (shards * n > MAX_CACHE_NODES)
    return `must be <= ${Math.floor(MAX_CACHE_NODES / n)} with ${prefix}numCacheClusters ${n} (${MAX_CACHE_NODES} nodes per group)`;
  return undefined;
}
