import { type Rule, asList, parsePolicy } from "../engine";

export const kmsRules: Rule[] = [
  {
    id: "CKV_AWS_7",
    controls: ["KMS.4"],
    description: "KMS key rotation is enabled",
    severity: "MEDIUM",
    fix: "Set enable_key_rotation = true (the KmsKey construct does).",
    resourceTypes: ["aws_kms_key"],
    check: (key) => key.values.enable_key_rotation === true || "enable_key_rotation is not true",
  },
  {
    id: "CKV2_AWS_64",
    description: "KMS key has an explicit key policy",
    severity: "LOW",
    fix: "Set policy on the key (the KmsKey construct renders one).",
    resourceTypes: ["aws_kms_key"],
    check: (key) => parsePolicy(key.values.policy) !== undefined || "policy is missing or not plain JSON",
  },
  {
    id: "CKV_AWS_33",
    description: "KMS key policy has no wildcard principal without a condition",
    severity: "HIGH",
    fix: "Name the principals (account root, service principals) instead of *.",
    resourceTypes: ["aws_kms_key"],
    check: (key) => {
      const statements = parsePolicy(key.values.policy) ?? [];
      const open = statements.find((s) => {
        const principal = s.Principal;
        const wildcard =
          principal === "*" || (typeof principal === "object" && asList(principal.AWS).includes("*"));
        return s.Effect === "Allow" && wildcard && !s.Condition;
      });
      return open ? `statement ${open.Sid ?? "(no sid)"} allows principal *` : true;
    },
  },
  {
    id: "AAI-KMS-001",
    description: "KMS key policy keeps the account root as administrator (no policy lockout)",
    severity: "CRITICAL",
    fix: "Keep a statement allowing arn:aws:iam::<account>:root kms:* on the key.",
    resourceTypes: ["aws_kms_key"],
    check: (key) =>
      (parsePolicy(key.values.policy) ?? []).some(
        (s) =>
          s.Effect === "Allow" &&
          JSON.stringify(s.Principal ?? "").includes(":root") &&
          asList(s.Action).includes("kms:*"),
      ) || "no statement lets the account root administer the key",
  },
  {
    id: "CKV_AWS_227",
    description: "KMS key is enabled",
    severity: "LOW",
    fix: "Do not set is_enabled = false.",
    resourceTypes: ["aws_kms_key"],
    check: (key) => key.values.is_enabled !== false || "is_enabled is false",
  },
  {
    id: "AAI-KMS-002",
    description: "KMS deletion window is 30 days in prod",
    severity: "MEDIUM",
    fix: "Set deletion_window_in_days = 30 (security.kmsDeletionWindowDays).",
    resourceTypes: ["aws_kms_key"],
    appliesTo: (stack) => stack.name === "prod" || stack.name === "bootstrap",
    check: (key) =>
      key.values.deletion_window_in_days === 30 ||
      `deletion_window_in_days is ${key.values.deletion_window_in_days}`,
  },
];
