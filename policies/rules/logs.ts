import { type Rule } from "../engine";

export const logRules: Rule[] = [
  {
    id: "CKV_AWS_158",
    description: "CloudWatch log group is encrypted with a KMS CMK",
    severity: "MEDIUM",
    fix: "Create log groups with EncryptedLogGroup (modules/monitoring/log-group.ts).",
    resourceTypes: ["aws_cloudwatch_log_group"],
    check: (group) => !!group.values.kms_key_id || "kms_key_id is not set",
  },
  {
    id: "CKV_AWS_66",
    description: "CloudWatch log group has a retention period",
    severity: "LOW",
    fix: "Set retention_in_days (EncryptedLogGroup uses 30).",
    resourceTypes: ["aws_cloudwatch_log_group"],
    check: (group) =>
      (typeof group.values.retention_in_days === "number" && group.values.retention_in_days > 0) ||
      "retention_in_days is not set",
  },
  {
    id: "AAI-LOG-001",
    description: "CloudWatch log group retention is the seed's 30 days",
    severity: "LOW",
    fix: "Use EncryptedLogGroup's default retention (30 days).",
    resourceTypes: ["aws_cloudwatch_log_group"],
    check: (group) =>
      group.values.retention_in_days === 30 || `retention_in_days is ${group.values.retention_in_days}`,
  },
  {
    id: "CKV_AWS_338",
    controls: ["CloudWatch.16"],
    description: "CloudWatch log group retains logs for at least one year",
    severity: "LOW",
    fix: "Set retention_in_days >= 365 (waived: the seed requires 30 days).",
    resourceTypes: ["aws_cloudwatch_log_group"],
    check: (group) =>
      group.values.retention_in_days >= 365 || `retention_in_days is ${group.values.retention_in_days}`,
  },
];
