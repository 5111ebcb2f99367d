import { COST_ANOMALY_PUBLISHER } from "../../modules/monitoring";
import { monitoringRules } from "../../policies/rules/monitoring";
import { ACCOUNT } from "../helpers/fixtures";
import { failingRules, notPassedByCommittedStacks, passingRules } from "../helpers/policy";

/*
 * policies/rules/monitoring.ts. Compliant: the committed stacks. Non-compliant: prod's alerting (topic,
 * key, alarms, workspaces, budget, cost anomaly subscription) broken one way at a time.
 */

/** Breaks a stack: its key policies lose the statement `sid`. */
const withoutKeyStatement = (sid: string) => (s: any) =>
  Object.values(s.resource.aws_kms_key).forEach((k: any) => {
    const p = JSON.parse(k.policy);
    p.Statement = p.Statement.filter((x: any) => x.Sid !== sid);
    k.policy = JSON.stringify(p);
  });
const rules = monitoringRules;

describe("monitoring rules", () => {
  test("the committed stacks pass every monitoring rule, and each applies to one of them", () => {
    expect(notPassedByCommittedStacks(rules)).toEqual([]);
    expect(failingRules({ rules, waivers: [] })).toEqual([]);
  });

  test.each([
    [
      "CKV_AWS_26",
      (s: any) => Object.values(s.resource.aws_sns_topic).forEach((t: any) => delete t.kms_master_key_id),
    ],
    [
      "AWS-0136",
      (s: any) =>
        Object.values(s.resource.aws_sns_topic).forEach((t: any) => (t.kms_master_key_id = "alias/aws/sns")),
    ],
    ["AAI-MON-001", withoutKeyStatement("AllowCloudWatchAlarms")],
    [
      "AAI-MON-001",
      (s: any) =>
        Object.values(s.resource.aws_sns_topic_policy).forEach((p: any) => (p.policy = '{"Statement":[]}')),
    ],
    [
      "CKV_AWS_319",
      (s: any) => ((Object.values(s.resource.aws_cloudwatch_metric_alarm)[0] as any).actions_enabled = false),
    ],
    [
      "AAI-MON-002",
      (s: any) => delete (Object.values(s.resource.aws_cloudwatch_metric_alarm)[0] as any).ok_actions,
    ],
    [
      "AAI-MON-003",
      (s: any) =>
        ((Object.values(s.resource.aws_cloudwatch_metric_alarm) as any[]).find(
          (a) => !a.metric_query,
        ).period = 300),
    ],
    [
      "AAI-MON-004",
      (s: any) =>
        Object.values(s.resource.aws_prometheus_workspace).forEach(
          (w: any) =>
            (w.logging_configuration.log_group_arn = w.logging_configuration.log_group_arn.replace(":*", "")),
        ),
    ],
    [
      "AAI-MON-005",
      (s: any) => Object.values(s.resource.aws_grafana_workspace).forEach((w: any) => delete w.role_arn),
    ],
    [
      "AAI-MON-006",
      (s: any) =>
        Object.values(s.resource.aws_budgets_budget).forEach((b: any) =>
          b.notification[0].subscriber_sns_topic_arns.push("arn:aws:sns:us-east-2:123456789012:other"),
        ),
    ],
    [
      "AAI-MON-008",
      (s: any) =>
        Object.values(s.resource.aws_ce_anomaly_subscription).forEach((x: any) => (x.frequency = "DAILY")),
    ],
    [
      "AAI-MON-008",
      (s: any) =>
        Object.values(s.resource.aws_sns_topic_policy).forEach((p: any) => {
          const doc = JSON.parse(p.policy);
          doc.Statement = doc.Statement.filter((x: any) => x.Principal.Service !== COST_ANOMALY_PUBLISHER);
          p.policy = JSON.stringify(doc);
        }),
    ],
    ["AAI-MON-008", withoutKeyStatement("AllowCostAnomalyDetection")],
  ])("%s fails when broken", (id, breakIt) => {
    expect(failingRules({ rules, mutate: breakIt })).toContain(id);
  });
});

describe("rule AAI-MON-007 (EventBridge can deliver to the encrypted topic)", () => {
  const rule = rules.filter((r) => r.id === "AAI-MON-007");
  const editKey = (json: any, edit: (statement: any) => void) =>
    Object.values(json.resource.aws_kms_key).forEach((k: any) => {
      const p = JSON.parse(k.policy);
      p.Statement.filter((x: any) => x.Principal?.Service === "events.amazonaws.com").forEach(edit);
      k.policy = JSON.stringify(p);
    });

  test("passes on prod (an event alert targets its topic), does not apply without an EventBridge target", () => {
    expect(passingRules({ rules: rule })).toEqual(["AAI-MON-007"]);
    expect(failingRules({ rules: rule })).toEqual([]);
    const untargeted = (j: any) => delete j.resource.aws_cloudwatch_event_target;
    expect(passingRules({ rules: rule, mutate: untargeted })).toEqual([]);
    expect(failingRules({ rules: rule, mutate: untargeted })).toEqual([]);
  });

  test.each([
    [
      "the key statement confined by aws:SourceAccount",
      (j: any) => editKey(j, (st) => (st.Condition = { StringEquals: { "aws:SourceAccount": ACCOUNT } })),
    ],
    ["no key statement", (j: any) => editKey(j, (st) => (st.Principal.Service = "sns.amazonaws.com"))],
    [
      "no topic-policy statement",
      (j: any) =>
        Object.values(j.resource.aws_sns_topic_policy).forEach((p: any) => {
          const doc = JSON.parse(p.policy);
          doc.Statement = doc.Statement.filter((x: any) => x.Principal.Service !== "events.amazonaws.com");
          p.policy = JSON.stringify(doc);
        }),
    ],
  ])("fails with %s", (_name, breakIt) => {
    expect(failingRules({ rules: rule, mutate: breakIt })).toEqual(["AAI-MON-007"]);
  });
});
