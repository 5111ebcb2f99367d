import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { Construct } from "constructs";
import type { IGrantable, SecretBinding } from "../../lib/iam";
import type { EventAlert } from "../monitoring/event-alerts";
import { REGION } from "../../lib/naming";
import type { TierOutputs } from "../platform";
import type { Connections, IConnectable } from "../security/connections";
import { GeneratedSecret } from "../security/generated-secret";
import { EncryptedLogGroup } from "../security/log-group";
import { SecurityGroup } from "../security/security-group";
import { QDRANT_BACKUP_TAG, VolumeBackup } from "./backup";
import {
  QDRANT_P2P_PORT,
  type QdrantClusterSettings,
  nodeHostname,
  placeNodes,
  resolveCluster,
} from "./cluster";
import { qdrantHostProfile } from "./host-role";
import { qdrantNode } from "./node";
import {
  type DatabaseProps,
  type QdrantAlarmTargets,
  type QdrantNodeInfo,
  validateDatabaseProps,
} from "./props";
import {
  QDRANT_DATA_FSTYPE,
  QDRANT_DATA_MOUNT,
  QDRANT_GRPC_PORT,
  QDRANT_HTTP_PORT,
  renderQdrantUserData,
} from "./user-data";

export { QDRANT_BACKUP_TAG } from "./backup";
export {
  QDRANT_P2P_PORT,
  type QdrantClusterSettings,
  clusterDefaults,
  nodeHostname,
  placeNodes,
} from "./cluster";
export type { DatabaseProps, QdrantAlarmTargets, QdrantHostAlarmTarget, QdrantNodeInfo } from "./props";
export { CLUSTER_NODE_IGNORED_CHANGES, QDRANT_DATA_DEVICE_NAME, QDRANT_ROOT_VOLUME_GIB } from "./node";
export {
  QDRANT_DATA_FSTYPE,
  QDRANT_DATA_MOUNT,
  QDRANT_GRPC_PORT,
  QDRANT_HOST_METRICS,
  QDRANT_HTTP_PORT,
  qdrantImage,
} from "./user-data";

/** AL2023 arm64 (Graviton) AMI: AWS's public SSM parameter, always the latest release. */
export const QDRANT_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

/**
 * Qdrant on a Graviton EC2 instance (the seed's Database tier): a private, SSM-managed host with IMDSv2,
 * an encrypted root volume and a separate encrypted gp3 data volume that outlives instance replacement;
 * the API key generated in Secrets Manager and read by the instance role at boot; a security group that
 * admits 6333/6334 only from groups connected to it (`app.connections.allowTo(database)`); a private
 * DNS name; daily AWS Backup snapshots of the data volume and a daily Qdrant snapshot uploaded to S3.
 */
export class Database extends Construct implements IConnectable {
  /** Stable REST endpoint, e.g. http://qdrant.prod.air-applied-ai.internal:6333. */
  public readonly endpointUrl: string;
  /** gRPC endpoint (host:port), e.g. qdrant.prod.air-applied-ai.internal:6334. */
  public readonly grpcEndpoint: string;
  /** What clients get: QDRANT_URL (REST) and QDRANT_GRPC_ENDPOINT, and the API key as QDRANT_API_KEY. */
  public readonly clientEnvironment: Readonly<Record<string, string>>;
  public readonly clientSecret: SecretBinding;
  /** Private DNS name of the Qdrant host. */
  public readonly hostname: string;
  /** Secrets Manager secret with the API key (clients send it in the `api-key` header). */
  public readonly apiKeySecretArn: string;
  public readonly securityGroupId: string;
  public readonly instanceId: string;
  public readonly dataVolumeId: string;
  /** The private hosted zone (other tiers may add records to it). */
  public readonly privateZoneId: string;
  /** Log group of the Qdrant container. */
  public readonly logGroupName: string;
  /** Clients connect with `client.connections.allowTo(database)` (6333 REST and 6334 gRPC, both ends). */
  public readonly connections: Connections;
  public readonly alarmTargets: QdrantAlarmTargets;
  /** Events for the alert topic (Monitoring eventAlerts): a failed or aborted restore test of the backups. */
  public readonly eventAlerts: readonly EventAlert[];
  /** Qdrant nodes: 1, or the cluster's odd count. */
  public readonly nodeCount: number;
  /** The cluster's collection defaults (docs: scripts/qdrant/create-collection.sh); none for one node. */
  public readonly clusterSettings?: QdrantClusterSettings;
  /** Every node, node 0 first: its DNS name (qdrant-<i>.<zone> in a cluster), instance, volume and AZ. */
  public readonly nodes: readonly QdrantNodeInfo[];
  /** host:port of every node's REST API: the collector scrapes each node's /metrics separately. */
  public readonly scrapeTargets: readonly string[];
  /** Qdrant's REST port on every node (clients, health checks and the collector). */
  public readonly httpPort = QDRANT_HTTP_PORT;
  private readonly clientRecords: Route53Record[];
  /** Name tag of each node's instance: `<prefix>-qdrant`, `<prefix>-qdrant-1`, ... */
  private readonly nodeNames: string[];
  /** Root outputs: qdrant_endpoint, qdrant_api_key_secret_arn. */
  public readonly outputs: TierOutputs;
  private readonly apiKey: GeneratedSecret;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const iops = props.dataVolumeIops ?? 3000;
    const throughput = props.dataVolumeThroughput ?? 125;
    validateDatabaseProps(props, iops, throughput);
    const { platform, network } = props;
    const protect = platform.protect;
    const name = platform.name("qdrant");
    const nodes = props.nodes ?? 1;
    const clustered = nodes > 1;
    const placements = placeNodes(network, nodes, props.availabilityZones);
    this.nodeCount = nodes;
    this.clusterSettings = clustered ? resolveCluster(nodes, props.cluster) : undefined;

    // --- Secret, logs, network ---------------------------------------------------------------------
    this.apiKey = new GeneratedSecret(this, "api-key", {
      secretName: `${platform.namePrefix}/qdrant-api-key`,
      description: "Qdrant API key (clients send it in the api-key header)",
      key: platform.key,
      recoveryWindowInDays: protect ? 30 : 0,
    });
    const logGroup = new EncryptedLogGroup(this, "logs", {
      platform,
      name: `/${platform.namePrefix}/qdrant`,
    });
    const securityGroup = new SecurityGroup(this, "sg", {
      vpcId: network.vpcId,
      name,
      description: `Qdrant: ${QDRANT_HTTP_PORT}/${QDRANT_GRPC_PORT} from application security groups only`,
      peerName: "qdrant",
      peerDescription: "Qdrant",
      defaultPorts: [QDRANT_HTTP_PORT, QDRANT_GRPC_PORT],
      portLabels: {
        [QDRANT_HTTP_PORT]: `${QDRANT_HTTP_PORT}/tcp (REST)`,
        [QDRANT_GRPC_PORT]: `${QDRANT_GRPC_PORT}/tcp (gRPC)`,
      },
    });
    this.connections = securityGroup.connections;
    // Raft and shard transfers: 6335 between the cluster's own nodes, nothing else (both ends one group).
    if (clustered) securityGroup.connections.allowTo(securityGroup, [QDRANT_P2P_PORT]);
    securityGroup.allowEgress(
      { cidr: "0.0.0.0/0" },
      443,
      "HTTPS out: AWS APIs (SSM, Secrets Manager, S3, CloudWatch), OS packages, the Qdrant image",
    );

    // --- Instance role: SSM core, its secret, its log group, its snapshot prefix, its metrics -------
    const { bucket, prefix } = props.snapshotBucket;
    const profile = qdrantHostProfile(this, {
      name,
      grants: [(role) => this.apiKey.grantRead(role), (role) => logGroup.grantWrite(role)],
      snapshots: props.snapshotBucket,
    });

    // --- Nodes: node 0 in this construct (the seed's addresses), node i in "node-<i>" -------------
    const ami = new DataAwsSsmParameter(this, "ami", { name: QDRANT_AMI_PARAMETER });
    const hostnames = placements.map((_, i) => nodeHostname(i, props.privateZoneName));
    this.nodeNames = placements.map((_, index) => (index === 0 ? name : `${name}-${index}`));
    const built = placements.map((placement, index) =>
      qdrantNode(index === 0 ? this : new Construct(this, `node-${index}`), {
        platform,
        name: this.nodeNames[index],
        placement,
        instanceType: props.instanceType,
        amiId: ami.insecureValue,
        securityGroupId: securityGroup.securityGroupId,
        instanceProfileName: profile.name,
        metadataHopLimit: props.metadataHopLimit ?? 1,
        volume: { sizeGiB: props.dataVolumeSizeGiB, iops, throughput },
        backupTags: QDRANT_BACKUP_TAG,
        clustered,
        userData: (dataVolumeId) =>
          renderQdrantUserData({
            dataVolumeId,
            qdrantVersion: props.qdrantVersion,
            apiKeySecretArn: this.apiKey.secretArn,
            logGroupName: logGroup.logGroupName,
            snapshotBucketName: bucket.bucketName,
            snapshotPrefix: prefix,
            snapshotTimeUtc: props.snapshotTimeUtc,
            snapshotRetentionDays: props.snapshotRetentionDays,
            cluster: clustered
              ? { nodeIndex: index, nodeHostnames: hostnames, collectionDefaults: this.clusterSettings! }
              : undefined,
          }),
      }),
    );

    // --- Private DNS -------------------------------------------------------------------------------
    const zone = new Route53Zone(this, "zone", {
      name: props.privateZoneName,
      comment: `${platform.namePrefix} private names (VPC only)`,
      vpc: [{ vpcId: network.vpcId }],
      forceDestroy: false,
    });
    this.hostname = `qdrant.${props.privateZoneName}`;
    // One node: qdrant.<zone> is its A record. A cluster: every node also has qdrant-<i>.<zone> (its
    // Raft URI and scrape target), and qdrant.<zone> is one multivalue answer per node, each dropped
    // from answers while its health check fails (routeByHealth; see README, "How clients reach it").
    this.clientRecords = built.map(({ instance }, index) => {
      const scope = index === 0 ? this : this.node.findChild(`node-${index}`);
      if (clustered)
        new Route53Record(scope, "node-record", {
          zoneId: zone.zoneId,
          name: hostnames[index],
          type: "A",
          ttl: 60,
          records: [instance.privateIp],
        });
      return new Route53Record(scope, "record", {
        zoneId: zone.zoneId,
        name: this.hostname,
        type: "A",
        ttl: 60,
        records: [instance.privateIp],
        ...(clustered ? { setIdentifier: `qdrant-${index}`, multivalueAnswerRoutingPolicy: true } : {}),
      });
    });

    // --- Backups: AWS Backup, daily, retained snapshotRetentionDays --------------------------------
    const backup = new VolumeBackup(this, "backup", {
      platform,
      name,
      volumeArn: built[0].volume.arn,
      extraVolumeArns: built.slice(1).map((n) => n.volume.arn),
      timeUtc: props.snapshotTimeUtc,
      retentionDays: props.snapshotRetentionDays,
    });

    this.eventAlerts = backup.eventAlerts;

    this.endpointUrl = `http://${this.hostname}:${QDRANT_HTTP_PORT}`;
    this.grpcEndpoint = `${this.hostname}:${QDRANT_GRPC_PORT}`;
    this.apiKeySecretArn = this.apiKey.secretArn;
    this.clientEnvironment = { QDRANT_URL: this.endpointUrl, QDRANT_GRPC_ENDPOINT: this.grpcEndpoint };
    this.clientSecret = {
      name: "QDRANT_API_KEY",
      valueFrom: this.apiKeySecretArn,
      grantRead: (grantee) => this.grantReadApiKey(grantee),
    };
    this.securityGroupId = securityGroup.securityGroupId;
    this.instanceId = built[0].instance.id;
    this.dataVolumeId = built[0].volume.id;
    this.privateZoneId = zone.zoneId;
    this.logGroupName = logGroup.logGroupName;
    this.nodes = built.map(({ instance, volume }, index) => ({
      index,
      hostname: clustered ? hostnames[index] : this.hostname,
      instanceId: instance.id,
      dataVolumeId: volume.id,
      availabilityZone: placements[index].availabilityZone,
    }));
    this.scrapeTargets = this.nodes.map((n) => `${n.hostname}:${QDRANT_HTTP_PORT}`);
    const hostTarget = (instanceId: string) => ({
      instanceId,
      memoryDimensions: this.memoryMetricDimensions(instanceId),
      diskDimensions: this.diskMetricDimensions(instanceId),
    });
    this.alarmTargets = {
      ...hostTarget(this.instanceId),
      ...(clustered
        ? {
            otherNodes: this.nodes.slice(1).map((n) => hostTarget(n.instanceId)),
            cluster: { nodes, replicationFactor: this.clusterSettings!.replicationFactor },
          }
        : {}),
    };
    this.outputs = {
      qdrant_endpoint: {
        value: this.endpointUrl,
        description: "Qdrant REST endpoint (private DNS; gRPC on 6334)",
      },
      qdrant_api_key_secret_arn: {
        value: this.apiKeySecretArn,
        description: "Secrets Manager ARN of the Qdrant API key (sent in the api-key header)",
      },
      // A cluster only (one node's outputs stay the seed's): what the runbook's commands read.
      ...(clustered
        ? {
            qdrant_nodes: {
              value: this.nodes.map((n) => ({
                hostname: n.hostname,
                instance_id: n.instanceId,
                data_volume_id: n.dataVolumeId,
                availability_zone: n.availabilityZone,
              })),
              description: "Qdrant cluster nodes, node 0 first: private name, instance, data volume, AZ",
            },
            qdrant_collection_defaults: {
              value: {
                shard_number: this.clusterSettings!.shardNumber,
                replication_factor: this.clusterSettings!.replicationFactor,
                write_consistency_factor: this.clusterSettings!.writeConsistencyFactor,
              },
              description: "Collection settings for this cluster (qdrant-create-collection on any node)",
            },
          }
        : {}),
    };
  }

  /** Lets a role read the API key (e.g. an ECS task execution role injecting it as a secret). */
  public grantReadApiKey(grantee: IGrantable): void {
    this.apiKey.grantRead(grantee);
  }

  /**
   * A cluster's client name answers only with nodes whose health check passes: one Route 53 health check
   * per node on a CloudWatch alarm of that node (`alarmNames[i]`, e.g. its EC2 status-check alarm), the
   * only health check Route 53 offers for private IPs. No-op for one node (a plain A record).
   */
  public routeByHealth(alarmNames: readonly string[]): void {
    if (this.nodeCount === 1) return;
    if (alarmNames.length !== this.nodeCount)
      throw new Error(
        `Database: routeByHealth needs one alarm per node (${this.nodeCount}), got ${alarmNames.length}`,
      );
    this.clientRecords.forEach((record, index) => {
      const check = new Route53HealthCheck(record.node.scope as Construct, "health-check", {
        type: "CLOUDWATCH_METRIC",
        cloudwatchAlarmName: alarmNames[index],
        cloudwatchAlarmRegion: REGION,
        // A new alarm has no data yet: keep the node in answers until the alarm has an opinion.
        insufficientDataHealthStatus: "LastKnownStatus",
        tags: { Name: this.nodeNames[index] },
      });
      record.healthCheckId = check.id;
    });
  }

  /** CloudWatch dimensions of a host's disk_used_percent metric for the data volume (default node 0). */
  public diskMetricDimensions(instanceId = this.instanceId): Record<string, string> {
    return { InstanceId: instanceId, path: QDRANT_DATA_MOUNT, fstype: QDRANT_DATA_FSTYPE };
  }

  /** CloudWatch dimensions of a host's mem_used_percent metric (default node 0). */
  public memoryMetricDimensions(instanceId = this.instanceId): Record<string, string> {
    return { InstanceId: instanceId };
  }
}
