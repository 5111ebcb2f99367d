/**
 * The connections the JSON itself declares, as edges between the graph's components:
 * - traffic: security-group rules (a rule that references another group, a CIDR or a prefix list);
 * - access: IAM role policies whose Resource names a bucket, queue, secret, topic, repository, log group
 *   or Prometheus workspace (KMS keys are left out: nearly every component uses the project CMK);
 * - relations: a short list of resource types that connect two components (WAF association, volume
 *   attachment, alarm actions, flow logs, backups, DNS records, access logs, dead-letter queues).
 */
import { parsePolicy } from "../tfjson";
import { ACCESS_TARGETS, READ_ACTION, literal } from "./catalog";
import { type DiagramGraph, type Resource, sanitize } from "./graph";

/** Security-group rules: peer group, CIDR or prefix list -> the component using the group. */
export function trafficEdges(g: DiagramGraph): void {
  const rules = [
    ...g.index.ofType("aws_vpc_security_group_ingress_rule").map((r) => ({ r, ingress: true })),
    ...g.index.ofType("aws_vpc_security_group_egress_rule").map((r) => ({ r, ingress: false })),
    ...g.index.ofType("aws_security_group_rule").map((r) => ({ r, ingress: r.values.type === "ingress" })),
  ];
  for (const { r, ingress } of rules) {
    const v = r.values;
    const group = g.ownerOfRef(v.security_group_id);
    const peers: (string | undefined)[] = [];
    const peerRef = v.referenced_security_group_id ?? v.source_security_group_id ?? v.prefix_list_id;
    if (peerRef !== undefined) peers.push(g.ownerOfRef(peerRef));
    for (const cidr of [v.cidr_ipv4, v.cidr_ipv6, ...(v.cidr_blocks ?? []), ...(v.ipv6_cidr_blocks ?? [])]) {
      if (typeof cidr !== "string") continue;
      if (cidr === "0.0.0.0/0" || cidr === "::/0") peers.push(g.external("internet", "Internet", "circle"));
      else {
        const vpc = g.index.ofType("aws_vpc").find((x) => x.values.cidr_block === cidr);
        peers.push(vpc ? g.owner.get(vpc.address) : g.external(`cidr_${sanitize(cidr)}`, cidr));
      }
    }
    const protocol = String(v.ip_protocol ?? v.protocol ?? "tcp");
    const ports =
      protocol === "-1" || protocol === "all"
        ? "all"
        : `${v.from_port === v.to_port ? v.from_port : `${v.from_port}-${v.to_port}`}/${protocol}`;
    for (const peer of peers) {
      if (ingress) g.addEdge(peer, group, "traffic", ports);
      else g.addEdge(group, peer, "traffic", ports);
    }
  }
}

/** IAM role policies -> read/write edges from the component using the role to the resources named. */
export function accessEdges(g: DiagramGraph): void {
  for (const p of [...g.index.ofType("aws_iam_role_policy"), ...g.index.ofType("aws_iam_policy")]) {
    const from = g.owner.get(p.address);
    const statements = parsePolicy(p.values.policy);
    if (!statements) continue;
    for (const s of statements) {
      if (!s || s.Effect !== "Allow") continue;
      const actions: string[] = [s.Action ?? []].flat();
      for (const ref of g.index.referencesIn(s.Resource ?? [])) {
        const service = ACCESS_TARGETS[g.index.resources.get(ref)!.type];
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
        if (level) g.addEdge(from, g.owner.get(ref), "access", level);
      }
    }
  }
}

/** Resource types that connect two components. */
export function relationEdges(g: DiagramGraph): void {
  const each = (type: string, fn: (r: Resource) => void) => g.index.ofType(type).forEach(fn);
  each("aws_wafv2_web_acl_association", (r) =>
    g.addEdge(g.ownerOfRef(r.values.web_acl_arn), g.ownerOfRef(r.values.resource_arn), "relation", "filters"),
  );
  each("aws_volume_attachment", (r) =>
    g.addEdge(g.ownerOfRef(r.values.instance_id), g.ownerOfRef(r.values.volume_id), "relation", "mounts"),
  );
  for (const type of ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"]) {
    each(type, (r) =>
      g
        .ownersOfRefs([r.values.alarm_actions, r.values.ok_actions])
        .forEach((to) => g.addEdge(g.owner.get(r.address), to, "relation", "notifies")),
    );
  }
  each("aws_budgets_budget", (r) =>
    g
      .ownersOfRefs(r.values.notification)
      .forEach((to) => g.addEdge(g.owner.get(r.address), to, "relation", "notifies")),
  );
  each("aws_sns_topic_subscription", (r) => {
    const protocol = literal(r.values.protocol) ?? "subscriber";
    g.addEdge(
      g.ownerOfRef(r.values.topic_arn),
      g.external(`subscribers_${sanitize(protocol)}`, `${protocol} subscribers`),
      "relation",
      protocol,
    );
  });
  each("aws_flow_log", (r) =>
    g.addEdge(
      g.ownerOfRef(r.values.vpc_id ?? r.values.subnet_id),
      g.ownerOfRef(r.values.log_destination),
      "relation",
      "flow logs",
    ),
  );
  each("aws_backup_selection", (r) =>
    g
      .ownersOfRefs(r.values.resources)
      .forEach((to) => g.addEdge(g.ownerOfRef(r.values.plan_id), to, "relation", "backs up")),
  );
  each("aws_route53_record", (r) =>
    g
      .ownersOfRefs([r.values.alias, r.values.records])
      .forEach((to) => g.addEdge(g.ownerOfRef(r.values.zone_id), to, "relation", "DNS")),
  );
  each("aws_s3_bucket_logging", (r) =>
    g.addEdge(g.ownerOfRef(r.values.bucket), g.ownerOfRef(r.values.target_bucket), "relation", "access logs"),
  );
  each("aws_lb", (r) => {
    const logs = [r.values.access_logs].flat()[0];
    if (logs?.enabled !== false)
      g.addEdge(g.owner.get(r.address), g.ownerOfRef(logs?.bucket), "relation", "access logs");
  });
  each("aws_wafv2_web_acl_logging_configuration", (r) =>
    g
      .ownersOfRefs(r.values.log_destination_configs)
      .forEach((to) => g.addEdge(g.ownerOfRef(r.values.resource_arn), to, "relation", "logs")),
  );
  each("aws_sqs_queue", (r) =>
    g
      .ownersOfRefs(r.values.redrive_policy)
      .forEach((to) => g.addEdge(g.owner.get(r.address), to, "relation", "dead letters")),
  );
  each("aws_sqs_queue_redrive_policy", (r) =>
    g
      .ownersOfRefs(r.values.redrive_policy)
      .forEach((to) => g.addEdge(g.ownerOfRef(r.values.queue_url), to, "relation", "dead letters")),
  );
  each("aws_s3_bucket_notification", (r) =>
    g
      .ownersOfRefs([r.values.queue, r.values.topic, r.values.lambda_function])
      .forEach((to) => g.addEdge(g.ownerOfRef(r.values.bucket), to, "relation", "events")),
  );
  each("aws_ecs_service", (r) =>
    g.addEdge(g.ownerOfRef(r.values.cluster), g.owner.get(r.address), "relation", "runs"),
  );
}
