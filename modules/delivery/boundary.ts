import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "../../lib/iam";
import { PROJECT, REGION, WORKLOAD_BOUNDARY_NAME, workloadBoundaryArn } from "../../lib/naming";

export interface WorkloadBoundaryProps {
  /** Account the boundary and the workload roles live in. */
  readonly accountId: string;
  /** The Terraform state bucket: no workload role may touch it, nor its access-log bucket (`<name>-*`). */
  readonly stateBucketArn: string;
  /** The state bucket's CMK: no workload role may use it. */
  readonly stateKeyArn: string;
}

/**
 * The permissions boundary of every role in the environment stacks (`air-applied-ai-workload-boundary`),
 * a customer managed policy made by the bootstrap stack. A boundary grants nothing; it caps what the
 * role's own policies can grant. The CI deploy roles may create and change roles only with exactly this
 * boundary (modules/delivery deployStatements), so whatever role a compromised pipeline creates, with
 * whatever trust and inline policy, can never do more than this document allows:
 *
 * - Allow: the data-plane and telemetry actions the workload roles use (their inline grants and the AWS
 *   managed policies they attach, see below), in this account and region and on the project's buckets.
 * - Deny: every IAM action (no role can create, change or pass roles, nor touch this boundary), every
 *   `sts:AssumeRole*` (no hop into the CI roles or any other role), and the Terraform state bucket, its
 *   access-log bucket and its key.
 *
 * AWS managed policies the roles attach, and what of them the boundary admits:
 * - AmazonSSMManagedInstanceCore (Qdrant host): Session Manager and the agent's messaging
 *   (`ssm:UpdateInstanceInformation`, `ssmmessages:*`, `ec2messages:*`). State Manager, Inventory and
 *   Patch Manager calls of the agent are not admitted (the project uses none of them).
 * - AWSBackupServiceRolePolicyForBackup / ...ForRestores (Qdrant backup role): EBS snapshots of the data
 *   volume (create, copy, tag, delete, describe), the vault, and volume restores. Restores of whole EC2
 *   instances (which need `iam:PassRole`) are not admitted.
 * - AmazonECSTaskExecutionRolePolicy and CloudWatchAgentServerPolicy (attachable by the deploy role):
 *   ECR pulls, log streams and metrics are admitted; log-group creation and SSM parameters are not.
 */
export class WorkloadBoundary extends Construct {
  /** ARN of the boundary policy (built from the account id: the environment stacks build the same). */
  public readonly policyArn: string;

  constructor(scope: Construct, id: string, props: WorkloadBoundaryProps) {
    super(scope, id);
    new IamPolicy(this, "policy", {
      name: WORKLOAD_BOUNDARY_NAME,
      description: `${PROJECT}: permissions boundary of every role the environment stacks (and CI) create`,
      policy: policyDocument(workloadBoundaryStatements(props)),
    });
    this.policyArn = workloadBoundaryArn(props.accountId);
  }
}

/** The boundary's statements (see WorkloadBoundary). */
export function workloadBoundaryStatements(props: WorkloadBoundaryProps): PolicyStatement[] {
  const { accountId, stateBucketArn, stateKeyArn } = props;
  return [
    {
      sid: "WorkloadDataAndTelemetry",
      actions: [
        // storage, queue, secrets, keys
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:AbortMultipartUpload",
        "s3:ListBucket",
        "sqs:SendMessage",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
        "kms:DescribeKey",
        "kms:CreateGrant",
        // logs, metrics, alerts, container images
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:DescribeLogStreams",
        "logs:StartQuery",
        "logs:GetLogGroupFields",
        "logs:GetLogEvents",
        "logs:GetQueryResults",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:DescribeAlarmHistory",
        "cloudwatch:GetInsightRuleReport",
        "aps:RemoteWrite",
        "aps:QueryMetrics",
        "aps:GetSeries",
        "aps:GetLabels",
        "aps:GetMetricMetadata",
        "aps:DescribeWorkspace",
        "sns:Publish",
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
        // ECS blue/green (infrastructure role) and discovery (collector)
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:ModifyListener",
        "ecs:DescribeServices",
        "ecs:DescribeTasks",
        // Qdrant host (Session Manager) and its backups (EBS snapshots, restores)
        "ssm:UpdateInstanceInformation",
        "ec2:CreateSnapshot",
        "ec2:CopySnapshot",
        "ec2:DeleteSnapshot",
        "ec2:CreateVolume",
        "ec2:DeleteVolume",
        "ec2:CreateTags",
        "backup:DescribeBackupVault",
        "backup:CopyIntoBackupVault",
      ],
      resources: [
        `arn:aws:*:${REGION}:${accountId}:*`,
        `arn:aws:s3:::${PROJECT}*`,
        `arn:aws:ec2:${REGION}::snapshot/*`,
      ],
    },
    {
      sid: "ActionsWithoutResourceLevelPermissions",
      actions: [
        "ecr:GetAuthorizationToken",
        "cloudwatch:PutMetricData",
        "cloudwatch:DescribeAlarmsForMetric",
        "cloudwatch:ListMetrics",
        "cloudwatch:GetMetricData",
        "cloudwatch:GetMetricStatistics",
        "logs:DescribeLogGroups",
        "logs:StopQuery",
        "aps:ListWorkspaces",
        "tag:GetResources",
        "ecs:DescribeTaskDefinition",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
        "ec2:DescribeInstances",
        "ec2:DescribeVolumes",
        "ec2:DescribeSnapshots",
        "ec2:DescribeImages",
        "ec2:DescribeTags",
        "ec2:DescribeRegions",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
        "ec2messages:AcknowledgeMessage",
        "ec2messages:DeleteMessage",
        "ec2messages:FailMessage",
        "ec2messages:GetEndpoint",
        "ec2messages:GetMessages",
        "ec2messages:SendReply",
      ],
      resources: ["*"],
    },
    {
      // ECS discovery (collector): list calls name no resource, so they are confined by cluster instead,
      // as in the collector's own policy (CKV_AWS_355 counts a condition as a constraint).
      sid: "EcsDiscoveryInProjectClusters",
      actions: ["ecs:ListTasks", "ecs:ListServices"],
      resources: ["*"],
      conditions: { ArnLike: { "ecs:cluster": `arn:aws:ecs:${REGION}:${accountId}:cluster/${PROJECT}*` } },
    },
    // ---- what no workload role may ever do, whatever its own policies say ----------------------
    { sid: "DenyAllIam", effect: "Deny", actions: ["iam:*"], resources: ["*"] },
    { sid: "DenyAssumingRoles", effect: "Deny", actions: ["sts:AssumeRole*"], resources: ["*"] },
    {
      sid: "DenyTerraformState",
      effect: "Deny",
      actions: ["s3:*"],
      resources: [stateBucketArn, `${stateBucketArn}/*`, `${stateBucketArn}-*`],
    },
    { sid: "DenyTerraformStateKey", effect: "Deny", actions: ["kms:*"], resources: [stateKeyArn] },
  ];
}
