import type { PolicyStatement } from "../../../lib/iam";
import { PROJECT } from "../../../lib/naming";
import type { DeployContext } from "./context";

/** This account's Cost Explorer anomaly monitors and subscriptions (global: no region in the ARN). */
const anomalyDetectionArns = (accountId: string): string[] => [
  `arn:aws:ce::${accountId}:anomalymonitor/*`,
  `arn:aws:ce::${accountId}:anomalysubscription/*`,
];

/**
 * Data tiers and their keys: ElastiCache, KMS, S3, SQS, SNS, Secrets Manager, AWS Backup, ECR and SSM
 * parameters; and the Cost Explorer anomaly detection that alerts the SNS topic (the platform group's
 * policy is at IAM's size limit).
 */
export function dataStatements({ accountId, arn, named }: DeployContext): PolicyStatement[] {
  return [
    {
      // Cost Explorer's create actions have no resource type, so "*", and only for the project's tag
      // (default_tags).
      sid: "CreateTaggedAnomalyDetection",
      actions: ["ce:CreateAnomalyMonitor", "ce:CreateAnomalySubscription"],
      resources: ["*"],
      conditions: { StringEquals: { "aws:RequestTag/Project": PROJECT } },
    },
    {
      // Monitors and subscriptions are named by generated ids, not by name: the project's, by their tag.
      sid: "AnomalyDetection",
      actions: [
        "ce:UpdateAnomalyMonitor",
        "ce:DeleteAnomalyMonitor",
        "ce:UpdateAnomalySubscription",
        "ce:DeleteAnomalySubscription",
        "ce:UntagResource",
      ],
      resources: anomalyDetectionArns(accountId),
      conditions: { StringEquals: { "aws:ResourceTag/Project": PROJECT } },
    },
    {
      // Tagging is authorized with the create, before the resource carries the Project tag.
      sid: "TagAnomalyDetection",
      actions: ["ce:TagResource"],
      resources: anomalyDetectionArns(accountId),
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
        "backup:CreateRestoreTestingPlan",
        "backup:UpdateRestoreTestingPlan",
        "backup:DeleteRestoreTestingPlan",
        "backup:CreateRestoreTestingSelection",
        "backup:UpdateRestoreTestingSelection",
        "backup:DeleteRestoreTestingSelection",
        "backup:TagResource",
        "backup:UntagResource",
      ],
      resources: [
        arn("backup", `backup-vault:${named}`),
        arn("backup", "backup-plan:*"),
        // Restore testing names allow no hyphens: the project's name with underscores.
        arn("backup", `restore-testing-plan:${named.replace(/-/g, "_")}`),
      ],
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
      sid: "Parameters",
      actions: [
        "ssm:PutParameter",
        "ssm:DeleteParameter",
        "ssm:AddTagsToResource",
        "ssm:RemoveTagsFromResource",
      ],
      resources: [arn("ssm", `parameter/${named}`)],
    },
  ];
}
