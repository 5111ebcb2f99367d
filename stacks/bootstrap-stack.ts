import { CeCostAllocationTag } from "@cdktf/provider-aws/lib/ce-cost-allocation-tag";
import { Fn, LocalBackend, TerraformOutput, TerraformVariable, Token } from "cdktf";
import type { Construct } from "constructs";
import type { BootstrapConfig } from "../environments/schema";
import { BOOTSTRAP_STATE_KEY, PROJECT } from "../lib/naming";
import { GithubDelivery } from "../modules/delivery";
import { COST_ALLOCATION_TAGS } from "../modules/monitoring/budget";
import { KmsKey } from "../modules/security/kms-key";
import { SecureBucket } from "../modules/storage/secure-bucket";
import { BaseStack } from "./base-stack";

/** Bootstrap's local state (`state: "local"`), relative to its working directory cdktf.out/stacks/bootstrap. */
export const BOOTSTRAP_STATE_PATH = "../../../terraform-state/bootstrap.tfstate";

export interface BootstrapStackProps {
  /** Owner tag. */
  readonly owner: string;
  /** Validated bootstrap config (environments/bootstrap.ts): GitHub repository, CI environments, account, state. */
  readonly config: BootstrapConfig;
}

/**
 * Account-level resources the environment stacks need before their first `init`: the state bucket
 * (versioned, KMS-encrypted, TLS-only, never destroyed). Its own state is local for the first apply
 * (terraform-state/bootstrap.tfstate at the repo root, outside cdktf.out/stacks/bootstrap), then, with
 * `state: "s3"`, `bootstrap/terraform.tfstate` in the bucket it created; see docs/deploy.md for the
 * first-time sequence and the migration.
 */
export class BootstrapStack extends BaseStack {
  public readonly stateBucket: SecureBucket;
  public readonly stateKey: KmsKey;
  /** GitHub OIDC provider and the per-environment plan/deploy roles of the CI (modules/delivery). */
  public readonly delivery: GithubDelivery;
  /** S3 server access logs of the state bucket (SSE-S3, kept 365 days). */
  public readonly stateAccessLogs: SecureBucket;
  /**
   * Terraform variable `activate_cost_allocation_tags` (default true): activates the cost allocation
   * tags the budgets filter on. false for the very first apply in a new account, where AWS does not know
   * the tag keys yet, and in member accounts of an AWS Organization (only the management account can
   * activate tags). See docs/deploy.md.
   */
  public readonly activateCostAllocationTags: TerraformVariable;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id, {
      tags: { Environment: "shared", Owner: props.owner, CostCenter: `${PROJECT}-shared` },
      awsAccountId: props.config.awsAccountId,
    });
    const { config } = props;
    // The first apply cannot use the bucket it creates, so state starts local: outside
    // cdktf.out/stacks/bootstrap (which every synth replaces), at <repo>/terraform-state/bootstrap.tfstate
    // (git-ignored). `state: "s3"` then moves it off the operator's disk (terraform init -migrate-state).
    if (config.state === "s3") this.useS3State(config.stateBucket, BOOTSTRAP_STATE_KEY);
    else new LocalBackend(this, { path: BOOTSTRAP_STATE_PATH });

    this.stateKey = new KmsKey(this, "state-kms", {
      alias: `${PROJECT}-terraform-state`,
      description: `${PROJECT}: Terraform state encryption`,
      deletionWindowInDays: 30,
      preventDestroy: true,
    });
    // Every read and write of state (it holds resource attributes) is audited by S3 server access logs.
    // The log bucket is SSE-S3: S3 server access log delivery needs no key-policy grant for it.
    this.stateAccessLogs = new SecureBucket(this, "state-access-logs", {
      bucketName: `${config.stateBucket}-access-logs`,
      versioned: true,
      expirationDays: 365,
      noncurrentVersionExpirationDays: 7,
    });
    this.stateBucket = new SecureBucket(this, "state", {
      bucketName: config.stateBucket,
      key: this.stateKey,
      versioned: true,
      noncurrentVersionExpirationDays: 365,
      accessLogs: {
        bucketName: this.stateAccessLogs.bucketName,
        prefix: "s3-access/",
        policy: this.stateAccessLogs.policy,
      },
      protect: true,
    });
    this.stateAccessLogs.allowServerAccessLogs([this.stateBucket], this.accountId, "s3-access");

    new TerraformOutput(this, "state_bucket", { value: this.stateBucket.bucketName }).overrideLogicalId(
      "state_bucket",
    );
    new TerraformOutput(this, "state_kms_key_arn", { value: this.stateKey.keyArn }).overrideLogicalId(
      "state_kms_key_arn",
    );

    this.delivery = new GithubDelivery(this, "ci", {
      owner: config.github.owner,
      repository: config.github.repository,
      createOidcProvider: config.github.createOidcProvider,
      environments: config.environments,
      accountId: this.accountId,
      stateBucket: this.stateBucket,
      stateKey: this.stateKey,
    });
    new TerraformOutput(this, "workload_permissions_boundary_arn", {
      value: this.delivery.workloadBoundary.policyArn,
      description: "Permissions boundary every role of the environment stacks carries",
    }).overrideLogicalId("workload_permissions_boundary_arn");

    // The budgets (modules/monitoring/budget.ts) count costs by the Environment tag, which AWS Billing
    // ignores until the key is activated as a cost allocation tag. Activation is account-wide, so it is
    // here, applied by the administrator (ce:UpdateCostAllocationTagsStatus); the CI roles never apply
    // bootstrap. AWS accepts a user-defined key only after it has seen it on a resource (up to 24 hours
    // after the first tagged resource exists), hence the variable for the first apply.
    this.activateCostAllocationTags = new TerraformVariable(this, "activate_cost_allocation_tags", {
      type: "bool",
      default: true,
      description:
        "Activate the cost allocation tags (Project, Environment, CostCenter, Owner). false on the first apply in a new account (AWS knows a tag key only up to 24 h after it first appears on a resource) and in Organization member accounts.",
    });
    this.activateCostAllocationTags.overrideLogicalId("activate_cost_allocation_tags");
    for (const tagKey of COST_ALLOCATION_TAGS) {
      new CeCostAllocationTag(this, `cost-allocation-tag-${tagKey.toLowerCase()}`, {
        count: Token.asNumber(Fn.conditional(this.activateCostAllocationTags.booleanValue, 1, 0)),
        tagKey,
        status: "Active",
      });
    }

    new TerraformOutput(this, "github_oidc_provider_arn", {
      value: this.delivery.oidcProviderArn,
      description: "IAM OIDC provider trusted by the CI roles (token.actions.githubusercontent.com)",
    }).overrideLogicalId("github_oidc_provider_arn");
    for (const [environment, roles] of Object.entries(this.delivery.roles)) {
      new TerraformOutput(this, `ci_${environment}_plan_role_arn`, {
        value: roles.plan.roleArn,
        description: `GitHub environment ${environment}: variable AWS_PLAN_ROLE_ARN`,
      }).overrideLogicalId(`ci_${environment}_plan_role_arn`);
      new TerraformOutput(this, `ci_${environment}_deploy_role_arn`, {
        value: roles.deploy.roleArn,
        description: `GitHub environment ${environment}: variable AWS_DEPLOY_ROLE_ARN`,
      }).overrideLogicalId(`ci_${environment}_deploy_role_arn`);
    }
  }
}
