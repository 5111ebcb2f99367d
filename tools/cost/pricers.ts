/* eslint-disable @typescript-eslint/no-explicit-any -- navigates untyped Terraform JSON, like tools/tfjson.ts */
/**
 * What each resource type costs per month: a pricer per billed type reads the synthesized arguments
 * (instance and node types, counts, sizes, capacity provider weights) and the stack's usage
 * assumptions, and returns line items; FREE_RESOURCE_TYPES lists every type that costs nothing by
 * itself, with the reason. A type in neither list fails the test suite (__tests__/tools/cost.test.ts).
 */
import { asList, blocks, byAddress, pathInStack, referencedAddresses, resourcesOf } from "../tfjson";
import type { StackDoc, TfResource } from "../tfjson";
import { priceOf } from "./prices";
import type { LineItem, PriceTable, Usage } from "./types";

export interface PricingContext {
  readonly stack: StackDoc;
  readonly usage: Usage;
  readonly prices: PriceTable;
  /** Records an assumption the estimate made (shown under the table). */
  note(text: string): void;
}

/** Prices all resources of one type in a stack. */
export type Pricer = (resources: readonly TfResource[], ctx: PricingContext) => LineItem[];

interface LineSpec {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly priceId: string;
  readonly resources: readonly TfResource[];
  /** Multiplies the table price (e.g. the Fargate Spot fraction). @default 1 */
  readonly factor?: number;
}

/** A line item priced from the table; zero quantities are dropped by the estimator. */
export function line(ctx: PricingContext, spec: LineSpec): LineItem {
  const price = priceOf(ctx.prices, spec.priceId);
  const unitUsd = price.usd * (spec.factor ?? 1);
  return {
    service: spec.service,
    item: spec.item,
    quantity: spec.quantity,
    unit: price.unit,
    unitUsd,
    monthlyUsd: spec.quantity * unitUsd,
    priceId: spec.priceId,
    addresses: spec.resources.map((r) => r.address),
  };
}

/** How many instances a resource block makes: its `count` or `for_each`, 1 when it is an expression. */
export function instances(r: TfResource, ctx: PricingContext): number {
  const { count, for_each: forEach } = r.values;
  if (count !== undefined) {
    if (Number.isFinite(Number(count))) return Number(count);
    ctx.note(`${r.address}: count is an expression (${count}); counted as 1`);
    return 1;
  }
  if (forEach === undefined) return 1;
  if (typeof forEach === "object") return Object.keys(forEach).length;
  ctx.note(`${r.address}: for_each is an expression; counted as 1`);
  return 1;
}

/** The construct path without the stack and the resource's own id: "prod/storage/raw-data/bucket" -> "storage/raw-data". */
export function component(r: TfResource): string {
  const path = pathInStack(r.path);
  return path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : path;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const num = (v: unknown, fallback: number): number => (v === undefined || v === null ? fallback : Number(v));
const hours = (ctx: PricingContext): number => ctx.usage.hoursPerMonth;

/** Resources grouped by a key, in first-seen order. */
function groupBy(resources: readonly TfResource[], key: (r: TfResource) => string): [string, TfResource[]][] {
  const groups = new Map<string, TfResource[]>();
  for (const r of resources) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return [...groups];
}

/** Instance-hours of resources grouped by a node/instance type: one line per type. */
function hourlyByType(
  resources: readonly TfResource[],
  ctx: PricingContext,
  spec: {
    service: string;
    prefix: string;
    type: (r: TfResource) => string;
    units: (r: TfResource) => number;
    what: string;
  },
): LineItem[] {
  return groupBy(resources, spec.type).map(([type, group]) =>
    line(ctx, {
      service: spec.service,
      item: `${type} ${spec.what}`,
      quantity: sum(group.map((r) => spec.units(r) * instances(r, ctx))) * hours(ctx),
      priceId: `${spec.prefix}:${type}`,
      resources: group,
    }),
  );
}

// --- EBS -------------------------------------------------------------------------------------------
/** gp3 includes 3,000 IOPS and 125 MiB/s; more is billed per provisioned unit. */
export const GP3_BASELINE = { iops: 3000, throughput: 125 } as const;

interface Volume {
  readonly resource: TfResource;
  readonly count: number;
  readonly type: string;
  readonly sizeGb: number;
  readonly iops?: number;
  readonly throughput?: number;
}

/** Storage, and for gp3 the IOPS and throughput above the baseline, of a set of volumes. */
function volumeItems(volumes: readonly Volume[], ctx: PricingContext, label: string): LineItem[] {
  const items: LineItem[] = [];
  for (const [type, group] of groupBy(
    volumes.map((v) => v.resource),
    (r) => volumes.find((v) => v.resource === r)!.type,
  )) {
    const of = volumes.filter((v) => group.includes(v.resource));
    const total = (f: (v: Volume) => number) => sum(of.map((v) => f(v) * v.count));
    items.push(
      line(ctx, {
        service: "EBS",
        item: `${type} ${label} storage`,
        quantity: total((v) => v.sizeGb),
        priceId: `ebs:${type}-gb`,
        resources: group,
      }),
    );
    if (type !== "gp3") continue;
    const above = (value: number | undefined, base: number) => Math.max(0, (value ?? base) - base);
    items.push(
      line(ctx, {
        service: "EBS",
        item: `gp3 ${label} IOPS above ${GP3_BASELINE.iops}`,
        quantity: total((v) => above(v.iops, GP3_BASELINE.iops)),
        priceId: "ebs:gp3-iops",
        resources: group,
      }),
      line(ctx, {
        service: "EBS",
        item: `gp3 ${label} throughput above ${GP3_BASELINE.throughput} MiB/s`,
        quantity: total((v) => above(v.throughput, GP3_BASELINE.throughput)),
        priceId: "ebs:gp3-throughput",
        resources: group,
      }),
    );
  }
  return items;
}

const ebsVolumes: Pricer = (resources, ctx) =>
  volumeItems(
    resources.map((r) => ({
      resource: r,
      count: instances(r, ctx),
      type: r.values.type ?? "gp3",
      sizeGb: num(r.values.size, 0),
      iops: r.values.iops,
      throughput: r.values.throughput,
    })),
    ctx,
    "volumes",
  );

// --- EC2 -------------------------------------------------------------------------------------------
/** Metrics EC2 detailed monitoring publishes per instance at the custom-metric rate. */
export const DETAILED_MONITORING_METRICS = 7;

const ec2Instances: Pricer = (resources, ctx) => {
  const roots: Volume[] = resources.map((r) => {
    const root = blocks(r.values.root_block_device)[0] ?? {};
    return {
      resource: r,
      count: instances(r, ctx),
      type: root.volume_type ?? "gp3",
      // Without a size the AMI's snapshot size applies; 8 GB is the Amazon Linux default.
      sizeGb: num(root.volume_size, 8),
      iops: root.iops,
      throughput: root.throughput,
    };
  });
  const monitored = resources.filter((r) => r.values.monitoring === true);
  return [
    ...hourlyByType(resources, ctx, {
      service: "EC2",
      prefix: "ec2",
      type: (r) => r.values.instance_type,
      units: () => 1,
      what: "instance-hours",
    }),
    ...volumeItems(roots, ctx, "root volumes"),
    line(ctx, {
      service: "CloudWatch",
      item: "EC2 detailed monitoring metrics",
      quantity: sum(monitored.map((r) => instances(r, ctx))) * DETAILED_MONITORING_METRICS,
      priceId: "ec2:detailed-monitoring-metric",
      resources: monitored,
    }),
  ];
};

// --- ElastiCache -----------------------------------------------------------------------------------
/** Nodes of a replication group: shards x (replicas + 1) in cluster mode, else num_cache_clusters. */
export function replicationGroupNodes(values: Record<string, any>): number {
  if (values.num_node_groups !== undefined)
    return num(values.num_node_groups, 1) * (num(values.replicas_per_node_group, 0) + 1);
  return num(values.num_cache_clusters, 1);
}

const cacheReplicationGroups: Pricer = (resources, ctx) =>
  hourlyByType(resources, ctx, {
    service: "ElastiCache",
    prefix: "elasticache",
    type: (r) => r.values.node_type,
    units: (r) => replicationGroupNodes(r.values),
    what: "node-hours",
  });

const cacheClusters: Pricer = (resources, ctx) =>
  hourlyByType(
    resources.filter((r) => !r.values.replication_group_id),
    ctx,
    {
      service: "ElastiCache",
      prefix: "elasticache",
      type: (r) => r.values.node_type,
      units: (r) => num(r.values.num_cache_nodes, 1),
      what: "node-hours",
    },
  );

// --- Fargate ---------------------------------------------------------------------------------------
interface StrategyItem {
  readonly capacity_provider: string;
  readonly base?: number;
  readonly weight?: number;
}

/**
 * Average tasks per capacity provider: each provider's `base` first (in strategy order), the rest split
 * by weight (ECS's placement rule).
 */
export function splitTasks(tasks: number, strategy: readonly StrategyItem[]): Record<string, number> {
  const out: Record<string, number> = {};
  let left = tasks;
  for (const s of strategy) {
    const base = Math.min(left, num(s.base, 0));
    out[s.capacity_provider] = (out[s.capacity_provider] ?? 0) + base;
    left -= base;
  }
  const totalWeight = sum(strategy.map((s) => num(s.weight, 0)));
  for (const s of strategy)
    out[s.capacity_provider] += totalWeight > 0 ? (left * num(s.weight, 0)) / totalWeight : 0;
  return out;
}

/** The service's strategy: its own, its launch type, or its cluster's default strategy. */
function serviceStrategy(service: TfResource, stack: StackDoc): StrategyItem[] {
  const own = blocks(service.values.capacity_provider_strategy) as StrategyItem[];
  if (own.length > 0) return own;
  if (service.values.launch_type) return [{ capacity_provider: service.values.launch_type, weight: 1 }];
  const cluster = referencedAddresses(service.values.cluster)[0];
  const defaults = resourcesOf(stack, "aws_ecs_cluster_capacity_providers").find((c) =>
    referencedAddresses(c.values.cluster_name).includes(cluster),
  );
  const strategy = blocks(defaults?.values.default_capacity_provider_strategy) as StrategyItem[];
  return strategy.length > 0 ? strategy : [{ capacity_provider: "FARGATE", weight: 1 }];
}

function taskDefinitionOf(service: TfResource, stack: StackDoc): TfResource {
  const address = referencedAddresses(service.values.task_definition).find((a) =>
    a.startsWith("aws_ecs_task_definition."),
  );
  const taskDefinition = address ? byAddress(stack, address) : undefined;
  if (!taskDefinition)
    throw new Error(`${service.address}: task_definition is not a task definition of the stack`);
  return taskDefinition;
}

const ecsServices: Pricer = (resources, ctx) =>
  resources.flatMap((service) => {
    const td = taskDefinitionOf(service, ctx.stack);
    const arch = td.values.runtime_platform?.cpu_architecture === "ARM64" ? "arm" : "x86";
    const vcpu = num(td.values.cpu, 0) / 1024;
    const gb = num(td.values.memory, 0) / 1024;
    const tasks =
      (ctx.usage.fargate.averageTasks[component(service)] ?? num(service.values.desired_count, 1)) *
      instances(service, ctx);
    const split = splitTasks(tasks, serviceStrategy(service, ctx.stack));
    const spotFraction = priceOf(ctx.prices, "fargate:spot-fraction").usd;
    const label = arch === "arm" ? "ARM" : "x86";
    return Object.entries(split).flatMap(([provider, n]) => {
      const spot = provider === "FARGATE_SPOT";
      const kind = spot ? "Spot" : "on-demand";
      const common = { service: "Fargate", resources: [service, td], factor: spot ? spotFraction : 1 };
      return [
        line(ctx, {
          ...common,
          item: `${label} vCPU-hours (${kind})`,
          quantity: n * vcpu * hours(ctx),
          priceId: `fargate:${arch}-vcpu`,
        }),
        line(ctx, {
          ...common,
          item: `${label} GB-hours (${kind})`,
          quantity: n * gb * hours(ctx),
          priceId: `fargate:${arch}-gb`,
        }),
      ];
    });
  });

// --- Networking ------------------------------------------------------------------------------------
const count = (resources: readonly TfResource[], ctx: PricingContext): number =>
  sum(resources.map((r) => instances(r, ctx)));

/** One line of a monthly usage figure, charged once per stack when the stack has the resources. */
function usageLine(
  ctx: PricingContext,
  resources: readonly TfResource[],
  spec: Omit<LineSpec, "resources">,
): LineItem[] {
  return resources.length === 0 ? [] : [line(ctx, { ...spec, resources })];
}

/** A monthly usage figure: its item, price and quantity for `n` resources of the type. */
interface UsageSpec {
  readonly item: string;
  readonly priceId: string;
  readonly quantity: (usage: Usage, n: number) => number;
}

/** Usage lines, charged once per stack when it has resources of the type. */
const usagePricer =
  (service: string, ...usage: readonly UsageSpec[]): Pricer =>
  (resources, ctx) =>
    usage.flatMap((u) =>
      usageLine(ctx, resources, {
        service,
        item: u.item,
        priceId: u.priceId,
        quantity: u.quantity(ctx.usage, count(resources, ctx)),
      }),
    );

/** One line for the resources themselves (per month, or per hour with `hourly`), then usage lines. */
const countPricer =
  (
    service: string,
    own: { item: string; priceId: string; hourly?: boolean },
    ...usage: readonly UsageSpec[]
  ): Pricer =>
  (resources, ctx) => [
    line(ctx, {
      service,
      item: own.item,
      quantity: count(resources, ctx) * (own.hourly ? hours(ctx) : 1),
      priceId: own.priceId,
      resources,
    }),
    ...usagePricer(service, ...usage)(resources, ctx),
  ];

const natGateways: Pricer = countPricer(
  "VPC",
  { item: "NAT gateway hours", priceId: "vpc:nat-gateway-hour", hourly: true },
  {
    item: "NAT gateway data processed (GB)",
    priceId: "vpc:nat-gateway-gb",
    quantity: (u) => u.nat.gbProcessed,
  },
);

const elasticIps: Pricer = countPricer("VPC", {
  item: "Elastic IP public IPv4 hours",
  priceId: "vpc:public-ipv4-hour",
  hourly: true,
});

const vpcEndpoints: Pricer = (resources, ctx) => {
  // Gateway endpoints (S3, DynamoDB) are free; interface endpoints bill per AZ (one ENI per subnet).
  const interfaces = resources.filter((r) => r.values.vpc_endpoint_type === "Interface");
  return [
    line(ctx, {
      service: "VPC",
      item: "interface endpoint AZ-hours",
      quantity:
        sum(interfaces.map((r) => Math.max(1, asList(r.values.subnet_ids).length) * instances(r, ctx))) *
        hours(ctx),
      priceId: "vpc:interface-endpoint-hour",
      resources: interfaces,
    }),
    ...usageLine(ctx, interfaces, {
      service: "VPC",
      item: "interface endpoint data processed (GB)",
      quantity: ctx.usage.vpcEndpoints.gbProcessed,
      priceId: "vpc:interface-endpoint-gb",
    }),
  ];
};

const loadBalancers: Pricer = (resources, ctx) => {
  const albs = resources.filter((r) => (r.values.load_balancer_type ?? "application") === "application");
  const other = resources.filter((r) => !albs.includes(r));
  if (other.length > 0) priceOf(ctx.prices, `elb:${other[0].values.load_balancer_type}-hour`);
  // An internet-facing ALB holds one public IPv4 address per AZ (subnet), billed like any other.
  const publicIps = sum(
    albs.filter((r) => r.values.internal !== true).map((r) => asList(r.values.subnets).length),
  );
  return [
    line(ctx, {
      service: "ELB",
      item: "ALB hours",
      quantity: count(albs, ctx) * hours(ctx),
      priceId: "elb:alb-hour",
      resources: albs,
    }),
    ...usageLine(ctx, albs, {
      service: "ELB",
      item: "ALB LCU-hours",
      quantity: ctx.usage.alb.averageLcu * count(albs, ctx) * hours(ctx),
      priceId: "elb:alb-lcu-hour",
    }),
    line(ctx, {
      service: "VPC",
      item: "ALB public IPv4 hours",
      quantity: publicIps * hours(ctx),
      priceId: "vpc:public-ipv4-hour",
      resources: albs,
    }),
    ...usageLine(ctx, albs, {
      service: "Data transfer",
      item: "internet egress (GB)",
      quantity: ctx.usage.alb.internetEgressGb,
      priceId: "transfer:internet-out-gb",
    }),
  ];
};

// --- CloudWatch ------------------------------------------------------------------------------------
/** Metrics an alarm reads (a metric-math alarm pays for each) and whether any is high-resolution. */
function alarmMetrics(values: Record<string, any>): { metrics: number; highResolution: boolean } {
  const queries = blocks(values.metric_query).filter((q) => q.metric !== undefined);
  const periods =
    queries.length > 0 ? queries.map((q) => num(blocks(q.metric)[0]?.period, 60)) : [num(values.period, 60)];
  return { metrics: Math.max(1, queries.length), highResolution: periods.some((p) => p < 60) };
}

const alarms: Pricer = (resources, ctx) => {
  const of = (high: boolean) => resources.filter((r) => alarmMetrics(r.values).highResolution === high);
  const metrics = (rs: readonly TfResource[]) =>
    sum(rs.map((r) => alarmMetrics(r.values).metrics * instances(r, ctx)));
  return [
    line(ctx, {
      service: "CloudWatch",
      item: "alarm metrics (standard resolution)",
      quantity: metrics(of(false)),
      priceId: "cloudwatch:alarm-metric",
      resources: of(false),
    }),
    line(ctx, {
      service: "CloudWatch",
      item: "alarm metrics (high resolution)",
      quantity: metrics(of(true)),
      priceId: "cloudwatch:alarm-metric-high-resolution",
      resources: of(true),
    }),
    ...usageLine(ctx, resources, {
      service: "CloudWatch",
      item: "custom metrics",
      quantity: ctx.usage.cloudwatch.customMetrics,
      priceId: "cloudwatch:custom-metric",
    }),
  ];
};

const dashboards: Pricer = countPricer("CloudWatch", { item: "dashboards", priceId: "cloudwatch:dashboard" });

/** Days a log group keeps events; "never expire" (0 or unset) is taken as a year. */
const retentionDays = (r: TfResource): number => num(r.values.retention_in_days, 0) || 365;

const logGroups: Pricer = (resources, ctx) => {
  // The month's ingestion is spread evenly over the groups; each stores retention/30 months of it.
  const perGroup = ctx.usage.cloudwatch.logsGbIngested / Math.max(1, count(resources, ctx));
  return [
    ...usageLine(ctx, resources, {
      service: "CloudWatch",
      item: "logs ingested (GB)",
      quantity: ctx.usage.cloudwatch.logsGbIngested,
      priceId: "cloudwatch:logs-ingest-gb",
    }),
    ...usageLine(ctx, resources, {
      service: "CloudWatch",
      item: "logs stored (GB-months, steady state)",
      quantity: sum(resources.map((r) => perGroup * instances(r, ctx) * (retentionDays(r) / 30))),
      priceId: "cloudwatch:logs-storage-gb",
    }),
  ];
};

// --- Security --------------------------------------------------------------------------------------
const kmsKeys: Pricer = countPricer(
  "KMS",
  { item: "customer managed keys", priceId: "kms:key" },
  { item: "requests (10,000s)", priceId: "kms:requests-10k", quantity: (u) => u.kms.requestsTenThousands },
);

const secrets: Pricer = countPricer(
  "Secrets Manager",
  { item: "secrets", priceId: "secretsmanager:secret" },
  {
    item: "API calls (10,000s)",
    priceId: "secretsmanager:api-10k",
    quantity: (u) => u.secretsManager.apiCallsTenThousands,
  },
);

const webAcls: Pricer = (resources, ctx) => [
  ...countPricer(
    "WAF",
    { item: "web ACLs", priceId: "waf:web-acl" },
    {
      item: "requests (millions)",
      priceId: "waf:requests-million",
      quantity: (u, n) => u.waf.requestsMillions * n,
    },
  )(resources, ctx),
  line(ctx, {
    service: "WAF",
    item: "rules and rule groups",
    quantity: sum(resources.map((r) => blocks(r.values.rule).length * instances(r, ctx))),
    priceId: "waf:rule",
    resources,
  }),
];

// --- Observability ---------------------------------------------------------------------------------
const prometheusWorkspaces: Pricer = usagePricer(
  "AMP",
  {
    item: "samples ingested (10 millions)",
    priceId: "amp:samples-10m",
    quantity: (u, n) =>
      (u.prometheus.activeSeries * ((u.hoursPerMonth * 3600) / u.prometheus.scrapeIntervalSeconds) * n) / 1e7,
  },
  {
    item: "metric storage (GB-months)",
    priceId: "amp:storage-gb",
    quantity: (u, n) => u.prometheus.storageGb * n,
  },
  {
    item: "query samples processed (billions)",
    priceId: "amp:query-billion-samples",
    quantity: (u, n) => u.prometheus.querySamplesBillions * n,
  },
);

const grafanaWorkspaces: Pricer = usagePricer(
  "Managed Grafana",
  { item: "editor licenses", priceId: "grafana:editor", quantity: (u, n) => u.grafana.editors * n },
  { item: "viewer licenses", priceId: "grafana:viewer", quantity: (u, n) => u.grafana.viewers * n },
);

// --- Storage ---------------------------------------------------------------------------------------
const buckets: Pricer = (resources, ctx) => {
  const byClass = new Map<string, { gb: number; resources: TfResource[] }>();
  for (const r of resources) {
    const storage = ctx.usage.s3.buckets[component(r)] ?? ctx.usage.s3.defaultGb;
    for (const [storageClass, gb] of Object.entries(storage)) {
      const entry = byClass.get(storageClass) ?? { gb: 0, resources: [] };
      byClass.set(storageClass, {
        gb: entry.gb + gb * instances(r, ctx),
        resources: [...entry.resources, r],
      });
    }
  }
  return [...byClass].map(([storageClass, { gb, resources: rs }]) =>
    line(ctx, {
      service: "S3",
      item: `${storageClass} storage (GB-months)`,
      quantity: gb,
      priceId: `s3:${storageClass}`,
      resources: rs,
    }),
  );
};

const backupSelections: Pricer = (resources, ctx) => {
  // The EBS volumes a selection names; backups keep a fraction of their provisioned size (usage).
  const volumeGb = (selection: TfResource) =>
    sum(
      referencedAddresses(selection.values.resources)
        .filter((a) => a.startsWith("aws_ebs_volume."))
        .map((a) => num(byAddress(ctx.stack, a)?.values.size, 0)),
    );
  return [
    line(ctx, {
      service: "AWS Backup",
      item: "EBS backup storage (GB-months)",
      quantity: sum(resources.map(volumeGb)) * ctx.usage.backup.storedGbPerProvisionedGb,
      priceId: "backup:ebs-gb",
      resources,
    }),
  ];
};

const ecrRepositories: Pricer = usagePricer("ECR", {
  item: "image storage (GB-months)",
  priceId: "ecr:storage-gb",
  quantity: (u, n) => u.ecr.gbStored * n,
});

const queues: Pricer = usagePricer("SQS", {
  item: "requests (millions)",
  priceId: "sqs:requests-million",
  quantity: (u) => u.sqs.requestsMillions,
});

// --- Route 53 --------------------------------------------------------------------------------------
const hostedZones: Pricer = countPricer(
  "Route 53",
  { item: "hosted zones", priceId: "route53:hosted-zone" },
  {
    item: "queries (millions)",
    priceId: "route53:queries-million",
    quantity: (u) => u.route53.queriesMillions,
  },
);

const healthChecks: Pricer = countPricer("Route 53", {
  item: "health checks",
  priceId: "route53:health-check",
});

/** Every resource type that is billed, with its pricer. */
export const PRICERS: Readonly<Record<string, Pricer>> = {
  aws_instance: ec2Instances,
  aws_ebs_volume: ebsVolumes,
  aws_elasticache_replication_group: cacheReplicationGroups,
  aws_elasticache_cluster: cacheClusters,
  aws_ecs_service: ecsServices,
  aws_nat_gateway: natGateways,
  aws_eip: elasticIps,
  aws_vpc_endpoint: vpcEndpoints,
  aws_lb: loadBalancers,
  aws_cloudwatch_metric_alarm: alarms,
  aws_cloudwatch_dashboard: dashboards,
  aws_cloudwatch_log_group: logGroups,
  aws_kms_key: kmsKeys,
  aws_secretsmanager_secret: secrets,
  aws_wafv2_web_acl: webAcls,
  aws_prometheus_workspace: prometheusWorkspaces,
  aws_grafana_workspace: grafanaWorkspaces,
  aws_s3_bucket: buckets,
  aws_backup_selection: backupSelections,
  aws_ecr_repository: ecrRepositories,
  aws_sqs_queue: queues,
  aws_route53_zone: hostedZones,
  aws_route53_health_check: healthChecks,
};

/** Resource types with no charge of their own, and why. */
export const FREE_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  aws_acm_certificate: "public ACM certificates are free",
  aws_acm_certificate_validation: "a Terraform wait, no AWS resource",
  aws_appautoscaling_policy: "Application Auto Scaling has no charge",
  aws_appautoscaling_target: "Application Auto Scaling has no charge",
  aws_backup_plan: "backup storage is priced on aws_backup_selection",
  aws_backup_restore_testing_plan:
    "EBS restores have no restore charge; the restored volume lives one validation window a month (not counted)",
  aws_backup_restore_testing_selection: "see aws_backup_restore_testing_plan",
  aws_backup_vault: "backup storage is priced on aws_backup_selection",
  aws_budgets_budget: "budgets without actions are free",
  aws_ce_anomaly_monitor: "Cost Anomaly Detection has no charge",
  aws_ce_anomaly_subscription: "Cost Anomaly Detection has no charge",
  aws_ce_cost_allocation_tag: "activating a cost allocation tag is free",
  aws_cloudwatch_event_rule: "EventBridge delivers AWS service events at no charge",
  aws_cloudwatch_event_target: "EventBridge delivers AWS service events at no charge",
  aws_cloudwatch_log_resource_policy: "a policy, no charge",
  aws_default_network_acl: "network ACLs are free",
  aws_default_route_table: "route tables are free",
  aws_default_security_group: "security groups are free",
  aws_ecr_lifecycle_policy: "a policy, no charge",
  aws_ecs_cluster: "ECS bills the Fargate tasks (priced on aws_ecs_service)",
  aws_ecs_cluster_capacity_providers: "ECS bills the Fargate tasks (priced on aws_ecs_service)",
  aws_ecs_task_definition: "billed through the services that run it (aws_ecs_service)",
  aws_elasticache_parameter_group: "configuration, no charge",
  aws_elasticache_subnet_group: "configuration, no charge",
  aws_flow_log: "billed as ingestion and storage of its log group (aws_cloudwatch_log_group)",
  aws_iam_instance_profile: "IAM is free",
  aws_iam_openid_connect_provider: "IAM is free",
  aws_iam_policy: "IAM is free",
  aws_iam_role: "IAM is free",
  aws_iam_role_policy: "IAM is free",
  aws_iam_role_policy_attachment: "IAM is free",
  aws_internet_gateway: "internet gateways are free (egress is priced on the ALB and NAT)",
  aws_kms_alias: "aliases are free",
  aws_lb_listener: "included in the ALB's hours and LCUs",
  aws_lb_listener_rule: "included in the ALB's LCUs (rule evaluations)",
  aws_lb_target_group: "included in the ALB's hours and LCUs",
  aws_network_acl: "network ACLs are free",
  aws_prometheus_alert_manager_definition: "AMP alert manager has no charge of its own",
  aws_prometheus_rule_group_namespace:
    "rule evaluation is billed per query sample processed: a few alert rules stay well under $0.01 a month",
  aws_route53_record: "records are free; queries are priced on the hosted zone",
  aws_route_table: "route tables are free",
  aws_route_table_association: "route tables are free",
  aws_s3_bucket_lifecycle_configuration: "configuration (transitions cost per request: not counted)",
  aws_s3_bucket_logging: "configuration; the log objects are storage of the target bucket",
  aws_s3_bucket_ownership_controls: "configuration, no charge",
  aws_s3_bucket_policy: "configuration, no charge",
  aws_s3_bucket_public_access_block: "configuration, no charge",
  aws_s3_bucket_server_side_encryption_configuration: "configuration (KMS requests are priced on the key)",
  aws_s3_bucket_versioning: "configuration; versions are storage of the bucket",
  aws_secretsmanager_secret_version: "included in the secret's monthly price",
  aws_security_group: "security groups are free",
  aws_sns_topic: "alert volume stays in the free tier (1 million publishes a month)",
  aws_sns_topic_policy: "a policy, no charge",
  aws_sns_topic_subscription: "e-mail deliveries: the first 1,000 a month are free",
  aws_sqs_queue_policy: "a policy, no charge",
  aws_sqs_queue_redrive_allow_policy: "a policy, no charge",
  aws_subnet: "subnets are free",
  aws_volume_attachment: "an attachment, no charge",
  aws_vpc: "VPCs are free",
  aws_vpc_security_group_egress_rule: "security group rules are free",
  aws_vpc_security_group_ingress_rule: "security group rules are free",
  aws_wafv2_web_acl_association: "included in the web ACL",
  aws_wafv2_web_acl_logging_configuration: "billed as ingestion and storage of its log group",
};
