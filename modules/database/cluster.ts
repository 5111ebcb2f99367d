/**
 * Qdrant distributed mode (Raft consensus, sharding, replication), as the database module uses it:
 * how many nodes, where they run, what they are called, and the collection defaults that make
 * replication real. Pure functions; the constructs are in index.ts and node.ts.
 */
import type { INetwork } from "../networking/network";

/** Qdrant's internal (peer-to-peer) port: Raft messages and shard transfers between nodes. */
export const QDRANT_P2P_PORT = 6335;
/** Upper bound of database.nodes (Raft gets slower with every voter; 9 tolerates 4 failures). */
export const QDRANT_MAX_NODES = 9;

/** Collection defaults for a cluster (Qdrant's collection API takes them per collection). */
export interface QdrantClusterSettings {
  /** Copies of every shard, on distinct nodes (`replication_factor`). */
  readonly replicationFactor: number;
  /** Replicas that must acknowledge a write before it succeeds (`write_consistency_factor`). */
  readonly writeConsistencyFactor: number;
  /** Shards per collection (`shard_number`). */
  readonly shardNumber: number;
}

/** 1 (one host, no cluster) or an odd count 3..QDRANT_MAX_NODES. */
export function isValidNodeCount(nodes: number): boolean {
  return Number.isInteger(nodes) && nodes >= 1 && nodes <= QDRANT_MAX_NODES && nodes % 2 === 1;
}

/** What a bad node count is told. */
export const NODE_COUNT_RULE = `must be 1 or an odd number 3-${QDRANT_MAX_NODES} (Raft needs a majority: an even count tolerates no more node failures than one node fewer)`;

/**
 * Defaults derived from the node count:
 * - replicationFactor 2 for 3 nodes, 3 for 5 or more: every shard survives the loss of any one node
 *   (two with 5+), and a lost node's replicas are re-created from the surviving copy;
 * - writeConsistencyFactor 1: a write succeeds once one replica has it, so losing a node never blocks
 *   writes; the other replica is updated in the same request, or marked dead and re-synced by a shard
 *   transfer. A majority (2 of 2 for RF 2) would make every node a single point of failure for writes.
 * - shardNumber 2 per node: shards spread evenly now, and whole shards can move when nodes are added.
 */
export function clusterDefaults(nodes: number): QdrantClusterSettings {
  return {
    replicationFactor: nodes === 1 ? 1 : Math.min(3, Math.ceil(nodes / 2)),
    writeConsistencyFactor: 1,
    shardNumber: 2 * nodes,
  };
}

/** The defaults, overridden by what the config gives. */
export function resolveCluster(
  nodes: number,
  given: Partial<QdrantClusterSettings> = {},
): QdrantClusterSettings {
  return { ...clusterDefaults(nodes), ...given };
}

/** [field, value, rule] of the first inconsistent cluster setting, or undefined. */
export function clusterProblem(
  nodes: number,
  settings: QdrantClusterSettings,
): [keyof QdrantClusterSettings, number, string] | undefined {
  if (settings.replicationFactor > nodes)
    return ["replicationFactor", settings.replicationFactor, `must be <= database.nodes (${nodes})`];
  if (settings.writeConsistencyFactor > settings.replicationFactor)
    return [
      "writeConsistencyFactor",
      settings.writeConsistencyFactor,
      `must be <= replicationFactor (${settings.replicationFactor})`,
    ];
  return undefined;
}

/** What a cluster placed in fewer than two availability zones is told. */
export const CLUSTER_ZONES_RULE =
  "must name at least two availability zones for a cluster (database.nodes >= 3): one AZ would be a single point of failure";

/** Where node i runs: a private subnet and its AZ. */
export interface NodePlacement {
  readonly subnetId: string;
  readonly availabilityZone: string;
}

/**
 * Spreads `nodes` over the private subnets of `zones` (default: every AZ of the network), round-robin
 * by index: node 0 stays in the first one (the seed's host), node i in zone i mod zones.
 */
export function placeNodes(network: INetwork, nodes: number, zones?: readonly string[]): NodePlacement[] {
  const subnets = network.privateSubnetIds.map((subnetId, i) => ({
    subnetId,
    availabilityZone: network.availabilityZones[i],
  }));
  const chosen = zones ? zones.map((z) => subnets.find((s) => s.availabilityZone === z)!) : subnets;
  return Array.from({ length: nodes }, (_, i) => chosen[i % chosen.length]);
}

/** Stable private DNS name of node i: qdrant-<i>.<zone>. */
export function nodeHostname(index: number, privateZoneName: string): string {
  return `qdrant-${index}.${privateZoneName}`;
}
