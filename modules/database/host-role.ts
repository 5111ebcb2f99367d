import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import type { Construct } from "constructs";
import { type IGrantable, plainServiceTrustPolicy } from "../../lib/iam";
import { ServiceRole } from "../security/service-role";
import type { SecureBucket } from "../storage/secure-bucket";
import { QDRANT_HOST_METRICS } from "./user-data";

const SSM_CORE_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

export interface QdrantHostProfileProps {
  /** Role and instance-profile name. */
  readonly name: string;
  /** Grants of the host's own resources (its API-key secret, its log group). */
  readonly grants: readonly ((role: IGrantable) => void)[];
  /** Where the host uploads Qdrant snapshots: write and list only under `<prefix>/`. */
  readonly snapshots: { readonly bucket: SecureBucket; readonly prefix: string };
}

/**
 * The Qdrant host's instance role and profile (created in `scope`, the Database): SSM Session Manager,
 * the grants given, snapshot upload to its own prefix, and host metrics in its own namespace only.
 */
export function qdrantHostProfile(scope: Construct, props: QdrantHostProfileProps): IamInstanceProfile {
  const role = new ServiceRole(scope, "role", {
    roleName: props.name,
    description: "Qdrant host: SSM Session Manager, its API key, its logs, snapshots to S3, host metrics",
    assumeRolePolicy: plainServiceTrustPolicy("ec2.amazonaws.com"),
    managedPolicyArns: [SSM_CORE_POLICY],
  });
  for (const grant of props.grants) grant(role);
  const { bucket, prefix } = props.snapshots;
  bucket.grantWrite(role, `${prefix}/*`);
  role.addToPolicy({
    sid: "ListOwnSnapshotPrefix",
    actions: ["s3:ListBucket"],
    resources: [bucket.bucketArn],
    conditions: { StringLike: { "s3:prefix": [`${prefix}/*`] } },
  });
  role.addToPolicy({
    sid: "PutHostMetrics",
    actions: ["cloudwatch:PutMetricData"],
    resources: ["*"],
    conditions: { StringEquals: { "cloudwatch:namespace": QDRANT_HOST_METRICS.namespace } },
  });
  return new IamInstanceProfile(scope, "profile", { name: props.name, role: role.roleName });
}
