import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { type IGrantable, type PolicyStatement, denyInsecureTransport, policyDocument } from "../../lib/iam";
import type { KmsKey } from "../security/kms-key";

export interface LifecycleTransition {
  /** Days after creation (current versions). */
  readonly days: number;
  readonly storageClass:
    | "STANDARD_IA"
    | "ONEZONE_IA"
    | "INTELLIGENT_TIERING"
    | "GLACIER_IR"
    | "GLACIER"
    | "DEEP_ARCHIVE";
}

export interface SecureBucketProps {
  readonly bucketName: string;
  /** SSE-KMS with this CMK (and S3 Bucket Keys). Omit for SSE-S3, e.g. ALB access-log buckets. */
  readonly key?: KmsKey;
  /** @default true */
  readonly versioned?: boolean;
  /** Current-version transitions, in order. @default [] */
  readonly transitions?: readonly LifecycleTransition[];
  /** Expire current objects after N days. @default never */
  readonly expirationDays?: number;
  /** Expire noncurrent versions after N days (versioned buckets). @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Abort incomplete multipart uploads after N days. @default 7 */
  readonly abortIncompleteMultipartDays?: number;
  /** Server access logging target. @default none (only for the log bucket itself) */
  readonly accessLogs?: { readonly bucketName: string; readonly prefix: string };
  /** prevent_destroy on the bucket, and never force_destroy. @default false */
  readonly protect?: boolean;
}

/**
 * An S3 bucket with the project's baseline: public access block (all four), BucketOwnerEnforced
 * (no ACLs), default encryption, versioning, a TLS-only bucket policy, lifecycle rules that each carry
 * a filter and abort incomplete multipart uploads, and optional server access logging.
 */
export class SecureBucket extends Construct {
  public readonly bucketName: string;
  public readonly bucketArn: string;
  public readonly bucketId: string;
  /** The bucket policy resource; dependents (e.g. an ALB writing logs) depend on it. */
  public readonly policy: S3BucketPolicy;
  private readonly key?: KmsKey;
  private readonly policyStatements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    validateTransitions(props.bucketName, props.transitions ?? []);
    this.key = props.key;
    const protect = props.protect ?? false;
    const bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: false,
      lifecycle: { preventDestroy: protect },
    });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.bucketId = bucket.id;

    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucket.id,
      rule: [
        props.key
          ? {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: props.key.keyArn,
              },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    const versioned = props.versioned ?? true;
    const versioning = new S3BucketVersioningA(this, "versioning", {
      bucket: bucket.id,
      versioningConfiguration: { status: versioned ? "Enabled" : "Suspended" },
    });

    const everything = [{ prefix: "" }];
    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: everything,
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortIncompleteMultipartDays ?? 7 }],
      },
    ];
    if (props.transitions?.length || props.expirationDays) {
      rules.push({
        id: "current-versions",
        status: "Enabled",
        filter: everything,
        transition: props.transitions?.map((t) => ({ days: t.days, storageClass: t.storageClass })),
        expiration: props.expirationDays ? [{ days: props.expirationDays }] : undefined,
      });
    }
    if (versioned) {
      rules.push({
        id: "noncurrent-versions",
        status: "Enabled",
        filter: everything,
        noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? 90 }],
        expiration: [{ expiredObjectDeleteMarker: true }],
      });
    }
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: bucket.id,
      rule: rules,
      dependsOn: [versioning],
    });

    if (props.accessLogs) {
      new S3BucketLoggingA(this, "logging", {
        bucket: bucket.id,
        targetBucket: props.accessLogs.bucketName,
        targetPrefix: props.accessLogs.prefix,
      });
    }

    this.policy = new S3BucketPolicy(this, "policy", {
      bucket: bucket.id,
      policy: Lazy.stringValue({
        produce: () =>
          policyDocument([
            denyInsecureTransport("s3", [this.bucketArn, `${this.bucketArn}/*`]),
            ...this.policyStatements,
          ]),
      }),
      dependsOn: [publicAccess],
    });
  }

  /** Adds a statement to the bucket policy (service log delivery and the like). */
  public addToResourcePolicy(statement: PolicyStatement): void {
    this.policyStatements.push(statement);
  }

  /** Read objects under `prefix` (default all), and decrypt them. */
  public grantRead(grantee: IGrantable, prefix = "*"): void {
    grantee.addToPolicy({ actions: ["s3:ListBucket"], resources: [this.bucketArn] });
    grantee.addToPolicy({
      actions: ["s3:GetObject", "s3:GetObjectVersion"],
      resources: [`${this.bucketArn}/${prefix}`],
    });
    this.key?.grantDecrypt(grantee);
  }

  /** Write (and delete) objects under `prefix` (default all), and encrypt them. */
  public grantWrite(grantee: IGrantable, prefix = "*"): void {
    grantee.addToPolicy({
      actions: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"],
      resources: [`${this.bucketArn}/${prefix}`],
    });
    this.key?.grantEncryptDecrypt(grantee);
  }

  /** Read and write. */
  public grantReadWrite(grantee: IGrantable, prefix = "*"): void {
    this.grantRead(grantee, prefix);
    this.grantWrite(grantee, prefix);
  }
}

/** AWS: STANDARD_IA/ONEZONE_IA >= 30 days; GLACIER/DEEP_ARCHIVE >= 30 days after an IA transition. */
function validateTransitions(bucket: string, transitions: readonly LifecycleTransition[]): void {
  let previous: LifecycleTransition | undefined;
  for (const t of transitions) {
    if ((t.storageClass === "STANDARD_IA" || t.storageClass === "ONEZONE_IA") && t.days < 30)
      throw new Error(
        `SecureBucket ${bucket}: ${t.storageClass} transition at ${t.days} days: must be >= 30 days`,
      );
    if (previous && previous.storageClass.endsWith("_IA") && t.days < previous.days + 30)
      throw new Error(
        `SecureBucket ${bucket}: ${t.storageClass} at ${t.days} days: must be >= 30 days after ${previous.storageClass} (${previous.days + 30})`,
      );
    previous = t;
  }
}
