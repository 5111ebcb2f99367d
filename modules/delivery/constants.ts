import { PROJECT } from "../../lib/naming";

/** GitHub Actions' OIDC issuer. */
export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
/** The issuer host, the prefix of its condition keys (`<host>:sub`, `<host>:aud`). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials requests. */
export const STS_AUDIENCE = "sts.amazonaws.com";
/** AWS managed policy the plan roles use to refresh every resource type the stacks manage. */
export const READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess";
/** Names of the CI roles: `air-applied-ai-ci-<env>-plan` / `-deploy`. */
export const CI_ROLE_PREFIX = `${PROJECT}-ci-`;

/** Suffix of the plan jobs' GitHub environments (see planEnvironmentName); no environment name may end in it. */
export const PLAN_ENVIRONMENT_SUFFIX = "-plan";

/**
 * The GitHub environment the read-only plan jobs of `environment` run in (ci.yml, drift.yml): `<env>-plan`,
 * without required reviewers, so every pull request gets every plan without waiting. Only the plan role
 * trusts it; the deploy role trusts the protected environment `<env>` alone, so a job in `<env>-plan`
 * can never apply.
 */
export function planEnvironmentName(environment: string): string {
  return `${environment}${PLAN_ENVIRONMENT_SUFFIX}`;
}

/**
 * AWS managed policies the environment stacks attach to their roles; the deploy roles may attach
 * exactly these (iam:PolicyARN condition), never AdministratorAccess or a customer policy.
 */
export const ATTACHABLE_MANAGED_POLICIES = [
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
  "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
  "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
];

/**
 * IAM actions that write a role's permissions and support the `iam:PermissionsBoundary` condition key
 * (for CreateRole and PutRolePermissionsBoundary it is the boundary in the request, for the others the
 * boundary the role already has). The deploy roles may call them only with the workload boundary.
 */
export const BOUNDARY_CONDITIONED_ROLE_ACTIONS = [
  "iam:CreateRole",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
] as const;

/** Services the stacks' roles are passed to (iam:PassedToService condition of the deploy roles). */
export const PASSABLE_TO_SERVICES = [
  "ec2.amazonaws.com",
  "ecs-tasks.amazonaws.com",
  "ecs.amazonaws.com",
  "backup.amazonaws.com",
  "grafana.amazonaws.com",
  "vpc-flow-logs.amazonaws.com",
  "application-autoscaling.amazonaws.com",
];
