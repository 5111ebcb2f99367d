import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
import { Construct } from "constructs";
import type { IGrantable } from "../../lib/iam";
import type { EventAlert } from "../monitoring/event-alerts";
import type { INetwork } from "../networking/network";
import type { Platform, TierOutputs } from "../platform";
import type { Connections, IConnectable } from "../security/connections";
import { GeneratedSecret } from "../security/generated-secret";
import { EncryptedLogGroup } from "../security/log-group";
import { SecurityGroup } from "../security/security-group";
import type { SecureBucket } from "../storage/secure-bucket";
import { QDRANT_BACKUP_TAG, VolumeBackup } from "./backup";
import { qdrantHostProfile } from "./host-role";
import {
  QDRANT_DATA_FSTYPE,
  QDRANT_DATA_MOUNT,
  QDRANT_GRPC_PORT,
  QDRANT_HTTP_PORT,
  renderQdrantUserData,
} from "./user-data";

export { QDRANT_BACKUP_TAG } from "./backup";
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
/** Root volume (OS, Docker images, journal); Qdrant's data lives on the separate data volume. */
export const QDRANT_ROOT_VOLUME_GIB = 30;
/** Device name the data volume is attached as (on Nitro it appears as an NVMe device, found by serial). */
export const QDRANT_DATA_DEVICE_NAME = "/dev/sdf";

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
}

/** What the alarms watch: the host and the CloudWatch-agent dimensions of its memory and data-disk metrics. */
export interface QdrantAlarmTargets {
  readonly instanceId: string;
  readonly memoryDimensions: Record<string, string>;
  readonly diskDimensions: Record<string, string>;
}

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
  /** Root outputs: qdrant_endpoint, qdrant_api_key_secret_arn. */
  public readonly outputs: TierOutputs;
  private readonly apiKey: GeneratedSecret;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const iops = props.dataVolumeIops ?? 3000;
    const throughput = props.dataVolumeThroughput ?? 125;
    validate(props, iops, throughput);
    const { platform, network } = props;
    const protect = platform.protect;
    const name = platform.name("qdrant");
    const subnetId = network.privateSubnetIds[0];
    const availabilityZone = network.availabilityZones[0];

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

    // --- Data volume and instance ------------------------------------------------------------------
    const dataVolume = new EbsVolume(this, "data", {
      availabilityZone,
      type: "gp3",
      size: props.dataVolumeSizeGiB,
      iops,
      throughput,
      encrypted: true,
      kmsKeyId: platform.key.keyArn,
      finalSnapshot: protect,
      tags: { Name: `${name}-data`, ...QDRANT_BACKUP_TAG },
      lifecycle: { preventDestroy: protect },
    });
    const ami = new DataAwsSsmParameter(this, "ami", { name: QDRANT_AMI_PARAMETER });
    const instance = new Instance(this, "instance", {
      ami: ami.insecureValue,
      instanceType: props.instanceType,
      subnetId,
      availabilityZone,
      vpcSecurityGroupIds: [securityGroup.securityGroupId],
      iamInstanceProfile: profile.name,
      associatePublicIpAddress: false,
      monitoring: true,
      ebsOptimized: true,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: props.metadataHopLimit ?? 1,
        instanceMetadataTags: "disabled",
      },
      rootBlockDevice: {
        volumeType: "gp3",
        volumeSize: QDRANT_ROOT_VOLUME_GIB,
        encrypted: true,
        kmsKeyId: platform.key.keyArn,
        deleteOnTermination: true,
        tags: { Name: `${name}-root` },
      },
      userData: renderQdrantUserData({
        dataVolumeId: dataVolume.id,
        qdrantVersion: props.qdrantVersion,
        apiKeySecretArn: this.apiKey.secretArn,
        logGroupName: logGroup.logGroupName,
        snapshotBucketName: bucket.bucketName,
        snapshotPrefix: prefix,
        snapshotTimeUtc: props.snapshotTimeUtc,
        snapshotRetentionDays: props.snapshotRetentionDays,
      }),
      // The script runs on first boot only, so a changed script means a new instance; the data volume
      // is detached (instance stopped first) and re-attached, never formatted again.
      userDataReplaceOnChange: true,
      tags: { Name: name },
      // A new AL2023 release must not replace the database on the next apply: the AMI is refreshed
      // whenever the instance is replaced deliberately (terraform apply -replace=...).
      lifecycle: { ignoreChanges: ["ami"] },
    });
    new VolumeAttachment(this, "data-attachment", {
      deviceName: QDRANT_DATA_DEVICE_NAME,
      volumeId: dataVolume.id,
      instanceId: instance.id,
      stopInstanceBeforeDetaching: true,
    });

    // --- Private DNS -------------------------------------------------------------------------------
    const zone = new Route53Zone(this, "zone", {
      name: props.privateZoneName,
      comment: `${platform.namePrefix} private names (VPC only)`,
      vpc: [{ vpcId: network.vpcId }],
      forceDestroy: false,
    });
    this.hostname = `qdrant.${props.privateZoneName}`;
    new Route53Record(this, "record", {
      zoneId: zone.zoneId,
      name: this.hostname,
      type: "A",
      ttl: 60,
      records: [instance.privateIp],
    });

    // --- Backups: AWS Backup, daily, retained snapshotRetentionDays --------------------------------
    const backup = new VolumeBackup(this, "backup", {
      platform,
      name,
      volumeArn: dataVolume.arn,
      timeUtc: props.snapshotTimeUtc,
      retentionDays: props.snapshotRetentionDays,
    });

    this.eventAlerts = backup.eventAlerts;

    this.endpointUrl = `http://${this.hostname}:${QDRANT_HTTP_PORT}`;
    this.grpcEndpoint = `${this.hostname}:${QDRANT_GRPC_PORT}`;
    this.apiKeySecretArn = this.apiKey.secretArn;
    this.securityGroupId = securityGroup.securityGroupId;
    this.instanceId = instance.id;
    this.dataVolumeId = dataVolume.id;
    this.privateZoneId = zone.zoneId;
    this.logGroupName = logGroup.logGroupName;
    this.alarmTargets = {
      instanceId: this.instanceId,
      memoryDimensions: this.memoryMetricDimensions(),
      diskDimensions: this.diskMetricDimensions(),
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
    };
  }

  /** Lets a role read the API key (e.g. an ECS task execution role injecting it as a secret). */
  public grantReadApiKey(grantee: IGrantable): void {
    this.apiKey.grantRead(grantee);
  }

  /** CloudWatch dimensions of the host's disk_used_percent metric for the data volume. */
  public diskMetricDimensions(): Record<string, string> {
    return { InstanceId: this.instanceId, path: QDRANT_DATA_MOUNT, fstype: QDRANT_DATA_FSTYPE };
  }

  /** CloudWatch dimensions of the host's mem_used_percent metric. */
  public memoryMetricDimensions(): Record<string, string> {
    return { InstanceId: this.instanceId };
  }
}

function validate(p: DatabaseProps, iops: number, throughput: number): void {
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
  if (!/^([a-z0-9-]+\.)+internal$/.test(p.privateZoneName))
    fail("privateZoneName", p.privateZoneName, 'must be a private DNS name ending in ".internal"');
}
