import { Construct } from "constructs";
import type { EnvironmentName } from "../../environments/schema";
import { PROJECT, envName } from "../../lib/naming";
import type { KmsKey } from "../security/kms-key";
import { SecureBucket } from "./secure-bucket";

/** The legacy Elastic Load Balancing account of us-east-2, which writes ALB access logs there. */
export const ELB_ACCOUNT_US_EAST_2 = "033677994240";

export interface StorageProps {
  readonly environment: EnvironmentName;
  readonly accountId: string;
  /** Project CMK for the data buckets (SSE-KMS with bucket keys). */
  readonly key: KmsKey;
  /** Bucket name overrides. @default prod: the seed's names; others append -<env> */
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
  /** prevent_destroy on the data buckets (prod, staging). @default false */
  readonly protect?: boolean;
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

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const env = props.environment;
    const names = {
      rawData: props.bucketNames?.rawData ?? envName(env, `${PROJECT}-raw-data`),
      processed: props.bucketNames?.processed ?? envName(env, `${PROJECT}-processed`),
      logs: props.bucketNames?.logs ?? envName(env, `${PROJECT}-logs`),
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
      key: props.key,
      transitions: [{ days: props.rawDataInfrequentAccessDays ?? 30, storageClass: "STANDARD_IA" }],
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
      accessLogs: { ...accessLogs, prefix: `${accessLogs.prefix}${names.rawData}/` },
      protect: props.protect,
    });
    const snapshotPrefix = "qdrant-snapshots";
    this.processed = new SecureBucket(this, "processed", {
      bucketName: names.processed,
      key: props.key,
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
      protect: props.protect,
    });
    this.qdrantSnapshots = { bucket: this.processed, prefix: snapshotPrefix };

    this.logs.allowServerAccessLogs([this.rawData, this.processed], props.accountId, this.s3AccessLogPrefix);
    const albLogs = `${this.logs.bucketArn}/${this.albLogPrefix}/AWSLogs/${props.accountId}/*`;
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
  }
}
