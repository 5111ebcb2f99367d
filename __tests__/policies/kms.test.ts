import { kmsRules } from "../../policies/rules/kms";
import { changing, failingRules, notPassedByCommittedStacks, passingRules } from "../helpers/policy";
import type { StackJson } from "../helpers/synth";

/*
 * policies/rules/kms.ts. Compliant: the committed stacks. Non-compliant: a hand-written key that breaks
 * rotation and its policy, prod's key changed one setting at a time, and key policies whose service
 * statements are or are not confined to the account.
 */

const rules = kmsRules;

describe("KMS rules", () => {
  test("the committed stacks pass every KMS rule, and each applies to one of them", () => {
    expect(notPassedByCommittedStacks(rules)).toEqual([]);
  });

  describe("on a hand-written key without rotation whose policy opens kms:* to every principal", () => {
    const failed = failingRules({
      stack: {
        resource: {
          aws_kms_key: {
            k: {
              enable_key_rotation: false,
              policy: JSON.stringify({
                Statement: [{ Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }],
              }),
            },
          },
        },
      },
      rules,
    });

    test.each(["CKV_AWS_7", "CKV_AWS_33", "AAI-KMS-001"])("%s fails", (id) => {
      expect(failed).toContain(id);
    });
  });

  const key = (change: (v: any) => void) => changing("aws_kms_key", "kms/key", change);
  test.each<[string, string, (json: StackJson) => void]>([
    ["CKV2_AWS_64", "a key without a policy", key((v) => delete v.policy)],
    ["CKV_AWS_227", "a disabled key", key((v) => (v.is_enabled = false))],
    ["AAI-KMS-002", "a 7-day deletion window in prod", key((v) => (v.deletion_window_in_days = 7))],
  ])("%s fails on %s", (id, _, mutate) => {
    expect(failingRules({ rules, mutate })).toContain(id);
  });

  test("AAI-KMS-002 applies to prod and bootstrap only: dev's 7-day window is not judged", () => {
    expect(failingRules({ env: "dev", rules, mutate: key((v) => (v.deletion_window_in_days = 7)) })).toEqual(
      [],
    );
    expect(passingRules({ env: "dev", rules })).not.toContain("AAI-KMS-002");
  });
});

describe("AAI-KMS-003: service principals in key policies are confined to the account", () => {
  const keyWith = (statement: Record<string, unknown>) => ({
    resource: {
      aws_kms_key: {
        k: {
          enable_key_rotation: true,
          policy: JSON.stringify({
            Statement: [
              {
                Sid: "AccountRootAdministers",
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::123456789012:root" },
                Action: "kms:*",
                Resource: "*",
              },
              { Sid: "Svc", Effect: "Allow", Action: ["kms:Decrypt"], Resource: "*", ...statement },
            ],
          }),
        },
      },
    },
  });
  const confined = rules.filter((r) => r.id === "AAI-KMS-003");
  /** The key with `statement` under the AAI-KMS-003 rule alone (one key: it passes or fails). */
  const keyCase = (statement: Record<string, unknown>) => ({ stack: keyWith(statement), rules: confined });

  test.each([
    ["no condition", { Principal: { Service: "secretsmanager.amazonaws.com" } }],
    [
      "a condition on an unrelated key",
      {
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Condition: { Bool: { "aws:SecureTransport": "true" } },
      },
    ],
    [
      "a wildcard source account",
      {
        Principal: { Service: ["budgets.amazonaws.com"] },
        Condition: { StringLike: { "aws:SourceAccount": "*" } },
      },
    ],
  ])("fails for a Service principal with %s", (_, statement) => {
    expect(failingRules(keyCase(statement))).toEqual(["AAI-KMS-003"]);
  });

  test.each([
    [{ StringEquals: { "aws:SourceAccount": "123456789012" } }],
    [
      {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-2:123456789012:log-group:*" },
      },
    ],
    [{ StringEquals: { "kms:ViaService": "secretsmanager.us-east-2.amazonaws.com" } }],
  ])("passes with %j", (condition) => {
    const statement = { Principal: { Service: "cloudwatch.amazonaws.com" }, Condition: condition };
    expect(passingRules(keyCase(statement))).toEqual(["AAI-KMS-003"]);
  });
});
