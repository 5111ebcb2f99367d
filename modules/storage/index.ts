import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { type Platform, StackContext, type TierOutputs } from "../platform";
import { SecureBucket } from "./secure-bucket";

/** The legacy Elastic Load Balancing account of us-east-2, which writes ALB access logs there. */
export const ELB_ACCOUNT_US_EAST_2 = "033677994240";

export interface StorageProps {
  /**
   * Bucket names (`<prefix>-raw-data`, `-processed`, `-logs`), the CMK of the data buckets (SSE-KMS with
   * bucket keys), and `protect` (prevent_destroy on the data buckets).
   */
  readonly platform: Platform;
  /** Bucket name overrides. @default platform.name("raw-data" | "processed" | "logs") */
  readonly bucketNames?: { readonly rawData?: string; readonly processed?: string; readonly logs?: string };
  /** Raw data: days before current objects move to STANDARD_IA (the seed: 30; AWS minimum 30). @default 30 */
  readonly rawDataInfrequentAccessDays?: number;
  /** Processed data: days before current objects move to GLACIER (the seed: 60). @default 60 */
  readonly processedGlacierDays?: number;
  /** Days noncurrent versions are kept. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Days the logs bucket keeps S3 server access logs and ALB access logs. @default 90 */
  readonly accessLogExpirationDays?: number;
  /**
   * Days Qdrant snapshots are kept under qdrant-snapshots/ (the host prunes them daily; a lifecycle rule
   * expires what it misses, one day later, and drops their noncurrent versions after a day). @default 30
   */
  readonly qdrantSnapshotRetentionDays?: number;
}

/**
 * The seed's S3 buckets: raw data (STANDARD_IA at 30 days) and processed data (GLACIER at 60 days),
 * both versioned, SSE-KMS and access-logged; and a logs bucket (SSE-S3, because ALB access logs cannot
 * be written with SSE-KMS) that admits S3 server access logging and ALB log delivery in us-east-2.
 */
export class Storage extends Construct {
  public readonly rawData: SecureBucket;
  public readonly processed: SecureBucket;
  public readonly logs: SecureBucket;
  /** Key prefix of ALB access logs in the logs bucket (the bucket policy admits exactly this prefix). */
  public readonly albLogPrefix = "alb";
  /** Key prefix of S3 server access logs in the logs bucket. */
  public readonly s3AccessLogPrefix = "s3-access";
  /**
   * Where the Qdrant host uploads its daily snapshots: the processed bucket (SSE-KMS, versioned, access
   * logged) under qdrant-snapshots/; `prefix` has no trailing "/" (grant on `${prefix}/*`).
   */
  public readonly qdrantSnapshots: { readonly bucket: SecureBucket; readonly prefix: string };
  /** Where the ALB writes its access logs: the logs bucket, under albLogPrefix (its policy admits ELB there). */
  public readonly albAccessLogs: {
    readonly bucketName: string;
    readonly prefix: string;
    readonly policy: ITerraformDependable;
  };
  /** Root outputs: raw_data_bucket, processed_bucket, logs_bucket. */
  public readonly outputs: TierOutputs;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const { platform } = props;
    const accountId = StackContext.of(this).accountId;
    const names = {
      rawData: props.bucketNames?.rawData ?? platform.name("raw-data"),
      processed: props.bucketNames?.processed ?? platform.name("processed"),
      logs: props.bucketNames?.logs ?? platform.name("logs"),
    };
    const expiry = props.accessLogExpirationDays ?? 90;

    this.logs = new SecureBucket(this, "logs", {
      bucketName: names.logs,
      versioned: true,
      expirationDays: expiry,
      noncurrentVersionExpirationDays: 7,
      protect: false,
    });
    const accessLogs = {
      bucketName: this.logs.bucketName,
      prefix: `${this.s3AccessLogPrefix}/`,
      policy: this.logs.policy,
    };

    this.rawData = new SecureBucket(this, "raw-data", {
      bucketName: names.rawData,
      key: platform.key,
      transitions: [{ days: props.rawDataInfrequentAccessDays ?? 30, storageClass: "STANDARD_IA" }],
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
      accessLogs: { ...accessLogs, prefix: `${accessLogs.prefix}${names.rawData}/` },
      protect: platform.protect,
    });
    const snapshotPrefix = "qdrant-snapshots";
    this.processed = new SecureBucket(this, "processed", {
      bucketName: names.processed,
      key: platform.key,
      transitions: [{ days: props.processedGlacierDays ?? 60, storageClass: "GLACIER" }],
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
      prefixExpirations: [
        {
          prefix: `${snapshotPrefix}/`,
          days: (props.qdrantSnapshotRetentionDays ?? 30) + 1,
          noncurrentDays: 1,
        },
      ],
      accessLogs: { ...accessLogs, prefix: `${accessLogs.prefix}${names.processed}/` },
      protect: platform.protect,
    });
    this.qdrantSnapshots = { bucket: this.processed, prefix: snapshotPrefix };

    this.logs.allowServerAccessLogs([this.rawData, this.processed], accountId, this.s3AccessLogPrefix);
    const albLogs = `${this.logs.bucketArn}/${this.albLogPrefix}/AWSLogs/${accountId}/*`;
    // us-east-2 predates the service-principal model, so ELB writes as its regional account; the
    // service principal is admitted too (as the ELB guide writes it, without conditions: the resource
    // already names our account), for when AWS moves the region over.
    this.logs.addToResourcePolicy({
      sid: "AllowAlbAccessLogsElbAccount",
      principals: { AWS: `arn:aws:iam::${ELB_ACCOUNT_US_EAST_2}:root` },
      actions: ["s3:PutObject"],
      resources: [albLogs],
    });
    this.logs.addToResourcePolicy({
      sid: "AllowAlbAccessLogsDelivery",
      principals: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
      actions: ["s3:PutObject"],
      resources: [albLogs],
    });
    this.albAccessLogs = {
      bucketName: this.logs.bucketName,
      prefix: this.albLogPrefix,
      policy: this.logs.policy,
    };
    this.outputs = {
      raw_data_bucket: { value: this.rawData.bucketName, description: "Raw data bucket" },
      processed_bucket: { value: this.processed.bucketName, description: "Processed data bucket" },
      logs_bucket: { value: this.logs.bucketName, description: "Access-log bucket (S3 server access, ALB)" },
    };
  }
}
