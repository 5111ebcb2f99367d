import { join } from "node:path";
import { ENVIRONMENT_INPUTS, ENVIRONMENT_NAMES, loadEnvironments } from "../../environments";
import { FIXTURE_INPUTS } from "../../environments/fixtures";
import { toStackDoc } from "../../policies/engine";
import { summarize } from "../../policies/report";
import { readSynthesizedStacks } from "../../tools/tfjson";
import { JOB_WAIT_MS, STACKS_WITH_FIXTURES, awaitJob } from "../helpers/background";
import {
  type StackJson,
  stackResource,
  ref,
  resourcesOf,
  synthAll,
  synthFixture,
  valuesOf,
} from "../helpers/synth";

/**
 * The cluster fixture (environments/fixtures.ts: staging's settings in three AZs with database.nodes = 3)
 * as a whole stack: what the Terraform gate validates and plans, checked here for the policy pack and
 * the wiring between tiers that construct tests cannot see.
 */
let stack: StackJson;
beforeAll(async () => {
  // The Terraform gate's synthesis of every stack and test environment, which global setup runs in the
  // background (the same EnvironmentStack from the same config: what synthFixture("fixture") builds).
  const run = await awaitJob(STACKS_WITH_FIXTURES, JOB_WAIT_MS);
  expect(run.stderr).toBe("");
  stack = readSynthesizedStacks(join(run.dir, "out")).fixture;
}, JOB_WAIT_MS + 10_000);
const byLogicalName = (type: string, name: string) => stack.resource[type][name];
const refName = (reference: string) => /^\$\{[a-z0-9_]+\.([^.]+)\.[a-z_]+\}$/.exec(reference)![1];
const countByType = (json: StackJson) =>
  Object.fromEntries(
    Object.entries(json.resource).map(([type, byName]) => [type, Object.keys(byName as object).length]),
  );

describe("cluster fixture (nodes: 3 in three AZs)", () => {
  test("is a test environment: not registered, so never synthesized by npm run synth nor deployed", () => {
    expect(ENVIRONMENT_NAMES).not.toContain("fixture");
    expect(FIXTURE_INPUTS.fixture.database.nodes).toBe(3);
  });

  test("the policy pack passes: no failed rule", () => {
    const summary = summarize(toStackDoc("fixture", stack));
    const failures = summary.findings
      .filter((f) => f.status === "failed")
      .map((f) => `${f.rule.id} ${f.resource.path}: ${f.detail}`);
    expect(failures).toEqual([]);
    expect(summary.passed).toBeGreaterThan(0);
  });

  test("one node per private subnet, each in a distinct AZ", () => {
    const placed = valuesOf(stack, "aws_instance").map((i) => {
      const subnet = byLogicalName("aws_subnet", refName(i.subnet_id));
      return [subnet.tags.Tier, subnet.availability_zone, i.availability_zone];
    });
    expect(placed).toEqual([
      ["private", "us-east-2a", "us-east-2a"],
      ["private", "us-east-2b", "us-east-2b"],
      ["private", "us-east-2c", "us-east-2c"],
    ]);
  });

  test("6335 is open only from the Qdrant group to itself, in the whole stack", () => {
    const qdrantGroup = ref(
      "aws_security_group",
      refName(stackResource(stack, "aws_instance", "database/instance").vpc_security_group_ids[0]),
    );
    for (const type of ["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]) {
      const p2p = valuesOf(stack, type).filter(
        (r) => r.from_port <= 6335 && (r.to_port ?? r.from_port) >= 6335,
      );
      expect(p2p.map((r) => [r.security_group_id, r.referenced_security_group_id])).toEqual([
        [qdrantGroup, qdrantGroup],
      ]);
    }
  });

  test("clients use the one client name; the collector scrapes every node by its own name", () => {
    expect(stack.output.qdrant_endpoint.value).toBe("http://qdrant.fixture.air-applied-ai.internal:6333");
    const collector = valuesOf(stack, "aws_ecs_task_definition").find((t) =>
      t.family.endsWith("adot-collector"),
    )!;
    const env = JSON.parse(collector.container_definitions)[0].environment;
    const config = JSON.parse(env.find((e: { name: string }) => e.name === "AOT_CONFIG_CONTENT").value);
    const qdrantJob = config.receivers.prometheus.config.scrape_configs.find(
      (j: any) => j.job_name === "qdrant",
    );
    expect(qdrantJob.static_configs[0].targets).toEqual(
      [0, 1, 2].map((i) => `qdrant-${i}.fixture.air-applied-ai.internal:6333`),
    );
  });

  test("every node has the host alarms; each client-name answer is health-checked on its node's status alarm", () => {
    const alarms = resourcesOf(stack, "aws_cloudwatch_metric_alarm");
    const status = ["qdrant", "qdrant-1", "qdrant-2"].map(
      (prefix) =>
        alarms.find(([, a]) => a.alarm_name === `air-applied-ai-fixture-${prefix}-status-check-failed`)!,
    );
    const instances = resourcesOf(stack, "aws_instance");
    status.forEach(([, alarm], i) =>
      expect(alarm.dimensions.InstanceId).toBe(ref("aws_instance", instances[i][0])),
    );
    for (const family of ["cpu-high", "memory-high", "disk-high", "agent-heartbeat"])
      expect(
        alarms.filter(([, a]) => /-qdrant(-\d)?-/.test(a.alarm_name) && a.alarm_name.endsWith(family)),
      ).toHaveLength(3);
    const checks = valuesOf(stack, "aws_route53_health_check");
    expect(checks.map((c) => c.cloudwatch_alarm_name)).toEqual(
      status.map(([name]) => ref("aws_cloudwatch_metric_alarm", name, "alarm_name")),
    );
  });

  test("cluster health from Qdrant's metrics: AMP rules, alerts to the alert topic", () => {
    const [rules] = valuesOf(stack, "aws_prometheus_rule_group_namespace");
    const alerts = JSON.parse(rules.data).groups[0].rules;
    expect(alerts.map((r: any) => r.alert)).toEqual([
      "QdrantNodeDown",
      "QdrantQuorumAtRisk",
      "QdrantPeerCount",
      "QdrantConsensusPending",
      "QdrantDeadReplicas",
      "QdrantUnderReplicated",
    ]);
    expect(alerts.find((r: any) => r.alert === "QdrantQuorumAtRisk").expr).toBe('sum(up{job="qdrant"}) < 2');
    expect(alerts.find((r: any) => r.alert === "QdrantPeerCount").expr).toBe(
      'cluster_peers_total{job="qdrant"} != 3',
    );
    const [topicName] = resourcesOf(stack, "aws_sns_topic")[0];
    const [manager] = valuesOf(stack, "aws_prometheus_alert_manager_definition");
    expect(manager.definition).toContain(ref("aws_sns_topic", topicName, "arn"));
    expect(manager.workspace_id).toBe(rules.workspace_id);
    const topicPolicy = JSON.parse(valuesOf(stack, "aws_sns_topic_policy")[0].policy);
    expect(
      topicPolicy.Statement.find((s: any) => s.Principal.Service === "aps.amazonaws.com").Action,
    ).toEqual(["SNS:Publish", "SNS:GetTopicAttributes"]);
  });

  test("the CloudWatch dashboard has a panel per node", () => {
    const body = JSON.parse(valuesOf(stack, "aws_cloudwatch_dashboard")[0].dashboard_body);
    const titles = body.widgets.map((w: any) => w.properties.title ?? w.properties.markdown);
    for (const i of [0, 1, 2]) expect(titles).toContain(`Qdrant node ${i}: CPU / memory / data disk (%)`);
    expect(titles).toContain("## Vector search (Qdrant cluster)");
  });

  test("what the cluster adds to the same environment with one node", () => {
    const one = synthFixture("fixture", (c) => ({ ...c, database: { ...c.database, nodes: 1 } }));
    const [with3, with1] = [countByType(stack), countByType(one)];
    const added = Object.fromEntries(
      Object.keys(with3)
        .filter((t) => with3[t] !== (with1[t] ?? 0))
        .map((t) => [t, with3[t] - (with1[t] ?? 0)]),
    );
    expect(added).toEqual({
      aws_instance: 2,
      aws_ebs_volume: 2,
      aws_volume_attachment: 2,
      aws_route53_record: 5,
      aws_route53_health_check: 3,
      aws_vpc_security_group_ingress_rule: 1,
      aws_vpc_security_group_egress_rule: 1,
      aws_cloudwatch_metric_alarm: 10,
      aws_prometheus_rule_group_namespace: 1,
      aws_prometheus_alert_manager_definition: 1,
    });
  });
});

describe("one node stays the seed's", () => {
  // An environment's stack is built from its loaded config (EnvironmentStack(app, config, stateBucket);
  // the state bucket is bootstrap's, unchanged here): the same config is the same stack, the committed
  // one, whose single host the next tests check.
  test("prod with database.nodes = 1 written out loads as exactly the committed prod config (one node is the default)", () => {
    const explicit = {
      ...ENVIRONMENT_INPUTS.prod,
      database: { ...ENVIRONMENT_INPUTS.prod.database, nodes: 1 },
    };
    const [committed] = loadEnvironments(["prod"]);
    expect(loadEnvironments(["prod"], { ...ENVIRONMENT_INPUTS, prod: explicit })[0]).toStrictEqual(committed);
  });

  test.each(["dev", "staging", "prod"])(
    "%s: no P2P rule, no health checks, no AMP alert rules, one host",
    (env) => {
      const json = synthAll()[env];
      expect(valuesOf(json, "aws_instance")).toHaveLength(1);
      for (const type of [
        "aws_route53_health_check",
        "aws_prometheus_rule_group_namespace",
        "aws_prometheus_alert_manager_definition",
      ])
        expect(resourcesOf(json, type)).toEqual([]);
      expect(valuesOf(json, "aws_vpc_security_group_ingress_rule").some((r) => r.from_port === 6335)).toBe(
        false,
      );
    },
  );
});
