import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { policyDocument } from "../../lib/iam";
import type { KmsKey } from "../security/kms-key";
import {
  ALARM_PERIOD_SECONDS,
  type AlarmSpec,
  type AlarmTargets,
  type Thresholds,
  buildAlarmSpecs,
  isPercentile,
} from "./alarms";
import { CostBudget } from "./budget";
import { buildCloudWatchDashboard } from "./dashboards";
import { Grafana, type GrafanaAuthentication } from "./grafana";
import { AdotCollector, type CollectorTargets, PrometheusWorkspace } from "./prometheus";

export { ALARM_PERIOD_SECONDS, buildAlarmSpecs, redisMemberClusterIds } from "./alarms";
export { BUDGET_NOTIFICATIONS, COST_ALLOCATION_TAGS } from "./budget";
export { CLOUDWATCH_METRICS, GRAFANA_DASHBOARD_FILES, PROMETHEUS_METRICS } from "./dashboards";
export { DEFAULT_LOG_RETENTION_DAYS, EncryptedLogGroup } from "./log-group";

/** Service principals that publish to the alert topic: CloudWatch alarms and AWS Budgets. */
export const ALERT_PUBLISHERS = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] as const;
/** What a publisher needs from the topic's CMK (an AWS-managed key such as alias/aws/sns cannot grant it). */
const PUBLISHER_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface MonitoringProps {
  /** Prefix for names, e.g. "air-applied-ai" (prod) or "air-applied-ai-dev". */
  readonly namePrefix: string;
  /** Environment name (budget cost filter on the Environment tag). */
  readonly environment: string;
  readonly accountId: string;
  /** The project CMK: alert topic, AMP workspace and log groups. Its policy is extended for CloudWatch and Budgets. */
  readonly key: KmsKey;
  /** E-mail addresses subscribed to the alert topic (1-10). */
  readonly alarmEmails: readonly string[];
  /** Alarm thresholds (config monitoring.thresholds). */
  readonly thresholds: Thresholds;
  /** Grafana authentication provider. @default "AWS_SSO" */
  readonly grafanaAuthentication?: GrafanaAuthentication;
  /** Monthly cost budget, USD. */
  readonly monthlyBudgetUsd: number;
  /** ALB and target group ARN suffixes. */
  readonly alb?: AlarmTargets["alb"];
  /** The API's ECS cluster and service names. */
  readonly ecs?: AlarmTargets["ecs"];
  /** Redis replication group and member cluster ids (`<id>-001`, ...). */
  readonly redis?: AlarmTargets["redis"];
  /** Qdrant instance id and its CWAgent metric dimensions (Database.memoryMetricDimensions()/diskMetricDimensions()). */
  readonly qdrant?: AlarmTargets["qdrant"];
  /** Work queue and dead-letter queue names. */
  readonly queue?: AlarmTargets["queue"];
  /** NAT gateway ids (one port-allocation alarm each). */
  readonly natGatewayIds?: readonly string[];
  /** Where the ADOT collector runs and what it scrapes; no collector without it. @default none */
  readonly collector?: CollectorTargets;
  /** Retention (days) of the AMP workspace and ADOT collector log groups (config logging.retentionDays). */
  readonly logRetentionDays: number;
}

/**
 * The seed's Monitoring & Logging and Cost Monitoring: an encrypted alert topic with e-mail
 * subscriptions, the alarm pack (1-minute periods, ALARM and OK to the topic), a CloudWatch dashboard,
 * an AMP workspace with its ADOT collector, a Managed Grafana workspace, and a monthly cost budget.
 * Log groups are created by each tier through EncryptedLogGroup (CMK, the config's retention).
 */
export class Monitoring extends Construct {
  public readonly alertTopicArn: string;
  /** Alarm names by spec id. */
  public readonly alarmNames: Record<string, string> = {};
  public readonly dashboardName: string;
  public readonly prometheus: PrometheusWorkspace;
  public readonly grafana: Grafana;
  public readonly collector?: AdotCollector;
  public readonly budgetName: string;
  /** Values for the Grafana dashboards' variables (scripts/provision-grafana.mjs). */
  public readonly grafanaVariables: Record<string, string>;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    validate(props);

    // --- Alert topic ------------------------------------------------------------------------------
    for (const principal of ALERT_PUBLISHERS) {
      const sid = principal.startsWith("cloudwatch") ? "AllowCloudWatchAlarms" : "AllowBudgets";
      props.key.allowService(sid, principal, PUBLISHER_KEY_ACTIONS);
    }
    const topic = new SnsTopic(this, "alerts", {
      name: `${props.namePrefix}-alerts`,
      displayName: `${props.namePrefix} alerts`,
      kmsMasterKeyId: props.key.keyArn,
    });
    new SnsTopicPolicy(this, "alerts-policy", {
      arn: topic.arn,
      policy: policyDocument(
        ALERT_PUBLISHERS.map((service) => ({
          sid: service.startsWith("cloudwatch") ? "CloudWatchAlarmsPublish" : "BudgetsPublish",
          principals: { Service: service },
          actions: ["SNS:Publish"],
          resources: [topic.arn],
          conditions: { StringEquals: { "aws:SourceAccount": props.accountId } },
        })),
      ),
    });
    props.alarmEmails.forEach((email, i) => {
      // Each address gets a confirmation e-mail; until it is confirmed the subscription stays pending.
      new SnsTopicSubscription(this, `alerts-email-${i}`, {
        topicArn: topic.arn,
        protocol: "email",
        endpoint: email,
      });
    });
    this.alertTopicArn = topic.arn;

    // --- Alarms -----------------------------------------------------------------------------------
    const targets: AlarmTargets = {
      alb: props.alb,
      ecs: props.ecs,
      redis: props.redis,
      qdrant: props.qdrant,
      queue: props.queue,
      natGatewayIds: props.natGatewayIds,
    };
    for (const spec of buildAlarmSpecs(targets, props.thresholds)) {
      const alarm = new CloudwatchMetricAlarm(
        this,
        `alarm-${spec.id}`,
        alarmArgs(props.namePrefix, spec, topic.arn),
      );
      this.alarmNames[spec.id] = alarm.alarmName;
    }

    // --- CloudWatch dashboard ---------------------------------------------------------------------
    const dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.namePrefix,
      dashboardBody: buildCloudWatchDashboard(targets),
    });
    this.dashboardName = dashboard.dashboardName;

    // --- Prometheus, collector, Grafana -----------------------------------------------------------
    this.prometheus = new PrometheusWorkspace(this, "prometheus", {
      namePrefix: props.namePrefix,
      key: props.key,
      logRetentionDays: props.logRetentionDays,
    });
    if (props.collector) {
      this.collector = new AdotCollector(this, "collector", {
        namePrefix: props.namePrefix,
        accountId: props.accountId,
        key: props.key,
        workspace: this.prometheus,
        logRetentionDays: props.logRetentionDays,
        ...props.collector,
      });
    }
    this.grafana = new Grafana(this, "grafana", {
      namePrefix: props.namePrefix,
      accountId: props.accountId,
      authentication: props.grafanaAuthentication ?? "AWS_SSO",
      prometheus: this.prometheus,
      alertTopicArn: topic.arn,
      key: props.key,
    });

    // --- Budget -----------------------------------------------------------------------------------
    this.budgetName = new CostBudget(this, "budget", {
      name: `${props.namePrefix}-monthly`,
      environment: props.environment,
      monthlyLimitUsd: props.monthlyBudgetUsd,
      topicArn: topic.arn,
    }).budgetName;

    this.grafanaVariables = {
      load_balancer: props.alb?.arnSuffix ?? "",
      target_group: props.alb?.targetGroupArnSuffix ?? "",
      ecs_cluster: props.ecs?.clusterName ?? "",
      ecs_service: props.ecs?.serviceName ?? "",
      cache_cluster: (props.redis?.memberClusterIds ?? []).join(","),
      qdrant_instance: props.qdrant?.instanceId ?? "",
      queue: props.queue?.queueName ?? "",
      dlq: props.queue?.dlqName ?? "",
    };
  }
}

function alarmArgs(namePrefix: string, spec: AlarmSpec, topicArn: string) {
  const common = {
    alarmName: `${namePrefix}-${spec.id}`,
    alarmDescription: spec.description,
    comparisonOperator: spec.comparison,
    threshold: spec.threshold,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
    actionsEnabled: true,
    alarmActions: [topicArn],
    okActions: [topicArn],
  };
  if (spec.metric) {
    const m = spec.metric;
    return {
      ...common,
      namespace: m.namespace,
      metricName: m.metricName,
      dimensions: m.dimensions,
      period: ALARM_PERIOD_SECONDS,
      ...(isPercentile(m.statistic) ? { extendedStatistic: m.statistic } : { statistic: m.statistic }),
    };
  }
  const math = spec.math!;
  return {
    ...common,
    metricQuery: [
      { id: "e1", expression: math.expression, label: math.label, returnData: true },
      ...math.metrics.map((m) => ({
        id: m.id,
        returnData: false,
        metric: {
          namespace: m.namespace,
          metricName: m.metricName,
          dimensions: m.dimensions,
          stat: m.stat,
          period: ALARM_PERIOD_SECONDS,
        },
      })),
    ],
  };
}

function validate(props: MonitoringProps): void {
  const fail = (field: string, value: unknown, message: string) => {
    throw new Error(`Monitoring: ${field} = ${JSON.stringify(value)}: ${message}`);
  };
  if (props.alarmEmails.length < 1 || props.alarmEmails.length > 10)
    fail("alarmEmails", props.alarmEmails, "must list 1-10 e-mail addresses");
  props.alarmEmails.forEach((e, i) => {
    if (!EMAIL.test(e)) fail(`alarmEmails[${i}]`, e, "must be an e-mail address like oncall@example.com");
  });
  for (const [field, value] of Object.entries(props.thresholds))
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
      fail(`thresholds.${field}`, value, "must be a number >= 0");
  if (props.thresholds.latencyP99Seconds < props.thresholds.latencyP95Seconds)
    fail(
      "thresholds.latencyP99Seconds",
      props.thresholds.latencyP99Seconds,
      "must be >= thresholds.latencyP95Seconds",
    );
  if (!(props.monthlyBudgetUsd > 0)) fail("monthlyBudgetUsd", props.monthlyBudgetUsd, "must be > 0 USD");
}
