import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENVIRONMENT_INPUTS, ENVIRONMENT_NAMES } from "../../environments";
import {
  FREE_RESOURCE_TYPES,
  PRICERS,
  type PriceTable,
  type StackEstimate,
  compareEstimates,
  estimateStack,
  loadPriceTable,
  loadUsage,
  readPriceListOffer,
  replicationGroupNodes,
  splitTasks,
  unpricedTypes,
  withPriceList,
} from "../../tools/cost";
import { resources, toStackDoc } from "../../tools/tfjson";
import { type StackJson, synthAll } from "../helpers/synth";

const root = join(__dirname, "..", "..");
const costDir = join(root, "cost");
const fixtures = join(__dirname, "..", "fixtures", "price-list");
const all = synthAll();
const prices = loadPriceTable(costDir);

const estimate = (name: string, json: StackJson = all[name], table: PriceTable = prices): StackEstimate =>
  estimateStack(toStackDoc(name, json), table, loadUsage(costDir, name));
const item = (e: StackEstimate, service: string, text: string) => {
  const found = e.items.filter((i) => i.service === service && i.item.includes(text));
  if (found.length !== 1) throw new Error(`expected one ${service} "${text}" item, found ${found.length}`);
  return found[0];
};
const only = <T>(values: Record<string, T>): T => {
  const list = Object.values(values);
  if (list.length !== 1) throw new Error(`expected one, found ${list.length}`);
  return list[0];
};
const hours = loadUsage(costDir, "prod").hoursPerMonth;

describe("every resource is priced or declared free", () => {
  test.each(Object.keys(all))("%s: each resource type has a pricer or a free reason", (name) => {
    expect(unpricedTypes(toStackDoc(name, all[name]))).toEqual([]);
  });

  test("an unknown resource type is reported (the check above can fail)", () => {
    const json = structuredClone(all.dev);
    json.resource.aws_shiny_new_thing = { x: {} };
    expect(unpricedTypes(toStackDoc("dev", json))).toEqual(["aws_shiny_new_thing"]);
    expect(() => estimate("dev", json)).toThrow(/aws_shiny_new_thing/);
  });

  test("no type is both priced and free; every free type says why", () => {
    expect(Object.keys(PRICERS).filter((t) => t in FREE_RESOURCE_TYPES)).toEqual([]);
    for (const reason of Object.values(FREE_RESOURCE_TYPES)) expect(reason.length).toBeGreaterThanOrEqual(10);
  });

  test("every price has a source and the table is dated", () => {
    expect(prices.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(prices.region).toBe(all.prod.provider.aws[0].region);
    for (const price of Object.values(prices.prices))
      expect(price.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });
});

describe("budgets cover the estimates", () => {
  test.each(ENVIRONMENT_NAMES)("%s: budget.monthlyLimitUsd >= the monthly estimate", (name) => {
    const e = estimate(name);
    expect(e.budgetUsd).toBe(ENVIRONMENT_INPUTS[name].budget.monthlyLimitUsd);
    expect(e.totalUsd).toBeGreaterThan(0);
    expect(e.budgetUsd!).toBeGreaterThanOrEqual(e.totalUsd);
  });
});

describe("pricers read the synthesized arguments", () => {
  const prod = estimate("prod");
  const values = (type: string, json: StackJson = all.prod) => resources(json, { type }).map((r) => r.values);

  test("EC2: instance-hours of the instance type, root volume, detailed monitoring", () => {
    const [instance] = values("aws_instance");
    const line = item(prod, "EC2", instance.instance_type);
    expect(line.quantity).toBe(hours);
    expect(line.unitUsd).toBe(prices.prices[`ec2:${instance.instance_type}`].usd);
    expect(item(prod, "EBS", "root volumes storage").quantity).toBe(instance.root_block_device.volume_size);
  });

  test("EBS gp3: GB, and IOPS and throughput above the free baseline, from the volume", () => {
    const [volume] = values("aws_ebs_volume");
    expect(item(prod, "EBS", "gp3 volumes storage").quantity).toBe(volume.size);
    expect(item(prod, "EBS", "volumes IOPS").quantity).toBe(volume.iops - 3000);
    expect(item(prod, "EBS", "volumes throughput").quantity).toBe(volume.throughput - 125);
    // dev provisions the baseline only: nothing above it is billed.
    expect(estimate("dev").items.filter((i) => /IOPS|throughput/.test(i.item))).toEqual([]);
  });

  test("ElastiCache: node-hours of num_cache_clusters nodes, or shards x (replicas + 1) in cluster mode", () => {
    const [group] = values("aws_elasticache_replication_group");
    expect(item(prod, "ElastiCache", group.node_type).quantity).toBe(group.num_cache_clusters * hours);
    expect(replicationGroupNodes({ num_node_groups: 3, replicas_per_node_group: 2 })).toBe(9);
    expect(replicationGroupNodes({ num_cache_clusters: 2 })).toBe(2);
  });

  test("Fargate: task size from the task definition, on-demand/Spot split from the strategy", () => {
    const api = resources(all.prod, { type: "aws_ecs_service" }).find(
      (r) => r.values.capacity_provider_strategy,
    )!;
    const td = resources(all.prod, { type: "aws_ecs_task_definition" }).find((r) =>
      api.values.task_definition.includes(r.name),
    )!;
    const tasks = loadUsage(costDir, "prod").fargate.averageTasks["application/service"];
    const split = splitTasks(tasks, api.values.capacity_provider_strategy);
    expect(split.FARGATE + split.FARGATE_SPOT).toBeCloseTo(tasks);
    const vcpu = Number(td.values.cpu) / 1024;
    expect(item(prod, "Fargate", "x86 vCPU-hours (Spot)").quantity).toBeCloseTo(
      split.FARGATE_SPOT * vcpu * hours,
    );
    const spot = item(prod, "Fargate", "x86 vCPU-hours (Spot)").unitUsd;
    expect(spot).toBeCloseTo(
      prices.prices["fargate:x86-vcpu"].usd * prices.prices["fargate:spot-fraction"].usd,
    );
  });

  test("splitTasks: bases first, then by weight", () => {
    const strategy = [
      { capacity_provider: "FARGATE", base: 2, weight: 1 },
      { capacity_provider: "FARGATE_SPOT", base: 0, weight: 3 },
    ];
    expect(splitTasks(6, strategy)).toEqual({ FARGATE: 3, FARGATE_SPOT: 3 });
    expect(splitTasks(1, strategy)).toEqual({ FARGATE: 1, FARGATE_SPOT: 0 });
  });

  test("counts from the JSON: NATs, interface endpoint AZs, alarms, log groups, keys, secrets, WAF rules", () => {
    const count = (type: string) => values(type).length;
    expect(item(prod, "VPC", "NAT gateway hours").quantity).toBe(count("aws_nat_gateway") * hours);
    const azs = values("aws_vpc_endpoint")
      .filter((v) => v.vpc_endpoint_type === "Interface")
      .reduce((n, v) => n + v.subnet_ids.length, 0);
    expect(item(prod, "VPC", "interface endpoint AZ-hours").quantity).toBe(azs * hours);
    expect(item(prod, "CloudWatch", "dashboards").quantity).toBe(count("aws_cloudwatch_dashboard"));
    expect(item(prod, "CloudWatch", "alarm metrics (standard").quantity).toBeGreaterThanOrEqual(
      count("aws_cloudwatch_metric_alarm"),
    );
    expect(item(prod, "KMS", "keys").quantity).toBe(count("aws_kms_key"));
    expect(item(prod, "Secrets Manager", "secrets").quantity).toBe(count("aws_secretsmanager_secret"));
    expect(item(prod, "WAF", "rules").quantity).toBe(
      only(all.prod.resource.aws_wafv2_web_acl as Record<string, any>).rule.length,
    );
  });

  test("a count on a resource multiplies its cost (e.g. a 3-node Qdrant)", () => {
    const json = structuredClone(all.prod);
    const instance = only(json.resource.aws_instance as Record<string, any>);
    instance.count = 3;
    const three = estimate("prod", json);
    const line = (e: StackEstimate) => item(e, "EC2", instance.instance_type).monthlyUsd;
    expect(line(three)).toBeCloseTo(3 * line(prod));
    const [diff] = compareEstimates([prod], [three]);
    expect(diff.afterUsd - diff.beforeUsd).toBeCloseTo(three.totalUsd - prod.totalUsd);
    expect(diff.changes.map((c) => c.item)).toEqual(
      expect.arrayContaining([`${instance.instance_type} instance-hours`, "gp3 root volumes storage"]),
    );
  });

  test("a price the table lacks names the key", () => {
    const json = structuredClone(all.dev);
    only(json.resource.aws_instance as Record<string, any>).instance_type = "x9.huge";
    expect(() => estimate("dev", json)).toThrow(/no price for "ec2:x9\.huge"/);
  });
});

describe("usage assumptions", () => {
  test("an environment file overrides only what it names; a stack without one gets the defaults", () => {
    const defaults = loadUsage(costDir, "no-such-environment");
    const prod = loadUsage(costDir, "prod");
    expect(prod.hoursPerMonth).toBe(defaults.hoursPerMonth);
    expect(prod.alb.averageLcu).not.toBe(defaults.alb.averageLcu);
  });

  test("an unknown key is an error naming the file and the key", () => {
    const dir = mkdtempSync(join(tmpdir(), "aai-cost-usage-"));
    try {
      mkdirSync(join(dir, "usage"));
      writeFileSync(join(dir, "usage", "defaults.json"), JSON.stringify({ nat: { gbProcessed: 1 } }));
      writeFileSync(join(dir, "usage", "x.json"), JSON.stringify({ nat: { gbProcesed: 2 } }));
      expect(() => loadUsage(dir, "x")).toThrow('cost/usage/x.json: unknown usage key "nat.gbProcesed"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("AWS Price List bulk JSON (--price-list)", () => {
  test("takes us-east-2 Linux shared on-demand hourly prices only", () => {
    expect(readPriceListOffer(join(fixtures, "AmazonEC2.json"), "AmazonEC2", "us-east-2")).toEqual({
      "ec2:r6g.2xlarge": expect.objectContaining({ usd: 0.4111, unit: "hour" }),
      "ec2:r6g.large": expect.objectContaining({ usd: 0.1099 }),
    });
    expect(
      readPriceListOffer(join(fixtures, "AmazonElastiCache.json"), "AmazonElastiCache", "us-east-2"),
    ).toEqual({
      "elasticache:cache.r6g.xlarge": expect.objectContaining({ usd: 0.42 }),
    });
  });

  test("overrides the table's r6g.2xlarge and cache node prices in the estimate, with the source", () => {
    const table = withPriceList(prices, fixtures);
    expect(table.prices["ec2:r6g.2xlarge"].source).toContain("AWS Price List AmazonEC2");
    expect(table.prices["ebs:gp3-gb"]).toEqual(prices.prices["ebs:gp3-gb"]);
    const prod = estimate("prod", all.prod, table);
    expect(item(prod, "EC2", "r6g.2xlarge").unitUsd).toBe(0.4111);
    expect(item(prod, "ElastiCache", "cache.r6g.xlarge").unitUsd).toBe(0.42);
  });

  test("a directory without offer files is an error", () => {
    expect(() => withPriceList(prices, __dirname)).toThrow(/no AmazonEC2\.json or AmazonElastiCache\.json/);
  });
});

describe("scripts/cost.mjs", () => {
  const stacksDir = process.env.AAI_TEST_STACKS_DIR!;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, "scripts", "cost.mjs"), ...args], {
      cwd: root,
      encoding: "utf8",
    });

  test("prints every environment with its total and budget", () => {
    const out = run(stacksDir);
    expect(out.status).toBe(0);
    for (const name of ENVIRONMENT_NAMES) {
      const total = estimate(name).totalUsd.toLocaleString("en-US", {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      });
      expect(out.stdout).toContain(`== ${name}: monthly total $${total}`);
    }
  });

  test("--markdown --stack: one stack as Markdown tables", () => {
    const out = run("--dir", stacksDir, "--stack", "prod", "--markdown");
    expect(out.status).toBe(0);
    expect(out.stdout).toContain("## Monthly cost estimate");
    expect(out.stdout).toContain("### prod: monthly total");
    expect(out.stdout).not.toContain("### dev:");
    expect(out.stdout).toMatch(/^\| service \| item \|/m);
  });

  test("--compare against the same directory shows no change; --price-list changes the price", () => {
    const same = run(stacksDir, "--compare", stacksDir, "--stack", "dev");
    expect(same.stdout).toContain("No line item changed.");
    const listed = run(stacksDir, "--stack", "prod", "--price-list", fixtures);
    expect(listed.stdout).toMatch(/r6g\.2xlarge instance-hours .* \$0\.4111 /);
  });

  test.each([
    [["--frobnicate"], /^cost: unknown option --frobnicate/],
    [["/no/such/dir"], /^cost: \/no\/such\/dir\/manifest\.json not found/],
    [["--compare"], /^cost: --compare needs a value\n$/],
  ])("%j: one line on stderr, exit 1", (args, message) => {
    const out = run(...args);
    expect(out.status).toBe(1);
    expect(out.stdout).toBe("");
    expect(out.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(out.stderr).toMatch(message);
  });

  test("--help", () => {
    const out = run("--help");
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^usage: npm run cost/);
  });
});
