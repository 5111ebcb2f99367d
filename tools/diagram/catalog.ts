/* eslint-disable @typescript-eslint/no-explicit-any -- navigates untyped Terraform JSON, like policies/ and __tests__/ */
/**
 * What the architecture diagram knows about AWS resource types: the tiers, which types become nodes
 * (components) and how they are labelled, and which IAM targets and attributes count as "uses".
 */
import type { DiagramIndex, Resource } from "./graph";

export type Tier = "edge" | "application" | "data" | "network" | "observability" | "security" | "other";

export const TIERS: readonly { readonly id: Tier; readonly title: string }[] = [
  { id: "edge", title: "Edge" },
  { id: "application", title: "Application" },
  { id: "data", title: "Data" },
  { id: "network", title: "Network" },
  { id: "observability", title: "Observability" },
  { id: "security", title: "Security" },
  { id: "other", title: "Other" },
];

/** Tier of a construct-path module whose resources match no known component type. */
export const MODULE_TIERS: Record<string, Tier> = {
  loadbalancer: "edge",
  ecs: "application",
  storage: "data",
  database: "data",
  cache: "data",
  queue: "data",
  networking: "network",
  monitoring: "observability",
  kms: "security",
  security: "security",
};

/** How a resource type becomes a node: which tier, how resources are grouped, what the label says. */
export interface ComponentSpec {
  readonly tier: Tier;
  /** Resources with the same group key share one node. @default one node per resource */
  readonly group?: (r: Resource) => string;
  readonly label: (members: Resource[], stack: DiagramIndex) => string[];
}

export const literal = (value: unknown): string | undefined =>
  typeof value === "string" && !value.includes("${") ? value : undefined;
const basename = (path: string): string => path.split("/").pop() ?? path;
const withoutIndex = (path: string): string => path.replace(/-\d+$/, "");
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const first = (r: Resource, ...keys: string[]): string =>
  keys.map((k) => literal(r.values[k])).find((v) => v !== undefined) ?? basename(r.path);
const tagName = (r: Resource): string => literal(r.values.tags?.Name) ?? basename(r.path);
const one =
  (title: string, ...details: ((r: Resource) => string | undefined)[]) =>
  ([r]: Resource[]): string[] => [title, ...details.map((d) => d(r)).filter((d): d is string => !!d)];
/** Wraps a list into lines of at most `perLine` items. */
export const wrap = (items: string[], perLine: number): string[] =>
  items.reduce<string[]>((lines, item, i) => {
    if (i % perLine === 0) lines.push(item);
    else lines[lines.length - 1] += `, ${item}`;
    return lines;
  }, []);

export const COMPONENTS: Record<string, ComponentSpec> = {
  // Edge
  aws_lb: {
    tier: "edge",
    label: one(
      "Application Load Balancer",
      (r) => first(r, "name", "name_prefix"),
      (r) => (r.values.internal === true ? "internal" : "internet-facing"),
    ),
  },
  aws_wafv2_web_acl: {
    tier: "edge",
    label: one(
      "WAF web ACL",
      (r) => first(r, "name"),
      (r) => (Array.isArray(r.values.rule) ? plural(r.values.rule.length, "rule") : undefined),
    ),
  },
  aws_acm_certificate: { tier: "edge", label: one("ACM certificate", (r) => first(r, "domain_name")) },
  aws_cloudfront_distribution: { tier: "edge", label: one("CloudFront distribution") },
  // Application
  aws_ecs_cluster: { tier: "application", label: one("ECS cluster", (r) => first(r, "name")) },
  aws_ecs_service: {
    tier: "application",
    label: one(
      "ECS service",
      (r) => first(r, "name"),
      (r) => {
        const providers = (r.values.capacity_provider_strategy ?? []).map((s: any) => s.capacity_provider);
        return providers.length > 0
          ? [...new Set<string>(providers)].sort().join(" + ")
          : r.values.launch_type;
      },
    ),
  },
  aws_ecr_repository: { tier: "application", label: one("ECR repository", (r) => first(r, "name")) },
  aws_lambda_function: {
    tier: "application",
    label: one("Lambda function", (r) => first(r, "function_name")),
  },
  // Data
  aws_s3_bucket: { tier: "data", label: one("S3 bucket", (r) => first(r, "bucket", "bucket_prefix")) },
  aws_sqs_queue: { tier: "data", label: one("SQS queue", (r) => first(r, "name", "name_prefix")) },
  aws_elasticache_replication_group: {
    tier: "data",
    label: one(
      "ElastiCache Redis",
      (r) => first(r, "replication_group_id"),
      (r) =>
        r.values.num_cache_clusters !== undefined
          ? `${r.values.num_cache_clusters} × ${literal(r.values.node_type) ?? "node"}`
          : literal(r.values.node_type),
    ),
  },
  aws_instance: {
    tier: "data",
    label: one("EC2 instance", tagName, (r) => literal(r.values.instance_type)),
  },
  aws_ebs_volume: {
    tier: "data",
    label: one("EBS volume", tagName, (r) =>
      r.values.size !== undefined ? `${r.values.size} GiB ${literal(r.values.type) ?? ""}`.trim() : undefined,
    ),
  },
  aws_backup_vault: { tier: "data", label: one("AWS Backup vault", (r) => first(r, "name")) },
  aws_dynamodb_table: { tier: "data", label: one("DynamoDB table", (r) => first(r, "name")) },
  // Network
  aws_vpc: { tier: "network", label: one("VPC", (r) => literal(r.values.cidr_block)) },
  aws_subnet: {
    tier: "network",
    group: (r) => withoutIndex(r.path),
    label: (members) => [
      `${plural(members.length, "subnet")}: ${basename(withoutIndex(members[0].path))}`,
      ...wrap(members.map((m) => literal(m.values.cidr_block) ?? basename(m.path)).sort(), 2),
    ],
  },
  aws_internet_gateway: { tier: "network", label: one("Internet gateway") },
  aws_nat_gateway: {
    tier: "network",
    group: (r) => withoutIndex(r.path),
    label: (members) => [plural(members.length, "NAT gateway")],
  },
  aws_vpc_endpoint: {
    tier: "network",
    group: (r) => `${literal(r.values.vpc_endpoint_type) ?? "Gateway"} endpoints`,
    label: (members) => [
      `${plural(members.length, `${literal(members[0].values.vpc_endpoint_type) ?? "Gateway"} endpoint`)}`,
      ...wrap(
        members
          .map((m) =>
            (literal(m.values.service_name) ?? basename(m.path)).replace(/^com\.amazonaws\.[a-z0-9-]+\./, ""),
          )
          .sort(),
        4,
      ),
    ],
  },
  aws_route53_zone: {
    tier: "network",
    label: one(
      "Route 53 zone",
      (r) => first(r, "name"),
      (r) => (r.values.vpc ? "private" : "public"),
    ),
  },
  // Observability
  aws_cloudwatch_log_group: {
    tier: "observability",
    group: () => "log groups",
    label: (members) => {
      const retention = [...new Set(members.map((m) => m.values.retention_in_days))].sort();
      return [
        "CloudWatch Logs",
        plural(members.length, "log group"),
        ...(retention.length === 1 && retention[0] !== undefined ? [`${retention[0]}-day retention`] : []),
      ];
    },
  },
  aws_cloudwatch_metric_alarm: {
    tier: "observability",
    group: () => "alarms",
    label: (members) => ["CloudWatch alarms", plural(members.length, "alarm")],
  },
  aws_cloudwatch_composite_alarm: {
    tier: "observability",
    group: () => "composite alarms",
    label: (members) => ["CloudWatch composite alarms", plural(members.length, "alarm")],
  },
  aws_cloudwatch_dashboard: {
    tier: "observability",
    label: one("CloudWatch dashboard", (r) => first(r, "dashboard_name")),
  },
  aws_sns_topic: { tier: "observability", label: one("SNS topic", (r) => first(r, "name")) },
  aws_prometheus_workspace: {
    tier: "observability",
    label: one("Amazon Managed Prometheus", (r) => first(r, "alias")),
  },
  aws_prometheus_scraper: { tier: "observability", label: one("AMP scraper", (r) => first(r, "alias")) },
  aws_grafana_workspace: {
    tier: "observability",
    label: one("Amazon Managed Grafana", (r) => first(r, "name")),
  },
  aws_budgets_budget: {
    tier: "observability",
    label: one(
      "AWS Budget",
      (r) => first(r, "name"),
      (r) =>
        r.values.limit_amount !== undefined
          ? `${r.values.limit_amount} ${r.values.limit_unit ?? ""}`.trim()
          : undefined,
    ),
  },
  // Security
  aws_kms_key: {
    tier: "security",
    label: (members, stack) => {
      const alias = stack
        .ofType("aws_kms_alias")
        .find((a) => a.refs.includes(members[0].address) && literal(a.values.name));
      return ["KMS key", alias ? literal(alias.values.name)! : basename(members[0].path)];
    },
  },
  aws_secretsmanager_secret: {
    tier: "security",
    label: one("Secrets Manager secret", (r) => first(r, "name")),
  },
  aws_iam_openid_connect_provider: {
    tier: "security",
    label: one("IAM OIDC provider", (r) => first(r, "url")),
  },
};

/** IAM policy targets that become access edges, with the action prefix that concerns them. */
export const ACCESS_TARGETS: Record<string, string> = {
  aws_s3_bucket: "s3",
  aws_sqs_queue: "sqs",
  aws_secretsmanager_secret: "secretsmanager",
  aws_sns_topic: "sns",
  aws_ecr_repository: "ecr",
  aws_cloudwatch_log_group: "logs",
  aws_prometheus_workspace: "aps",
  aws_dynamodb_table: "dynamodb",
};

export const READ_ACTION =
  /^(Get|List|Describe|Receive|Query|Scan|BatchGet|BatchCheck|Head|Select|Search|Decrypt)/;

/** Attributes whose references are not "uses" (policy documents, dashboards, ordering, metadata). */
export const NON_USE_ATTRIBUTES = new Set([
  "//",
  "depends_on",
  "lifecycle",
  "policy",
  "assume_role_policy",
  "redrive_policy",
  "redrive_allow_policy",
  "dashboard_body",
]);
