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

export interface PrefixExpiration {
  /** Key prefix, ending in "/". */
  readonly prefix: string;
  /** Days after creation a current object expires. */
  readonly days: number;
  /** Days a noncurrent version is kept. */
  readonly noncurrentDays: number;
}

/** S3's rules for general purpose bucket names (3-63 of a-z, 0-9, '-'; dots avoided for TLS). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

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
  /**
   * Short-lived key prefixes (e.g. backups a job prunes itself): current objects expire after `days`,
   * noncurrent versions after `noncurrentDays`, overriding the bucket-wide rules for that prefix.
   * @default []
   */
  readonly prefixExpirations?: readonly PrefixExpiration[];
  /**
   * Server access logging target. `policy` is the target's bucket policy admitting
   * logging.s3.amazonaws.com: S3 checks it when logging is enabled (InvalidTargetBucketForLogging
   * otherwise), so the logging configuration depends on it. @default none (only for the log bucket itself)
   */
  readonly accessLogs?: {
    readonly bucketName: string;
    readonly prefix: string;
    readonly policy: S3BucketPolicy;
  };
  /** prevent_destroy on the bucket, and never force_destroy. @default false */
  readonly protect?: boolean;
}

/**
 * An S3 bucket with the project's baseline: public access block (all four), BucketOwnerEnforced
 * (no ACLs), default encryption with SSE-C uploads blocked, versioning, a bucket policy that denies
 * plain HTTP and TLS < 1.2, lifecycle rules that each carry a filter and abort incomplete multipart
 * uploads, and optional server access logging.
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
    if (!BUCKET_NAME.test(props.bucketName))
      throw new Error(
        `SecureBucket bucketName = "${props.bucketName}": must be 3-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit`,
      );
    validateTransitions(props.bucketName, props.transitions ?? []);
    for (const p of props.prefixExpirations ?? [])
      if (!/^[^/].*\/$/.test(p.prefix) || p.days < 1 || p.noncurrentDays < 1)
        throw new Error(
          `SecureBucket ${props.bucketName}: prefixExpirations ${JSON.stringify(p)}: prefix must end in "/" (no leading "/"), days and noncurrentDays >= 1`,
        );
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
              blockedEncryptionTypes: ["SSE-C"],
            }
          : {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
              blockedEncryptionTypes: ["SSE-C"],
            },
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
    for (const p of props.prefixExpirations ?? []) {
      rules.push({
        id: `expire-${p.prefix.replace(/[^A-Za-z0-9-]+/g, "-").replace(/-+$/, "")}`,
        status: "Enabled",
        filter: [{ prefix: p.prefix }],
        expiration: [{ days: p.days }],
        ...(versioned ? { noncurrentVersionExpiration: [{ noncurrentDays: p.noncurrentDays }] } : {}),
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
        dependsOn: [props.accessLogs.policy],
      });
    }

    this.policy = new S3BucketPolicy(this, "policy", {
      bucket: bucket.id,
      policy: Lazy.stringValue({
        produce: () =>
          policyDocument([
            denyInsecureTransport("s3", [this.bucketArn, `${this.bucketArn}/*`]),
            {
              sid: "DenyOutdatedTls",
              effect: "Deny",
              principals: "*",
              actions: ["s3:*"],
              resources: [this.bucketArn, `${this.bucketArn}/*`],
              conditions: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
            },
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

  /**
   * Admits S3 server access logging from `sources` (buckets of `accountId`) under `prefix`/ of this
   * bucket. With BucketOwnerEnforced, log delivery is authorised by this bucket policy, not by ACLs.
   */
  public allowServerAccessLogs(sources: readonly SecureBucket[], accountId: string, prefix: string): void {
    this.addToResourcePolicy({
      sid: "AllowS3ServerAccessLogs",
      principals: { Service: "logging.s3.amazonaws.com" },
      actions: ["s3:PutObject"],
      resources: [`${this.bucketArn}/${prefix}/*`],
      conditions: {
        ArnLike: { "aws:SourceArn": sources.map((b) => b.bucketArn) },
        StringEquals: { "aws:SourceAccount": accountId },
      },
    });
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
