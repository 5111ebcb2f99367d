/* eslint-disable @typescript-eslint/no-explicit-any -- navigates untyped Terraform JSON, like policies/ and __tests__/ */
/**
 * Architecture diagram generator: turns one synthesized stack (cdk.tf.json) into a Mermaid flowchart of
 * what it creates, grouped into tiers, with the connections the JSON itself declares:
 * - traffic: security-group rules (a rule that references another group, a CIDR or a prefix list);
 * - access: IAM role policies whose Resource names a bucket, queue, secret, topic, repository, log group
 *   or Prometheus workspace (KMS keys are left out: nearly every component uses the project CMK);
 * - relations: a short list of resource types that connect two components (WAF association, volume
 *   attachment, alarm actions, flow logs, backups, DNS records, access logs, dead-letter queues).
 *
 * Used by scripts/diagram.mjs (`npm run diagram`, via dist/) and __tests__/diagram.test.ts, so the
 * committed diagram in docs/architecture.md is checked against the current code. The output is
 * deterministic (everything sorted) and robust to resource types it does not know: those are absorbed
 * into the component they belong to (by references, then by construct path), or shown as one node per
 * construct-path module.
 */

/** Synthesized JSON of one stack. */
export type StackJson = Record<string, any>;

export const DIAGRAM_START = "<!-- diagram:start -->";
export const DIAGRAM_END = "<!-- diagram:end -->";

type Tier = "edge" | "application" | "data" | "network" | "observability" | "security" | "other";

const TIERS: readonly { readonly id: Tier; readonly title: string }[] = [
  { id: "edge", title: "Edge" },
  { id: "application", title: "Application" },
  { id: "data", title: "Data" },
  { id: "network", title: "Network" },
  { id: "observability", title: "Observability" },
  { id: "security", title: "Security" },
  { id: "other", title: "Other" },
];

/** Tier of a construct-path module whose resources match no known component type. */
const MODULE_TIERS: Record<string, Tier> = {
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

interface Resource {
  /** "<type>.<logical name>" as Terraform addresses it. */
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, any>;
  /** Construct path without the stack name, e.g. "cache/replication-group". */
  readonly path: string;
  /** Addresses of the resources this one references (policy documents and depends_on excluded). */
  refs: string[];
}

/** How a resource type becomes a node: which tier, how resources are grouped, what the label says. */
interface ComponentSpec {
  readonly tier: Tier;
  /** Resources with the same group key share one node. @default one node per resource */
  readonly group?: (r: Resource) => string;
  readonly label: (members: Resource[], stack: StackIndex) => string[];
}

const literal = (value: unknown): string | undefined =>
  typeof value === "string" && !value.includes("${") ? value : undefined;
const basename = (path: string): string => path.split("/").pop() ?? path;
const withoutIndex = (path: string): string => path.replace(/-\d+$/, "");
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const first = (r: Resource, ...keys: string[]): string =>
  keys.map((k) => literal(r.values[k])).find((v) => v !== undefined) ?? basename(r.path);
const tagName = (r: Resource): string => literal(r.values.tags?.Name) ?? basename(r.path);
const one =
  (title: string, ...details: ((r: Resource) => string | undefined)[]) =>
  ([r]: Resource[]): string[] => [title, ...details.map((d) => d(r)).filter((d): d is string => !!d)];
/** Wraps a list into lines of at most `perLine` items. */
const wrap = (items: string[], perLine: number): string[] =>
  items.reduce<string[]>((lines, item, i) => {
    if (i % perLine === 0) lines.push(item);
    else lines[lines.length - 1] += `, ${item}`;
    return lines;
  }, []);

const COMPONENTS: Record<string, ComponentSpec> = {
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
const ACCESS_TARGETS: Record<string, string> = {
  aws_s3_bucket: "s3",
  aws_sqs_queue: "sqs",
  aws_secretsmanager_secret: "secretsmanager",
  aws_sns_topic: "sns",
  aws_ecr_repository: "ecr",
  aws_cloudwatch_log_group: "logs",
  aws_prometheus_workspace: "aps",
  aws_dynamodb_table: "dynamodb",
};

const READ_ACTION = /^(Get|List|Describe|Receive|Query|Scan|BatchGet|BatchCheck|Head|Select|Search|Decrypt)/;

/** Attributes whose references are not "uses" (policy documents, dashboards, ordering, metadata). */
const NON_USE_ATTRIBUTES = new Set([
  "//",
  "depends_on",
  "lifecycle",
  "policy",
  "assume_role_policy",
  "redrive_policy",
  "redrive_allow_policy",
  "dashboard_body",
]);

const REFERENCE = /(?<![.\w])(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g;

class StackIndex {
  readonly resources = new Map<string, Resource>();

  constructor(stack: StackJson) {
    for (const type of Object.keys(stack.resource ?? {}).sort()) {
      for (const name of Object.keys(stack.resource[type]).sort()) {
        const values = stack.resource[type][name];
        const fullPath = String(values?.["//"]?.metadata?.path ?? `${type}.${name}`);
        this.resources.set(`${type}.${name}`, {
          address: `${type}.${name}`,
          type,
          values,
          path: fullPath.includes("/") ? fullPath.slice(fullPath.indexOf("/") + 1) : fullPath,
          refs: [],
        });
      }
    }
    for (const r of this.resources.values()) {
      r.refs = this.referencesIn(
        Object.fromEntries(Object.entries(r.values).filter(([k]) => !NON_USE_ATTRIBUTES.has(k))),
      );
    }
  }

  /** Addresses of resources of this stack referenced anywhere in `value`, sorted, without duplicates. */
  referencesIn(value: unknown): string[] {
    const found = new Set<string>();
    const visit = (v: unknown): void => {
      if (typeof v === "string") {
        for (const m of v.matchAll(REFERENCE)) {
          if (this.resources.has(`${m[1]}.${m[2]}`)) found.add(`${m[1]}.${m[2]}`);
        }
      } else if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === "object") Object.values(v).forEach(visit);
    };
    visit(value);
    return [...found].sort();
  }

  ofType(type: string): Resource[] {
    return [...this.resources.values()].filter((r) => r.type === type);
  }
}

interface DiagramNode {
  readonly id: string;
  readonly tier: Tier | "external";
  readonly label: string[];
  readonly shape?: "circle";
}

type EdgeKind = "traffic" | "access" | "relation";

/** Number of leading path segments two construct paths share. */
function sharedSegments(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n += 1;
  return n;
}

/** The candidate address sharing the longest construct-path prefix with `path` (then the first sorted). */
function closest(path: string, candidates: Iterable<string>, index: StackIndex): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const c of [...new Set(candidates)].sort()) {
    const score = sharedSegments(path, index.resources.get(c)!.path);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** Words Mermaid's flowchart grammar reserves, never used as node ids. */
const MERMAID_KEYWORDS = new Set([
  "end",
  "graph",
  "flowchart",
  "subgraph",
  "direction",
  "style",
  "class",
  "click",
  "default",
]);

const sanitize = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");

class Diagram {
  private readonly index: StackIndex;
  /** Resource address -> node id. */
  private readonly owner = new Map<string, string>();
  private readonly nodes = new Map<string, DiagramNode>();
  private readonly edges = new Map<
    string,
    { from: string; to: string; kind: EdgeKind; labels: Set<string> }
  >();

  constructor(stack: StackJson) {
    this.index = new StackIndex(stack);
    this.buildComponents();
    this.assignOwners();
    this.trafficEdges();
    this.accessEdges();
    this.relationEdges();
  }

  /** Nodes for the resources of known component types. */
  private buildComponents(): void {
    const groups = new Map<string, { spec: ComponentSpec; members: Resource[] }>();
    for (const r of this.index.resources.values()) {
      const spec = COMPONENTS[r.type];
      if (!spec) continue;
      const key = spec.group ? `${r.type}:${spec.group(r)}` : `${r.type}:${r.path}`;
      const group = groups.get(key) ?? { spec, members: [] };
      group.members.push(r);
      groups.set(key, group);
    }
    const ids = new Set<string>();
    for (const key of [...groups.keys()].sort()) {
      const { spec, members } = groups.get(key)!;
      const base = sanitize(spec.group ? spec.group(members[0]) : members[0].path);
      let id = MERMAID_KEYWORDS.has(base) || !base ? `${base}_node` : base;
      for (let i = 2; ids.has(id); i += 1) id = `${base}_${i}`;
      ids.add(id);
      this.nodes.set(id, { id, tier: spec.tier, label: spec.label(members, this.index) });
      for (const m of members) this.owner.set(m.address, id);
    }
  }

  /**
   * Every other resource joins a component: the nearest one that uses it (through references), else
   * the one it references, else the one sharing its construct path; what is left forms one node per
   * construct-path module (e.g. "storage", "cache").
   */
  private assignOwners(): void {
    const users = new Map<string, string[]>();
    for (const r of this.index.resources.values()) {
      for (const ref of r.refs) users.set(ref, [...(users.get(ref) ?? []), r.address]);
    }
    const pending = [...this.index.resources.values()].filter((r) => !this.owner.has(r.address));
    const resolved = new Map<string, string>();
    // 1. Used (directly, or through other non-component resources) by a component: the nearest users win.
    for (const r of pending) {
      const seen = new Set([r.address]);
      let frontier = [r.address];
      while (frontier.length > 0) {
        const components = frontier.flatMap((a) => users.get(a) ?? []).filter((u) => this.owner.has(u));
        if (components.length > 0) {
          resolved.set(r.address, this.owner.get(closest(r.path, components, this.index)!)!);
          break;
        }
        frontier = frontier
          .flatMap((a) => users.get(a) ?? [])
          .filter((u) => !seen.has(u))
          .sort();
        frontier.forEach((u) => seen.add(u));
      }
    }
    resolved.forEach((node, address) => this.owner.set(address, node));
    // 2. References or is used by an already placed resource: join its component, in rounds.
    for (let changed = true; changed; ) {
      changed = false;
      const round = new Map<string, string>();
      for (const r of pending.filter((p) => !this.owner.has(p.address))) {
        const placed = [...r.refs, ...(users.get(r.address) ?? [])].filter((a) => this.owner.has(a));
        const best = closest(r.path, placed, this.index);
        if (best) round.set(r.address, this.owner.get(best)!);
      }
      round.forEach((node, address) => this.owner.set(address, node));
      changed = round.size > 0;
    }
    // 3. Same construct-path module as a component, else one node per module.
    const placed = [...this.owner.keys()];
    const leftovers = new Map<string, Resource[]>();
    for (const r of pending.filter((p) => !this.owner.has(p.address))) {
      const module = r.path.split("/")[0];
      const sameModule = placed.filter((a) => this.index.resources.get(a)!.path.split("/")[0] === module);
      const best = closest(r.path, sameModule, this.index);
      if (best && r.path.includes("/")) this.owner.set(r.address, this.owner.get(best)!);
      else leftovers.set(module, [...(leftovers.get(module) ?? []), r]);
    }
    for (const module of [...leftovers.keys()].sort()) {
      const members = leftovers.get(module)!;
      const id = `module_${sanitize(module)}`;
      const types = [...new Set(members.map((m) => m.type.replace(/^aws_/, "")))].sort();
      this.nodes.set(id, {
        id,
        tier: MODULE_TIERS[module] ?? "other",
        label: [module, plural(members.length, "resource"), ...wrap(types, 2)],
      });
      members.forEach((m) => this.owner.set(m.address, id));
    }
  }

  private external(id: string, label: string, shape?: "circle"): string {
    if (!this.nodes.has(id)) this.nodes.set(id, { id, tier: "external", label: [label], shape });
    return id;
  }

  private addEdge(from: string | undefined, to: string | undefined, kind: EdgeKind, label: string): void {
    if (!from || !to || from === to) return;
    const key = `${from}|${to}|${kind}`;
    const edge = this.edges.get(key) ?? { from, to, kind, labels: new Set<string>() };
    edge.labels.add(label);
    this.edges.set(key, edge);
  }

  /** The node owning the first resource referenced in `value`. */
  private ownerOfRef(value: unknown): string | undefined {
    const [ref] = this.index.referencesIn(value);
    return ref ? this.owner.get(ref) : undefined;
  }

  private ownersOfRefs(value: unknown): string[] {
    return this.index.referencesIn(value).map((ref) => this.owner.get(ref)!);
  }

  /** Security-group rules: peer group, CIDR or prefix list -> the component using the group. */
  private trafficEdges(): void {
    const rules = [
      ...this.index.ofType("aws_vpc_security_group_ingress_rule").map((r) => ({ r, ingress: true })),
      ...this.index.ofType("aws_vpc_security_group_egress_rule").map((r) => ({ r, ingress: false })),
      ...this.index
        .ofType("aws_security_group_rule")
        .map((r) => ({ r, ingress: r.values.type === "ingress" })),
    ];
    for (const { r, ingress } of rules) {
      const v = r.values;
      const group = this.ownerOfRef(v.security_group_id);
      const peers: (string | undefined)[] = [];
      const peerRef = v.referenced_security_group_id ?? v.source_security_group_id ?? v.prefix_list_id;
      if (peerRef !== undefined) peers.push(this.ownerOfRef(peerRef));
      for (const cidr of [
        v.cidr_ipv4,
        v.cidr_ipv6,
        ...(v.cidr_blocks ?? []),
        ...(v.ipv6_cidr_blocks ?? []),
      ]) {
        if (typeof cidr !== "string") continue;
        if (cidr === "0.0.0.0/0" || cidr === "::/0")
          peers.push(this.external("internet", "Internet", "circle"));
        else {
          const vpc = this.index.ofType("aws_vpc").find((x) => x.values.cidr_block === cidr);
          peers.push(vpc ? this.owner.get(vpc.address) : this.external(`cidr_${sanitize(cidr)}`, cidr));
        }
      }
      const protocol = String(v.ip_protocol ?? v.protocol ?? "tcp");
      const ports =
        protocol === "-1" || protocol === "all"
          ? "all"
          : `${v.from_port === v.to_port ? v.from_port : `${v.from_port}-${v.to_port}`}/${protocol}`;
      for (const peer of peers) {
        if (ingress) this.addEdge(peer, group, "traffic", ports);
        else this.addEdge(group, peer, "traffic", ports);
      }
    }
  }

  /** IAM role policies -> read/write edges from the component using the role to the resources named. */
  private accessEdges(): void {
    for (const p of [...this.index.ofType("aws_iam_role_policy"), ...this.index.ofType("aws_iam_policy")]) {
      const from = this.owner.get(p.address);
      let document: any;
      try {
        document = JSON.parse(p.values.policy);
      } catch {
        continue;
      }
      const statements = Array.isArray(document?.Statement) ? document.Statement : [document?.Statement];
      for (const s of statements) {
        if (!s || s.Effect !== "Allow") continue;
        const actions: string[] = [s.Action ?? []].flat();
        for (const ref of this.index.referencesIn(s.Resource ?? [])) {
          const service = ACCESS_TARGETS[this.index.resources.get(ref)!.type];
          if (!service) continue;
          const relevant = actions.filter((a) => a === "*" || a.split(":")[0] === service);
          const verbs = relevant.map((a) => a.split(":")[1] ?? "*");
          const level = verbs.some((a) => a.includes("*") && !READ_ACTION.test(a))
            ? "full"
            : [
                verbs.some((a) => READ_ACTION.test(a)) && "read",
                verbs.some((a) => !READ_ACTION.test(a)) && "write",
              ]
                .filter(Boolean)
                .join("/");
          if (level) this.addEdge(from, this.owner.get(ref), "access", level);
        }
      }
    }
  }

  /** Resource types that connect two components. */
  private relationEdges(): void {
    const each = (type: string, fn: (r: Resource) => void) => this.index.ofType(type).forEach(fn);
    each("aws_wafv2_web_acl_association", (r) =>
      this.addEdge(
        this.ownerOfRef(r.values.web_acl_arn),
        this.ownerOfRef(r.values.resource_arn),
        "relation",
        "filters",
      ),
    );
    each("aws_volume_attachment", (r) =>
      this.addEdge(
        this.ownerOfRef(r.values.instance_id),
        this.ownerOfRef(r.values.volume_id),
        "relation",
        "mounts",
      ),
    );
    for (const type of ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"]) {
      each(type, (r) =>
        this.ownersOfRefs([r.values.alarm_actions, r.values.ok_actions]).forEach((to) =>
          this.addEdge(this.owner.get(r.address), to, "relation", "notifies"),
        ),
      );
    }
    each("aws_budgets_budget", (r) =>
      this.ownersOfRefs(r.values.notification).forEach((to) =>
        this.addEdge(this.owner.get(r.address), to, "relation", "notifies"),
      ),
    );
    each("aws_sns_topic_subscription", (r) => {
      const protocol = literal(r.values.protocol) ?? "subscriber";
      this.addEdge(
        this.ownerOfRef(r.values.topic_arn),
        this.external(`subscribers_${sanitize(protocol)}`, `${protocol} subscribers`),
        "relation",
        protocol,
      );
    });
    each("aws_flow_log", (r) =>
      this.addEdge(
        this.ownerOfRef(r.values.vpc_id ?? r.values.subnet_id),
        this.ownerOfRef(r.values.log_destination),
        "relation",
        "flow logs",
      ),
    );
    each("aws_backup_selection", (r) =>
      this.ownersOfRefs(r.values.resources).forEach((to) =>
        this.addEdge(this.ownerOfRef(r.values.plan_id), to, "relation", "backs up"),
      ),
    );
    each("aws_route53_record", (r) =>
      this.ownersOfRefs([r.values.alias, r.values.records]).forEach((to) =>
        this.addEdge(this.ownerOfRef(r.values.zone_id), to, "relation", "DNS"),
      ),
    );
    each("aws_s3_bucket_logging", (r) =>
      this.addEdge(
        this.ownerOfRef(r.values.bucket),
        this.ownerOfRef(r.values.target_bucket),
        "relation",
        "access logs",
      ),
    );
    each("aws_lb", (r) => {
      const logs = [r.values.access_logs].flat()[0];
      if (logs?.enabled !== false)
        this.addEdge(this.owner.get(r.address), this.ownerOfRef(logs?.bucket), "relation", "access logs");
    });
    each("aws_wafv2_web_acl_logging_configuration", (r) =>
      this.ownersOfRefs(r.values.log_destination_configs).forEach((to) =>
        this.addEdge(this.ownerOfRef(r.values.resource_arn), to, "relation", "logs"),
      ),
    );
    each("aws_sqs_queue", (r) =>
      this.ownersOfRefs(r.values.redrive_policy).forEach((to) =>
        this.addEdge(this.owner.get(r.address), to, "relation", "dead letters"),
      ),
    );
    each("aws_sqs_queue_redrive_policy", (r) =>
      this.ownersOfRefs(r.values.redrive_policy).forEach((to) =>
        this.addEdge(this.ownerOfRef(r.values.queue_url), to, "relation", "dead letters"),
      ),
    );
    each("aws_s3_bucket_notification", (r) =>
      this.ownersOfRefs([r.values.queue, r.values.topic, r.values.lambda_function]).forEach((to) =>
        this.addEdge(this.ownerOfRef(r.values.bucket), to, "relation", "events"),
      ),
    );
    each("aws_ecs_service", (r) =>
      this.addEdge(this.ownerOfRef(r.values.cluster), this.owner.get(r.address), "relation", "runs"),
    );
  }

  render(): string {
    const quote = (label: string[]) => `"${label.join("<br/>").replace(/"/g, "#quot;")}"`;
    const shape = (n: DiagramNode) =>
      n.shape === "circle" ? `${n.id}((${quote(n.label)}))` : `${n.id}[${quote(n.label)}]`;
    const lines = ["flowchart LR"];
    const byTier = (tier: string) =>
      [...this.nodes.values()].filter((n) => n.tier === tier).sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const n of byTier("external")) lines.push(`  ${shape(n)}`);
    for (const tier of TIERS) {
      const nodes = byTier(tier.id);
      if (nodes.length === 0) continue;
      lines.push(`  subgraph tier_${tier.id}["${tier.title}"]`);
      for (const n of nodes) lines.push(`    ${shape(n)}`);
      lines.push("  end");
    }
    const arrows: Record<EdgeKind, string> = { traffic: "-->", access: "-.->", relation: "==>" };
    const edges = [...this.edges.values()].sort((a, b) =>
      `${a.kind}|${a.from}|${a.to}` < `${b.kind}|${b.from}|${b.to}` ? -1 : 1,
    );
    for (const e of edges) {
      const label =
        e.kind === "access" ? accessLevel(e.labels) : [...e.labels].sort(compareLabels).join(", ");
      lines.push(`  ${e.from} ${arrows[e.kind]}|"${label}"| ${e.to}`);
    }
    return `${lines.join("\n")}\n`;
  }
}

/** Merges the access levels of several statements: "full", or "read", "write", "read/write". */
function accessLevel(labels: Set<string>): string {
  const levels = new Set([...labels].flatMap((l) => l.split("/")));
  return levels.has("full") ? "full" : ["read", "write"].filter((l) => levels.has(l)).join("/");
}

/** Sorts "80/tcp" before "443/tcp" (numerically), other labels alphabetically. */
function compareLabels(a: string, b: string): number {
  const na = parseInt(a, 10);
  const nb = parseInt(b, 10);
  if (!isNaN(na) && !isNaN(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The Mermaid flowchart of one synthesized stack. */
export function renderDiagram(stack: StackJson): string {
  return new Diagram(stack).render();
}

/** The generated block as committed between the markers in docs/architecture.md. */
export function diagramBlock(stack: StackJson, source: string): string {
  return [
    DIAGRAM_START,
    `<!-- Generated by \`npm run diagram\` from ${source}. Do not edit by hand. -->`,
    "```mermaid",
    renderDiagram(stack).trimEnd(),
    "```",
    DIAGRAM_END,
  ].join("\n");
}

/** The block between (and including) the markers, or undefined if the markers are missing. */
export function extractDiagramBlock(markdown: string): string | undefined {
  const start = markdown.indexOf(DIAGRAM_START);
  const end = markdown.indexOf(DIAGRAM_END);
  if (start < 0 || end < start) return undefined;
  return markdown.slice(start, end + DIAGRAM_END.length);
}

/** `markdown` with the block between the markers replaced by `block`. Throws if the markers are missing. */
export function replaceDiagramBlock(markdown: string, block: string): string {
  const current = extractDiagramBlock(markdown);
  if (current === undefined) throw new Error(`markers ${DIAGRAM_START} ... ${DIAGRAM_END} not found`);
  return markdown.replace(current, () => block);
}
