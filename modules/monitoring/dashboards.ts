/**
 * Dashboards. The four views the seed names (API metrics, vector search performance, cache hit rates,
 * resource utilization) exist twice:
 * - as Grafana dashboards, JSON files in ./dashboards (provisioned by scripts/provision-grafana.mjs),
 *   reading AMP (Prometheus) and CloudWatch;
 * - as one CloudWatch dashboard per environment (built here), so every environment has them even
 *   without Grafana.
 * Every query must name a metric this stack emits: the catalogues below are what the tests check
 * the dashboards against.
 */
import { REGION } from "../../lib/naming";
import type { QdrantHostTarget } from "./alarms/spec";

/** The Grafana dashboard files (under modules/monitoring/dashboards/). */
export const GRAFANA_DASHBOARD_FILES = [
  "api-metrics.json",
  "vector-search.json",
  "cache-hit-rates.json",
  "resource-utilization.json",
] as const;

/**
 * Prometheus metrics in AMP, by scrape job.
 * - fastapi: what prometheus-fastapi-instrumentator exports by default (`Instrumentator().instrument(app)
 *   .expose(app)`): http_requests_total{handler,method,status} and the histogram
 *   http_request_duration_seconds{handler,method}. The application must expose them on /metrics.
 * - qdrant: Qdrant's /metrics (REST/gRPC responses, collections, memory).
 * - every job: `up` and `scrape_duration_seconds`, added by the collector.
 */
export const PROMETHEUS_METRICS: Record<string, readonly string[]> = {
  fastapi: [
    "http_requests_total",
    "http_request_duration_seconds_bucket",
    "http_request_duration_seconds_sum",
    "http_request_duration_seconds_count",
  ],
  qdrant: [
    "rest_responses_total",
    "rest_responses_fail_total",
    "rest_responses_duration_seconds_bucket",
    "grpc_responses_total",
    "collection_points",
    "collection_vectors",
    "memory_resident_bytes",
    // distributed mode only (a cluster): consensus and replica health, per node
    "cluster_peers_total",
    "cluster_pending_operations_total",
    "collection_dead_replicas",
    "collection_active_replicas_min",
    "collections_total",
  ],
  collector: ["up", "scrape_duration_seconds"],
};

/** CloudWatch metrics the stack's resources publish (namespace -> metric names). */
export const CLOUDWATCH_METRICS: Record<string, readonly string[]> = {
  "AWS/ApplicationELB": [
    "RequestCount",
    "TargetResponseTime",
    "HTTPCode_Target_5XX_Count",
    "HTTPCode_ELB_5XX_Count",
    "HTTPCode_Target_4XX_Count",
    "HealthyHostCount",
    "UnHealthyHostCount",
  ],
  "AWS/ECS": ["CPUUtilization", "MemoryUtilization"],
  "AWS/ElastiCache": [
    "CacheHitRate",
    "KeyspaceHits",
    "KeyspaceMisses",
    "Evictions",
    "EngineCPUUtilization",
    "DatabaseMemoryUsagePercentage",
    "CurrConnections",
    "ReplicationLag",
  ],
  "AWS/EC2": ["CPUUtilization", "StatusCheckFailed"],
  CWAgent: ["mem_used_percent", "disk_used_percent"],
  "AWS/SQS": ["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", "NumberOfMessagesSent"],
  "AWS/NATGateway": ["ErrorPortAllocation", "ActiveConnectionCount"],
};

/** What the CloudWatch dashboard shows (same identifiers as the alarms; absent tiers are skipped). */
export interface DashboardTargets {
  readonly alb?: { readonly arnSuffix: string; readonly targetGroupArnSuffix: string };
  readonly ecs?: { readonly clusterName: string; readonly serviceName: string };
  /** Members shard by shard, the same number per shard (`shards` @default 1). */
  readonly redis?: { readonly memberClusterIds: readonly string[]; readonly shards?: number };
  readonly qdrant?: QdrantHostTarget & { readonly otherNodes?: readonly QdrantHostTarget[] };
  readonly queue?: { readonly queueName: string; readonly dlqName: string };
  readonly natGatewayIds?: readonly string[];
}

type MetricRow = (string | Record<string, unknown>)[];

function row(
  namespace: string,
  metricName: string,
  dims: Record<string, string>,
  opts: Record<string, unknown>,
): MetricRow {
  return [namespace, metricName, ...Object.entries(dims).flat(), opts];
}

interface Widget {
  type: "metric" | "text";
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

function graph(title: string, metrics: MetricRow[], extra: Record<string, unknown> = {}): Widget {
  return {
    type: "metric",
    width: 8,
    height: 6,
    properties: { title, view: "timeSeries", region: REGION, period: 60, stacked: false, metrics, ...extra },
  };
}

function header(text: string): Widget {
  return { type: "text", width: 24, height: 1, properties: { markdown: `## ${text}` } };
}

/** A cluster: one panel per node (CPU, memory, data disk), and every node's status checks in one. */
function qdrantNodeWidgets(nodes: readonly QdrantHostTarget[]): Widget[] {
  return [
    ...nodes.map((node, i) =>
      graph(`Qdrant node ${i}: CPU / memory / data disk (%)`, [
        row("AWS/EC2", "CPUUtilization", { InstanceId: node.instanceId }, { stat: "Average", label: "cpu" }),
        row("CWAgent", "mem_used_percent", node.memoryDimensions, { stat: "Average", label: "memory" }),
        row("CWAgent", "disk_used_percent", node.diskDimensions, { stat: "Maximum", label: "data volume" }),
      ]),
    ),
    graph(
      "Qdrant status check failed, per node",
      nodes.map((node, i) =>
        row(
          "AWS/EC2",
          "StatusCheckFailed",
          { InstanceId: node.instanceId },
          { stat: "Maximum", label: `node ${i}` },
        ),
      ),
    ),
  ];
}

/** The CloudWatch dashboard body (plain JSON): one row of widgets per view. */
export function buildCloudWatchDashboard(t: DashboardTargets): string {
  const widgets: Widget[] = [];

  widgets.push(header("API metrics"));
  if (t.alb) {
    const lb = { LoadBalancer: t.alb.arnSuffix };
    const tg = { TargetGroup: t.alb.targetGroupArnSuffix, LoadBalancer: t.alb.arnSuffix };
    widgets.push(
      graph("Requests per minute", [row("AWS/ApplicationELB", "RequestCount", lb, { stat: "Sum" })]),
      graph("Latency p95 / p99 (s)", [
        row("AWS/ApplicationELB", "TargetResponseTime", tg, { stat: "p95", label: "p95" }),
        row("AWS/ApplicationELB", "TargetResponseTime", tg, { stat: "p99", label: "p99" }),
      ]),
      graph("5xx error rate (%)", [
        [{ expression: "100 * (FILL(t5, 0) + FILL(e5, 0)) / req", label: "5xx %", id: "rate" }],
        row("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", lb, {
          stat: "Sum",
          id: "t5",
          label: "target 5xx",
        }),
        row("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb, { stat: "Sum", id: "e5", label: "ALB 5xx" }),
        row("AWS/ApplicationELB", "RequestCount", lb, { stat: "Sum", id: "req", visible: false }),
      ]),
      graph("Healthy / unhealthy targets", [
        row("AWS/ApplicationELB", "HealthyHostCount", tg, { stat: "Minimum" }),
        row("AWS/ApplicationELB", "UnHealthyHostCount", tg, { stat: "Maximum" }),
      ]),
    );
  }

  widgets.push(
    header(t.qdrant?.otherNodes ? "Vector search (Qdrant cluster)" : "Vector search (Qdrant host)"),
  );
  if (t.qdrant?.otherNodes) widgets.push(...qdrantNodeWidgets([t.qdrant, ...t.qdrant.otherNodes]));
  else if (t.qdrant) {
    const instance = { InstanceId: t.qdrant.instanceId };
    widgets.push(
      graph("Qdrant CPU (%)", [row("AWS/EC2", "CPUUtilization", instance, { stat: "Average" })]),
      graph("Qdrant memory / data disk used (%)", [
        row("CWAgent", "mem_used_percent", t.qdrant.memoryDimensions, { stat: "Average", label: "memory" }),
        row("CWAgent", "disk_used_percent", t.qdrant.diskDimensions, {
          stat: "Maximum",
          label: "data volume",
        }),
      ]),
      graph("Qdrant status check failed", [
        row("AWS/EC2", "StatusCheckFailed", instance, { stat: "Maximum" }),
      ]),
    );
  }

  widgets.push(header("Cache hit rates (Redis)"));
  if (t.redis) {
    // One row per shard with cluster mode; one row for all nodes without (the titles as they always were).
    const shards = t.redis.shards ?? 1;
    const perShard = t.redis.memberClusterIds.length / shards;
    for (let s = 0; s < shards; s++) {
      const nodes = t.redis.memberClusterIds.slice(s * perShard, (s + 1) * perShard);
      const shard = shards === 1 ? "" : `Shard ${String(s + 1).padStart(4, "0")}: `;
      widgets.push(...redisWidgets(shard, nodes));
    }
  }

  widgets.push(header("Resource utilization"));
  if (t.ecs) {
    const svc = { ClusterName: t.ecs.clusterName, ServiceName: t.ecs.serviceName };
    widgets.push(
      graph("ECS service CPU / memory (%)", [
        row("AWS/ECS", "CPUUtilization", svc, { stat: "Average", label: "cpu" }),
        row("AWS/ECS", "MemoryUtilization", svc, { stat: "Average", label: "memory" }),
      ]),
    );
  }
  if (t.queue) {
    widgets.push(
      graph("Queue: DLQ depth / oldest message age (s)", [
        row(
          "AWS/SQS",
          "ApproximateNumberOfMessagesVisible",
          { QueueName: t.queue.dlqName },
          { stat: "Maximum", label: "DLQ messages" },
        ),
        row(
          "AWS/SQS",
          "ApproximateAgeOfOldestMessage",
          { QueueName: t.queue.queueName },
          {
            stat: "Maximum",
            label: "oldest message (s)",
            yAxis: "right",
          },
        ),
      ]),
    );
  }
  if (t.natGatewayIds && t.natGatewayIds.length > 0) {
    widgets.push(
      graph(
        "NAT port-allocation errors",
        t.natGatewayIds.map((id) =>
          row("AWS/NATGateway", "ErrorPortAllocation", { NatGatewayId: id }, { stat: "Sum" }),
        ),
      ),
    );
  }

  // Lay widgets out left to right, wrapping at 24 columns.
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const placed = widgets.map((w) => {
    if (x + w.width > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const out = { ...w, x, y };
    x += w.width;
    rowHeight = Math.max(rowHeight, w.height);
    return out;
  });
  return JSON.stringify({ start: "-PT6H", periodOverride: "inherit", widgets: placed });
}

/** A row of Redis widgets (hit rate, evictions, engine CPU and memory) over `nodes`, titles prefixed. */
function redisWidgets(prefix: string, nodes: readonly string[]): Widget[] {
  const node = (metric: string, id: string, opts: Record<string, unknown>) =>
    row("AWS/ElastiCache", metric, { CacheClusterId: id }, opts);
  return [
    graph(
      `${prefix}Cache hit rate (%)`,
      nodes.map((id) => node("CacheHitRate", id, { stat: "Average", label: id })),
    ),
    graph(
      `${prefix}Evictions per minute`,
      nodes.map((id) => node("Evictions", id, { stat: "Sum", label: id })),
    ),
    graph(
      `${prefix}Engine CPU / memory (%)`,
      nodes.flatMap((id) => [
        node("EngineCPUUtilization", id, { stat: "Average", label: `${id} cpu` }),
        node("DatabaseMemoryUsagePercentage", id, { stat: "Average", label: `${id} memory` }),
      ]),
    ),
  ];
}
