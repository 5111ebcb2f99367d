import { logRules } from "../../policies/rules/logs";
import { atPath, changing, failingRules, notPassedByCommittedStacks, passingRules } from "../helpers/policy";

/*
 * policies/rules/logs.ts. Compliant: the committed stacks (the seed's 30-day retention is waived for
 * CKV_AWS_338 everywhere, so its compliant case is a one-year log group, which AAI-LOG-001 then fails).
 * Non-compliant: a hand-written log group with nothing set, and prod's log groups changed.
 */

const rules = logRules;
const flowLogs = (days: number) =>
  changing("aws_cloudwatch_log_group", "networking/flow-logs/group", (v) => (v.retention_in_days = days));

describe("CloudWatch Logs rules", () => {
  test("the committed stacks pass every log rule but the waived CKV_AWS_338 (one-year retention)", () => {
    expect(notPassedByCommittedStacks(rules)).toEqual(["CKV_AWS_338"]);
  });

  test.each(["CKV_AWS_158", "CKV_AWS_66"])("%s fails on a log group without key or retention", (id) => {
    const stack = { resource: { aws_cloudwatch_log_group: { g: atPath("prod/x/group") } } };
    expect(failingRules({ stack, rules })).toContain(id);
  });

  test("AAI-LOG-001 fails on a log group kept 90 days instead of the seed's 30", () => {
    expect(failingRules({ rules, mutate: flowLogs(90) })).toEqual(["AAI-LOG-001"]);
  });

  test("CKV_AWS_338 fails on every 30-day log group without its waiver, and passes one kept a year", () => {
    expect(failingRules({ rules, waivers: [] })).toEqual(["CKV_AWS_338"]);
    const yearLong = { rules, mutate: flowLogs(365), resource: /flow-logs\/group$/ };
    expect(passingRules(yearLong)).toContain("CKV_AWS_338");
    expect(failingRules(yearLong)).toEqual(["AAI-LOG-001"]);
  });
});
