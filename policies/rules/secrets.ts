/**
 * Secrets Manager rules: secrets are encrypted with our CMK, and no secret value is ever written into
 * the synthesized JSON (values are generated in AWS and reach the version through write-only
 * arguments fed by ephemeral resources).
 */
import { NOT_APPLICABLE, type Rule, referencing } from "../engine";

const EPHEMERAL_REFERENCE = /^\$\{ephemeral\.[\w-]+\.[\w-]+\.[\w.-]+\}$/;

export const secretsRules: Rule[] = [
  {
    id: "CKV_AWS_149",
    description: "Secrets Manager secrets are encrypted with a customer-managed KMS key",
    severity: "MEDIUM",
    fix: "Set kms_key_id to the project CMK (GeneratedSecret does), never alias/aws/secretsmanager.",
    resourceTypes: ["aws_secretsmanager_secret"],
    check: (s) => {
      const key = s.values.kms_key_id;
      if (!key) return "kms_key_id is not set (AWS-managed key)";
      return !String(key).includes("alias/aws/") || `kms_key_id is the AWS-managed ${key}`;
    },
  },
  {
    id: "AAI-SECRETS-001",
    description: "Secret versions carry no value in the JSON (no secret_string or secret_binary)",
    severity: "CRITICAL",
    fix: "Generate the value in AWS (GeneratedSecret: ephemeral random password -> secret_string_wo).",
    resourceTypes: ["aws_secretsmanager_secret_version"],
    check: (v) => {
      if (v.mode === "data") return NOT_APPLICABLE;
      if (v.values.secret_string !== undefined) return "secret_string is set (value in JSON and state)";
      if (v.values.secret_binary !== undefined) return "secret_binary is set (value in JSON and state)";
      return true;
    },
  },
  {
    id: "AAI-SECRETS-002",
    description: "Write-only secret values come from an ephemeral resource and carry a version",
    severity: "HIGH",
    fix: "Set secret_string_wo = ${ephemeral.<type>.<name>.<attr>} and secret_string_wo_version (bump to rotate).",
    resourceTypes: ["aws_secretsmanager_secret_version"],
    check: (v) => {
      if (v.mode === "data" || v.values.secret_string_wo === undefined) return NOT_APPLICABLE;
      if (!EPHEMERAL_REFERENCE.test(String(v.values.secret_string_wo)))
        return "secret_string_wo is not an ephemeral reference (a literal would sit in the JSON)";
      return v.values.secret_string_wo_version !== undefined || "secret_string_wo_version is not set";
    },
  },
  {
    id: "CKV2_AWS_57",
    description: "Secrets Manager secrets have automatic rotation (an aws_secretsmanager_secret_rotation)",
    severity: "MEDIUM",
    fix: "Add an aws_secretsmanager_secret_rotation with a rotation Lambda, or waive with how the secret is rotated instead.",
    resourceTypes: ["aws_secretsmanager_secret"],
    check: (secret, stack) =>
      referencing(stack, "aws_secretsmanager_secret_rotation", secret).length > 0 ||
      "no aws_secretsmanager_secret_rotation for this secret",
  },
];
