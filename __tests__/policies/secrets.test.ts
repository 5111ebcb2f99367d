import { secretsRules } from "../../policies/rules/secrets";
import { adding, atPath, failingRules, notPassedByCommittedStacks, passingRules } from "../helpers/policy";

/*
 * policies/rules/secrets.ts. Compliant: the committed stacks (their secrets are rotated by deployment
 * and waived for CKV2_AWS_57, whose compliant case is a secret with a rotation). Non-compliant: a
 * hand-written stack of misconfigured secrets and versions.
 */

const rules = secretsRules;

describe("Secrets Manager rules", () => {
  test("the committed stacks pass every Secrets Manager rule but the waived CKV2_AWS_57", () => {
    expect(notPassedByCommittedStacks(rules)).toEqual(["CKV2_AWS_57"]);
  });

  // The checkov check waived in .checkov.yaml stays enforced wherever its waiver does not reach.
  test("CKV2_AWS_57 (secret rotation): a new secret fails until it has a rotation", () => {
    const secret = { s: { ...atPath("prod/other/secret"), name: "x", kms_key_id: "${aws_kms_key.k.arn}" } };
    const added = adding({ aws_secretsmanager_secret: secret });
    expect(failingRules({ rules, mutate: added, show: "path" })).toContain("CKV2_AWS_57 prod/other/secret");
    const rotated = adding({
      aws_secretsmanager_secret: secret,
      aws_secretsmanager_secret_rotation: { r: { secret_id: "${aws_secretsmanager_secret.s.id}" } },
    });
    expect(passingRules({ rules, mutate: rotated, show: "path" })).toContain("CKV2_AWS_57 prod/other/secret");
  });
});

describe("Secrets Manager rules fail on misconfigured resources", () => {
  const bad = {
    resource: {
      aws_secretsmanager_secret: {
        token: { name: "t" },
        managed: { name: "m", kms_key_id: "alias/aws/secretsmanager" },
      },
      aws_secretsmanager_secret_version: {
        literal: { secret_id: "${aws_secretsmanager_secret.managed.id}", secret_string: "hunter2" },
        wo_literal: {
          secret_id: "${aws_secretsmanager_secret.managed.id}",
          secret_string_wo: "hunter2",
          secret_string_wo_version: 1,
        },
      },
    },
  };

  test.each([
    ["CKV_AWS_149", "token"],
    ["CKV_AWS_149", "managed"],
    ["AAI-SECRETS-001", "literal"],
    ["AAI-SECRETS-002", "wo_literal"],
  ])("%s fails on %s", (id, resource) => {
    expect(failingRules({ stack: bad, rules, resource })).toContain(id);
  });
});
