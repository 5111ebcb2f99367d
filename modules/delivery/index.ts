import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { Construct } from "constructs";
import { policyDocument } from "../../lib/iam";
import { stateKey } from "../../lib/naming";
import type { KmsKey } from "../security/kms-key";
import { ServiceRole } from "../security/service-role";
import type { SecureBucket } from "../storage/secure-bucket";
import { WorkloadBoundary } from "./boundary";
import { githubTrustPolicy, otherStatesDeny, planStatements } from "./ci-roles";
import {
  CI_ROLE_PREFIX,
  GITHUB_OIDC_URL,
  READ_ONLY_ACCESS,
  STS_AUDIENCE,
  planEnvironmentName,
} from "./constants";
import {
  DEPLOY_PERMISSIONS,
  type DeployPolicyGroup,
  deployContext,
  guardRailStatements,
} from "./deploy-permissions";

export { WorkloadBoundary, workloadBoundaryStatements } from "./boundary";
export { githubTrustPolicy, otherStatesDeny, planStatements } from "./ci-roles";
export * from "./constants";
export {
  DEPLOY_PERMISSIONS,
  type DeployContext,
  type DeployPolicyGroup,
  deployContext,
  deployPolicyStatements,
  deployStatements,
  guardRailStatements,
} from "./deploy-permissions";

export interface GithubDeliveryProps {
  /** GitHub owner (organisation or user) of the repository. */
  readonly owner: string;
  /** Repository name, without the owner. */
  readonly repository: string;
  /** Environments that get a plan and a deploy role (the GitHub environments of the same names). */
  readonly environments: readonly string[];
  /** Create the account's GitHub OIDC provider, or look the existing one up. @default true */
  readonly createOidcProvider?: boolean;
  /** Account the roles live in. */
  readonly accountId: string;
  /** The Terraform state bucket (keys `<env>/terraform.tfstate` and their `.tflock` lock files; `bootstrap/`). */
  readonly stateBucket: SecureBucket;
  /** The CMK the state bucket is encrypted with. */
  readonly stateKey: KmsKey;
}

/** The two roles of one environment. */
export interface EnvironmentCiRoles {
  /** Read-only plus this environment's state (read) and lock file (read/write). */
  readonly plan: ServiceRole;
  /** What the environment stack manages, plus its state (read/write) and lock file. */
  readonly deploy: ServiceRole;
}

/**
 * GitHub Actions to AWS without static keys: the account's OIDC provider for
 * token.actions.githubusercontent.com and, per environment, a plan role and a deploy role, each trusting
 * only tokens whose `aud` is sts.amazonaws.com and whose `sub` names exactly one GitHub environment of
 * the repository: `repo:<owner>/<repository>:environment:<env>-plan` for the read-only plan role (no
 * reviewers, so pull requests plan without waiting) and `...:environment:<env>` (protected) for the
 * deploy role. A plan job therefore can never obtain the deploy role.
 */
export class GithubDelivery extends Construct {
  /** ARN of the OIDC provider the roles trust. */
  public readonly oidcProviderArn: string;
  /** Roles by environment. */
  public readonly roles: Record<string, EnvironmentCiRoles> = {};
  /** ARNs of the deploy roles' managed policies, by group (DEPLOY_PERMISSIONS). */
  public readonly deployPolicyArns = {} as Record<DeployPolicyGroup, string>;
  /** The permissions boundary every role the deploy roles create or change must carry. */
  public readonly workloadBoundary: WorkloadBoundary;

  constructor(scope: Construct, id: string, props: GithubDeliveryProps) {
    super(scope, id);
    if (props.environments.length === 0)
      throw new Error("GithubDelivery environments: must name at least one environment");

    // Constraint 50: one provider per URL per account; AWS no longer checks GitHub's thumbprint and the
    // provider (>= 5.81) makes thumbprint_list optional, so none is pinned here.
    this.oidcProviderArn =
      props.createOidcProvider === false
        ? new DataAwsIamOpenidConnectProvider(this, "oidc-provider", { url: GITHUB_OIDC_URL }).arn
        : new IamOpenidConnectProvider(this, "oidc-provider", {
            url: GITHUB_OIDC_URL,
            clientIdList: [STS_AUDIENCE],
          }).arn;

    // Made here, by whoever applies bootstrap (an administrator): the deploy roles cannot change it.
    this.workloadBoundary = new WorkloadBoundary(this, "workload-boundary", {
      accountId: props.accountId,
      stateBucketArn: props.stateBucket.bucketArn,
      stateKeyArn: props.stateKey.keyArn,
    });
    const context = deployContext(props.accountId, props.stateBucket.bucketArn);
    for (const [group, statements] of Object.entries(DEPLOY_PERMISSIONS)) {
      this.deployPolicyArns[group as DeployPolicyGroup] = new IamPolicy(this, `deploy-${group}`, {
        name: `${CI_ROLE_PREFIX}deploy-${group}`,
        description: `GitHub Actions deploy roles: ${group} resources of the environment stacks`,
        policy: policyDocument(statements(context)),
      }).arn;
    }
    const guardRails = guardRailStatements(context);

    for (const environment of props.environments) {
      const trust = (githubEnvironment: string) =>
        githubTrustPolicy(this.oidcProviderArn, props.owner, props.repository, githubEnvironment);
      const planEnvironment = planEnvironmentName(environment);
      const plan = new ServiceRole(this, `${environment}-plan`, {
        roleName: `${CI_ROLE_PREFIX}${environment}-plan`,
        description: `GitHub Actions plan of ${environment} (${props.owner}/${props.repository}, environment ${planEnvironment}): read-only`,
        assumeRolePolicy: trust(planEnvironment),
        managedPolicyArns: [READ_ONLY_ACCESS],
      });
      const deploy = new ServiceRole(this, `${environment}-deploy`, {
        roleName: `${CI_ROLE_PREFIX}${environment}-deploy`,
        description: `GitHub Actions deploy of ${environment} (${props.owner}/${props.repository}, environment ${environment})`,
        assumeRolePolicy: trust(environment),
        managedPolicyArns: [READ_ONLY_ACCESS, ...Object.values(this.deployPolicyArns)],
      });

      // State: the plan reads the state and takes the S3-native lock (`<key>.tflock`: put, read, delete);
      // the deploy also writes the state. Nothing outside this environment's key.
      const key = stateKey(environment);
      props.stateBucket.grantRead(plan, key);
      props.stateBucket.grantReadWrite(plan, `${key}.tflock`);
      props.stateBucket.grantReadWrite(deploy, key);
      props.stateBucket.grantReadWrite(deploy, `${key}.tflock`);

      for (const s of planStatements(props.accountId, environment)) plan.addToPolicy(s);
      for (const s of guardRails) deploy.addToPolicy(s);
      const foreign = otherStatesDeny(props.stateBucket.bucketArn, environment, props.environments);
      plan.addToPolicy(foreign);
      deploy.addToPolicy(foreign);
      this.roles[environment] = { plan, deploy };
    }
  }
}
