import {
  type CheckResult,
  NOT_APPLICABLE,
  type Rule,
  type StackDoc,
  type TfResource,
  asList,
  blocks,
  parsePolicy,
  references,
  resourcesOf,
} from "../engine";

/** What a service publishing to an encrypted topic needs from its key (constraint 40). */
const PUBLISH_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"];
const ALERT_PUBLISHERS = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"];
/** The service principal Cost Anomaly Detection publishes to SNS as. */
const COST_ANOMALY_PUBLISHER = "costalerts.amazonaws.com";
const PERIOD = 60;

/** The aws_kms_key the value refers to (by Terraform reference), if any. */
function keyReferencedBy(stack: StackDoc, value: unknown): TfResource | undefined {
  return resourcesOf(stack, "aws_kms_key").find((k) => references(value, k));
}

function actionAllows(granted: string, wanted: string): boolean {
  if (granted === "*" || granted === "kms:*") return true;
  if (granted.endsWith("*")) return wanted.replace(/\*$/, "").startsWith(granted.slice(0, -1));
  return granted === wanted;
}

/** True when the key policy lets `service` perform every action in `actions`. */
function keyAdmits(key: TfResource, service: string, actions: readonly string[]): boolean {
  const statements = (parsePolicy(key.values.policy) ?? []).filter(
    (s) =>
      s.Effect === "Allow" &&
      typeof s.Principal === "object" &&
      asList(s.Principal.Service as string | string[] | undefined).includes(service),
  );
  return actions.every((a) => statements.some((s) => asList(s.Action).some((g) => actionAllows(g, a))));
}

/** True when a topic policy of `topic` lets `service` publish to it. */
function topicAdmits(stack: StackDoc, topic: TfResource, service: string): boolean {
  const statements = resourcesOf(stack, "aws_sns_topic_policy")
    .filter((p) => references(p.values.arn, topic))
    .flatMap((p) => parsePolicy(p.values.policy) ?? []);
  return statements.some(
    (s) =>
      s.Effect === "Allow" &&
      typeof s.Principal === "object" &&
      asList(s.Principal.Service as string | string[] | undefined).includes(service) &&
      asList(s.Action).some((a) => a.toLowerCase() === "sns:publish"),
  );
}

/** Why Cost Anomaly Detection cannot alert an SNS subscriber of `subscription`, or true. */
function anomalySubscriptionProblem(subscription: TfResource, stack: StackDoc): CheckResult {
  const sns = blocks(subscription.values.subscriber).filter((s) => s.type === "SNS");
  if (sns.length === 0) return NOT_APPLICABLE;
  if (subscription.values.frequency !== "IMMEDIATE")
    return `frequency is ${subscription.values.frequency}: SNS subscribers need IMMEDIATE`;
  for (const subscriber of sns) {
    const topic = resourcesOf(stack, "aws_sns_topic").find((t) => references(subscriber.address, t));
    if (!topic) continue; // a topic of another stack: nothing to check here
    if (!topicAdmits(stack, topic, COST_ANOMALY_PUBLISHER))
      return `topic policy of ${topic.address} does not let ${COST_ANOMALY_PUBLISHER} publish`;
    const key = keyReferencedBy(stack, topic.values.kms_master_key_id);
    if (key && !keyAdmits(key, COST_ANOMALY_PUBLISHER, PUBLISH_KEY_ACTIONS))
      return `key policy of ${key.address} does not admit ${COST_ANOMALY_PUBLISHER}`;
  }
  return true;
}

/** Condition keys SNS does not send to KMS for EventBridge publishers (SNS developer guide, key management). */
const NOT_SENT_FOR_EVENTBRIDGE = /^aws:Source(Account|Arn)$/i;

/** Topics alarms or budgets publish to. */
function isAlertTopic(stack: StackDoc, topic: TfResource): boolean {
  return (
    resourcesOf(stack, "aws_cloudwatch_metric_alarm").some((a) =>
      references(a.values.alarm_actions, topic),
    ) || resourcesOf(stack, "aws_budgets_budget").some((b) => references(b.values.notification, topic))
  );
}

export const monitoringRules: Rule[] = [
  {
    id: "CKV_AWS_26",
    controls: ["SNS.1"],
    description: "SNS topic is encrypted with KMS",
    severity: "MEDIUM",
    fix: "Set kms_master_key_id to the project CMK.",
    resourceTypes: ["aws_sns_topic"],
    check: (topic) => !!topic.values.kms_master_key_id || "kms_master_key_id is not set",
  },
  {
    id: "AWS-0136",
    description: "SNS topic uses a customer-managed key, not alias/aws/sns",
    severity: "HIGH",
    fix: "Use the project CMK: CloudWatch and Budgets cannot use the AWS-managed SNS key, so alarms would fail silently.",
    resourceTypes: ["aws_sns_topic"],
    check: (topic) =>
      !String(topic.values.kms_master_key_id ?? "").includes("alias/aws/sns") ||
      "kms_master_key_id is the AWS-managed alias/aws/sns",
  },
  {
    id: "AAI-MON-001",
    description:
      "The key of a topic that alarms or budgets publish to admits cloudwatch.amazonaws.com and budgets.amazonaws.com (kms:Decrypt, kms:GenerateDataKey*), and the topic policy lets them publish",
    severity: "HIGH",
    fix: "Monitoring registers both services on the key (KmsKey.allowService) and in the topic policy; keep the topic on that key.",
    resourceTypes: ["aws_sns_topic"],
    appliesTo: (stack) => resourcesOf(stack, "aws_sns_topic").length > 0,
    check: (topic, stack) => {
      if (!isAlertTopic(stack, topic)) return NOT_APPLICABLE;
      const key = keyReferencedBy(stack, topic.values.kms_master_key_id);
      if (!key) return "kms_master_key_id does not refer to a key of this stack";
      const missing = ALERT_PUBLISHERS.filter((s) => !keyAdmits(key, s, PUBLISH_KEY_ACTIONS));
      if (missing.length > 0) return `key policy does not admit ${missing.join(", ")}`;
      const noPublish = ALERT_PUBLISHERS.filter((service) => !topicAdmits(stack, topic, service));
      return noPublish.length === 0 || `topic policy does not let ${noPublish.join(", ")} publish`;
    },
  },
  {
    id: "AAI-MON-007",
    description:
      "An encrypted topic that EventBridge rules target admits events.amazonaws.com in its key policy (kms:Decrypt, kms:GenerateDataKey*, without aws:SourceAccount/aws:SourceArn conditions) and in its topic policy",
    severity: "HIGH",
    fix: "Route events through Monitoring eventAlerts: it confines the key statement by the topic's SNS encryption context (SNS sends EventBridge no source keys; the delivery would fail silently) and lets the rules publish.",
    resourceTypes: ["aws_sns_topic"],
    check: (topic, stack) => {
      const targeted = resourcesOf(stack, "aws_cloudwatch_event_target").some((t) =>
        references(t.values.arn, topic),
      );
      const key = keyReferencedBy(stack, topic.values.kms_master_key_id);
      if (!targeted || !key) return NOT_APPLICABLE;
      if (!keyAdmits(key, "events.amazonaws.com", PUBLISH_KEY_ACTIONS))
        return "key policy does not admit events.amazonaws.com";
      const unsent = (parsePolicy(key.values.policy) ?? [])
        .filter(
          (s) =>
            typeof s.Principal === "object" &&
            asList(s.Principal.Service as string | string[] | undefined).includes("events.amazonaws.com"),
        )
        .flatMap((s) => Object.values(s.Condition ?? {}).flatMap((c) => Object.keys(c as object)))
        .filter((k) => NOT_SENT_FOR_EVENTBRIDGE.test(k));
      if (unsent.length > 0)
        return `the key's events.amazonaws.com statement requires ${unsent.join(", ")}, which SNS does not send for EventBridge`;
      return (
        topicAdmits(stack, topic, "events.amazonaws.com") ||
        "topic policy does not let events.amazonaws.com publish"
      );
    },
  },
  {
    id: "CKV_AWS_319",
    description: "CloudWatch alarm actions are enabled",
    severity: "LOW",
    fix: "Set actions_enabled = true.",
    resourceTypes: ["aws_cloudwatch_metric_alarm"],
    check: (alarm) => alarm.values.actions_enabled !== false || "actions_enabled is false",
  },
  {
    id: "AAI-MON-002",
    description: "Every alarm notifies on ALARM and on OK (alarm_actions and ok_actions)",
    severity: "MEDIUM",
    fix: "Create alarms through the Monitoring construct (both actions point at the alert topic).",
    resourceTypes: ["aws_cloudwatch_metric_alarm"],
    check: (alarm) => {
      const missing = ["alarm_actions", "ok_actions"].filter((k) => asList(alarm.values[k]).length === 0);
      return missing.length === 0 || `${missing.join(" and ")} empty`;
    },
  },
  {
    id: "AAI-MON-003",
    description: "Every alarm evaluates 60-second periods (the seed's 1-minute metrics)",
    severity: "LOW",
    fix: "Use ALARM_PERIOD_SECONDS (60) for the metric and every metric_query metric.",
    resourceTypes: ["aws_cloudwatch_metric_alarm"],
    check: (alarm) => {
      const queries = blocks(alarm.values.metric_query);
      const periods =
        queries.length > 0
          ? queries.flatMap((q) => blocks(q.metric).map((m) => m.period))
          : [alarm.values.period];
      const bad = periods.filter((p) => p !== PERIOD);
      return bad.length === 0 || `period ${bad.join(", ")} (expected ${PERIOD})`;
    },
  },
  {
    id: "AAI-MON-004",
    description: 'AMP workspace logs to CloudWatch, with a log_group_arn ending in ":*"',
    severity: "MEDIUM",
    fix: 'Set logging_configuration.log_group_arn = "<log group arn>:*" (TPA PR#27213).',
    resourceTypes: ["aws_prometheus_workspace"],
    check: (ws) => {
      const logging = blocks(ws.values.logging_configuration)[0];
      if (!logging) return "logging_configuration is not set";
      return (
        String(logging.log_group_arn ?? "").endsWith(":*") ||
        `log_group_arn ${logging.log_group_arn} does not end with ":*"`
      );
    },
  },
  {
    id: "AAI-MON-005",
    description: "Managed Grafana with SERVICE_MANAGED permissions has an explicit role_arn",
    severity: "MEDIUM",
    fix: "Pass role_arn: the API does not create the service role or its policies (TPA#24342).",
    resourceTypes: ["aws_grafana_workspace"],
    check: (ws) =>
      ws.values.permission_type !== "SERVICE_MANAGED"
        ? NOT_APPLICABLE
        : !!ws.values.role_arn || "SERVICE_MANAGED without role_arn",
  },
  {
    id: "AAI-MON-006",
    description: "Every budget notification has exactly one SNS subscriber (AWS allows one)",
    severity: "MEDIUM",
    fix: "Subscribe the alert topic only; reach people through the topic's e-mail subscriptions.",
    resourceTypes: ["aws_budgets_budget"],
    check: (budget) => {
      const notifications = blocks(budget.values.notification);
      if (notifications.length === 0) return "no notifications";
      const bad = notifications.findIndex((n) => asList(n.subscriber_sns_topic_arns).length !== 1);
      return (
        bad < 0 ||
        `notification ${bad} has ${asList(notifications[bad].subscriber_sns_topic_arns).length} SNS subscribers`
      );
    },
  },
  {
    id: "AAI-MON-008",
    description:
      "A Cost Anomaly Detection subscription with an SNS subscriber is IMMEDIATE, and the topic's policy and key admit costalerts.amazonaws.com",
    severity: "MEDIUM",
    fix: "Use frequency IMMEDIATE (DAILY/WEEKLY are e-mail only); Monitoring adds the topic and key statements.",
    resourceTypes: ["aws_ce_anomaly_subscription"],
    check: anomalySubscriptionProblem,
  },
];
