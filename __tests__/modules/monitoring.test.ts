import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Construct } from "constructs";
import { parse as parseYaml } from "yaml";
import { loadEnvironments } from "../../environments";
import { monitoringRules } from "../../policies/rules/monitoring";
import {
  ALARM_PERIOD_SECONDS,
  BUDGET_NOTIFICATIONS,
  CLOUDWATCH_METRICS,
  COST_ANOMALY_PUBLISHER,
  GRAFANA_DASHBOARD_FILES,
  Monitoring,
  type MonitoringProps,
  PROMETHEUS_METRICS,
  anomalyThresholdUsd,
  redisMemberClusterIds,
  tagMonitorSpecification,
} from "../../modules/monitoring";
import { buildProvisioningRequests, loadDashboards } from "../../modules/monitoring/grafana-provisioning";
import { renderCollectorConfig } from "../../modules/monitoring/collector";
import { QDRANT_HOST_METRICS } from "../../modules/database/user-data";
import { importedSecurityGroup } from "../../modules/security/connections";
import { REGION } from "../../lib/naming";
import { ACCOUNT, TEST_NETWORK, testPlatform } from "../helpers/fixtures";
import { failingRules, passingRules } from "../helpers/policy";
import {
  policyOf,
  resourcesOf,
  synthAll,
  unitLogicalName,
  unitResource,
  synthScope,
  valuesOf,
} from "../helpers/synth";

/*
 * Three layers (design-seams change 7): the Monitoring construct on its own (synthScope,
 * GIVEN/WHEN/THEN), prod's config and stack (synthAll), and every environment's alarm pack, log groups and
 * cost monitor (synthAll). The monitoring rules themselves are tested in
 * __tests__/policies/monitoring.test.ts; here, that the construct's output passes them.
 */

const DASHBOARD_DIR = join(__dirname, "../../modules/monitoring/dashboards");
const prodConfig = loadEnvironments(["prod"])[0];

function props(overrides: Partial<MonitoringProps> = {}): Omit<MonitoringProps, "platform"> {
  return {
    environment: "prod",
    alarmEmails: ["oncall@example.com", "lead@example.com"],
    thresholds: prodConfig.monitoring.thresholds,
    monthlyBudgetUsd: 6000,
    alb: {
      arnSuffix: "app/aai-alb/0123456789abcdef",
      targetGroupArnSuffix: "targetgroup/api-abc/fedcba9876543210",
    },
    ecs: { clusterName: "aai-cluster", serviceName: "aai-api" },
    redis: { replicationGroupId: "aai-redis", memberClusterIds: redisMemberClusterIds("aai-redis", 2) },
    qdrant: {
      instanceId: "i-0123456789abcdef0",
      memoryDimensions: { InstanceId: "i-0123456789abcdef0" },
      diskDimensions: { InstanceId: "i-0123456789abcdef0", path: "/var/lib/qdrant", fstype: "xfs" },
    },
    queue: { queueName: "aai-work", dlqName: "aai-work-dlq" },
    natGatewayIds: ["nat-0a", "nat-0b"],
    collector: {
      network: { ...TEST_NETWORK, vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"] },
      app: {
        connections: importedSecurityGroup("sg-app", { peerName: "api" }).connections,
        literalNames: { cluster: "aai-cluster", service: "aai-api" },
        clusterArn: "arn:aws:ecs:us-east-2:123456789012:cluster/aai-cluster",
        containerPort: 8000,
      },
      qdrant: {
        connections: importedSecurityGroup("sg-qdrant", { peerName: "qdrant" }).connections,
        scrapeTargets: ["qdrant.prod.aai.internal:6333"],
        httpPort: 6333,
        apiKeySecretArn: "arn:aws:secretsmanager:us-east-2:123456789012:secret:aai/qdrant-api-key-AbCdEf",
      },
    },
    ...overrides,
  };
}

/** GIVEN a test stack with a platform ("aai" names, the project key); WHEN Monitoring watches props(overrides). */
function monitoringIn(scope: Construct, overrides: Partial<MonitoringProps> = {}): Monitoring {
  const platform = testPlatform(scope, { namePrefix: "aai" });
  return new Monitoring(scope, "monitoring", { ...props(overrides), platform });
}

function synthMonitoring(overrides: Partial<MonitoringProps> = {}) {
  return synthScope((scope) => {
    monitoringIn(scope, overrides);
  });
}

// ---- the construct -----------------------------------------------------------------------------

// GIVEN a test stack and platform (monitoringIn)
// WHEN Monitoring watches prod-like tiers with its defaults
let grafanaVariables: Record<string, string> = {};
const stack = synthScope((scope) => {
  grafanaVariables = monitoringIn(scope).grafanaVariables;
});
const alarms = valuesOf(stack, "aws_cloudwatch_metric_alarm");
const alarm = (suffix: string) => {
  const found = alarms.filter((a) => a.alarm_name === `aai-${suffix}`);
  expect(found).toHaveLength(1);
  return found[0];
};
const topicRef = `\${aws_sns_topic.${unitLogicalName(stack, "aws_sns_topic", "monitoring/alerts")}.arn}`;

/** An event alert as a tier hands it over. */
const alert = {
  id: "backup-job-failed",
  description: "a backup job failed",
  eventPattern: { source: ["aws.backup"], detail: { status: ["FAILED"] } },
  message: { paths: { job: "$.detail.backupJobId" }, text: "backup job <job> failed" },
};
// WHEN a tier also hands over an event alert
const withAlert = synthMonitoring({ eventAlerts: [alert] });

// WHEN the options differ from the defaults: an alternate target group (blue/green, canary, linear), a
// single-node cache, SAML sign-in, a 200 USD budget (each test below reads only its own option)
const alternateSuffix = "targetgroup/alt-abc/0123456789fedcba";
const variant = synthMonitoring({
  alb: {
    arnSuffix: "app/aai-alb/0123456789abcdef",
    targetGroupArnSuffix: "targetgroup/api-abc/fedcba9876543210",
    alternateTargetGroupArnSuffix: alternateSuffix,
  },
  redis: { replicationGroupId: "aai-redis", memberClusterIds: ["aai-redis-001"] },
  grafanaAuthentication: "SAML",
  monthlyBudgetUsd: 200,
});

describe("Monitoring", () => {
  describe("alerting", () => {
    test("the topic is encrypted with the project CMK, whose policy admits CloudWatch, Budgets and Cost Anomaly Detection", () => {
      // THEN
      const topic = unitResource(stack, "aws_sns_topic", "monitoring/alerts");
      expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
      const statements = policyOf(valuesOf(stack, "aws_kms_key")[0]).Statement;
      for (const [sid, service] of [
        ["AllowCloudWatchAlarms", "cloudwatch.amazonaws.com"],
        ["AllowBudgets", "budgets.amazonaws.com"],
        ["AllowCostAnomalyDetection", COST_ANOMALY_PUBLISHER],
      ]) {
        const s = statements.find((x: { Sid: string }) => x.Sid === sid);
        expect(s.Principal).toEqual({ Service: service });
        expect(s.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
        expect(s.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "123456789012" } });
      }
    });

    test("the topic policy lets CloudWatch, Budgets and Cost Anomaly Detection publish from this account only", () => {
      // THEN
      const policy = policyOf(valuesOf(stack, "aws_sns_topic_policy")[0]);
      expect(policy.Statement).toHaveLength(3);
      for (const s of policy.Statement) {
        expect(s.Action).toBe("SNS:Publish");
        expect(s.Resource).toBe(topicRef);
        expect(s.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "123456789012" } });
      }
      expect(policy.Statement.map((s: { Principal: { Service: string } }) => s.Principal.Service)).toEqual([
        "cloudwatch.amazonaws.com",
        "budgets.amazonaws.com",
        COST_ANOMALY_PUBLISHER,
      ]);
    });

    test("one e-mail subscription per configured address", () => {
      // THEN
      const subs = valuesOf(stack, "aws_sns_topic_subscription");
      expect(subs.map((s) => [s.protocol, s.endpoint, s.topic_arn])).toEqual([
        ["email", "oncall@example.com", topicRef],
        ["email", "lead@example.com", topicRef],
      ]);
    });
  });

  describe("event alerts (EventBridge rules to the alert topic)", () => {
    const keyStatements = (s: typeof stack) => policyOf(valuesOf(s, "aws_kms_key")[0]).Statement;
    const eventsStatement = (statements: any[]) =>
      statements.filter((x) => x.Principal?.Service === "events.amazonaws.com");

    test("one rule per alert, named <prefix>-<id>, with the alert's pattern, targeting the topic", () => {
      // THEN
      const [rule] = valuesOf(withAlert, "aws_cloudwatch_event_rule");
      expect(rule).toMatchObject({ name: `aai-${alert.id}`, description: alert.description });
      expect(JSON.parse(rule.event_pattern)).toEqual(alert.eventPattern);
      const [target] = valuesOf(withAlert, "aws_cloudwatch_event_target");
      const ruleName = unitLogicalName(
        withAlert,
        "aws_cloudwatch_event_rule",
        `monitoring/event-alerts/${alert.id}`,
      );
      expect(target.rule).toBe(`\${aws_cloudwatch_event_rule.${ruleName}.name}`);
      expect(target.arn).toBe(topicRef);
      // The e-mail is the alert's text, a quoted JSON string as EventBridge requires, with the event's values.
      expect(target.input_transformer.input_paths).toEqual(alert.message.paths);
      expect(JSON.parse(target.input_transformer.input_template)).toBe(alert.message.text);
    });

    test("the topic policy lets EventBridge publish for these rules only", () => {
      // THEN
      const ruleName = unitLogicalName(
        withAlert,
        "aws_cloudwatch_event_rule",
        `monitoring/event-alerts/${alert.id}`,
      );
      const [statement] = eventsStatement(policyOf(valuesOf(withAlert, "aws_sns_topic_policy")[0]).Statement);
      expect(statement).toMatchObject({ Action: "SNS:Publish", Resource: topicRef });
      expect(statement.Condition).toEqual({
        ArnEquals: { "aws:SourceArn": [`\${aws_cloudwatch_event_rule.${ruleName}.arn}`] },
      });
    });

    test("the key admits EventBridge for this topic only, by SNS's encryption context (SNS passes EventBridge no source keys)", () => {
      // THEN
      const [statement] = eventsStatement(keyStatements(withAlert));
      expect(statement.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
      const topicName = unitResource(withAlert, "aws_sns_topic", "monitoring/alerts").name;
      expect(statement.Condition).toEqual({
        StringEquals: {
          "kms:EncryptionContext:aws:sns:topicArn": `arn:aws:sns:${REGION}:${ACCOUNT}:${topicName}`,
        },
      });
    });

    test("without event alerts: no rule, and EventBridge appears in neither policy", () => {
      // THEN
      expect(valuesOf(stack, "aws_cloudwatch_event_rule")).toEqual([]);
      expect(eventsStatement(keyStatements(stack))).toEqual([]);
      expect(eventsStatement(policyOf(valuesOf(stack, "aws_sns_topic_policy")[0]).Statement)).toEqual([]);
    });

    test("the construct with an event alert passes every monitoring rule, and each applies", () => {
      // THEN
      const rules = monitoringRules;
      expect(failingRules({ env: "test", stack: withAlert, rules, waivers: [], show: "path" })).toEqual([]);
      expect(new Set(passingRules({ env: "test", stack: withAlert, rules, waivers: [] }))).toEqual(
        new Set(rules.map((r) => r.id)),
      );
    });

    test("two alerts with one id are rejected", () => {
      // WHEN a tier hands over one alert twice
      const twice = () => synthMonitoring({ eventAlerts: [alert, alert] });
      // THEN
      expect(twice).toThrow(`Monitoring: duplicate event alert id ${alert.id}`);
    });
  });

  describe("alarms", () => {
    test("every alarm: 60-second periods, ALARM and OK to the topic, actions enabled", () => {
      // THEN
      expect(alarms.length).toBeGreaterThan(20);
      for (const a of alarms) {
        expect(a.actions_enabled).toBe(true);
        expect(a.alarm_actions).toEqual([topicRef]);
        expect(a.ok_actions).toEqual([topicRef]);
        expect(["breaching", "notBreaching", "missing", "ignore"]).toContain(a.treat_missing_data);
        const periods = a.metric_query
          ? a.metric_query.filter((q: any) => q.metric).map((q: any) => q.metric.period)
          : [a.period];
        expect(periods.every((p: number) => p === ALARM_PERIOD_SECONDS)).toBe(true);
      }
    });

    test("ECS CPU and memory by cluster and service, thresholds from config", () => {
      // THEN
      const cpu = alarm("ecs-cpu-high");
      expect(cpu).toMatchObject({
        namespace: "AWS/ECS",
        metric_name: "CPUUtilization",
        dimensions: { ClusterName: "aai-cluster", ServiceName: "aai-api" },
        threshold: prodConfig.monitoring.thresholds.ecsCpuPercent,
        comparison_operator: "GreaterThanThreshold",
      });
      expect(alarm("ecs-memory-high").metric_name).toBe("MemoryUtilization");
    });

    test("ALB latency p95 and p99 use extended statistics on the target group", () => {
      // THEN
      for (const p of ["p95", "p99"]) {
        const a = alarm(`api-latency-${p}`);
        expect(a.extended_statistic).toBe(p);
        expect(a.statistic).toBeUndefined();
        expect(a.dimensions).toEqual({
          LoadBalancer: "app/aai-alb/0123456789abcdef",
          TargetGroup: "targetgroup/api-abc/fedcba9876543210",
        });
      }
      expect(alarm("api-latency-p99").threshold).toBe(prodConfig.monitoring.thresholds.latencyP99Seconds);
    });

    test("with an alternate target group (blue/green, canary, linear) ALB alarms cover both groups", () => {
      // THEN (variant)
      const bg = valuesOf(variant, "aws_cloudwatch_metric_alarm");
      const find = (suffix: string) => bg.find((a) => a.alarm_name === `aai-${suffix}`)!;
      // Latency for the whole ALB: a primary-group metric would go silent once traffic moves to the other group.
      for (const p of ["p95", "p99"])
        expect(find(`api-latency-${p}`).dimensions).toEqual({ LoadBalancer: "app/aai-alb/0123456789abcdef" });
      const unhealthy = find("api-unhealthy-hosts");
      expect(unhealthy.metric_name).toBeUndefined();
      expect(unhealthy.statistic).toBeUndefined();
      const returned = unhealthy.metric_query.filter((q: any) => q.return_data);
      expect(returned).toHaveLength(1);
      expect(returned[0].expression).toBe("MAX([primary, alternate])");
      const groups = unhealthy.metric_query
        .filter((q: any) => q.metric)
        .map((q: any) => [q.id, q.metric.metric_name, q.metric.dimensions.TargetGroup, q.metric.period]);
      expect(groups).toEqual([
        ["primary", "UnHealthyHostCount", "targetgroup/api-abc/fedcba9876543210", 60],
        ["alternate", "UnHealthyHostCount", alternateSuffix, 60],
      ]);
      // No datapoints = no registered targets (fresh build, idle group): must not page (issue #10).
      expect(unhealthy.treat_missing_data).toBe("notBreaching");
    });

    test("5xx error rate is metric math over target + ALB 5xx and requests, in percent", () => {
      // THEN
      const a = alarm("api-5xx-rate");
      expect(a.metric_name).toBeUndefined();
      const expression = a.metric_query.find((q: any) => q.expression);
      expect(expression).toMatchObject({ id: "e1", return_data: true });
      expect(expression.expression).toBe("100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests");
      const metrics = Object.fromEntries(
        a.metric_query.filter((q: any) => q.metric).map((q: any) => [q.id, q.metric.metric_name]),
      );
      expect(metrics).toEqual({
        target5xx: "HTTPCode_Target_5XX_Count",
        elb5xx: "HTTPCode_ELB_5XX_Count",
        requests: "RequestCount",
      });
      expect(a.treat_missing_data).toBe("notBreaching");
    });

    test("Redis: CPU, memory, evictions, low hit rate and replication lag per member node", () => {
      // THEN
      for (const n of ["001", "002"]) {
        expect(alarm(`redis-${n}-engine-cpu-high`).dimensions).toEqual({ CacheClusterId: `aai-redis-${n}` });
        expect(alarm(`redis-${n}-memory-high`).metric_name).toBe("DatabaseMemoryUsagePercentage");
        expect(alarm(`redis-${n}-evictions`).statistic).toBe("Sum");
        const hit = alarm(`redis-${n}-hit-rate-low`);
        expect(hit.comparison_operator).toBe("LessThanThreshold");
        expect(hit.metric_query.map((q: any) => q.metric?.metric_name).filter(Boolean)).toEqual([
          "KeyspaceHits",
          "KeyspaceMisses",
        ]);
        expect(alarm(`redis-${n}-replication-lag`).metric_name).toBe("ReplicationLag");
      }
    });

    test("no replication-lag alarm for a single-node cache", () => {
      // THEN (variant)
      const names = valuesOf(variant, "aws_cloudwatch_metric_alarm").map((a) => a.alarm_name);
      expect(names).toContain("aai-redis-001-hit-rate-low");
      expect(names.some((n) => n.includes("replication-lag"))).toBe(false);
    });

    test("Qdrant: status checks breach when missing; CWAgent memory and data-disk metrics", () => {
      // THEN
      expect(alarm("qdrant-status-check-failed")).toMatchObject({
        namespace: "AWS/EC2",
        metric_name: "StatusCheckFailed",
        treat_missing_data: "breaching",
      });
      expect(alarm("qdrant-cpu-high").metric_name).toBe("CPUUtilization");
      expect(alarm("qdrant-memory-high")).toMatchObject({
        namespace: "CWAgent",
        metric_name: "mem_used_percent",
      });
      expect(alarm("qdrant-disk-high").dimensions).toEqual({
        InstanceId: "i-0123456789abcdef0",
        path: "/var/lib/qdrant",
        fstype: "xfs",
      });
    });

    test("no alarm but the heartbeat pages on missing agent or target data (fresh build, replaced instance)", () => {
      // THEN
      // Issue #10: breaching-on-missing paged on every fresh build and every Qdrant instance replacement.
      for (const id of ["qdrant-memory-high", "qdrant-disk-high", "api-unhealthy-hosts"])
        expect([id, alarm(id).treat_missing_data]).toEqual([
          id,
          expect.stringMatching(/^(notBreaching|missing)$/),
        ]);
      const agentAlarms = alarms.filter((a) => a.namespace === "CWAgent");
      expect(
        agentAlarms.filter((a) => a.treat_missing_data === "breaching").map((a) => a.alarm_name),
      ).toEqual(["aai-qdrant-agent-heartbeat"]);
    });

    test("Qdrant agent heartbeat: fires when the CloudWatch agent stops sending mem_used_percent", () => {
      // THEN
      expect(alarm("qdrant-agent-heartbeat")).toMatchObject({
        namespace: "CWAgent",
        metric_name: "mem_used_percent",
        // The exact dimension set the agent publishes (append_dimensions InstanceId only).
        dimensions: { InstanceId: "i-0123456789abcdef0" },
        statistic: "SampleCount",
        period: ALARM_PERIOD_SECONDS,
        evaluation_periods: 15,
        datapoints_to_alarm: 15,
        threshold: 1,
        comparison_operator: "LessThanThreshold",
        treat_missing_data: "breaching",
        actions_enabled: true,
        alarm_actions: [topicRef],
        ok_actions: [topicRef],
      });
    });

    test("SQS DLQ depth and work-queue age; one NAT port-allocation alarm per NAT gateway", () => {
      // THEN
      expect(alarm("dlq-messages")).toMatchObject({
        metric_name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: "aai-work-dlq" },
        threshold: 0,
        treat_missing_data: "notBreaching",
      });
      expect(alarm("queue-oldest-message").dimensions).toEqual({ QueueName: "aai-work" });
      expect(alarm("nat-1-port-allocation-errors").dimensions).toEqual({ NatGatewayId: "nat-0a" });
      expect(alarm("nat-2-port-allocation-errors").dimensions).toEqual({ NatGatewayId: "nat-0b" });
    });

    test("invalid e-mail addresses and thresholds are rejected naming the field", () => {
      // WHEN an address without @, a negative threshold, or p99 below p95
      const badEmail = () => synthMonitoring({ alarmEmails: ["oncall.example.com"] });
      const thresholds = prodConfig.monitoring.thresholds;
      const negative = () => synthMonitoring({ thresholds: { ...thresholds, dlqMessages: -1 } });
      const p99BelowP95 = () => synthMonitoring({ thresholds: { ...thresholds, latencyP99Seconds: 0.5 } });
      // THEN
      expect(badEmail).toThrow(
        'Monitoring: alarmEmails[0] = "oncall.example.com": must be an e-mail address',
      );
      expect(negative).toThrow("Monitoring: thresholds.dlqMessages = -1: must be a number >= 0");
      expect(p99BelowP95).toThrow(
        /thresholds\.latencyP99Seconds = 0\.5: must be >= thresholds\.latencyP95Seconds/,
      );
    });
  });

  describe("Prometheus and the ADOT collector", () => {
    test("AMP workspace: CMK, logging to an encrypted group with an ARN ending in :*", () => {
      // THEN
      const ws = valuesOf(stack, "aws_prometheus_workspace")[0];
      expect(ws.kms_key_arn).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
      const group = unitLogicalName(stack, "aws_cloudwatch_log_group", "monitoring/prometheus/logs/group");
      expect(ws.logging_configuration.log_group_arn).toBe(`\${aws_cloudwatch_log_group.${group}.arn}:*`);
    });

    const taskDef = valuesOf(stack, "aws_ecs_task_definition")[0];
    const [container] = JSON.parse(taskDef.container_definitions);
    const configText = container.environment.find((e: any) => e.name === "AOT_CONFIG_CONTENT").value;
    const config = parseYaml(configText);

    test("collector config is YAML: ecs_observer finds the API tasks, Qdrant is scraped with the API key", () => {
      // THEN
      expect(config.extensions.ecs_observer).toMatchObject({
        cluster_name: "aai-cluster",
        cluster_region: "us-east-2",
        services: [{ name_pattern: "^aai-api$", metrics_ports: [8000], job_name: "fastapi" }],
      });
      const jobs = Object.fromEntries(
        config.receivers.prometheus.config.scrape_configs.map((j: any) => [j.job_name, j]),
      );
      expect(jobs.fastapi.file_sd_configs[0].files).toEqual([config.extensions.ecs_observer.result_file]);
      expect(jobs.qdrant.static_configs[0].targets).toEqual(["qdrant.prod.aai.internal:6333"]);
      // "$${" in Terraform JSON becomes the collector's own ${env:...}: the key never appears in the config.
      expect(jobs.qdrant.authorization).toEqual({ type: "Bearer", credentials: "$${env:QDRANT_API_KEY}" });
      expect(config.global ?? config.receivers.prometheus.config.global).toMatchObject({
        scrape_interval: "60s",
      });
    });

    test("remote write with SigV4 to the workspace endpoint", () => {
      // THEN
      const ws = unitLogicalName(stack, "aws_prometheus_workspace", "monitoring/prometheus/workspace");
      expect(config.exporters.prometheusremotewrite).toEqual({
        endpoint: `\${aws_prometheus_workspace.${ws}.prometheus_endpoint}api/v1/remote_write`,
        auth: { authenticator: "sigv4auth" },
      });
      expect(config.extensions.sigv4auth).toEqual({ region: "us-east-2", service: "aps" });
      expect(config.service.pipelines.metrics.exporters).toEqual(["prometheusremotewrite"]);
    });

    test("the task: Fargate ARM64, read-only root, API key as an ECS secret, awslogs to an encrypted group", () => {
      // THEN
      expect(taskDef).toMatchObject({
        network_mode: "awsvpc",
        requires_compatibilities: ["FARGATE"],
        cpu: "256",
        memory: "512",
        runtime_platform: { cpu_architecture: "ARM64", operating_system_family: "LINUX" },
      });
      expect(container.readonlyRootFilesystem).toBe(true);
      // ECS only runs health checks whose command starts with CMD or CMD-SHELL.
      expect(container.healthCheck.command[0]).toMatch(/^CMD(-SHELL)?$/);
      expect(container.healthCheck.command).toEqual(["CMD", "/healthcheck"]);
      expect(container.secrets).toEqual([
        { name: "QDRANT_API_KEY", valueFrom: props().collector!.qdrant.apiKeySecretArn },
      ]);
      expect(JSON.stringify(container.environment)).not.toMatch(/secret:/);
      expect(container.logConfiguration.options["awslogs-group"]).toMatch(
        /aws_cloudwatch_log_group\..+\.name/,
      );
      const service = valuesOf(stack, "aws_ecs_service")[0];
      expect(service).toMatchObject({
        desired_count: 1,
        launch_type: "FARGATE",
        platform_version: "LATEST",
        deployment_minimum_healthy_percent: 0,
        network_configuration: { assign_public_ip: false, subnets: ["subnet-a", "subnet-b"] },
      });
    });

    test("task role may remote-write to this workspace only; ecs discovery is scoped to the cluster", () => {
      // THEN
      const role = unitLogicalName(stack, "aws_iam_role", "monitoring/collector/task-role");
      const policy = valuesOf(stack, "aws_iam_role_policy").find(
        (p) => p.role === `\${aws_iam_role.${role}.id}`,
      );
      const statements = policyOf(policy).Statement;
      const ws = unitLogicalName(stack, "aws_prometheus_workspace", "monitoring/prometheus/workspace");
      expect(statements[0]).toEqual({
        Effect: "Allow",
        Action: "aps:RemoteWrite",
        Resource: `\${aws_prometheus_workspace.${ws}.arn}`,
      });
      const list = statements.find((s: any) => JSON.stringify(s.Action).includes("ecs:ListTasks"));
      expect(list.Condition).toEqual({ ArnEquals: { "ecs:cluster": props().collector!.app.clusterArn } });
      expect(statements.find((s: any) => s.Action === "ecs:DescribeTasks").Resource).toBe(
        "arn:aws:ecs:us-east-2:123456789012:task/aai-cluster/*",
      );
    });

    test("collector security group: egress only to the API, Qdrant and HTTPS", () => {
      // THEN
      const egress = valuesOf(stack, "aws_vpc_security_group_egress_rule").map((r) => [
        r.referenced_security_group_id ?? r.cidr_ipv4,
        r.from_port,
      ]);
      expect(egress).toEqual(
        expect.arrayContaining([
          ["sg-app", 8000],
          ["sg-qdrant", 6333],
          ["0.0.0.0/0", 443],
        ]),
      );
      expect(valuesOf(stack, "aws_vpc_security_group_ingress_rule")).toHaveLength(0);
    });

    test("renderCollectorConfig escapes the service name in the discovery regex", () => {
      // WHEN the service name holds a regex metacharacter
      const text = renderCollectorConfig({
        remoteWriteUrl: "https://x/api/v1/remote_write",
        clusterName: "c",
        appServiceName: "api.v2",
        appPort: 8000,
        qdrantTargets: ["q:6333"],
      });
      // THEN
      expect(JSON.parse(text).extensions.ecs_observer.services[0].name_pattern).toBe("^api\\.v2$");
    });
  });

  describe("Grafana", () => {
    const ws = valuesOf(stack, "aws_grafana_workspace")[0];
    const roleName = unitLogicalName(stack, "aws_iam_role", "monitoring/grafana/role");

    test("workspace: current account, SSO from config, SERVICE_MANAGED with an explicit role, AMP + CloudWatch", () => {
      // THEN
      expect(ws).toMatchObject({
        account_access_type: "CURRENT_ACCOUNT",
        authentication_providers: ["AWS_SSO"],
        permission_type: "SERVICE_MANAGED",
        role_arn: `\${aws_iam_role.${roleName}.arn}`,
        data_sources: ["PROMETHEUS", "CLOUDWATCH"],
        notification_destinations: ["SNS"],
      });
      // THEN (variant)
      expect(valuesOf(variant, "aws_grafana_workspace")[0].authentication_providers).toEqual(["SAML"]);
    });

    test("role: trusted by grafana.amazonaws.com; queries this AMP workspace; reads CloudWatch; publishes alerts", () => {
      // THEN
      const role = resourcesOf(stack, "aws_iam_role").find(([n]) => n === roleName)![1];
      expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({
        Service: "grafana.amazonaws.com",
      });
      const policy = valuesOf(stack, "aws_iam_role_policy").find(
        (p) => p.role === `\${aws_iam_role.${roleName}.id}`,
      );
      const statements = policyOf(policy).Statement;
      const amp = unitLogicalName(stack, "aws_prometheus_workspace", "monitoring/prometheus/workspace");
      expect(statements[0].Action).toEqual(
        expect.arrayContaining(["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels"]),
      );
      expect(statements[0].Resource).toBe(`\${aws_prometheus_workspace.${amp}.arn}`);
      const all = statements.flatMap((s: any) => [].concat(s.Action));
      expect(all).toEqual(
        expect.arrayContaining(["cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "sns:Publish"]),
      );
      expect(statements.find((s: any) => s.Action === "sns:Publish").Resource).toBe(topicRef);
    });

    test("role: actions with resource-level permissions name ARNs, never * (checkov CKV_AWS_355)", () => {
      // THEN
      const policy = valuesOf(stack, "aws_iam_role_policy").find(
        (p) => p.role === `\${aws_iam_role.${roleName}.id}`,
      );
      const statements: { Action: string | string[]; Resource: string | string[] }[] =
        policyOf(policy).Statement;
      const resourcesOfAction = (action: string) =>
        statements
          .filter((s) => ([] as string[]).concat(s.Action).includes(action))
          .flatMap((s) => ([] as string[]).concat(s.Resource));
      for (const [action, arn] of [
        ["cloudwatch:DescribeAlarms", "arn:aws:cloudwatch:us-east-2:123456789012:alarm:*"],
        ["cloudwatch:DescribeAlarmHistory", "arn:aws:cloudwatch:us-east-2:123456789012:alarm:*"],
        ["cloudwatch:GetInsightRuleReport", "arn:aws:cloudwatch:us-east-2:123456789012:insight-rule/*"],
        ["logs:GetQueryResults", "arn:aws:logs:us-east-2:123456789012:log-group:*"],
      ])
        expect([action, resourcesOfAction(action)]).toEqual([action, [arn]]);
      // What stays on "*" has no resource type in the Service Authorization Reference.
      const unscoped = statements
        .filter((s) => ([] as string[]).concat(s.Resource).includes("*"))
        .flatMap((s) => ([] as string[]).concat(s.Action));
      expect(unscoped.sort()).toEqual(
        [
          "aps:ListWorkspaces",
          "cloudwatch:DescribeAlarmsForMetric",
          "cloudwatch:GetMetricData",
          "cloudwatch:ListMetrics",
          "ec2:DescribeInstances",
          "ec2:DescribeRegions",
          "ec2:DescribeTags",
          "logs:DescribeLogGroups",
          "logs:StopQuery",
          "tag:GetResources",
        ].sort(),
      );
    });
  });

  describe("dashboards", () => {
    const metricNamesIn = (expr: string) =>
      [...expr.replace(/"[^"]*"/g, '""').matchAll(/\b([a-z_][a-z0-9_]*)\s*(?=\{|\[|$|\))/g)]
        .map((m) => m[1])
        .filter(
          (n) => !["sum", "rate", "by", "histogram_quantile", "le", "handler", "endpoint", "job"].includes(n),
        );
    const knownProm = new Set(Object.values(PROMETHEUS_METRICS).flat());
    const knownCw = (ns: string, metric: string) => (CLOUDWATCH_METRICS[ns] ?? []).includes(metric);

    test("the CloudWatch dashboard parses and every metric is one the stack emits", () => {
      // THEN
      const dashboard = valuesOf(stack, "aws_cloudwatch_dashboard")[0];
      expect(dashboard.dashboard_name).toBe("aai");
      const body = JSON.parse(dashboard.dashboard_body);
      const titles = body.widgets
        .filter((w: any) => w.type === "text")
        .map((w: any) => w.properties.markdown);
      expect(titles).toEqual([
        "## API metrics",
        "## Vector search (Qdrant host)",
        "## Cache hit rates (Redis)",
        "## Resource utilization",
      ]);
      const rows = body.widgets
        .filter((w: any) => w.type === "metric")
        .flatMap((w: any) => w.properties.metrics)
        .filter((r: any[]) => typeof r[0] === "string");
      expect(rows.length).toBeGreaterThan(15);
      for (const r of rows) expect(`${r[0]} ${r[1]}: ${knownCw(r[0], r[1])}`).toBe(`${r[0]} ${r[1]}: true`);
      for (const w of body.widgets) expect(w.x + w.width).toBeLessThanOrEqual(24);
    });

    const files = loadDashboards(DASHBOARD_DIR);

    test.each(GRAFANA_DASHBOARD_FILES)("%s parses; each query names a metric the stack emits", (file) => {
      // GIVEN the dashboard file
      const d = JSON.parse(readFileSync(join(DASHBOARD_DIR, file), "utf8"));
      // THEN
      expect(d.panels.length).toBeGreaterThanOrEqual(4);
      for (const panel of d.panels) {
        expect(panel.targets.length).toBeGreaterThan(0);
        for (const t of panel.targets) {
          if (t.datasource.type === "prometheus") {
            const names = metricNamesIn(t.expr);
            expect(names.length).toBeGreaterThan(0);
            for (const n of names) expect(`${n}: ${knownProm.has(n)}`).toBe(`${n}: true`);
          } else {
            expect(t.datasource.type).toBe("cloudwatch");
            expect(`${t.namespace} ${t.metricName}: ${knownCw(t.namespace, t.metricName)}`).toBe(
              `${t.namespace} ${t.metricName}: true`,
            );
            expect(t.period).toBe("60");
          }
        }
      }
      expect(files[file].uid).toBe(d.uid);
    });

    test("every dashboard variable has a value in the stack's grafanaVariables", () => {
      // GIVEN the variables of the Monitoring above
      const variables = grafanaVariables;
      // WHEN the provisioning requests are built for an AMP endpoint
      const requests = buildProvisioningRequests(
        {
          prometheusEndpoint: "https://aps-workspaces.us-east-2.amazonaws.com/workspaces/ws-1234abcd/",
          variables,
          environment: "prod",
        },
        files,
      );
      // THEN
      expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        "POST /api/datasources",
        "POST /api/datasources",
        "POST /api/folders",
        ...GRAFANA_DASHBOARD_FILES.map(() => "POST /api/dashboards/db"),
      ]);
      expect(requests[0].body).toMatchObject({
        type: "prometheus",
        url: "https://aps-workspaces.us-east-2.amazonaws.com/workspaces/ws-1234abcd",
        jsonData: { sigV4Auth: true, sigV4Region: "us-east-2" },
      });
      const cache = (requests[5].body.dashboard as any).templating.list.find(
        (v: any) => v.name === "cache_cluster",
      );
      expect(cache.current.value).toEqual(["aai-redis-001", "aai-redis-002"]);
      expect(() =>
        buildProvisioningRequests(
          { prometheusEndpoint: "https://example.com", variables, environment: "prod" },
          files,
        ),
      ).toThrow(/must be an AMP workspace endpoint/);
      expect(() =>
        buildProvisioningRequests(
          {
            prometheusEndpoint: "https://aps-workspaces.us-east-2.amazonaws.com/workspaces/ws-1/",
            variables: { ...variables, qdrant_instance: "" },
            environment: "prod",
          },
          files,
        ),
      ).toThrow(/no value for variable "qdrant_instance"/);
    });
  });

  describe("budget", () => {
    test("monthly COST budget from config, Environment tag filter, 80/100 actual and 100 forecasted to the topic", () => {
      // THEN
      const budget = valuesOf(stack, "aws_budgets_budget")[0];
      expect(budget).toMatchObject({
        name: "aai-monthly",
        budget_type: "COST",
        time_unit: "MONTHLY",
        limit_amount: "6000.00",
        limit_unit: "USD",
        cost_filter: [{ name: "TagKeyValue", values: ["user:Environment$prod"] }],
      });
      expect(budget.notification.map((n: any) => [n.notification_type, n.threshold])).toEqual(
        BUDGET_NOTIFICATIONS.map(([t, p]) => [t, p]),
      );
      for (const n of budget.notification) {
        expect(n.subscriber_sns_topic_arns).toEqual([topicRef]);
        expect(n.subscriber_email_addresses).toBeUndefined();
      }
    });
  });

  describe("cost anomaly detection", () => {
    const monitor = unitResource(stack, "aws_ce_anomaly_monitor", "monitoring/cost-anomalies/monitor");
    const subscription = unitResource(
      stack,
      "aws_ce_anomaly_subscription",
      "monitoring/cost-anomalies/subscription",
    );

    test("a CUSTOM monitor over the costs tagged Environment=<environment>", () => {
      // THEN
      expect(monitor.monitor_type).toBe("CUSTOM");
      expect(monitor.monitor_dimension).toBeUndefined();
      expect(JSON.parse(monitor.monitor_specification).Tags).toEqual({
        Key: "Environment",
        MatchOptions: null,
        Values: [props().environment],
      });
      expect(monitor.monitor_specification).toBe(tagMonitorSpecification("Environment", props().environment));
    });

    test("an IMMEDIATE subscription of that monitor publishes to the alert topic above a share of the budget", () => {
      // THEN
      expect(subscription.frequency).toBe("IMMEDIATE");
      expect(subscription.monitor_arn_list).toEqual([
        `\${aws_ce_anomaly_monitor.${unitLogicalName(stack, "aws_ce_anomaly_monitor", "monitoring/cost-anomalies/monitor")}.arn}`,
      ]);
      expect(subscription.subscriber).toEqual([{ type: "SNS", address: topicRef }]);
      expect(subscription.threshold_expression.dimension).toEqual({
        key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
        match_options: ["GREATER_THAN_OR_EQUAL"],
        values: [String(anomalyThresholdUsd(props().monthlyBudgetUsd))],
      });
      // The topic policy must exist before AWS first tries to publish.
      expect(subscription.depends_on).toEqual([
        `aws_sns_topic_policy.${unitLogicalName(stack, "aws_sns_topic_policy", "monitoring/alerts-policy")}`,
      ]);
    });

    test("the threshold follows the budget, with a floor", () => {
      // THEN (a 6000 USD budget and a 100 USD one; the variant's 200 USD budget)
      expect(anomalyThresholdUsd(6000)).toBe(120);
      expect(anomalyThresholdUsd(100)).toBe(10);
      expect(
        valuesOf(variant, "aws_ce_anomaly_subscription")[0].threshold_expression.dimension.values,
      ).toEqual([String(anomalyThresholdUsd(200))]);
    });
  });
});

// ---- the committed stacks ----------------------------------------------------------------------

const stacks = synthAll();

describe("prod stack: seed values", () => {
  test("prod's config fills every alarm threshold with its default (environments/schema.ts)", () => {
    expect(Object.keys(prodConfig.monitoring.thresholds).sort()).toEqual(
      [
        "ecsCpuPercent",
        "ecsMemoryPercent",
        "latencyP95Seconds",
        "latencyP99Seconds",
        "errorRatePercent",
        "redisCpuPercent",
        "redisMemoryPercent",
        "redisEvictionsPerMinute",
        "redisHitRatePercent",
        "redisReplicationLagSeconds",
        "qdrantCpuPercent",
        "qdrantMemoryPercent",
        "qdrantDiskPercent",
        "dlqMessages",
        "queueOldestMessageSeconds",
      ].sort(),
    );
    expect(prodConfig.monitoring.thresholds.dlqMessages).toBe(0);
  });
});

describe("per environment", () => {
  test.each(Object.keys(stacks))("%s: every log group keeps 30 days and is encrypted with a CMK", (name) => {
    for (const [logical, group] of resourcesOf(stacks[name], "aws_cloudwatch_log_group")) {
      expect([logical, group.retention_in_days]).toEqual([logical, 30]);
      expect([logical, group.kms_key_id]).toEqual([
        logical,
        expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
      ]);
    }
  });

  test.each(["dev", "staging", "prod"])(
    "%s: the alarm pack at 60-second periods, wired to the topic",
    (name) => {
      const s = stacks[name];
      const topics = resourcesOf(s, "aws_sns_topic").filter(([, t]) => String(t.name).endsWith("-alerts"));
      expect(topics).toHaveLength(1);
      const topic = `\${aws_sns_topic.${topics[0][0]}.arn}`;
      const all = valuesOf(s, "aws_cloudwatch_metric_alarm");
      for (const a of all) {
        expect(a.alarm_actions).toEqual([topic]);
        expect(a.ok_actions).toEqual([topic]);
        expect(a.period ?? ALARM_PERIOD_SECONDS).toBe(ALARM_PERIOD_SECONDS);
      }
      const config = loadEnvironments([name as "dev"])[0];
      const names = all.map((a) => a.alarm_name as string);
      const nats = config.network.natGateways === "single" ? 1 : config.network.availabilityZones.length;
      expect(names.filter((n) => n.includes("port-allocation"))).toHaveLength(nats);
      expect(names.filter((n) => /redis-\d{3}-hit-rate-low$/.test(n))).toHaveLength(
        config.cache.numCacheClusters,
      );
      expect(names.some((n) => n.includes("replication-lag"))).toBe(config.cache.numCacheClusters > 1);
      const prefix = name === "prod" ? "air-applied-ai" : `air-applied-ai-${name}`;
      for (const id of [
        "api-latency-p95",
        "api-latency-p99",
        "api-5xx-rate",
        "api-unhealthy-hosts",
        "dlq-messages",
        "queue-oldest-message",
        "qdrant-status-check-failed",
        "qdrant-cpu-high",
        "qdrant-memory-high",
        "qdrant-disk-high",
        "qdrant-agent-heartbeat",
        "ecs-cpu-high",
        "ecs-memory-high",
      ])
        expect(names).toContain(`${prefix}-${id}`);
      // The heartbeat watches the metric and dimension set the Qdrant host's agent really publishes.
      const heartbeat = all.find((a) => a.alarm_name === `${prefix}-qdrant-agent-heartbeat`)!;
      expect([heartbeat.namespace, heartbeat.metric_name]).toEqual([
        QDRANT_HOST_METRICS.namespace,
        QDRANT_HOST_METRICS.memory.metricName,
      ]);
      expect(Object.keys(heartbeat.dimensions)).toEqual([...QDRANT_HOST_METRICS.memory.dimensions]);
      expect(heartbeat.dimensions.InstanceId).toMatch(/^\$\{aws_instance\..+\.id\}$/);
      // The collector is admitted to the API's container port and to Qdrant's REST port.
      const collectorSg = resourcesOf(s, "aws_security_group").find(
        ([, g]) => g.name === `${prefix}-adot-collector`,
      )!;
      const fromCollector = valuesOf(s, "aws_vpc_security_group_ingress_rule")
        .filter((r) => r.referenced_security_group_id === `\${aws_security_group.${collectorSg[0]}.id}`)
        .map((r) => r.from_port);
      expect(fromCollector).toEqual(expect.arrayContaining([config.ecs.containerPort, 6333]));
      const budget = valuesOf(s, "aws_budgets_budget")[0];
      expect(budget.limit_amount).toBe(config.budget.monthlyLimitUsd.toFixed(2));
      expect(budget.cost_filter[0].values).toEqual([`user:Environment$${name}`]);
    },
  );

  test.each(["dev", "staging", "prod"])("%s: the monitor covers that environment's tag", (name) => {
    const [m] = valuesOf(stacks[name], "aws_ce_anomaly_monitor");
    expect(JSON.parse(m.monitor_specification).Tags.Values).toEqual([name]);
  });
});
