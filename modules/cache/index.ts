import { ElasticacheParameterGroup } from "@cdktf/provider-aws/lib/elasticache-parameter-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { Construct } from "constructs";
import type { IGrantable } from "../../lib/iam";
import {
  MAINTENANCE_WINDOW,
  SNAPSHOT_WINDOW,
  maintenanceWindowMinutes,
  snapshotWindowMinutes,
  windowsOverlap,
} from "../../lib/windows";
import type { INetwork } from "../networking/network";
import type { Platform, TierOutputs } from "../platform";
import type { Connections, IConnectable } from "../security/connections";
import { GeneratedSecret } from "../security/generated-secret";
import { EncryptedLogGroup } from "../security/log-group";
import { SecurityGroup } from "../security/security-group";

/** The Redis port (TLS; clients connect with rediss://). */
export const REDIS_PORT = 6379;
/** Engine versions this module supports; each maps to a parameter-group family (redis7). */
export const REDIS_ENGINE_VERSIONS = ["7.0", "7.1"] as const;
export type RedisEngineVersion = (typeof REDIS_ENGINE_VERSIONS)[number];
/** Eviction policies Redis accepts for maxmemory-policy. */
export const MAXMEMORY_POLICIES = [
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
  "noeviction",
] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];
/** Graviton ElastiCache node types (cache.r6g needs Redis >= 5.0.6; every supported version qualifies). */
export const CACHE_NODE_TYPE =
  /^cache\.(r6g|r7g|m6g|m7g|t4g)\.(micro|small|medium|large|xlarge|2xlarge|4xlarge|8xlarge|12xlarge|16xlarge)$/;
/** Log types delivered to CloudWatch Logs (engine-log needs Redis >= 6.2). */
export const REDIS_LOG_TYPES = ["slow-log", "engine-log"] as const;
/**
 * Characters the AUTH-token generator must never produce. ElastiCache accepts 16-128 printable ASCII
 * characters whose only non-alphanumerics are ! & # $ ^ < > - (CreateReplicationGroup AuthToken
 * constraints; "@", '"' and "/" are the best-known offenders, but "%", "*", "+" ... fail too), so every
 * other printable punctuation character, and the space, is excluded.
 */
export const REDIS_AUTH_EXCLUDED_CHARACTERS = `"%'()*+,./:;=?@[\\]_\`{|}~ `;
/** Non-alphanumerics ElastiCache accepts in an AUTH token. */
export const REDIS_AUTH_ALLOWED_SPECIALS = "!&#$^<>-";

const REPLICATION_GROUP_ID = /^[a-z](?!.*--)[a-z0-9-]{0,38}[a-z0-9]$/;

export interface CacheProps {
  /**
   * Names (`<prefix>-redis`), the CMK (data at rest, the AUTH-token secret, the log groups), log
   * retention, and `protect` (prevent_destroy, a final snapshot, a 30-day secret recovery window).
   */
  readonly platform: Platform;
  /**
   * The subnet group spans the private subnets, one per AZ (>= 2, so a replica can live in another
   * AZ); node i is placed in AZ i (mod the count).
   */
  readonly network: INetwork;
  /** Graviton node type, e.g. cache.r6g.xlarge (the seed). */
  readonly nodeType: string;
  /** Nodes in the replication group: 1 primary + (n - 1) replicas, 1-6. */
  readonly numCacheClusters: number;
  /** Multi-AZ with automatic failover (both or neither); needs >= 2 nodes in distinct AZs. */
  readonly multiAz: boolean;
  /** Redis engine version. @default "7.1" */
  readonly engineVersion?: RedisEngineVersion;
  /** Days of daily snapshots kept, 0-35 (0 turns backups off). */
  readonly snapshotRetentionDays: number;
  /** Daily snapshot window, UTC "hh:mm-hh:mm", >= 60 minutes, outside the maintenance window. */
  readonly snapshotWindow: string;
  /** Weekly maintenance window, UTC "ddd:hh:mm-ddd:hh:mm", >= 60 minutes. */
  readonly maintenanceWindow: string;
  /** Eviction policy when memory is full. @default "allkeys-lru" (a pure cache: any key may go) */
  readonly maxmemoryPolicy?: MaxmemoryPolicy;
  /** Apply modifications at once instead of in the maintenance window. @default !protect */
  readonly applyImmediately?: boolean;
  /** SNS topic for ElastiCache events (failovers, node replacements). @default none */
  readonly notificationTopicArn?: string;
  /**
   * Name of a (manual) ElastiCache snapshot a new group is seeded from. It takes effect only when the
   * group is created (snapshot_name is in ignore_changes): see the README's restore steps. @default none
   */
  readonly restoreFromSnapshot?: string;
  /** Bump to generate a new AUTH token and SET it on the group (rotation by deployment). @default 1 */
  readonly authTokenVersion?: number;
}

/** What the alarms watch: the group and its members (the CacheClusterId dimension). */
export interface RedisAlarmTargets {
  readonly replicationGroupId: string;
  readonly memberClusterIds: readonly string[];
}

/**
 * ElastiCache Redis (the seed's Caching tier): a cluster-mode-disabled replication group (a primary
 * and read replicas) in the private subnets, each node in its own AZ, with Multi-AZ automatic
 * failover, encryption at rest (CMK) and in transit (TLS required), an AUTH token generated inside
 * AWS and kept in Secrets Manager, daily snapshots, slow-log and engine-log delivery to KMS-encrypted
 * log groups, and a security group that admits 6379 only from groups connected to it
 * (`app.connections.allowTo(cache)`).
 */
export class Cache extends Construct implements IConnectable {
  /** Primary (read/write) endpoint; follows the primary across failovers. */
  public readonly primaryEndpointAddress: string;
  /** Reader endpoint: spreads reads over the replicas. */
  public readonly readerEndpointAddress: string;
  public readonly port: number = REDIS_PORT;
  /** Secrets Manager secret holding the AUTH token. */
  public readonly authTokenSecretArn: string;
  public readonly securityGroupId: string;
  public readonly replicationGroupId: string;
  /** ARN of the replication group. */
  public readonly replicationGroupArn: string;
  /**
   * Cache cluster (node) ids, "<replicationGroupId>-001" ...: ElastiCache's naming for the members of
   * a cluster-mode-disabled group, and the CacheClusterId dimension of its CloudWatch metrics.
   */
  public readonly memberClusterIds: readonly string[];
  /** Log groups of the slow log and the engine log. */
  public readonly logGroupNames: Readonly<Record<(typeof REDIS_LOG_TYPES)[number], string>>;
  /** Clients connect with `client.connections.allowTo(cache)` (6379 both ends). */
  public readonly connections: Connections;
  public readonly alarmTargets: RedisAlarmTargets;
  /** Root outputs: redis_primary_endpoint, redis_reader_endpoint, redis_auth_secret_arn. */
  public readonly outputs: TierOutputs;
  private readonly authToken: GeneratedSecret;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    const engineVersion = props.engineVersion ?? "7.1";
    const maxmemoryPolicy = props.maxmemoryPolicy ?? "allkeys-lru";
    validate(props, engineVersion, maxmemoryPolicy);
    const { platform, network } = props;
    const protect = platform.protect;
    const name = platform.name("redis");
    const family = parameterGroupFamily(engineVersion);

    // --- AUTH token: generated in AWS, read by Terraform at apply time, never in the JSON ----------
    this.authToken = new GeneratedSecret(this, "auth-token", {
      secretName: `${platform.namePrefix}/redis-auth-token`,
      description: "ElastiCache Redis AUTH token (clients send it with AUTH over TLS)",
      key: platform.key,
      length: 64,
      excludeCharacters: REDIS_AUTH_EXCLUDED_CHARACTERS,
      recoveryWindowInDays: protect ? 30 : 0,
      version: props.authTokenVersion,
    });

    // --- Network: subnet group over the private subnets, a group with no rules until allowFrom -----
    const subnetGroup = new ElasticacheSubnetGroup(this, "subnet-group", {
      name,
      description: `${name}: private subnets`,
      subnetIds: [...network.privateSubnetIds],
    });
    const securityGroup = new SecurityGroup(this, "sg", {
      vpcId: network.vpcId,
      name,
      description: `Redis: ${REDIS_PORT} from application security groups only`,
      peerName: "redis",
      peerDescription: "Redis",
      defaultPorts: [REDIS_PORT],
      portLabels: { [REDIS_PORT]: `${REDIS_PORT}/tcp (TLS)` },
    });
    this.connections = securityGroup.connections;
    // No egress rules: security groups are stateful, so replies to admitted clients flow back without
    // one, and ElastiCache nodes open no connections of their own through their ENIs (replication,
    // snapshots to S3 and log delivery run on AWS's side).

    // --- Parameters: the engine's family, cache eviction ---------------------------------------------
    const parameterGroup = new ElasticacheParameterGroup(this, "parameters", {
      name: `${name}-${family}`,
      family,
      description: `${name}: ${family}, maxmemory-policy ${maxmemoryPolicy}`,
      parameter: [{ name: "maxmemory-policy", value: maxmemoryPolicy }],
      // The name carries the family, so an engine upgrade creates the new group before the old one
      // (still attached) is deleted.
      lifecycle: { createBeforeDestroy: true },
    });

    // --- Logs: slow log and engine log, JSON, to 30-day CMK-encrypted groups ------------------------
    const logGroups = Object.fromEntries(
      REDIS_LOG_TYPES.map((type) => [
        type,
        new EncryptedLogGroup(this, type, {
          platform,
          name: `/${platform.namePrefix}/redis/${type}`,
        }),
      ]),
    ) as Record<(typeof REDIS_LOG_TYPES)[number], EncryptedLogGroup>;

    // --- The replication group ----------------------------------------------------------------------
    const group = new ElasticacheReplicationGroup(this, "replication-group", {
      replicationGroupId: name,
      description: `${name}: Redis ${engineVersion}, ${props.numCacheClusters} node(s)`,
      engine: "redis",
      engineVersion,
      nodeType: props.nodeType,
      port: REDIS_PORT,
      parameterGroupName: parameterGroup.name,
      clusterMode: "disabled",
      numCacheClusters: props.numCacheClusters,
      preferredCacheClusterAzs: preferredAzs(network.availabilityZones, props.numCacheClusters),
      multiAzEnabled: props.multiAz,
      automaticFailoverEnabled: props.multiAz,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [securityGroup.securityGroupId],
      // Nullable bools in provider v6 take "true"/"false"/"" only (aws-constraints 8).
      atRestEncryptionEnabled: "true",
      kmsKeyId: platform.key.keyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      authToken: this.authToken.valueForResourceArgument(),
      // SET replaces the token; ROTATE would keep the old one valid and, on a group created without a
      // token, leave passwordless access open (TPA#33439, #34609).
      authTokenUpdateStrategy: "SET",
      snapshotRetentionLimit: props.snapshotRetentionDays,
      snapshotWindow: props.snapshotWindow,
      maintenanceWindow: props.maintenanceWindow,
      finalSnapshotIdentifier: protect ? `${name}-final` : undefined,
      snapshotName: props.restoreFromSnapshot,
      autoMinorVersionUpgrade: "true",
      applyImmediately: props.applyImmediately ?? !protect,
      notificationTopicArn: props.notificationTopicArn,
      logDeliveryConfiguration: REDIS_LOG_TYPES.map((type) => ({
        destination: logGroups[type].logGroupName,
        destinationType: "cloudwatch-logs",
        logFormat: "json",
        logType: type,
      })),
      tags: { Name: name },
      // snapshot_name only seeds a new group: a restore is `apply -replace`, and unsetting it later
      // must not replace the group again.
      lifecycle: { preventDestroy: protect, ignoreChanges: ["snapshot_name"] },
    });

    this.primaryEndpointAddress = group.primaryEndpointAddress;
    this.readerEndpointAddress = group.readerEndpointAddress;
    this.authTokenSecretArn = this.authToken.secretArn;
    this.securityGroupId = securityGroup.securityGroupId;
    this.replicationGroupId = group.id;
    this.replicationGroupArn = group.arn;
    this.memberClusterIds = Array.from(
      { length: props.numCacheClusters },
      (_, i) => `${name}-${String(i + 1).padStart(3, "0")}`,
    );
    this.logGroupNames = {
      "slow-log": logGroups["slow-log"].logGroupName,
      "engine-log": logGroups["engine-log"].logGroupName,
    };
    this.alarmTargets = {
      replicationGroupId: this.replicationGroupId,
      memberClusterIds: this.memberClusterIds,
    };
    this.outputs = {
      redis_primary_endpoint: {
        value: this.primaryEndpointAddress,
        description: "Redis primary endpoint (TLS, 6379)",
      },
      redis_reader_endpoint: {
        value: this.readerEndpointAddress,
        description: "Redis reader endpoint (TLS, 6379)",
      },
      redis_auth_secret_arn: {
        value: this.authTokenSecretArn,
        description: "Secrets Manager ARN of the AUTH token",
      },
    };
  }

  /** Lets a role read the AUTH token (e.g. an ECS task execution role injecting it as a secret). */
  public grantReadAuthToken(grantee: IGrantable): void {
    this.authToken.grantRead(grantee);
  }
}

/** Parameter-group family of an engine version: "redis7" for 7.x (aws-constraints 33). */
export function parameterGroupFamily(engineVersion: string): string {
  return `redis${engineVersion.split(".")[0]}`;
}

/** One AZ per node, in order: the primary in the first AZ, each replica in the next. */
export function preferredAzs(availabilityZones: readonly string[], nodes: number): string[] {
  return Array.from({ length: nodes }, (_, i) => availabilityZones[i % availabilityZones.length]);
}

function validate(p: CacheProps, engineVersion: string, maxmemoryPolicy: string): void {
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
