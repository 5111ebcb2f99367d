import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { Construct } from "constructs";
import type { EnvironmentName } from "../../environments/schema";
import { type PolicyStatement, policyDocument } from "../../lib/iam";
import { PROJECT, REGION, WORKLOAD_BOUNDARY_NAME, envName, workloadBoundaryArn } from "../../lib/naming";
import type { KmsKey } from "../security/kms-key";
import { ServiceRole } from "../security/service-role";
import type { SecureBucket } from "../storage/secure-bucket";
import { WorkloadBoundary } from "./boundary";

export { WorkloadBoundary, workloadBoundaryStatements } from "./boundary";

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

export interface GithubDeliveryProps {
  /** GitHub owner (organisation or user) of the repository. */
  readonly owner: string;
  /** Repository name, without the owner. */
  readonly repository: string;
  /** Environments that get a plan and a deploy role (the GitHub environments of the same names). */
  readonly environments: readonly EnvironmentName[];
  /** Create the account's GitHub OIDC provider, or look the existing one up. @default true */
  readonly createOidcProvider?: boolean;
  /** Account the roles live in. */
  readonly accountId: string;
  /** The Terraform state bucket (keys `<env>/terraform.tfstate` and their `.tflock` lock files). */
  readonly stateBucket: SecureBucket;
  /** The CMK the state bucket is encrypted with. */
  readonly stateKey: KmsKey;
}

/**
 * The deploy roles' service permissions, in customer managed policies shared by every environment's
 * deploy role (an inline role policy may hold only 10,240 characters; a managed policy 6,144): the
 * statement ids of each. Every Allow statement of deployStatements() belongs to exactly one group.
 */
export const DEPLOY_POLICY_GROUPS: Record<string, readonly string[]> = {
  network: [
    "Ec2NetworkingAndInstances",
    "CreateTaggedKeysAndCertificates",
    "CreateHostedZones",
    "LoadBalancing",
    "Certificates",
    "Dns",
    "Waf",
  ],
  data: [
    "Cache",
    "Keys",
    "Buckets",
    "Queues",
    "Topics",
    "Secrets",
    "RandomPasswords",
    "Backups",
    "BackupVaultStorage",
    "Registry",
    "Parameters",
  ],
  platform: [
    "WorkloadRolePermissions",
    "WorkloadRoleLifecycle",
    "AttachKnownManagedPolicies",
    "PassWorkloadRoles",
    "ServiceLinkedRoles",
    "LogGroups",
    "LogDeliveryAndResourcePolicies",
    "AlarmsAndDashboards",
    "TargetTrackingAlarms",
    "Budgets",
    "Prometheus",
    "Grafana",
    "GrafanaIdentityCenter",
    "Containers",
    "TaskDefinitions",
    "Autoscaling",
  ],
};

/** The two roles of one environment. */
export interface EnvironmentCiRoles {
  /** Read-only plus this environment's state (read) and lock file (read/write). */
  readonly plan: ServiceRole;
  /** What the environment stack manages, plus its state (read/write) and lock file. */
  readonly deploy: ServiceRole;
}

/**
 * GitHub Actions to AWS without static keys: the account's OIDC provider for
 * token.actions.githubusercontent.com and, per environment, a plan role and a deploy role that trust
 * only tokens whose `sub` is exactly `repo:<owner>/<repository>:environment:<env>` (a job that runs in
 * that GitHub environment) and whose `aud` is sts.amazonaws.com.
 */
export class GithubDelivery extends Construct {
  /** ARN of the OIDC provider the roles trust. */
  public readonly oidcProviderArn: string;
  /** Roles by environment. */
  public readonly roles: Partial<Record<EnvironmentName, EnvironmentCiRoles>> = {};
  /** ARNs of the deploy roles' managed policies, by group (DEPLOY_POLICY_GROUPS). */
  public readonly deployPolicyArns: Record<string, string> = {};
  /** The permissions boundary every role the deploy roles create or change must carry. */
  public readonly workloadBoundary: WorkloadBoundary;

  constructor(scope: Construct, id: string, props: GithubDeliveryProps) {
    super(scope, id);
    if (props.environments.length === 0)
      throw new Error("GithubDelivery environments: must name at least one of dev, staging, prod");

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
    const statements = deployStatements(props.accountId, props.stateBucket.bucketArn);
    for (const [group, sids] of Object.entries(DEPLOY_POLICY_GROUPS)) {
      this.deployPolicyArns[group] = new IamPolicy(this, `deploy-${group}`, {
        name: `${CI_ROLE_PREFIX}deploy-${group}`,
        description: `GitHub Actions deploy roles: ${group} resources of the environment stacks`,
        policy: policyDocument(statements.filter((s) => s.sid && sids.includes(s.sid))),
      }).arn;
    }
    const guardRails = statements.filter((s) => s.effect === "Deny");

    for (const environment of props.environments) {
      const trust = githubTrustPolicy(this.oidcProviderArn, props.owner, props.repository, environment);
      const plan = new ServiceRole(this, `${environment}-plan`, {
        roleName: `${CI_ROLE_PREFIX}${environment}-plan`,
        description: `GitHub Actions plan of ${environment} (${props.owner}/${props.repository}, environment ${environment}): read-only`,
        assumeRolePolicy: trust,
        managedPolicyArns: [READ_ONLY_ACCESS],
      });
      const deploy = new ServiceRole(this, `${environment}-deploy`, {
        roleName: `${CI_ROLE_PREFIX}${environment}-deploy`,
        description: `GitHub Actions deploy of ${environment} (${props.owner}/${props.repository}, environment ${environment})`,
        assumeRolePolicy: trust,
        managedPolicyArns: [READ_ONLY_ACCESS, ...Object.values(this.deployPolicyArns)],
      });

      // State: the plan reads the state and takes the S3-native lock (`<key>.tflock`: put, read, delete);
      // the deploy also writes the state. Nothing outside this environment's key.
      const stateKey = `${environment}/terraform.tfstate`;
      props.stateBucket.grantRead(plan, stateKey);
      props.stateBucket.grantReadWrite(plan, `${stateKey}.tflock`);
      props.stateBucket.grantReadWrite(deploy, stateKey);
      props.stateBucket.grantReadWrite(deploy, `${stateKey}.tflock`);

      for (const s of planStatements(props.accountId, environment)) plan.addToPolicy(s);
      for (const s of guardRails) deploy.addToPolicy(s);
      this.roles[environment] = { plan, deploy };
    }
  }
}

/** Web-identity trust: exactly one repository and GitHub environment, audience sts.amazonaws.com. */
export function githubTrustPolicy(
  providerArn: string,
  owner: string,
  repository: string,
  environment: string,
): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GithubActionsEnvironment",
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: `repo:${owner}/${repository}:environment:${environment}`,
          },
        },
      },
    ],
  });
}

/**
 * What a plan needs beyond ReadOnlyAccess: the environment's secrets that the stack reads at plan time
 * (the Redis AUTH token data source) and the random-password ephemeral resources, which Terraform opens
 * during plan. Secrets are limited to this environment's `<prefix>/` names.
 */
function planStatements(accountId: string, environment: EnvironmentName): PolicyStatement[] {
  const prefix = envName(environment, PROJECT);
  return [
    {
      sid: "ReadEnvironmentSecrets",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [`arn:aws:secretsmanager:${REGION}:${accountId}:secret:${prefix}/*`],
    },
    {
      sid: "DecryptSecretsThroughSecretsManager",
      actions: ["kms:Decrypt"],
      resources: [`arn:aws:kms:${REGION}:${accountId}:key/*`],
      conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` } },
    },
    { sid: "GenerateRandomPasswords", actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] },
  ];
}

/**
 * The deploy role's permissions: write actions of exactly the services the environment stacks manage
 * (reads come from ReadOnlyAccess), on this account and region, and by name prefix `air-applied-ai*`
 * where the service's ARNs carry names. Every role it creates or whose permissions it changes must carry
 * the workload permissions boundary (iam:PermissionsBoundary), which it can neither remove nor change.
 * Explicit denies keep it away from the CI roles, the OIDC provider, the boundary and the state bucket's
 * configuration, and from assuming any role.
 */
export function deployStatements(accountId: string, stateBucketArn: string): PolicyStatement[] {
  const arn = (service: string, resource: string, region: string = REGION) =>
    `arn:aws:${service}:${region}:${accountId}:${resource}`;
  const named = `${PROJECT}*`;
  const iam = (resource: string) => `arn:aws:iam::${accountId}:${resource}`;
  const withBoundary = { StringEquals: { "iam:PermissionsBoundary": workloadBoundaryArn(accountId) } };
  return [
    {
      sid: "Ec2NetworkingAndInstances",
      actions: [
        "ec2:Create*",
        "ec2:Delete*",
        "ec2:Modify*",
        "ec2:Associate*",
        "ec2:Disassociate*",
        "ec2:Attach*",
        "ec2:Detach*",
        "ec2:AllocateAddress",
        "ec2:ReleaseAddress",
        "ec2:Replace*",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
        "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
        "ec2:RunInstances",
        "ec2:StartInstances",
        "ec2:StopInstances",
        "ec2:TerminateInstances",
      ],
      resources: [arn("ec2", "*"), `arn:aws:ec2:${REGION}::image/*`, `arn:aws:ec2:${REGION}::snapshot/*`],
    },
    {
      sid: "CreateTaggedKeysAndCertificates",
      actions: ["kms:CreateKey", "acm:RequestCertificate"],
      resources: ["*"],
      conditions: { StringEquals: { "aws:RequestTag/Project": PROJECT } },
    },
    { sid: "CreateHostedZones", actions: ["route53:CreateHostedZone"], resources: ["*"] },
    {
      sid: "LoadBalancing",
      actions: [
        "elasticloadbalancing:Create*",
        "elasticloadbalancing:Delete*",
        "elasticloadbalancing:Modify*",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:SetWebAcl",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
      ],
      resources: [arn("elasticloadbalancing", "*")],
    },
    {
      sid: "Certificates",
      actions: ["acm:DeleteCertificate", "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate"],
      resources: [arn("acm", "certificate/*")],
    },
    {
      sid: "Dns",
      actions: [
        "route53:ChangeResourceRecordSets",
        "route53:DeleteHostedZone",
        "route53:ChangeTagsForResource",
        "route53:AssociateVPCWithHostedZone",
        "route53:DisassociateVPCFromHostedZone",
      ],
      resources: ["arn:aws:route53:::hostedzone/*"],
    },
    {
      sid: "Waf",
      actions: [
        "wafv2:CreateWebACL",
        "wafv2:UpdateWebACL",
        "wafv2:DeleteWebACL",
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "wafv2:PutLoggingConfiguration",
        "wafv2:DeleteLoggingConfiguration",
        "wafv2:TagResource",
        "wafv2:UntagResource",
      ],
      resources: [
        arn("wafv2", "regional/*"),
        `arn:aws:wafv2:${REGION}:*:regional/managedruleset/*`,
        arn("elasticloadbalancing", "loadbalancer/app/*"),
      ],
    },
    {
      sid: "Cache",
      actions: [
        "elasticache:Create*",
        "elasticache:Delete*",
        "elasticache:Modify*",
        "elasticache:AddTagsToResource",
        "elasticache:RemoveTagsFromResource",
        "elasticache:IncreaseReplicaCount",
        "elasticache:DecreaseReplicaCount",
      ],
      resources: [arn("elasticache", "*")],
    },
    {
      sid: "Keys",
      actions: [
        "kms:CreateAlias",
        "kms:UpdateAlias",
        "kms:DeleteAlias",
        "kms:PutKeyPolicy",
        "kms:EnableKeyRotation",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
        "kms:UpdateKeyDescription",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:CreateGrant",
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
      ],
      resources: [arn("kms", "key/*"), arn("kms", `alias/${named}`)],
    },
    {
      // A role is created, and its permissions written, only with the workload boundary: whatever the
      // inline policy says, the role can do no more than the boundary allows (no IAM, no AssumeRole).
      sid: "WorkloadRolePermissions",
      actions: [
        "iam:CreateRole",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
      ],
      resources: [iam(`role/${named}`)],
      conditions: withBoundary,
    },
    {
      // These actions have no iam:PermissionsBoundary condition key. None adds permissions to a role;
      // UpdateAssumeRolePolicy changes who may assume it, but every air-applied-ai* role it can reach
      // (the CI roles are denied below) carries the boundary, and this role may not assume roles.
      sid: "WorkloadRoleLifecycle",
      actions: [
        "iam:DeleteRole",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:CreateInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:TagInstanceProfile",
        "iam:UntagInstanceProfile",
      ],
      resources: [iam(`role/${named}`), iam(`instance-profile/${named}`)],
    },
    {
      sid: "AttachKnownManagedPolicies",
      actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
      resources: [iam(`role/${named}`)],
      conditions: { ArnEquals: { "iam:PolicyARN": ATTACHABLE_MANAGED_POLICIES }, ...withBoundary },
    },
    {
      sid: "PassWorkloadRoles",
      actions: ["iam:PassRole"],
      resources: [iam(`role/${named}`)],
      conditions: { StringEquals: { "iam:PassedToService": PASSABLE_TO_SERVICES } },
    },
    {
      sid: "ServiceLinkedRoles",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [iam("role/aws-service-role/*")],
      conditions: {
        StringEquals: {
          "iam:AWSServiceName": [
            "elasticache.amazonaws.com",
            "elasticloadbalancing.amazonaws.com",
            "ecs.amazonaws.com",
            "ecs.application-autoscaling.amazonaws.com",
            "backup.amazonaws.com",
            "grafana.amazonaws.com",
          ],
        },
      },
    },
    {
      sid: "Buckets",
      actions: [
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:PutBucket*",
        "s3:DeleteBucketPolicy",
        "s3:PutLifecycleConfiguration",
        "s3:PutEncryptionConfiguration",
      ],
      resources: [`arn:aws:s3:::${named}`],
    },
    {
      sid: "Queues",
      actions: [
        "sqs:CreateQueue",
        "sqs:DeleteQueue",
        "sqs:SetQueueAttributes",
        "sqs:TagQueue",
        "sqs:UntagQueue",
      ],
      resources: [arn("sqs", named)],
    },
    {
      sid: "Topics",
      actions: [
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:SetSubscriptionAttributes",
        "sns:TagResource",
        "sns:UntagResource",
      ],
      resources: [arn("sns", named)],
    },
    {
      sid: "LogGroups",
      actions: [
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:AssociateKmsKey",
        "logs:DisassociateKmsKey",
        "logs:TagResource",
        "logs:UntagResource",
      ],
      resources: [
        arn("logs", `log-group:/${named}`),
        arn("logs", `log-group:aws-waf-logs-${named}`),
        arn("logs", `log-group:/aws/vendedlogs/${named}`),
        arn("logs", `log-group:/aws/vendedlogs/prometheus/${named}`),
      ],
    },
    {
      sid: "LogDeliveryAndResourcePolicies",
      actions: [
        "logs:PutResourcePolicy",
        "logs:DeleteResourcePolicy",
        "logs:CreateLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
      ],
      resources: ["*"],
    },
    {
      sid: "AlarmsAndDashboards",
      actions: [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:PutCompositeAlarm",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:PutDashboard",
        "cloudwatch:DeleteDashboards",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
      ],
      resources: [arn("cloudwatch", `alarm:${named}`), `arn:aws:cloudwatch::${accountId}:dashboard/${named}`],
    },
    {
      // Application Auto Scaling creates and deletes a target tracking policy's alarms itself (its
      // service-linked role, ServiceLinkedRoles above), but PutScalingPolicy and DeleteScalingPolicy
      // first check that the caller holds cloudwatch:PutMetricAlarm / DeleteAlarms / DescribeAlarms
      // (Application Auto Scaling User Guide, "Identity-based policy examples" > "Permissions required
      // for API actions on target services and CloudWatch" > ECS services; DescribeAlarms comes from
      // ReadOnlyAccess). Their names are `TargetTracking-service/<cluster>/<service>-AlarmHigh|Low-<id>`:
      // exactly those alarms of air-applied-ai* services in air-applied-ai* clusters.
      sid: "TargetTrackingAlarms",
      actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
      resources: [arn("cloudwatch", `alarm:TargetTracking-service/${named}/${named}`)],
    },
    {
      sid: "Secrets",
      actions: [
        "secretsmanager:CreateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:RestoreSecret",
        "secretsmanager:UpdateSecret",
        "secretsmanager:PutSecretValue",
        "secretsmanager:GetSecretValue",
        "secretsmanager:PutResourcePolicy",
        "secretsmanager:DeleteResourcePolicy",
        "secretsmanager:TagResource",
        "secretsmanager:UntagResource",
      ],
      resources: [arn("secretsmanager", `secret:${named}`)],
    },
    { sid: "RandomPasswords", actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] },
    {
      sid: "Backups",
      actions: [
        "backup:CreateBackupVault",
        "backup:DeleteBackupVault",
        "backup:CreateBackupPlan",
        "backup:UpdateBackupPlan",
        "backup:DeleteBackupPlan",
        "backup:CreateBackupSelection",
        "backup:DeleteBackupSelection",
        "backup:TagResource",
        "backup:UntagResource",
      ],
      resources: [arn("backup", `backup-vault:${named}`), arn("backup", "backup-plan:*")],
    },
    { sid: "BackupVaultStorage", actions: ["backup-storage:MountCapsule"], resources: ["*"] },
    {
      sid: "Registry",
      actions: [
        "ecr:CreateRepository",
        "ecr:DeleteRepository",
        "ecr:PutLifecyclePolicy",
        "ecr:DeleteLifecyclePolicy",
        "ecr:PutImageScanningConfiguration",
        "ecr:PutImageTagMutability",
        "ecr:SetRepositoryPolicy",
        "ecr:DeleteRepositoryPolicy",
        "ecr:TagResource",
        "ecr:UntagResource",
      ],
      resources: [arn("ecr", `repository/${named}`)],
    },
    {
      sid: "Budgets",
      actions: ["budgets:ModifyBudget", "budgets:TagResource", "budgets:UntagResource"],
      resources: [`arn:aws:budgets::${accountId}:budget/${named}`],
    },
    {
      sid: "Prometheus",
      actions: [
        "aps:CreateWorkspace",
        "aps:DeleteWorkspace",
        "aps:UpdateWorkspaceAlias",
        "aps:CreateLoggingConfiguration",
        "aps:UpdateLoggingConfiguration",
        "aps:DeleteLoggingConfiguration",
        "aps:TagResource",
        "aps:UntagResource",
      ],
      resources: [arn("aps", "workspace/*")],
    },
    {
      sid: "Grafana",
      actions: [
        "grafana:CreateWorkspace",
        "grafana:DeleteWorkspace",
        "grafana:UpdateWorkspace",
        "grafana:UpdateWorkspaceAuthentication",
        "grafana:UpdateWorkspaceConfiguration",
        "grafana:TagResource",
        "grafana:UntagResource",
      ],
      resources: [arn("grafana", "/workspaces/*")],
    },
    {
      sid: "GrafanaIdentityCenter",
      actions: [
        "sso:CreateManagedApplicationInstance",
        "sso:DeleteManagedApplicationInstance",
        "sso:DescribeRegisteredRegions",
        "sso:GetSharedSsoConfiguration",
      ],
      resources: ["*"],
    },
    {
      sid: "Containers",
      actions: [
        "ecs:CreateCluster",
        "ecs:UpdateCluster",
        "ecs:DeleteCluster",
        "ecs:PutClusterCapacityProviders",
        "ecs:CreateService",
        "ecs:UpdateService",
        "ecs:DeleteService",
        "ecs:TagResource",
        "ecs:UntagResource",
      ],
      resources: [arn("ecs", "*")],
    },
    {
      sid: "TaskDefinitions",
      actions: ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition"],
      resources: ["*"],
    },
    {
      sid: "Autoscaling",
      actions: [
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:DeregisterScalableTarget",
        "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:DeleteScalingPolicy",
        "application-autoscaling:PutScheduledAction",
        "application-autoscaling:DeleteScheduledAction",
        "application-autoscaling:TagResource",
        "application-autoscaling:UntagResource",
      ],
      resources: [arn("application-autoscaling", "scalable-target/*")],
    },
    {
      sid: "Parameters",
      actions: [
        "ssm:PutParameter",
        "ssm:DeleteParameter",
        "ssm:AddTagsToResource",
        "ssm:RemoveTagsFromResource",
      ],
      resources: [arn("ssm", `parameter/${named}`)],
    },
    // ---- guard rails -------------------------------------------------------------------------
    {
      sid: "DenyChangingCiIdentity",
      effect: "Deny",
      actions: [
        "iam:Create*",
        "iam:Delete*",
        "iam:Update*",
        "iam:Put*",
        "iam:Attach*",
        "iam:Detach*",
        "iam:Tag*",
        "iam:Untag*",
        "iam:SetDefaultPolicyVersion",
        "iam:AddClientIDToOpenIDConnectProvider",
        "iam:RemoveClientIDFromOpenIDConnectProvider",
        "iam:PassRole",
      ],
      resources: [iam(`role/${CI_ROLE_PREFIX}*`), iam(`policy/${CI_ROLE_PREFIX}*`), iam("oidc-provider/*")],
    },
    {
      // Belt and braces for the conditioned Allow above: no role is created or has its permissions
      // changed without the workload boundary, whatever other policy might allow it.
      sid: "DenyRoleWritesWithoutWorkloadBoundary",
      effect: "Deny",
      actions: [...BOUNDARY_CONDITIONED_ROLE_ACTIONS],
      resources: [iam("role/*")],
      conditions: { StringNotEquals: { "iam:PermissionsBoundary": workloadBoundaryArn(accountId) } },
    },
    {
      sid: "DenyRemovingOrChangingWorkloadBoundary",
      effect: "Deny",
      actions: [
        "iam:DeleteRolePermissionsBoundary",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:TagPolicy",
        "iam:UntagPolicy",
      ],
      resources: [iam("role/*"), iam(`policy/${WORKLOAD_BOUNDARY_NAME}`)],
    },
    {
      sid: "DenyStateBucketConfiguration",
      effect: "Deny",
      actions: [
        "s3:DeleteBucket",
        "s3:PutBucket*",
        "s3:DeleteBucketPolicy",
        "s3:PutLifecycleConfiguration",
        "s3:PutEncryptionConfiguration",
      ],
      resources: [stateBucketArn, `${stateBucketArn}-*`],
    },
    { sid: "DenyAssumingRoles", effect: "Deny", actions: ["sts:AssumeRole"], resources: ["*"] },
  ];
}
