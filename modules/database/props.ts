/** The Database construct's props, the targets it hands to monitoring, and the props validation. */
import type { INetwork } from "../networking/network";
import type { Platform } from "../platform";
import type { SecureBucket } from "../storage/secure-bucket";
import {
  CLUSTER_ZONES_RULE,
  NODE_COUNT_RULE,
  type QdrantClusterSettings,
  clusterProblem,
  isValidNodeCount,
  resolveCluster,
} from "./cluster";

const GRAVITON_INSTANCE = /^(a1|[cmrtx]\d+g[a-z]*|im4gn|is4gen|i4g|hpc7g)\.[a-z0-9]+$/;
const TIME_UTC = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface DatabaseProps {
  /**
   * Names (`<prefix>-qdrant`), the CMK (root and data volumes, the API-key secret, the log group, the
   * backup vault), log retention, and `protect` (prevent_destroy on the data volume and vault, a final
   * snapshot on volume deletion, a 30-day secret recovery window).
   */
  readonly platform: Platform;
  /**
   * The host runs in the first private subnet (whose AZ also holds dev's single NAT); the data volume
   * is created in that subnet's AZ (InvalidVolume.ZoneMismatch otherwise).
   */
  readonly network: INetwork;
  /** Where the daily Qdrant snapshots are uploaded: a bucket and a key prefix (no leading/trailing "/"). */
  readonly snapshotBucket: { readonly bucket: SecureBucket; readonly prefix: string };
  /** Private hosted zone created for the VPC, e.g. "prod.air-applied-ai.internal"; Qdrant is qdrant.<zone>. */
  readonly privateZoneName: string;
  /** Graviton (arm64) instance type (the seed: r6g.2xlarge). */
  readonly instanceType: string;
  /** gp3 data volume size, GiB, 1-16384 (the seed: 1 TB = 1024). */
  readonly dataVolumeSizeGiB: number;
  /** gp3 IOPS, 3000-80000 and <= 500 per GiB. @default 3000 */
  readonly dataVolumeIops?: number;
  /** gp3 throughput MiB/s, 125-2000 and <= 0.25 per IOPS. @default 125 */
  readonly dataVolumeThroughput?: number;
  /** Qdrant release tag, >= v1.18.0 (runs qdrant/qdrant:<tag>-unprivileged, arm64). */
  readonly qdrantVersion: string;
  /** Days daily backups (EBS snapshots, and the S3 copies of Qdrant snapshots) are kept (the seed: 30). */
  readonly snapshotRetentionDays: number;
  /** Daily backup time, UTC "HH:MM" (the EBS backup window opens then; the Qdrant snapshot runs then). */
  readonly snapshotTimeUtc: string;
  /**
   * IMDSv2 PUT hop limit. 1 keeps the instance-role credentials away from containers (nothing in the
   * Qdrant container calls AWS: the host fetches the key and uploads snapshots). Set 2 only if a
   * container must call AWS itself (e.g. Qdrant's native S3 snapshot storage). @default 1
   */
  readonly metadataHopLimit?: 1 | 2;
  /**
   * Qdrant nodes: 1 (the seed's single host) or an odd number 3-9: Qdrant's distributed mode, one host
   * per node spread over the private subnets, P2P on 6335 between them. @default 1
   */
  readonly nodes?: number;
  /** A cluster's collection defaults. @default clusterDefaults(nodes) */
  readonly cluster?: Partial<QdrantClusterSettings>;
  /** AZs (of network.availabilityZones) the nodes are spread over, in order. @default every AZ of the network */
  readonly availabilityZones?: readonly string[];
}

/** A host the alarms watch: the instance and the CloudWatch-agent dimensions of its memory and data disk. */
export interface QdrantHostAlarmTarget {
  readonly instanceId: string;
  readonly memoryDimensions: Record<string, string>;
  readonly diskDimensions: Record<string, string>;
}

/** What the alarms watch: node 0 (the only host of one node), and in a cluster the others and the cluster. */
export interface QdrantAlarmTargets extends QdrantHostAlarmTarget {
  /** Nodes 1..n-1 of a cluster, each watched like node 0. @default none */
  readonly otherNodes?: readonly QdrantHostAlarmTarget[];
  /** Node count and replication factor (cluster-health alert thresholds). @default none (one node) */
  readonly cluster?: { readonly nodes: number; readonly replicationFactor: number };
}

/** One Qdrant node. */
export interface QdrantNodeInfo {
  readonly index: number;
  readonly hostname: string;
  readonly instanceId: string;
  readonly dataVolumeId: string;
  readonly availabilityZone: string;
}

/** Throws "Database: <field> = <value>: <rule>" on the first invalid prop. */
export function validateDatabaseProps(p: DatabaseProps, iops: number, throughput: number): void {
  const fail = (field: string, value: unknown, rule: string) => {
    throw new Error(`Database: ${field} = ${JSON.stringify(value)}: ${rule}`);
  };
  if (!GRAVITON_INSTANCE.test(p.instanceType))
    fail(
      "instanceType",
      p.instanceType,
      "must be a Graviton (arm64) type such as r6g.2xlarge: the AMI is AL2023 arm64",
    );
  const size = p.dataVolumeSizeGiB;
  if (!Number.isInteger(size) || size < 1 || size > 16384)
    fail("dataVolumeSizeGiB", size, "must be a gp3 size of 1-16384 GiB");
  if (!Number.isInteger(iops) || iops < 3000 || iops > 80000)
    fail("dataVolumeIops", iops, "must be 3000-80000");
  if (iops > size * 500)
    fail("dataVolumeIops", iops, `must be <= 500 per GiB (${size * 500} for ${size} GiB)`);
  if (!Number.isInteger(throughput) || throughput < 125 || throughput > 2000)
    fail("dataVolumeThroughput", throughput, "must be 125-2000 MiB/s");
  if (throughput > iops * 0.25)
    fail(
      "dataVolumeThroughput",
      throughput,
      `must be <= 0.25 MiB/s per IOPS (${iops * 0.25} for ${iops} IOPS)`,
    );
  const version = /^v(\d+)\.(\d+)\.\d+$/.exec(p.qdrantVersion);
  if (!version || Number(version[1]) < 1 || (Number(version[1]) === 1 && Number(version[2]) < 18))
    fail(
      "qdrantVersion",
      p.qdrantVersion,
      "must be a release tag v1.18.0 or newer (snapshot URL recovery can be turned off)",
    );
  if (!Number.isInteger(p.snapshotRetentionDays) || p.snapshotRetentionDays < 1)
    fail("snapshotRetentionDays", p.snapshotRetentionDays, "must be a whole number of days >= 1");
  if (!TIME_UTC.test(p.snapshotTimeUtc))
    fail("snapshotTimeUtc", p.snapshotTimeUtc, 'must be a UTC time "HH:MM"');
  if (!p.snapshotBucket.prefix || /^\/|\/$/.test(p.snapshotBucket.prefix))
    fail(
      "snapshotBucket.prefix",
      p.snapshotBucket.prefix,
      'must be a non-empty key prefix without leading or trailing "/"',
    );
  const nodes = p.nodes ?? 1;
  if (!isValidNodeCount(nodes)) fail("nodes", nodes, NODE_COUNT_RULE);
  const zones = p.availabilityZones ?? p.network.availabilityZones;
  for (const z of zones)
    if (!p.network.availabilityZones.includes(z))
      fail(
        "availabilityZones",
        zones,
        `must be AZs of the network (${p.network.availabilityZones.join(", ")})`,
      );
  if (nodes > 1 && new Set(zones).size < 2) fail("availabilityZones", zones, CLUSTER_ZONES_RULE);
  const problem = nodes > 1 ? clusterProblem(nodes, resolveCluster(nodes, p.cluster)) : undefined;
  if (problem) fail(`cluster.${problem[0]}`, problem[1], problem[2]);
  if (!/^([a-z0-9-]+\.)+internal$/.test(p.privateZoneName))
    fail("privateZoneName", p.privateZoneName, 'must be a private DNS name ending in ".internal"');
}
