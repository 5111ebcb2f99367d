import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct, IConstruct } from "constructs";
import { PROJECT, REGION } from "../lib/naming";
import { addLiteralOverride } from "../lib/overrides";
import { StackContext, type TierOutputs } from "../modules/platform";

/** Terraform version the synthesized JSON needs (S3 native locking: use_lockfile). */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.11";
/** AWS provider version matching @cdktf/provider-aws 21.22.1. */
export const AWS_PROVIDER_VERSION = "6.25.0";

export interface BaseStackProps {
  /** Provider default_tags: Project and ManagedBy are always added. */
  readonly tags: Record<string, string>;
  /**
   * The only AWS account the stack may be planned or applied in (provider `allowed_account_ids`):
   * credentials of any other account make Terraform stop before it reads or changes anything.
   * @default any account
   */
  readonly awsAccountId?: string;
}

/** A stack with the AWS provider in us-east-2, default tags, the account id, and the Terraform version pin. */
export abstract class BaseStack extends TerraformStack {
  /** The BaseStack a construct lives in (aws-cdk-lib's `Stack.of(this)`); modules use StackContext.of. */
  public static of(scope: IConstruct): BaseStack {
    const stack = TerraformStack.of(scope);
    if (!(stack instanceof BaseStack)) throw new Error(`${scope.node.path} is not inside a BaseStack`);
    return stack;
  }

  /** The deploying account (data.aws_caller_identity.current). */
  public readonly accountId: string;
  public readonly region = REGION;

  constructor(scope: Construct, id: string, props: BaseStackProps) {
    super(scope, id);
    new AwsProvider(this, "aws", {
      region: REGION,
      allowedAccountIds: props.awsAccountId === undefined ? undefined : [props.awsAccountId],
      defaultTags: [{ tags: { Project: PROJECT, ManagedBy: "cdktf", ...props.tags } }],
    });
    this.accountId = new DataAwsCallerIdentity(this, "current").accountId;
    StackContext.register(this, { accountId: this.accountId, region: this.region });
    addLiteralOverride(this, "terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    addLiteralOverride(this, "terraform.required_providers.aws.source", "hashicorp/aws");
  }

  /**
   * Keeps the stack's state in the S3 state bucket at `key`, encrypted, with S3-native locking
   * (`<key>.tflock`, Terraform >= 1.10): the environment stacks, and bootstrap once migrated.
   */
  protected useS3State(bucket: string, key: string): void {
    new S3Backend(this, { bucket, key, region: REGION, encrypt: true });
    // cdktf 0.21's S3Backend has no prop for use_lockfile.
    addLiteralOverride(this, "terraform.backend.s3.use_lockfile", true);
  }

  /** Root-level outputs with static ids (the keys), so CI and other tooling can read them by name. */
  public addOutputs(outputs: TierOutputs): void {
    for (const [id, { value, description, sensitive }] of Object.entries(outputs))
      new TerraformOutput(this, id, { value, description, sensitive: sensitive ?? false }).overrideLogicalId(
        id,
      );
  }
}
