import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey as KmsKeyResource } from "@cdktf/provider-aws/lib/kms-key";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { type Conditions, type IGrantable, type PolicyStatement, policyDocument } from "../../lib/iam";
import { REGION } from "../../lib/naming";
import { StackContext } from "../platform";

export interface KmsKeyProps {
  /** Alias without the "alias/" prefix, e.g. "air-applied-ai-prod". */
  readonly alias: string;
  readonly description: string;
  /** Waiting period before deletion, 7-30 days. @default 30 */
  readonly deletionWindowInDays?: number;
  /** Protect the key from `terraform destroy`. @default false */
  readonly preventDestroy?: boolean;
}

/** The actions a service needs to use a key for envelope encryption. */
const ENCRYPT_DECRYPT = [
  "kms:Encrypt*",
  "kms:Decrypt*",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
];

/**
 * A customer-managed KMS key with rotation, an alias and an explicit key policy. The policy admits the
 * account root (so IAM policies can grant use, and the key can never lock us out) plus exactly the
 * service principals other constructs register through `allowService`/`allowCloudWatchLogs`.
 */
export class KmsKey extends Construct {
  public readonly keyArn: string;
  public readonly keyId: string;
  public readonly aliasName: string;
  private readonly accountId: string;
  private readonly serviceStatements = new Map<string, PolicyStatement>();

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    const deletionWindowInDays = props.deletionWindowInDays ?? 30;
    if (deletionWindowInDays < 7 || deletionWindowInDays > 30)
      throw new Error(`KmsKey ${props.alias}: deletionWindowInDays = ${deletionWindowInDays}: must be 7-30`);
    // The account that owns the key: its root keeps administrative access (prevents key-policy lockout).
    this.accountId = StackContext.of(this).accountId;

    const key = new KmsKeyResource(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays,
      policy: Lazy.stringValue({ produce: () => this.renderPolicy() }),
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    const alias = new KmsAlias(this, "alias", { name: `alias/${props.alias}`, targetKeyId: key.keyId });
    this.keyArn = key.arn;
    this.keyId = key.keyId;
    this.aliasName = alias.name;
  }

  /**
   * Lets an AWS service principal use the key. Registering the same sid twice keeps the first, so
   * constructs can call this idempotently.
   *
   * Every service statement is confined to this account (confused-deputy protection, rule AAI-KMS-003).
   * The default, `StringEquals aws:SourceAccount = <account>`, fits services that call KMS with their
   * own principal on behalf of a resource of this account and send that context key (CloudWatch alarms
   * publishing to an encrypted topic, AWS Budgets). A service that does not send aws:SourceAccount to KMS
   * must pass its documented condition instead (CloudWatch Logs: kms:EncryptionContext:aws:logs:arn,
   * see allowCloudWatchLogs). Services that use the caller's credentials through the key (Secrets
   * Manager, SQS, S3, EBS) need no service statement: the account-root statement lets IAM grant it.
   * @default conditions `{ StringEquals: { "aws:SourceAccount": <accountId> } }`
   */
  public allowService(
    sid: string,
    servicePrincipal: string,
    actions: readonly string[] = ENCRYPT_DECRYPT,
    conditions: Conditions = { StringEquals: { "aws:SourceAccount": this.accountId } },
  ): void {
    if (this.serviceStatements.has(sid)) return;
    if (Object.keys(conditions).length === 0)
      throw new Error(
        `KmsKey: allowService("${sid}", "${servicePrincipal}"): conditions must not be empty (aws:SourceAccount, aws:SourceArn, kms:EncryptionContext:* or kms:ViaService)`,
      );
    this.serviceStatements.set(sid, {
      sid,
      principals: { Service: servicePrincipal },
      actions,
      resources: ["*"],
      conditions,
    });
  }

  /**
   * CloudWatch Logs in us-east-2 may encrypt log groups of this account with the key. The condition is
   * the one AWS documents for log-group encryption (the encryption context names the log group ARN);
   * it confines the service to this account's log groups in this region.
   */
  public allowCloudWatchLogs(): void {
    this.allowService("AllowCloudWatchLogs", `logs.${REGION}.amazonaws.com`, ENCRYPT_DECRYPT, {
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${this.accountId}:log-group:*`,
      },
    });
  }

  /** Grants a role use of the key for encryption and decryption (data-key operations included). */
  public grantEncryptDecrypt(grantee: IGrantable): void {
    grantee.addToPolicy({
      actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey"],
      resources: [this.keyArn],
    });
  }

  /** Grants a role decryption only (readers of encrypted objects, secrets and messages). */
  public grantDecrypt(grantee: IGrantable): void {
    grantee.addToPolicy({ actions: ["kms:Decrypt", "kms:DescribeKey"], resources: [this.keyArn] });
  }

  private renderPolicy(): string {
    return policyDocument([
      {
        sid: "AccountRootAdministers",
        principals: { AWS: `arn:aws:iam::${this.accountId}:root` },
        actions: ["kms:*"],
        resources: ["*"],
      },
      ...this.serviceStatements.values(),
    ]);
  }
}
