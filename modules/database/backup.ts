import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { Construct } from "constructs";
import { plainServiceTrustPolicy } from "../../lib/iam";
import type { EventAlert } from "../monitoring/event-alerts";
import type { Platform } from "../platform";
import { ServiceRole } from "../security/service-role";
import { VolumeRestoreTest, allowBackupUseOfKey } from "./restore-test";

/** Tag on the data volume (and its recovery points) that names its backup plan; restore tests select by it. */
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
 * plan retained `retentionDays`, the role AWS Backup uses, with grants on the volume's key, and a monthly
 * restore test of the vault's recovery points of every volume tagged QDRANT_BACKUP_TAG.
 */
export class VolumeBackup extends Construct {
  public readonly vaultName: string;
  /** The monthly restore test of the vault's recovery points (restore-test.ts). */
  public readonly restoreTest: VolumeRestoreTest;
  /** Alerts for the alert topic: a failed or aborted restore test. */
  public readonly eventAlerts: readonly EventAlert[];

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
    allowBackupUseOfKey(role, platform.key.keyArn);
    new BackupSelection(this, "selection", {
      name: `${name}-data`,
      planId: plan.id,
      iamRoleArn: role.roleArn,
      resources: [props.volumeArn, ...(props.extraVolumeArns ?? [])],
    });
    this.vaultName = vault.name;

    // Proof that the backups restore: a monthly AWS Backup restore test of every volume with the tag.
    this.restoreTest = new VolumeRestoreTest(this, "restore-test", {
      platform,
      name,
      vaultArn: vault.arn,
      volumeTag: QDRANT_BACKUP_TAG,
      backupTimeUtc: props.timeUtc,
      retentionDays: props.retentionDays,
    });
    this.eventAlerts = this.restoreTest.eventAlerts;
  }
}
