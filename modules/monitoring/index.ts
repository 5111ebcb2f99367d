import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { policyDocument } from "../../lib/iam";
import { type Platform, StackContext, type TierOutputs } from "../platform";
import {
  ALARM_PERIOD_SECONDS,
  type AlarmSpec,
  type AlarmTargets,
  type Thresholds,
  buildAlarmSpecs,
  isPercentile,
} from "./alarms";
import { CostBudget } from "./budget";
import { COST_ANOMALY_PUBLISHER, CostAnomalyDetection } from "./cost-anomaly";
import { buildCloudWatchDashboard } from "./dashboards";
import { Grafana, type GrafanaAuthentication } from "./grafana";
import { AdotCollector, type CollectorTargets } from "./collector";
import { type EventAlert, EventAlertRules } from "./event-alerts";
import { PrometheusWorkspace } from "./prometheus";
import { AMP_ALERT_PUBLISHER, AMP_TOPIC_ACTIONS, QdrantClusterAlerts } from "./qdrant-cluster";

export { ALARM_PERIOD_SECONDS, buildAlarmSpecs, redisMemberClusterIds } from "./alarms";
export { BUDGET_NOTIFICATIONS, COST_ALLOCATION_TAGS } from "./budget";
export { COST_ANOMALY_PUBLISHER, anomalyThresholdUsd, tagMonitorSpecification } from "./cost-anomaly";
export { CLOUDWATCH_METRICS, GRAFANA_DASHBOARD_FILES, PROMETHEUS_METRICS } from "./dashboards";
export { type AlarmTargets, type Thresholds } from "./alarms";
export { AdotCollector, type CollectorTargets, renderCollectorConfig } from "./collector";
export { type EventAlert } from "./event-alerts";

/**
 * Service principals that publish to the alert topic (CloudWatch alarms, AWS Budgets, Cost Anomaly
 * Detection), with the Sids of their key-policy and topic-policy statements.
 */
export const ALERT_PUBLISHERS = {
  "cloudwatch.amazonaws.com": { keySid: "AllowCloudWatchAlarms", topicSid: "CloudWatchAlarmsPublish" },
  "budgets.amazonaws.com": { keySid: "AllowBudgets", topicSid: "BudgetsPublish" },
  [COST_ANOMALY_PUBLISHER]: { keySid: "AllowCostAnomalyDetection", topicSid: "CostAnomalyDetectionPublish" },
} as const;
/** What a publisher needs from the topic's CMK (an AWS-managed key such as alias/aws/sns cannot grant it). */
const PUBLISHER_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface MonitoringProps {
  /**
   * Names (`<prefix>-alerts`, the dashboard `<prefix>`, ...), log retention, and the CMK of the alert
   * topic, the AMP workspace and the log groups (its policy is extended for CloudWatch and Budgets).
   */
  readonly platform: Platform;
  /** Environment name (budget cost filter on the Environment tag). */
  readonly environment: string;
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
  /** Qdrant instance id and its CWAgent metric dimensions (database.alarmTargets). */
  readonly qdrant?: AlarmTargets["qdrant"];
  /** Work queue and dead-letter queue names. */
  readonly queue?: AlarmTargets["queue"];
  /** NAT gateway ids (one port-allocation alarm each). */
  readonly natGatewayIds?: readonly string[];
  /** Where the ADOT collector runs and what it scrapes; no collector without it. @default none */
  readonly collector?: CollectorTargets;
  /** AWS events routed to the alert topic (e.g. database.eventAlerts: failed restore tests). @default none */
  readonly eventAlerts?: readonly EventAlert[];
}

/**
 * The seed's Monitoring & Logging and Cost Monitoring: an encrypted alert topic with e-mail
 * subscriptions, the alarm pack (1-minute periods, ALARM and OK to the topic), a CloudWatch dashboard,
 * an AMP workspace with its ADOT collector, a Managed Grafana workspace, a monthly cost budget and
 * Cost Explorer anomaly detection.
 * Log groups are created by each tier through EncryptedLogGroup (CMK, the config's retention).
 */
export class Monitoring extends Construct {
  public readonly alertTopicArn: string;
  /** Alarm names by spec id. */
  public readonly alarmNames: Record<string, string> = {};
  /** EventBridge rule names by event alert id. */
  public readonly eventAlertRuleNames: Record<string, string>;
  /** The EC2 status-check alarm of every Qdrant node, node 0 first (Database.routeByHealth). */
  public readonly qdrantStatusAlarmNames: string[] = [];
  public readonly dashboardName: string;
  public readonly prometheus: PrometheusWorkspace;
  public readonly grafana: Grafana;
  public readonly collector?: AdotCollector;
  public readonly budgetName: string;
  /** Cost Explorer anomaly monitor and subscription (alerts the topic). */
  public readonly costAnomalies: CostAnomalyDetection;
  /** Values for the Grafana dashboards' variables (scripts/provision-grafana.mjs). */
  public readonly grafanaVariables: Record<string, string>;
  /** Root outputs: alert_topic_arn, cloudwatch_dashboard_name, prometheus_endpoint, grafana_endpoint, grafana_dashboard_variables. */
  public readonly outputs: TierOutputs;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    validate(props);
    const { platform } = props;
    const namePrefix = platform.namePrefix;

    // --- Alert topic ------------------------------------------------------------------------------
    // Services that publish to the topic: each gets a key statement and a topic statement. A Qdrant
    // cluster's health rules alert through AMP's alert manager, which publishes here too.
    const qdrantCluster = props.qdrant?.cluster;
    const publishers = [
      ...Object.entries(ALERT_PUBLISHERS).map(([service, sids]) => ({
        service,
        ...sids,
        actions: ["SNS:Publish"],
      })),
      ...(qdrantCluster
        ? [
            {
              service: AMP_ALERT_PUBLISHER,
              keySid: "AllowAmpAlerts",
              topicSid: "AmpAlertManagerPublish",
              actions: AMP_TOPIC_ACTIONS,
            },
          ]
        : []),
    ];
    for (const { service, keySid } of publishers)
      platform.key.allowService(keySid, service, PUBLISHER_KEY_ACTIONS);
    const context = StackContext.of(this);
    const topicName = platform.name("alerts");
    const topic = new SnsTopic(this, "alerts", {
      name: topicName,
      displayName: `${namePrefix} alerts`,
      kmsMasterKeyId: platform.key.keyArn,
    });
    const eventAlerts = new EventAlertRules(this, "event-alerts", {
      namePrefix,
      topicArn: topic.arn,
      alerts: props.eventAlerts ?? [],
    });
    this.eventAlertRuleNames = eventAlerts.ruleNames;
    if ((props.eventAlerts ?? []).length > 0)
      // SNS does not pass aws:SourceAccount/SourceArn to KMS for EventBridge publishers, so the key
      // statement is confined by SNS's encryption context instead: this topic only. The ARN is built
      // from its name (the key cannot refer to the topic that refers to the key).
      platform.key.allowService("AllowEventBridgeAlerts", "events.amazonaws.com", PUBLISHER_KEY_ACTIONS, {
        StringEquals: {
          "kms:EncryptionContext:aws:sns:topicArn": `arn:aws:sns:${context.region}:${context.accountId}:${topicName}`,
        },
      });
    const topicPolicy = new SnsTopicPolicy(this, "alerts-policy", {
      arn: topic.arn,
      policy: policyDocument([
        ...publishers.map(({ service, topicSid, actions }) => ({
          sid: topicSid,
          principals: { Service: service },
          actions,
          resources: [topic.arn],
          conditions: { StringEquals: { "aws:SourceAccount": context.accountId } },
        })),
        ...eventAlerts.publishStatement(topic.arn),
      ]),
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
        alarmArgs(namePrefix, spec, topic.arn),
      );
      this.alarmNames[spec.id] = alarm.alarmName;
      if (spec.family === "qdrant-status") this.qdrantStatusAlarmNames.push(alarm.alarmName);
    }

    // --- CloudWatch dashboard ---------------------------------------------------------------------
    const dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: namePrefix,
      dashboardBody: buildCloudWatchDashboard(targets),
    });
    this.dashboardName = dashboard.dashboardName;

    // --- Prometheus, collector, Grafana -----------------------------------------------------------
    this.prometheus = new PrometheusWorkspace(this, "prometheus", { platform });
    if (qdrantCluster)
      new QdrantClusterAlerts(this, "qdrant-cluster", {
        workspace: this.prometheus,
        topicArn: topic.arn,
        ...qdrantCluster,
      });
    if (props.collector) {
      this.collector = new AdotCollector(this, "collector", {
        platform,
        workspace: this.prometheus,
        ...props.collector,
      });
    }
    this.grafana = new Grafana(this, "grafana", {
      platform,
      authentication: props.grafanaAuthentication ?? "AWS_SSO",
      prometheus: this.prometheus,
      alertTopicArn: topic.arn,
    });

    // --- Budget -----------------------------------------------------------------------------------
    this.budgetName = new CostBudget(this, "budget", {
      name: platform.name("monthly"),
      environment: props.environment,
      monthlyLimitUsd: props.monthlyBudgetUsd,
      topicArn: topic.arn,
    }).budgetName;
    this.costAnomalies = new CostAnomalyDetection(this, "cost-anomalies", {
      name: platform.name("cost-anomalies"),
      environment: props.environment,
      monthlyBudgetUsd: props.monthlyBudgetUsd,
      topicArn: topic.arn,
      dependsOn: [topicPolicy],
    });

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
    this.outputs = {
      alert_topic_arn: {
        value: this.alertTopicArn,
        description: "SNS topic of alarms and budget notifications",
      },
      cloudwatch_dashboard_name: { value: this.dashboardName, description: "CloudWatch dashboard name" },
      prometheus_endpoint: {
        value: this.prometheus.prometheusEndpoint,
        description: "AMP workspace endpoint",
      },
      grafana_endpoint: { value: this.grafana.endpoint, description: "Managed Grafana workspace URL (host)" },
      grafana_dashboard_variables: {
        value: this.grafanaVariables,
        description: "Values of the Grafana dashboards' variables (scripts/provision-grafana.mjs)",
      },
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
