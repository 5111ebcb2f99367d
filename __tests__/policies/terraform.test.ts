import { terraformRules } from "../../policies/rules/terraform";
import { failingRules, notPassedByCommittedStacks } from "../helpers/policy";
import type { StackJson } from "../helpers/synth";

/*
 * policies/rules/terraform.ts: each stack's terraform block. Compliant: the committed stacks.
 * Non-compliant: prod's backend and required version changed one at a time.
 */

const rules = terraformRules;

describe("Terraform rules", () => {
  test("the committed stacks pass every Terraform rule, and each applies to one of them", () => {
    expect(notPassedByCommittedStacks(rules)).toEqual([]);
  });

  test.each<[string, string, (json: StackJson) => void]>([
    ["AAI-TF-001", "an unencrypted state backend", (j) => (j.terraform.backend.s3.encrypt = false)],
    ["AAI-TF-001", "DynamoDB locking", (j) => (j.terraform.backend.s3.dynamodb_table = "locks")],
    [
      "AAI-TF-001",
      "another environment's state key",
      (j) => (j.terraform.backend.s3.key = "dev/terraform.tfstate"),
    ],
    ["AAI-TF-002", "an older required Terraform", (j) => (j.terraform.required_version = ">= 1.5")],
  ])("%s fails on %s", (id, _, mutate) => {
    expect(failingRules({ rules, mutate })).toEqual([id]);
  });
});
