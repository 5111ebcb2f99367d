import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { Construct } from "constructs";
import { plainServiceTrustPolicy } from "../../lib/iam";
import type { Platform } from "../platform";
import { ServiceRole } from "../security/service-role";

/** Tag on the data volume (and its recovery points) that names its backup plan. */
export const QDRANT_BACKUP_TAG = { Backup: "qdrant-daily" } as const;

const BACKUP_POLICIES = [
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
];

export interface VolumeBackupProps {
  readonly platform: Platform;
  /** Vault name; the plan is `<name>-daily`, the role `<name>-backup`, the selection `<name>-data`. */
  readonly name: string;
  /** ARN of the EBS volume backed up (encrypted with the platform key). */
  readonly volumeArn: string;
  /** The other cluster nodes' data volumes, selected by the same plan. @default none */
  readonly extraVolumeArns?: readonly string[];
  /** Daily backup time, UTC "HH:MM" (the backup window opens then). */
  readonly timeUtc: string;
  /** Days recovery points are kept. */
  readonly retentionDays: number;
}

/**
 * AWS Backup of one EBS volume: a CMK-encrypted vault (prevent_destroy with platform.protect), a daily
 * plan retained `retentionDays`, and the role AWS Backup uses, with grants on the volume's key.
 */
export class VolumeBackup extends Construct {
  public readonly vaultName: string;

  constructor(scope: Construct, id: string, props: VolumeBackupProps) {
    super(scope, id);
    const { platform, name } = props;
    const vault = new BackupVault(this, "vault", {
      name,
      kmsKeyArn: platform.key.keyArn,
      forceDestroy: false,
      lifecycle: { preventDestroy: platform.protect },
    });
    const [hour, minute] = props.timeUtc.split(":").map(Number);
    const plan = new BackupPlan(this, "plan", {
      name: `${name}-daily`,
      rule: [
        {
          ruleName: "daily",
          targetVaultName: vault.name,
          schedule: `cron(${minute} ${hour} * * ? *)`,
          scheduleExpressionTimezone: "Etc/UTC",
          startWindow: 60,
          completionWindow: 720,
          lifecycle: { deleteAfter: props.retentionDays },
          recoveryPointTags: { ...QDRANT_BACKUP_TAG, Name: `${name}-data` },
        },
      ],
    });
    const role = new ServiceRole(this, "role", {
      roleName: `${name}-backup`,
      description: "AWS Backup: snapshots and restores of the Qdrant data volume",
      assumeRolePolicy: plainServiceTrustPolicy("backup.amazonaws.com"),
      managedPolicyArns: BACKUP_POLICIES,
    });
    // Snapshots of a CMK-encrypted volume keep its key: Backup needs grants on it to copy and restore.
    role.addToPolicy({
      sid: "UseVolumeKey",
      actions: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*"],
      resources: [platform.key.keyArn],
    });
    role.addToPolicy({
      sid: "GrantVolumeKeyToAwsResources",
      actions: ["kms:CreateGrant"],
      resources: [platform.key.keyArn],
      conditions: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    });
    new BackupSelection(this, "selection", {
      name: `${name}-data`,
      planId: plan.id,
      iamRoleArn: role.roleArn,
      resources: [props.volumeArn, ...(props.extraVolumeArns ?? [])],
    });
    this.vaultName = vault.name;
  }
}
