import { type IamStatement, type Rule, asList, parsePolicy } from "../engine";

/**
 * Condition keys that confine a service principal to this account's requests (confused deputy):
 * the source context a service sends, or the encryption context / calling service KMS sees.
 */
const SCOPING_CONDITION_KEY =
  /^(aws:SourceAccount|aws:SourceArn|aws:SourceOrgID|aws:SourceOrgPaths|kms:ViaService|kms:EncryptionContext:.+)$/i;

/** True when some condition of the statement uses a scoping key with a value other than "*". */
function confinesService(s: IamStatement): boolean {
  return Object.values(s.Condition ?? {}).some((byKey) =>
    Object.entries(byKey).some(
      ([key, value]) => SCOPING_CONDITION_KEY.test(key) && asList(value).every((v) => v !== "" && v !== "*"),
    ),
  );
}

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
    id: "AAI-KMS-003",
    description:
      "KMS key policy statements for service principals are confined to this account (aws:SourceAccount, aws:SourceArn, kms:EncryptionContext:* or kms:ViaService)",
    severity: "HIGH",
    fix: "Register services with KmsKey.allowService (it adds StringEquals aws:SourceAccount) or pass the service's documented condition, e.g. ArnLike kms:EncryptionContext:aws:logs:arn for CloudWatch Logs.",
    resourceTypes: ["aws_kms_key", "aws_kms_key_policy"],
    check: (key) => {
      const open = (parsePolicy(key.values.policy) ?? []).find(
        (s) =>
          s.Effect === "Allow" &&
          typeof s.Principal === "object" &&
          asList(s.Principal.Service).length > 0 &&
          !confinesService(s),
      );
      return open
        ? `statement ${open.Sid ?? "(no sid)"} lets ${asList((open.Principal as Record<string, string | string[]>).Service).join(", ")} use the key without an account-scoping condition`
        : true;
    },
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
