import { BackupRestoreTestingPlan } from "@cdktf/provider-aws/lib/backup-restore-testing-plan";
import { BackupRestoreTestingSelection } from "@cdktf/provider-aws/lib/backup-restore-testing-selection";
import { Construct } from "constructs";
import { type IGrantable, plainServiceTrustPolicy } from "../../lib/iam";
import type { EventAlert } from "../monitoring/event-alerts";
import type { Platform } from "../platform";
import { ServiceRole } from "../security/service-role";

/** Restore testing plan and selection names: letters, digits and underscores only, 1-50 (no hyphens). */
const RESTORE_TESTING_NAME = /^[A-Za-z0-9_]{1,50}$/;

/** Restore job states that end a restore test without a restored volume (AWS Backup RestoreJobStatus). */
export const RESTORE_TEST_FAILURE_STATES = ["FAILED", "ABORTED"] as const;

/** A restore testing name for a physical name: `air-applied-ai-qdrant-monthly` -> `air_applied_ai_qdrant_monthly`. */
export function restoreTestingName(name: string): string {
  const underscored = name.replace(/-/g, "_");
  if (!RESTORE_TESTING_NAME.test(underscored))
    throw new Error(
      `VolumeRestoreTest: ${JSON.stringify(underscored)}: restore testing names allow 1-50 letters, digits and underscores`,
    );
  return underscored;
}

/**
 * What AWS Backup needs on the CMK of an encrypted EBS volume to snapshot or restore it: use of the key,
 * and grants for the EBS volumes it creates (only grants for AWS resources).
 */
export function allowBackupUseOfKey(role: IGrantable, keyArn: string): void {
  role.addToPolicy({
    sid: "UseVolumeKey",
    actions: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*"],
    resources: [keyArn],
  });
  role.addToPolicy({
    sid: "GrantVolumeKeyToAwsResources",
    actions: ["kms:CreateGrant"],
    resources: [keyArn],
    conditions: { Bool: { "kms:GrantIsForAWSResource": "true" } },
  });
}

export interface VolumeRestoreTestProps {
  readonly platform: Platform;
  /** Base physical name: the plan is `<name>_monthly`, the selection `<name>_data`, the role `<name>-restore-test`. */
  readonly name: string;
  /** ARN of the vault whose recovery points are tested (only that vault: other environments share the account). */
  readonly vaultArn: string;
  /** Tag of the protected volumes (the one the backup plan's volumes carry): every volume with it is tested. */
  readonly volumeTag: Readonly<Record<string, string>>;
  /** Daily backup time, UTC "HH:MM"; the test runs on the 1st of each month, `hoursAfterBackup` later. */
  readonly backupTimeUtc: string;
  /** Days recovery points are kept: the selection window never reaches further back. */
  readonly retentionDays: number;
  /** Hours the restored volume is kept for checks before AWS Backup deletes it (1-168). @default 24 */
  readonly validationWindowHours?: number;
}

/** Hours between the daily backup and the monthly restore test (start window 1 h + the snapshot). */
const HOURS_AFTER_BACKUP = 6;
/** Hours AWS Backup may wait to start the restore job before it is abandoned. */
const START_WINDOW_HOURS = 8;
/** The newest recovery point of the last week is restored (LATEST_WITHIN_WINDOW). */
const SELECTION_WINDOW_DAYS = 7;

/**
 * AWS Backup restore testing of EBS volumes: once a month AWS restores the newest recovery point of each
 * tagged volume from the vault into a new gp3 volume under the platform key, keeps it for the validation
 * window, deletes it, and reports the job (Backup console > Restore testing, `list-restore-jobs`).
 * `eventAlerts` is the alert a failed or aborted test raises (Monitoring routes it to the alert topic).
 * The selection is by tag, not by ARN: new volumes with the tag are covered without a change, and a
 * changed ARN list is not applied by the provider (terraform-provider-aws#48316).
 */
export class VolumeRestoreTest extends Construct {
  public readonly planArn: string;
  /** A restore test ended FAILED or ABORTED (Monitoring: EventBridge rule -> alert topic). */
  public readonly eventAlerts: readonly EventAlert[];

  constructor(scope: Construct, id: string, props: VolumeRestoreTestProps) {
    super(scope, id);
    const { platform, name } = props;
    const validationWindowHours = props.validationWindowHours ?? 24;
    if (!Number.isInteger(validationWindowHours) || validationWindowHours < 1 || validationWindowHours > 168)
      throw new Error(
        `VolumeRestoreTest: validationWindowHours = ${validationWindowHours}: must be 1-168 hours`,
      );
    const [hour, minute] = props.backupTimeUtc.split(":").map(Number);
    const plan = new BackupRestoreTestingPlan(this, "plan", {
      name: restoreTestingName(`${name}-monthly`),
      scheduleExpression: `cron(${minute} ${(hour + HOURS_AFTER_BACKUP) % 24} 1 * ? *)`,
      scheduleExpressionTimezone: "Etc/UTC",
      startWindowHours: START_WINDOW_HOURS,
      recoveryPointSelection: [
        {
          algorithm: "LATEST_WITHIN_WINDOW",
          includeVaults: [props.vaultArn],
          // EBS recovery points are snapshots (no continuous backup for EBS).
          recoveryPointTypes: ["SNAPSHOT"],
          selectionWindowDays: Math.min(SELECTION_WINDOW_DAYS, props.retentionDays),
        },
      ],
    });
    const role = new ServiceRole(this, "role", {
      roleName: `${name}-restore-test`,
      description:
        "AWS Backup restore testing: restores Qdrant data volume recovery points, then deletes them",
      assumeRolePolicy: plainServiceTrustPolicy("backup.amazonaws.com"),
      // Restores and the deletion of the restored volume after the validation window; no backups.
      managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"],
    });
    allowBackupUseOfKey(role, platform.key.keyArn);
    const [[tagKey, tagValue]] = Object.entries(props.volumeTag);
    new BackupRestoreTestingSelection(this, "selection", {
      name: restoreTestingName(`${name}-data`),
      restoreTestingPlanName: plan.name,
      protectedResourceType: "EBS",
      iamRoleArn: role.roleArn,
      // Every volume carrying the backup tag. Conditions alone: the provider accepts exactly one of
      // protected_resource_arns and protected_resource_conditions (terraform validate fails otherwise).
      protectedResourceConditions: [
        { stringEquals: [{ key: `aws:ResourceTag/${tagKey}`, value: tagValue }] },
      ],
      // gp3 under the project key, like the volume itself (the inferred defaults: a random AZ, encrypted).
      restoreMetadataOverrides: { volumetype: "gp3", kmsKeyId: platform.key.keyArn },
      validationWindowHours,
    });
    this.planArn = plan.arn;
    this.eventAlerts = [
      {
        id: `${name.slice(platform.namePrefix.length + 1)}-restore-test-failed`,
        description:
          "An AWS Backup restore test of a Qdrant data volume failed or was aborted: the backups may not be restorable (docs/runbooks/disaster-recovery.md#restore-testing)",
        eventPattern: {
          source: ["aws.backup"],
          "detail-type": ["Restore Job State Change"],
          detail: { restoreTestingPlanArn: [plan.arn], status: [...RESTORE_TEST_FAILURE_STATES] },
        },
        message: {
          paths: {
            status: "$.detail.status",
            job: "$.detail.restoreJobId",
            resourceType: "$.detail.resourceType",
            reason: "$.detail.statusMessage",
            plan: "$.detail.restoreTestingPlanArn",
            time: "$.time",
          },
          text:
            "AWS Backup restore test <status> at <time>: restore job <job> (<resourceType>) of plan <plan>: <reason>. " +
            "Runbook: docs/runbooks/disaster-recovery.md#restore-testing",
        },
      },
    ];
  }
}
