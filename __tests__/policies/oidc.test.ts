import { bootstrap } from "../../environments/bootstrap";
import { oidcRules } from "../../policies/rules/oidc";
import { failingRules, notPassedByCommittedStacks, passingRules } from "../helpers/policy";

/*
 * policies/rules/oidc.ts: GitHub Actions' OIDC trust. Compliant: the committed bootstrap stack's CI roles
 * (and a policy-document fixture for CKV_AWS_358, which no stack uses). Non-compliant: hand-written trusts.
 */

const REPO = `${bootstrap.github.owner}/${bootstrap.github.repository}`;

describe("GitHub OIDC rules", () => {
  test("the committed stacks pass every OIDC rule but CKV_AWS_358 (no aws_iam_policy_document there)", () => {
    expect(notPassedByCommittedStacks(oidcRules)).toEqual(["CKV_AWS_358"]);
  });

  test("CKV_AWS_358: a policy document trusting the OIDC provider passes with a repository sub, fails without", () => {
    const document = (condition: Record<string, unknown>[]) => ({
      data: {
        aws_iam_policy_document: {
          trust: {
            statement: [
              {
                actions: ["sts:AssumeRoleWithWebIdentity"],
                principals: [
                  {
                    type: "Federated",
                    identifiers: [
                      "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
                    ],
                  },
                ],
                condition,
              },
            ],
          },
        },
      },
    });
    const sub = (values: string[]) => ({
      test: "StringEquals",
      variable: "token.actions.githubusercontent.com:sub",
      values,
    });
    const rules = oidcRules;
    expect(passingRules({ stack: document([sub([`repo:${REPO}:environment:prod`])]), rules })).toEqual([
      "CKV_AWS_358",
    ]);
    expect(failingRules({ stack: document([]), rules })).toEqual(["CKV_AWS_358"]);
    expect(failingRules({ stack: document([sub(["environment:prod"])]), rules })).toEqual(["CKV_AWS_358"]);
  });
});

describe("GitHub OIDC trust on hand-written roles", () => {
  const provider = {
    url: "https://token.actions.githubusercontent.com",
    client_id_list: ["sts.amazonaws.com"],
  };
  const trusting = (condition: Record<string, Record<string, unknown>>) =>
    JSON.stringify({
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: "${aws_iam_openid_connect_provider.gh.arn}" },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: condition,
        },
      ],
    });
  const AUD = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };
  /** Every rule of the pack that fails on the resources, as "<rule id> bootstrap/<name>". */
  const failures = (resources: Record<string, Record<string, unknown>>) =>
    failingRules({
      env: "bootstrap",
      stack: { terraform: { required_version: ">= 1.11" }, resource: resources },
      show: "path",
    });
  const role = (condition: Record<string, Record<string, unknown>>) =>
    failures({
      aws_iam_openid_connect_provider: { gh: provider },
      aws_iam_role: { r: { assume_role_policy: trusting(condition) } },
    });

  test("the pinned trust passes every rule", () => {
    expect(
      role({
        StringEquals: { ...AUD, "token.actions.githubusercontent.com:sub": `repo:${REPO}:environment:prod` },
      }),
    ).toEqual([]);
  });

  test.each([
    ["no sub condition", { StringEquals: AUD }, ["CKV_AWS_393 bootstrap/r"]],
    [
      "sub *",
      { StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "*" } },
      ["CKV_AWS_393 bootstrap/r", "AAI-OIDC-002 bootstrap/r"],
    ],
    [
      "sub repo:*",
      { StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" } },
      ["CKV_AWS_393 bootstrap/r", "AAI-OIDC-002 bootstrap/r"],
    ],
    [
      "sub environment:prod",
      { StringEquals: { ...AUD, "token.actions.githubusercontent.com:sub": "environment:prod" } },
      ["CKV_AWS_393 bootstrap/r", "AAI-OIDC-002 bootstrap/r"],
    ],
    [
      "any branch of the repo (StringLike)",
      { StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": `repo:${REPO}:*` } },
      ["AAI-OIDC-002 bootstrap/r"],
    ],
    [
      "no audience",
      { StringEquals: { "token.actions.githubusercontent.com:sub": `repo:${REPO}:environment:dev` } },
      ["AAI-OIDC-001 bootstrap/r"],
    ],
  ])("a trust with %s fails its rules", (_label, condition, expected) => {
    expect(role(condition as Record<string, Record<string, unknown>>).sort()).toEqual([...expected].sort());
  });

  test("a provider with another client id, and an AdministratorAccess attachment, fail", () => {
    expect(
      failures({
        aws_iam_openid_connect_provider: { gh: { ...provider, client_id_list: ["sigstore"] } },
        aws_iam_role_policy_attachment: {
          a: { role: "x", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        },
      }).sort(),
    ).toEqual(["AAI-OIDC-003 bootstrap/gh", "CKV_AWS_274 bootstrap/a"]);
  });
});
