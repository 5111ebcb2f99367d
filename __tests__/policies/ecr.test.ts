import { ecrRules } from "../../policies/rules/ecr";
import { adding, failingRules, notPassedByCommittedStacks, passingRules } from "../helpers/policy";
import { type StackJson, stackResource } from "../helpers/synth";

/*
 * policies/rules/ecr.ts. Compliant: the committed stacks (no repository policy there, so CKV_AWS_32's
 * compliant case is a fixture). Non-compliant: prod's repository changed one setting at a time.
 */

const repository = (json: StackJson) =>
  stackResource(json, "aws_ecr_repository", "application/repository/repository");
/** A repository policy letting `principal` pull. */
const repositoryPolicy = (principal: unknown) => ({
  policy: JSON.stringify({
    Statement: [{ Effect: "Allow", Principal: principal, Action: "ecr:BatchGetImage" }],
  }),
});

describe("ECR rules", () => {
  test("the committed stacks pass every ECR rule but CKV_AWS_32 (no repository policy to check)", () => {
    expect(notPassedByCommittedStacks(ecrRules)).toEqual(["CKV_AWS_32"]);
    expect(failingRules({ rules: ecrRules, waivers: [] })).toEqual([]);
  });

  test("CKV_AWS_32 passes a repository policy that names an account", () => {
    const named = adding({
      aws_ecr_repository_policy: { p: repositoryPolicy({ AWS: "arn:aws:iam::123456789012:root" }) },
    });
    expect(passingRules({ rules: ecrRules, mutate: named })).toContain("CKV_AWS_32");
  });

  test.each<[string, string, (json: StackJson) => void]>([
    [
      "CKV_AWS_136",
      "AES256 instead of the CMK",
      (j) => (repository(j).encryption_configuration = [{ encryption_type: "AES256" }]),
    ],
    ["CKV_AWS_51", "mutable tags", (j) => (repository(j).image_tag_mutability = "MUTABLE")],
    [
      "CKV_AWS_163",
      "no scan on push",
      (j) => (repository(j).image_scanning_configuration.scan_on_push = false),
    ],
    ["AAI-ECR-001", "no lifecycle policy", (j) => delete j.resource.aws_ecr_lifecycle_policy],
    [
      "CKV_AWS_32",
      "a public repository policy",
      adding({ aws_ecr_repository_policy: { p: repositoryPolicy("*") } }),
    ],
  ])("%s fails on %s", (id, _, mutate) => {
    expect(failingRules({ rules: ecrRules, mutate })).toContain(id);
  });
});
