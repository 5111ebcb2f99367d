import { workloadBoundaryArn } from "../../lib/naming";
import { iamRules } from "../../policies/rules/iam";
import { adding, atPath, failingRules, notPassedByCommittedStacks, passingRules } from "../helpers/policy";
import type { StackJson } from "../helpers/synth";

/*
 * policies/rules/iam.ts. Compliant: the committed stacks (no stack attaches a policy to an IAM user, so
 * CKV_AWS_40, which fails every such attachment, is compliant by absence). Non-compliant: prod with one
 * policy or role added, and hand-written roles.
 */

const rules = iamRules;
/** prod with an inline role policy at prod/other/policy allowing `action` on `resource`. */
const withPolicy = (action: string, resource = "*") =>
  adding({
    aws_iam_role_policy: {
      p: {
        ...atPath("prod/other/policy"),
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: action, Resource: resource }] }),
      },
    },
  });

describe("IAM rules", () => {
  test("the committed stacks pass every IAM rule but CKV_AWS_40 (no IAM user policy anywhere)", () => {
    expect(notPassedByCommittedStacks(rules)).toEqual(["CKV_AWS_40"]);
  });

  test("CKV_AWS_63: a policy allowing s3:* fails; naming the actions passes", () => {
    expect(failingRules({ rules, mutate: withPolicy("s3:*", "arn:aws:s3:::x/*") })).toEqual(["CKV_AWS_63"]);
    expect(failingRules({ rules, mutate: withPolicy("s3:GetObject", "arn:aws:s3:::x/*") })).toEqual([]);
  });

  // The checkov check waived in .checkov.yaml stays enforced wherever its waiver does not reach.
  test('CKV_AWS_355: an action with resource-level permissions on "*" fails (e.g. cloudwatch:DescribeAlarms)', () => {
    const failing = (action: string) => failingRules({ rules, mutate: withPolicy(action), resource: "p" });
    const passing = (action: string) => passingRules({ rules, mutate: withPolicy(action), resource: "p" });
    expect(failing("cloudwatch:DescribeAlarms")).toContain("CKV_AWS_355");
    expect(passing("cloudwatch:GetMetricData")).toContain("CKV_AWS_355");
    // ecs:ListTasks (container-instance ARNs) on "*" only with an ecs:cluster condition, as cloudsplaining
    expect(failing("ecs:ListTasks")).toContain("CKV_AWS_355");
  });

  test("AAI-IAM-001: a policy rendered by Fn.jsonencode (not plain JSON) fails", () => {
    const encoded = adding({
      aws_iam_role_policy: {
        p: { ...atPath("prod/other/policy"), policy: '${jsonencode({"Statement" = []})}' },
      },
    });
    expect(failingRules({ rules, mutate: encoded })).toEqual(["AAI-IAM-001"]);
  });

  test("CKV_AWS_60: a role that every AWS principal may assume fails", () => {
    const open = (principal: unknown) =>
      adding({
        aws_iam_role: {
          r: {
            ...atPath("prod/other/role"),
            permissions_boundary: workloadBoundaryArn("123456789012"),
            assume_role_policy: JSON.stringify({
              Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }],
            }),
          },
        },
      });
    expect(failingRules({ rules, mutate: open("*") })).toEqual(["CKV_AWS_60"]);
    expect(failingRules({ rules, mutate: open({ AWS: ["*"] }) })).toEqual(["CKV_AWS_60"]);
    expect(failingRules({ rules, mutate: open({ AWS: "arn:aws:iam::123456789012:root" }) })).toEqual([]);
  });

  test("CKV_AWS_40: a policy attached to an IAM user fails", () => {
    const attached = adding({
      aws_iam_user_policy_attachment: {
        u: { user: "someone", policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
      },
    });
    expect(failingRules({ rules, mutate: attached })).toEqual(["CKV_AWS_40"]);
  });

  test("AAI-IAM-002 fails a role of an environment stack without the boundary, or with another", () => {
    const boundary = rules.filter((r) => r.id === "AAI-IAM-002");
    const failed = (role: Record<string, unknown>, env = "prod") => {
      const stack: StackJson = { resource: { aws_iam_role: { r: role } } };
      return failingRules({ env, stack, rules: boundary, show: "detail" });
    };
    const trust = JSON.stringify({ Statement: [] });
    expect(failed({ assume_role_policy: trust })).toEqual(["AAI-IAM-002: no permissions_boundary"]);
    expect(
      failed({
        assume_role_policy: trust,
        permissions_boundary: "arn:aws:iam::aws:policy/AdministratorAccess",
      }),
    ).toEqual([expect.stringMatching(/^AAI-IAM-002: .* is not the project's workload boundary/)]);
    const boundaryArn = workloadBoundaryArn("${data.aws_caller_identity.current.account_id}");
    expect(failed({ assume_role_policy: trust, permissions_boundary: boundaryArn })).toEqual([]);
    expect(failed({ assume_role_policy: trust }, "bootstrap")).toEqual([]);
  });
});
