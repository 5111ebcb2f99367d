import {
  NOT_APPLICABLE,
  type Rule,
  type StackDoc,
  type TfResource,
  asList,
  blocks,
  parsePolicy,
  referencing,
  resourcesOf,
} from "../engine";

/** The resource a "${type.name.attr}" reference points at (undefined for literals and other types). */
export function resolveRef(stack: StackDoc, value: unknown, type: string): TfResource | undefined {
  const match = typeof value === "string" ? /^\$\{([\w-]+)\.([\w-]+)\.[\w.]+\}$/.exec(value) : null;
  if (!match || match[1] !== type) return undefined;
  return resourcesOf(stack, type).find((r) => r.name === match[2]);
}

const isAlb = (lb: TfResource) => (lb.values.load_balancer_type ?? "application") === "application";
const listenersOf = (stack: StackDoc, lb: TfResource) => referencing(stack, "aws_lb_listener", lb);
const redirectsToHttps = (listener: TfResource) =>
  blocks(listener.values.default_action).some(
    (a) => a.type === "redirect" && blocks(a.redirect).some((r) => r.protocol === "HTTPS"),
  );
const httpsOnly = (listener: TfResource) => listener.values.protocol === "HTTPS";

/** TLS policies trivy AWS-0047 rejects although they start with ELBSecurityPolicy-TLS13 or -FS. */
const TRIVY_WEAK_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-0-2021-06",
  "ELBSecurityPolicy-TLS13-1-1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
  "ELBSecurityPolicy-FS-2018-06",
  "ELBSecurityPolicy-FS-1-1-2019-08",
];

const FIXED_RESPONSE_CONTENT_TYPES = [
  "text/plain",
  "text/css",
  "text/html",
  "application/javascript",
  "application/json",
];

/** ELB log delivery in us-east-2: the regional ELB account, or the log-delivery service principal. */
const ELB_LOG_PRINCIPALS = [
  "arn:aws:iam::033677994240:root",
  "logdelivery.elasticloadbalancing.amazonaws.com",
];

/** Every fixed_response block of a listener's default actions or a rule's actions. */
function fixedResponses(r: TfResource): Record<string, any>[] {
  const actions = r.type === "aws_lb_listener" ? r.values.default_action : r.values.action;
  return blocks(actions).flatMap((a) => blocks(a.fixed_response));
}

export const albRules: Rule[] = [
  {
    id: "CKV_AWS_2",
    controls: ["ELB.1"],
    description: "ALB listeners use HTTPS, or plain HTTP only to redirect to HTTPS",
    severity: "HIGH",
    fix: 'Listen with protocol "HTTPS", or give the HTTP listener a default redirect to protocol HTTPS.',
    resourceTypes: ["aws_lb_listener"],
    check: (l) =>
      httpsOnly(l) || redirectsToHttps(l) || `protocol ${l.values.protocol} without an HTTPS redirect`,
  },
  {
    id: "CKV2_AWS_20",
    controls: ["ELB.1"],
    description: "Every HTTP listener of an ALB redirects to HTTPS",
    severity: "HIGH",
    fix: "Make the port-80 listener's default action a redirect to HTTPS (HTTP_301).",
    resourceTypes: ["aws_lb"],
    appliesTo: (stack) => resourcesOf(stack, "aws_lb").some(isAlb),
    check: (lb, stack) => {
      const plain = listenersOf(stack, lb).filter(
        (l) => l.values.protocol === "HTTP" && !redirectsToHttps(l),
      );
      return plain.length === 0 || `HTTP listener ${plain[0].address} does not redirect to HTTPS`;
    },
  },
  {
    id: "CKV_AWS_103",
    controls: ["ELB.17"],
    description: "HTTPS listeners use a TLS 1.2+ security policy",
    severity: "HIGH",
    fix: "Set ssl_policy = ELBSecurityPolicy-TLS13-1-2-2021-06 (config loadBalancer.tlsPolicy).",
    resourceTypes: ["aws_lb_listener"],
    check: (l) =>
      !httpsOnly(l)
        ? NOT_APPLICABLE
        : /^ELBSecurityPolicy-(TLS13|TLS-1-2|FS-1-2)/.test(l.values.ssl_policy ?? "") ||
          `ssl_policy ${l.values.ssl_policy} allows TLS < 1.2`,
  },
  {
    id: "CKV2_AWS_74",
    controls: ["ELB.17"],
    description: "HTTPS listeners name a TLS policy that is not a legacy default",
    severity: "HIGH",
    fix: "Set ssl_policy explicitly to a TLS13-1-2 policy.",
    resourceTypes: ["aws_lb_listener"],
    check: (l) => {
      if (!httpsOnly(l)) return NOT_APPLICABLE;
      const policy: string | undefined = l.values.ssl_policy;
      if (!policy) return "ssl_policy is not set (AWS default ELBSecurityPolicy-2016-08)";
      return (
        !/2016-08|2015-05|TLS-1-0|TLS-1-1|^ELBSecurityPolicy-Default/.test(policy) || `ssl_policy ${policy}`
      );
    },
  },
  {
    id: "AWS-0047",
    description: "HTTPS listeners use a secure TLS policy (trivy aws-elb-use-secure-tls-policy)",
    severity: "CRITICAL",
    fix: "Use ELBSecurityPolicy-TLS13-1-2-2021-06 (not the Ext1/Ext2, 1-0, 1-1 or FS-2018/2019 variants).",
    resourceTypes: ["aws_lb_listener"],
    check: (l) =>
      !httpsOnly(l)
        ? NOT_APPLICABLE
        : (!!l.values.ssl_policy && !TRIVY_WEAK_POLICIES.includes(l.values.ssl_policy)) ||
          `ssl_policy ${l.values.ssl_policy}`,
  },
  {
    id: "CKV_AWS_131",
    controls: ["ELB.4"],
    description: "ALBs drop invalid HTTP header fields (trivy AWS-0052)",
    severity: "MEDIUM",
    fix: "Set drop_invalid_header_fields = true.",
    resourceTypes: ["aws_lb"],
    check: (lb) =>
      !isAlb(lb)
        ? NOT_APPLICABLE
        : lb.values.drop_invalid_header_fields === true || "drop_invalid_header_fields is not true",
  },
  {
    id: "CKV_AWS_91",
    controls: ["ELB.5"],
    description: "Load balancers write access logs",
    severity: "MEDIUM",
    fix: "Set access_logs { bucket, prefix, enabled = true } (the logs bucket of the storage tier).",
    resourceTypes: ["aws_lb"],
    check: (lb) =>
      blocks(lb.values.access_logs).some((a) => a.enabled === true && !!a.bucket) ||
      "access_logs not enabled",
  },
  {
    id: "CKV_AWS_150",
    controls: ["ELB.6"],
    description: "Load balancers have deletion protection",
    severity: "MEDIUM",
    fix: "Set enable_deletion_protection = true (config loadBalancer.deletionProtection; required in prod).",
    resourceTypes: ["aws_lb"],
    check: (lb) => lb.values.enable_deletion_protection === true || "enable_deletion_protection is not true",
  },
  {
    id: "CKV_AWS_328",
    controls: ["ELB.12"],
    description: "ALB desync mitigation is defensive or strictest",
    severity: "MEDIUM",
    fix: 'Set desync_mitigation_mode = "defensive" (or "strictest").',
    resourceTypes: ["aws_lb"],
    check: (lb) => lb.values.desync_mitigation_mode !== "monitor" || "desync_mitigation_mode is monitor",
  },
  {
    id: "AAI-ALB-001",
    description:
      "HTTP/2 is enabled explicitly on ALBs (the seed's requirement, asserted rather than defaulted)",
    severity: "LOW",
    fix: "Set enable_http2 = true.",
    resourceTypes: ["aws_lb"],
    check: (lb) =>
      !isAlb(lb) ? NOT_APPLICABLE : lb.values.enable_http2 === true || "enable_http2 is not set to true",
  },
  {
    id: "CKV_AWS_261",
    description: "HTTP(S) target groups define a health-check path",
    severity: "LOW",
    fix: "Set health_check { path = config ecs.healthCheckPath }.",
    resourceTypes: ["aws_lb_target_group"],
    check: (tg) =>
      !["HTTP", "HTTPS"].includes(tg.values.protocol)
        ? NOT_APPLICABLE
        : blocks(tg.values.health_check).some((h) => !!h.path) || "health_check.path is not set",
  },
  {
    id: "CKV_AWS_378",
    description: "Target groups do not use plain HTTP",
    severity: "LOW",
    fix: "Use protocol HTTPS to the targets, or waive where TLS terminates at the ALB.",
    resourceTypes: ["aws_lb_target_group"],
    check: (tg) => tg.values.protocol !== "HTTP" || "protocol is HTTP",
  },
  {
    id: "CKV2_AWS_28",
    controls: ["ELB.16"],
    description: "Public ALBs are protected by a WAF web ACL",
    severity: "HIGH",
    fix: "Associate the ALB with a WAFv2 web ACL (aws_wafv2_web_acl_association).",
    resourceTypes: ["aws_lb"],
    check: (lb, stack) =>
      !isAlb(lb) || lb.values.internal === true
        ? NOT_APPLICABLE
        : referencing(stack, "aws_wafv2_web_acl_association", lb).length > 0 ||
          "no aws_wafv2_web_acl_association references this ALB",
  },
  {
    id: "AAI-ALB-002",
    description: "ALB subnets are in at least two distinct AZs, one subnet per AZ (aws-constraints 12)",
    severity: "HIGH",
    fix: "Pass one public subnet per AZ, at least two AZs.",
    resourceTypes: ["aws_lb"],
    check: (lb, stack) => {
      const subnets = asList(lb.values.subnets).map((s) => resolveRef(stack, s, "aws_subnet"));
      if (subnets.some((s) => !s)) return "subnets are not all aws_subnet resources of this stack";
      const azs = subnets.map((s) => s!.values.availability_zone);
      if (new Set(azs).size !== azs.length) return `two subnets share an AZ: ${azs.join(", ")}`;
      return azs.length >= 2 || `subnets span ${azs.length} AZ`;
    },
  },
  {
    id: "AAI-ALB-003",
    description:
      "LB and target-group names are <= 32 chars of A-Z a-z 0-9 '-', LBs not 'internal-'; name_prefix <= 6 (aws-constraints 13)",
    severity: "HIGH",
    fix: "Name the ALB explicitly (e.g. air-applied-ai-alb-staging); give target groups a name_prefix <= 6 chars.",
    resourceTypes: ["aws_lb", "aws_lb_target_group"],
    check: (r) => {
      const { name, name_prefix: prefix } = r.values;
      if (name === undefined && prefix === undefined)
        return "no name or name_prefix (generated names from construct paths can exceed 32 chars)";
      if (prefix !== undefined) return prefix.length <= 6 || `name_prefix "${prefix}" is longer than 6`;
      if (!/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/.test(name)) return `name "${name}" is invalid`;
      return !(r.type === "aws_lb" && name.startsWith("internal-")) || `name "${name}" starts with internal-`;
    },
  },
  {
    id: "AAI-ALB-004",
    description: "Target groups for Fargate (awsvpc) use target_type ip (aws-constraints 14)",
    severity: "HIGH",
    fix: 'Set target_type = "ip".',
    resourceTypes: ["aws_lb_target_group"],
    check: (tg) => tg.values.target_type === "ip" || `target_type is ${tg.values.target_type ?? "instance"}`,
  },
  {
    id: "AAI-ALB-005",
    description:
      "HTTPS listeners use an ISSUED certificate: aws_acm_certificate_validation.certificate_arn or an existing us-east-2 ARN (aws-constraints 16)",
    severity: "HIGH",
    fix: "Pass aws_acm_certificate_validation.certificate_arn, never aws_acm_certificate.arn.",
    resourceTypes: ["aws_lb_listener"],
    check: (l) => {
      if (!httpsOnly(l)) return NOT_APPLICABLE;
      const arn: unknown = l.values.certificate_arn;
      if (typeof arn !== "string") return "certificate_arn is not set";
      if (/^\$\{aws_acm_certificate_validation\.[\w-]+\.certificate_arn\}$/.test(arn)) return true;
      if (/^arn:aws:acm:us-east-2:\d{12}:certificate\/[0-9a-f-]{36}$/.test(arn)) return true;
      return `certificate_arn ${arn} is neither a validation's certificate_arn nor a us-east-2 certificate ARN`;
    },
  },
  {
    id: "AAI-ALB-006",
    description:
      "Fixed responses use an ALB content type, a 2XX/4XX/5XX status and a message body <= 1024 bytes (aws-constraints 18)",
    severity: "MEDIUM",
    fix: "Keep error pages <= 1024 bytes (modules/loadbalancer/pages) with content_type text/html.",
    resourceTypes: ["aws_lb_listener", "aws_lb_listener_rule"],
    check: (r) => {
      const responses = fixedResponses(r);
      if (responses.length === 0) return NOT_APPLICABLE;
      for (const f of responses) {
        if (!FIXED_RESPONSE_CONTENT_TYPES.includes(f.content_type)) return `content_type ${f.content_type}`;
        if (!/^[245]\d\d$/.test(String(f.status_code))) return `status_code ${f.status_code}`;
        const bytes = Buffer.byteLength(f.message_body ?? "", "utf8");
        if (bytes > 1024) return `message_body is ${bytes} bytes (max 1024)`;
      }
      return true;
    },
  },
  {
    id: "AAI-ALB-007",
    description:
      "The ALB depends on its access-log bucket's policy, which admits ELB log delivery, and the bucket uses SSE-S3 (aws-constraints 17)",
    severity: "HIGH",
    fix: "dependsOn the bucket policy; grant 033677994240 / logdelivery.elasticloadbalancing.amazonaws.com s3:PutObject on <prefix>/AWSLogs/<account>/*; SSE-S3 (AES256) on the bucket.",
    resourceTypes: ["aws_lb"],
    check: (lb, stack) => {
      const logs = blocks(lb.values.access_logs)[0];
      if (!logs?.bucket) return NOT_APPLICABLE; // CKV_AWS_91 reports missing access logs
      const bucket = resolveRef(stack, logs.bucket, "aws_s3_bucket");
      if (!bucket) return `access_logs.bucket ${logs.bucket} is not an aws_s3_bucket of this stack`;
      const policies = referencing(stack, "aws_s3_bucket_policy", bucket);
      if (policies.length === 0) return "the access-log bucket has no bucket policy";
      const dependsOn = asList<string>(lb.values.depends_on);
      if (!policies.some((p) => dependsOn.includes(p.address)))
        return "the ALB does not depend on the access-log bucket's policy";
      const prefix = logs.prefix ? `${logs.prefix}/` : "";
      const admits = policies.some((p) =>
        (parsePolicy(p.values.policy) ?? []).some((s) => {
          const principal = JSON.stringify(s.Principal ?? "");
          return (
            s.Effect === "Allow" &&
            ELB_LOG_PRINCIPALS.some((e) => principal.includes(e)) &&
            asList(s.Action).includes("s3:PutObject") &&
            asList(s.Resource).some((res) => res.includes(`/${prefix}AWSLogs/`))
          );
        }),
      );
      if (!admits)
        return `the bucket policy does not let ELB log delivery write ${prefix}AWSLogs/<account>/*`;
      const sse = referencing(stack, "aws_s3_bucket_server_side_encryption_configuration", bucket).flatMap(
        (c) => blocks(c.values.rule).flatMap((r) => blocks(r.apply_server_side_encryption_by_default)),
      );
      return (
        (sse.length > 0 && sse.every((d) => d.sse_algorithm === "AES256")) ||
        "the access-log bucket must use SSE-S3 (AES256): ELB log delivery cannot write SSE-KMS"
      );
    },
  },
];
