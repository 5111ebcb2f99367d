import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
import type { Construct } from "constructs";
import type { Platform } from "../platform";
import type { NodePlacement } from "./cluster";

/** Root volume (OS, Docker images, journal); Qdrant's data lives on the separate data volume. */
export const QDRANT_ROOT_VOLUME_GIB = 30;
/** Device name the data volume is attached as (on Nitro it appears as an NVMe device, found by serial). */
export const QDRANT_DATA_DEVICE_NAME = "/dev/sdf";

/**
 * Instance arguments a cluster node ignores after creation, so that no single apply replaces every node:
 * a new Qdrant version or instance type (and a new peer list when nodes are added) reaches a node only
 * when it is replaced on purpose, one at a time (`terraform apply -replace=<node's aws_instance>`).
 */
export const CLUSTER_NODE_IGNORED_CHANGES = ["ami", "user_data", "instance_type"];

export interface QdrantNodeProps {
  readonly platform: Platform;
  /** Name tag of the instance; the data volume is `<name>-data`, the root volume `<name>-root`. */
  readonly name: string;
  readonly placement: NodePlacement;
  readonly instanceType: string;
  readonly amiId: string;
  readonly securityGroupId: string;
  readonly instanceProfileName: string;
  readonly metadataHopLimit: 1 | 2;
  readonly volume: { readonly sizeGiB: number; readonly iops: number; readonly throughput: number };
  /** Tags that select the data volume for AWS Backup. */
  readonly backupTags: Record<string, string>;
  /** The boot script, given the data volume's id (it finds the volume's NVMe device by serial). */
  readonly userData: (dataVolumeId: string) => string;
  /** Part of a cluster: rolling replacement (CLUSTER_NODE_IGNORED_CHANGES) instead of replace-on-change. */
  readonly clustered: boolean;
}

/**
 * One Qdrant host in `scope`: its encrypted gp3 data volume, the hardened instance and the attachment
 * (construct ids "data", "instance", "data-attachment": node 0 lives in the Database itself, so the
 * seed's single host keeps its addresses; node i lives in "node-<i>").
 */
export function qdrantNode(scope: Construct, p: QdrantNodeProps): { instance: Instance; volume: EbsVolume } {
  const { platform, placement } = p;
  const volume = new EbsVolume(scope, "data", {
    availabilityZone: placement.availabilityZone,
    type: "gp3",
    size: p.volume.sizeGiB,
    iops: p.volume.iops,
    throughput: p.volume.throughput,
    encrypted: true,
    kmsKeyId: platform.key.keyArn,
    finalSnapshot: platform.protect,
    tags: { Name: `${p.name}-data`, ...p.backupTags },
    lifecycle: { preventDestroy: platform.protect },
  });
  const instance = new Instance(scope, "instance", {
    ami: p.amiId,
    instanceType: p.instanceType,
    subnetId: placement.subnetId,
    availabilityZone: placement.availabilityZone,
    vpcSecurityGroupIds: [p.securityGroupId],
    iamInstanceProfile: p.instanceProfileName,
    associatePublicIpAddress: false,
    monitoring: true,
    ebsOptimized: true,
    metadataOptions: {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: p.metadataHopLimit,
      instanceMetadataTags: "disabled",
    },
    rootBlockDevice: {
      volumeType: "gp3",
      volumeSize: QDRANT_ROOT_VOLUME_GIB,
      encrypted: true,
      kmsKeyId: platform.key.keyArn,
      deleteOnTermination: true,
      tags: { Name: `${p.name}-root` },
    },
    userData: p.userData(volume.id),
    // The script runs on first boot only, so a changed script means a new instance; the data volume
    // is detached (instance stopped first) and re-attached, never formatted again.
    userDataReplaceOnChange: true,
    tags: { Name: p.name },
    // A new AL2023 release must not replace the database on the next apply: the AMI is refreshed
    // whenever the instance is replaced deliberately (terraform apply -replace=...). A cluster node also
    // ignores its script and type: see CLUSTER_NODE_IGNORED_CHANGES.
    lifecycle: { ignoreChanges: p.clustered ? CLUSTER_NODE_IGNORED_CHANGES : ["ami"] },
  });
  new VolumeAttachment(scope, "data-attachment", {
    deviceName: QDRANT_DATA_DEVICE_NAME,
    volumeId: volume.id,
    instanceId: instance.id,
    stopInstanceBeforeDetaching: true,
  });
  return { instance, volume };
}
