import { ElasticacheParameterGroup } from "@cdktf/provider-aws/lib/elasticache-parameter-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { Construct } from "constructs";
import type { IGrantable, SecretBinding } from "../../lib/iam";
import type { INetwork } from "../networking/network";
import type { Platform, TierOutputs } from "../platform";
import type { Connections, IConnectable } from "../security/connections";
import { GeneratedSecret } from "../security/generated-secret";
import { EncryptedLogGroup } from "../security/log-group";
import { SecurityGroup } from "../security/security-group";
import {
  REDIS_AUTH_EXCLUDED_CHARACTERS,
  REDIS_LOG_TYPES,
  REDIS_PORT,
  type MaxmemoryPolicy,
  type RedisEngineVersion,
  parameterGroupFamily,
} from "./settings";
import { memberClusterIds, parameterSettings, topologyArguments } from "./topology";
import { validate } from "./validate";

export * from "./settings";
export { MAX_CACHE_NODES, MAX_CACHE_SHARDS, memberClusterIds, preferredAzs, shardsProblem } from "./topology";

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
  /** Nodes per shard: 1 primary + (n - 1) replicas, 1-6 (with one shard: the whole group). */
  readonly numCacheClusters: number;
  /**
   * Shards (node groups), 1-90. 1: cluster mode disabled, the group as it always was. 2+: cluster mode
   * enabled, each shard `numCacheClusters` nodes; needs `multiAz` (cluster mode requires automatic
   * failover) and cluster-aware clients. @default 1
   */
  readonly shards?: number;
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

/** What the alarms watch: the group and its members (the CacheClusterId dimension), shard by shard. */
export interface RedisAlarmTargets {
  readonly replicationGroupId: string;
  readonly memberClusterIds: readonly string[];
  /** Shards; the members list the shards' nodes in order, the same number per shard. @default 1 */
  readonly shards?: number;
}

/**
 * ElastiCache Redis (the seed's Caching tier): a cluster-mode-disabled replication group (a primary
 * and read replicas) in the private subnets, each node in its own AZ, with Multi-AZ automatic
 * failover (with `shards` >= 2: cluster mode enabled, that many shards of a primary and replicas),
 * encryption at rest (CMK) and in transit (TLS required), an AUTH token generated inside AWS and kept
 * in Secrets Manager, daily snapshots, slow-log and engine-log delivery to KMS-encrypted
 * log groups, and a security group that admits 6379 only from groups connected to it
 * (`app.connections.allowTo(cache)`).
 */
export class Cache extends Construct implements IConnectable {
  /** Primary (read/write) endpoint; follows the primary across failovers. */
  public readonly primaryEndpointAddress: string;
  /** Reader endpoint: spreads reads over the replicas. */
  public readonly readerEndpointAddress: string;
  /** Configuration endpoint: cluster mode's single entry point (empty with cluster mode disabled). */
  public readonly configurationEndpointAddress: string;
  /** True with 2+ shards: clients must speak the cluster protocol (MOVED/ASK redirects). */
  public readonly clusterMode: boolean;
  /** Where clients connect: the primary endpoint, or in cluster mode the configuration endpoint. */
  public readonly clientEndpoint: string;
  /**
   * What the service gets as environment variables: REDIS_HOST (clientEndpoint), REDIS_PORT, REDIS_TLS,
   * and REDIS_READER_HOST (cluster mode disabled) or REDIS_CLUSTER_MODE = "true" (enabled).
   */
  public readonly clientEnvironment: Readonly<Record<string, string>>;
  /** The AUTH token for clients: REDIS_AUTH_TOKEN, read through grantReadAuthToken. */
  public readonly clientSecret: SecretBinding;
  public readonly port: number = REDIS_PORT;
  /** Secrets Manager secret holding the AUTH token. */
  public readonly authTokenSecretArn: string;
  public readonly securityGroupId: string;
  public readonly replicationGroupId: string;
  /** ARN of the replication group. */
  public readonly replicationGroupArn: string;
  /**
   * Cache cluster (node) ids, "<replicationGroupId>-001" ... (cluster mode: "-0001-001" ...), shard by
   * shard: ElastiCache's naming for a group's members, and the CacheClusterId dimension of its metrics.
   */
  public readonly memberClusterIds: readonly string[];
  /** Log groups of the slow log and the engine log. */
  public readonly logGroupNames: Readonly<Record<(typeof REDIS_LOG_TYPES)[number], string>>;
  /** Clients connect with `client.connections.allowTo(cache)` (6379 both ends). */
  public readonly connections: Connections;
  public readonly alarmTargets: RedisAlarmTargets;
  /**
   * Root outputs: redis_primary_endpoint and redis_reader_endpoint (cluster mode instead:
   * redis_configuration_endpoint), redis_auth_secret_arn.
   */
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
    const shards = props.shards ?? 1;
    const nodes = props.numCacheClusters;

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

    // --- Parameters: the engine's family, cache eviction, cluster-enabled with 2+ shards ---------------
    const settings = parameterSettings(shards, maxmemoryPolicy);
    const parameterGroup = new ElasticacheParameterGroup(this, "parameters", {
      name: `${name}-${family}${settings.suffix}`,
      family,
      description: `${name}: ${family},${settings.mode} maxmemory-policy ${maxmemoryPolicy}`,
      parameter: settings.parameters,
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
      description: `${name}: Redis ${engineVersion}, ${shards > 1 ? `${shards} shards x ` : ""}${nodes} node(s)`,
      engine: "redis",
      engineVersion,
      nodeType: props.nodeType,
      port: REDIS_PORT,
      parameterGroupName: parameterGroup.name,
      ...topologyArguments(
        { shards, nodesPerShard: nodes, multiAz: props.multiAz },
        network.availabilityZones,
      ),
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
    this.configurationEndpointAddress = group.configurationEndpointAddress;
    this.clusterMode = shards > 1;
    this.clientEndpoint = this.clusterMode ? this.configurationEndpointAddress : this.primaryEndpointAddress;
    const connection = { REDIS_HOST: this.clientEndpoint, REDIS_PORT: String(REDIS_PORT), REDIS_TLS: "true" };
    this.clientEnvironment = this.clusterMode
      ? { ...connection, REDIS_CLUSTER_MODE: "true" }
      : { ...connection, REDIS_READER_HOST: this.readerEndpointAddress };
    this.authTokenSecretArn = this.authToken.secretArn;
    this.clientSecret = {
      name: "REDIS_AUTH_TOKEN",
      valueFrom: this.authTokenSecretArn,
      grantRead: (grantee) => this.grantReadAuthToken(grantee),
    };
    this.securityGroupId = securityGroup.securityGroupId;
    this.replicationGroupId = group.id;
    this.replicationGroupArn = group.arn;
    this.memberClusterIds = memberClusterIds(name, nodes, shards);
    this.logGroupNames = {
      "slow-log": logGroups["slow-log"].logGroupName,
      "engine-log": logGroups["engine-log"].logGroupName,
    };
    this.alarmTargets = {
      replicationGroupId: this.replicationGroupId,
      memberClusterIds: this.memberClusterIds,
      shards,
    };
    // Cluster mode has no primary or reader endpoint for the group, only the configuration endpoint.
    const endpoints: TierOutputs = this.clusterMode
      ? {
          redis_configuration_endpoint: {
            value: this.configurationEndpointAddress,
            description: "Redis configuration endpoint (cluster mode, TLS, 6379)",
          },
        }
      : {
          redis_primary_endpoint: {
            value: this.primaryEndpointAddress,
            description: "Redis primary endpoint (TLS, 6379)",
          },
          redis_reader_endpoint: {
            value: this.readerEndpointAddress,
            description: "Redis reader endpoint (TLS, 6379)",
          },
        };
    this.outputs = {
      ...endpoints,
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
