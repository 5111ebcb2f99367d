import { LocalBackend, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { PROJECT } from "../lib/naming";
import { KmsKey } from "../modules/security/kms-key";
import { SecureBucket } from "../modules/storage/secure-bucket";
import { BaseStack } from "./base-stack";
import { STATE_BUCKET } from "./environment-stack";

export interface BootstrapStackProps {
  /** Owner tag. */
  readonly owner: string;
}

/**
 * Account-level resources the environment stacks need before their first `init`: the state bucket
 * (versioned, KMS-encrypted, TLS-only, never destroyed). Its own state is local (terraform.tfstate in
 * cdktf.out/stacks/bootstrap); see docs/deploy.md for the first-time sequence.
 */
export class BootstrapStack extends BaseStack {
  public readonly stateBucket: SecureBucket;
  public readonly stateKey: KmsKey;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id, {
      tags: { Environment: "shared", Owner: props.owner, CostCenter: `${PROJECT}-shared` },
    });
    new LocalBackend(this, { path: "terraform.tfstate" });

    this.stateKey = new KmsKey(this, "state-kms", {
      alias: `${PROJECT}-terraform-state`,
      description: `${PROJECT}: Terraform state encryption`,
      accountId: this.accountId,
      deletionWindowInDays: 30,
      preventDestroy: true,
    });
    this.stateBucket = new SecureBucket(this, "state", {
      bucketName: STATE_BUCKET,
      key: this.stateKey,
      versioned: true,
      noncurrentVersionExpirationDays: 365,
      protect: true,
    });

    new TerraformOutput(this, "state_bucket", { value: this.stateBucket.bucketName }).overrideLogicalId(
      "state_bucket",
    );
    new TerraformOutput(this, "state_kms_key_arn", { value: this.stateKey.keyArn }).overrideLogicalId(
      "state_kms_key_arn",
    );
  }
}
