import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { PROJECT, REGION } from "../lib/naming";
import { addLiteralOverride } from "../lib/overrides";

/** Terraform version the synthesized JSON needs (S3 native locking: use_lockfile). */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.11";
/** AWS provider version matching @cdktf/provider-aws 21.22.1. */
export const AWS_PROVIDER_VERSION = "6.25.0";

export interface BaseStackProps {
  /** Provider default_tags: Project and ManagedBy are always added. */
  readonly tags: Record<string, string>;
}

/** A stack with the AWS provider in us-east-2, default tags, the account id, and the Terraform version pin. */
export abstract class BaseStack extends TerraformStack {
  public readonly accountId: string;

  constructor(scope: Construct, id: string, props: BaseStackProps) {
    super(scope, id);
    new AwsProvider(this, "aws", {
      region: REGION,
      defaultTags: [{ tags: { Project: PROJECT, ManagedBy: "cdktf", ...props.tags } }],
    });
    this.accountId = new DataAwsCallerIdentity(this, "current").accountId;
    addLiteralOverride(this, "terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    addLiteralOverride(this, "terraform.required_providers.aws.source", "hashicorp/aws");
  }
}
