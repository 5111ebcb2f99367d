import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Construct } from "constructs";
import {
  ERROR_PAGES,
  MAX_FIXED_RESPONSE_BYTES,
  PAGES_DIR,
  readErrorPage,
  repoRoot,
} from "../../modules/loadbalancer/error-pages";
import { LoadBalancer, type LoadBalancerProps } from "../../modules/loadbalancer";
import { MANAGED_RULE_GROUPS } from "../../modules/loadbalancer/waf";
import { loadEnvironments } from "../../environments";
import { namePrefix, physicalName } from "../../lib/naming";
import { shiftsTraffic } from "../../modules/ecs/settings";
import { importedSecurityGroup } from "../../modules/security/connections";
import { SecureBucket } from "../../modules/storage/secure-bucket";
import {
  type StackJson,
  once,
  policyOf,
  ref,
  resourcesOf,
  stackLogicalName,
  stackResource,
  synthAll,
  synthScope,
  unitLogicalName,
  unitResource,
  valuesOf,
} from "../helpers/synth";
import { ACCOUNT, TEST_NETWORK, testPlatform } from "../helpers/fixtures";
import { failingRules, passingRules } from "../helpers/policy";

/*
 * Three layers (design-seams change 7): the LoadBalancer construct and its error pages on their own
 * (synthScope, GIVEN/WHEN/THEN), the committed prod stack against the seed (synthAll), and what dev and
 * staging do differently (synthAll). The ALB and WAF rules themselves are tested in
 * __tests__/policies/alb.test.ts and waf.test.ts; here, that prod's load balancer passes them.
 */

const configs = Object.fromEntries(loadEnvironments().map((c) => [c.name, c]));
/** The unit-test ALB and WAF are staging's, named by the one naming rule. */
const STAGING = namePrefix("staging");
const ALB_NAME = physicalName(STAGING, "alb");
const WAF_NAME = physicalName(STAGING, "waf");
const pagesDir = join(repoRoot(), PAGES_DIR);
const page = (file: string) => readFileSync(join(pagesDir, file), "utf8");

/** A LoadBalancer in a test stack, with an SSE-S3 log bucket whose policy admits ELB log delivery. */
type TestProps = Partial<LoadBalancerProps> & {
  /** @default staging's */
  readonly namePrefix?: string;
  readonly publicSubnetIds?: string[];
  readonly subnetAvailabilityZones?: string[];
};
const build =
  (over: TestProps = {}, serviceSecurityGroupId?: string) =>
  (scope: Construct) => {
    const { namePrefix: prefix, publicSubnetIds, subnetAvailabilityZones, ...props } = over;
    const platform = testPlatform(scope, { namePrefix: prefix ?? STAGING });
    const logs = new SecureBucket(scope, "logs", { bucketName: "test-logs" });
    logs.addToResourcePolicy({
      sid: "ElbLogDelivery",
      principals: { AWS: "arn:aws:iam::033677994240:root" },
      actions: ["s3:PutObject"],
      resources: [`${logs.bucketArn}/alb/AWSLogs/${ACCOUNT}/*`],
    });
    const lb = new LoadBalancer(scope, "load-balancer", {
      platform,
      network: {
        ...TEST_NETWORK,
        vpcId: "vpc-123",
        publicSubnetIds: publicSubnetIds ?? ["subnet-a", "subnet-b"],
        availabilityZones: subnetAvailabilityZones ?? ["us-east-2a", "us-east-2b"],
      },
      accessLogs: { bucketName: logs.bucketName, prefix: "alb", policy: logs.policy },
      domainName: "api.example.com",
      hostedZoneName: "example.com",
      idleTimeoutSeconds: 120,
      deletionProtection: true,
      targetPort: 8000,
      healthCheckPath: "/health",
      deregistrationDelaySeconds: 30,
      wafRateLimit: 2000,
      ...props,
    });
    if (serviceSecurityGroupId)
      lb.connections.allowTo(importedSecurityGroup(serviceSecurityGroupId, { peerName: "api" }), [8000]);
  };

/** "${type.name.attribute}" of the synthScope resource at construct path `path` (see unitLogicalName). */
const unitRef = (stack: StackJson, type: string, path: string, attribute: string) =>
  ref(type, unitLogicalName(stack, type, path), attribute);
/** "${type.name.attribute}" of the synthesized stack's resource whose construct path ends with `suffix`. */
const stackRef = (stack: StackJson, type: string, suffix: string, attribute: string) =>
  ref(type, stackLogicalName(stack, type, suffix), attribute);

/** prod's load balancer settings, passed to the LoadBalancer as the environment stack passes them. */
function prodSettings(): TestProps {
  const { loadBalancer, ecs } = configs.prod;
  return {
    namePrefix: namePrefix("prod"),
    ...loadBalancer,
    targetPort: ecs.containerPort,
    healthCheckPath: ecs.healthCheckPath,
    alternateTargetGroup: shiftsTraffic(ecs.deploymentStrategy),
  };
}

describe("LoadBalancer", () => {
  /** The LoadBalancer with the test props, allowed to reach the service group: one synthesis, shared. */
  const defaultLb = once(() => synthScope(build({}, "sg-service")));
  /** prod's settings with maintenance mode off, and on: two syntheses, shared. */
  const switched = once(() => ({
    off: synthScope(build({ ...prodSettings(), maintenanceMode: false }, "sg-service")),
    on: synthScope(build({ ...prodSettings(), maintenanceMode: true }, "sg-service")),
  }));

  test("security group: 443 and 80 from 0.0.0.0/0 only; egress only to the service group on the container port", () => {
    // GIVEN the test props (staging's names), a log bucket and a service group
    // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
    const stack = defaultLb();
    // ...and built alone
    const alone = synthScope(build());
    // THEN
    const ingress = valuesOf(stack, "aws_vpc_security_group_ingress_rule");
    expect(ingress.map((r) => [r.cidr_ipv4, r.ip_protocol, r.from_port, r.to_port])).toEqual([
      ["0.0.0.0/0", "tcp", 443, 443],
      ["0.0.0.0/0", "tcp", 80, 80],
    ]);
    expect(ingress[1].description).toMatch(/301 redirect to HTTPS/);
    expect(valuesOf(stack, "aws_vpc_security_group_egress_rule")).toEqual([
      expect.objectContaining({
        referenced_security_group_id: "sg-service",
        ip_protocol: "tcp",
        from_port: 8000,
        to_port: 8000,
      }),
    ]);
    expect(valuesOf(alone, "aws_vpc_security_group_egress_rule")).toEqual([]);
  });

  test("ALB: internet-facing, named, HTTP/2, strict headers, defensive desync, idle timeout, deletion protection", () => {
    // GIVEN the test props (staging's names), a log bucket and a service group
    // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
    const stack = defaultLb();
    // THEN
    const alb = unitResource(stack, "aws_lb", "load-balancer/alb");
    expect(alb).toMatchObject({
      name: ALB_NAME,
      internal: false,
      load_balancer_type: "application",
      subnets: ["subnet-a", "subnet-b"],
      security_groups: [unitRef(stack, "aws_security_group", "load-balancer/security-group", "id")],
      enable_http2: true,
      drop_invalid_header_fields: true,
      desync_mitigation_mode: "defensive",
      idle_timeout: 120,
      enable_deletion_protection: true,
    });
    expect(alb.name.length).toBeLessThanOrEqual(32);
  });

  test("access logs go to the log bucket, and the ALB depends on that bucket's policy", () => {
    // GIVEN the test props (staging's names), a log bucket and a service group
    // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
    const stack = defaultLb();
    // THEN
    const alb = unitResource(stack, "aws_lb", "load-balancer/alb");
    expect(alb.access_logs).toEqual({
      bucket: unitRef(stack, "aws_s3_bucket", "logs/bucket", "bucket"),
      prefix: "alb",
      enabled: true,
    });
    expect(alb.depends_on).toEqual([
      `aws_s3_bucket_policy.${unitLogicalName(stack, "aws_s3_bucket_policy", "logs/policy")}`,
    ]);
  });

  test("HTTPS listener: TLS 1.3/1.2 policy, the validation's certificate_arn, 404 page for other hosts", () => {
    // GIVEN the test props (staging's names), a log bucket and a service group
    // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
    const stack = defaultLb();
    // THEN
    const https = unitResource(stack, "aws_lb_listener", "load-balancer/https");
    expect(https).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: unitRef(
        stack,
        "aws_acm_certificate_validation",
        "load-balancer/certificate/validation",
        "certificate_arn",
      ),
      routing_http_response_strict_transport_security_header_value:
        expect.stringMatching(/^max-age=31536000/),
    });
    expect(https.default_action).toEqual([
      {
        type: "fixed-response",
        fixed_response: {
          content_type: "text/html",
          status_code: "404",
          message_body: page("not-found.html"),
        },
      },
    ]);
  });

  test("the domain is forwarded to the target group by a host-header rule", () => {
    // GIVEN the test props (staging's names), a log bucket and a service group
    // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
    const stack = defaultLb();
    // THEN
    const forward = unitResource(stack, "aws_lb_listener_rule", "load-balancer/forward");
    expect(forward).toMatchObject({
      listener_arn: unitRef(stack, "aws_lb_listener", "load-balancer/https", "arn"),
      priority: 10,
      condition: [{ host_header: { values: ["api.example.com"] } }],
      action: [
        {
          type: "forward",
          target_group_arn: unitRef(stack, "aws_lb_target_group", "load-balancer/target-group", "arn"),
        },
      ],
    });
    expect(forward.lifecycle).toBeUndefined();
  });

  test("HTTP listener only redirects to HTTPS with 301", () => {
    // GIVEN the test props (staging's names), a log bucket and a service group
    // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
    const stack = defaultLb();
    // THEN
    const http = unitResource(stack, "aws_lb_listener", "load-balancer/http");
    expect(http).toMatchObject({ port: 80, protocol: "HTTP" });
    expect(http.default_action).toEqual([
      {
        type: "redirect",
        redirect: {
          protocol: "HTTPS",
          port: "443",
          host: "#{host}",
          path: "/#{path}",
          query: "#{query}",
          status_code: "HTTP_301",
        },
      },
    ]);
  });

  test("target group: ip targets, HTTP on the container port, health check, short deregistration delay, name_prefix", () => {
    // GIVEN the test props (staging's names), a log bucket and a service group
    // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
    const stack = defaultLb();
    // THEN
    const tg = unitResource(stack, "aws_lb_target_group", "load-balancer/target-group");
    expect(tg).toMatchObject({
      target_type: "ip",
      protocol: "HTTP",
      port: 8000,
      vpc_id: "vpc-123",
      deregistration_delay: "30",
      health_check: { path: "/health", matcher: "200", protocol: "HTTP" },
      lifecycle: { create_before_destroy: true },
    });
    expect(tg.name).toBeUndefined();
    expect(tg.name_prefix.length).toBeLessThanOrEqual(6);
  });

  test("certificate: DNS-validated in the public zone, one record per domain_validation_options entry", () => {
    // GIVEN the test props (staging's names), a log bucket and a service group
    // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
    const stack = defaultLb();
    // THEN
    expect(valuesOf(stack, "aws_acm_certificate")).toEqual([
      expect.objectContaining({ domain_name: "api.example.com", validation_method: "DNS" }),
    ]);
    const zone = stack.data.aws_route53_zone;
    expect(Object.values(zone)).toEqual([
      expect.objectContaining({ name: "example.com", private_zone: false }),
    ]);
    const zoneId = `\${data.aws_route53_zone.${Object.keys(zone)[0]}.zone_id}`;
    const cert = unitLogicalName(stack, "aws_acm_certificate", "load-balancer/certificate");
    const record = unitResource(stack, "aws_route53_record", "load-balancer/certificate/validation-record");
    expect(record).toMatchObject({
      for_each: `\${{ for key, val in tolist(aws_acm_certificate.${cert}.domain_validation_options): val.domain_name => val }}`,
      name: "${each.value.resource_record_name}",
      type: "${each.value.resource_record_type}",
      records: ["${each.value.resource_record_value}"],
      zone_id: zoneId,
    });
    const records = unitLogicalName(
      stack,
      "aws_route53_record",
      "load-balancer/certificate/validation-record",
    );
    expect(
      unitResource(stack, "aws_acm_certificate_validation", "load-balancer/certificate/validation"),
    ).toMatchObject({
      certificate_arn: `\${aws_acm_certificate.${cert}.arn}`,
      validation_record_fqdns: `\${[ for key, val in aws_route53_record.${records}: val.fqdn]}`,
    });
    expect(unitResource(stack, "aws_route53_record", "load-balancer/alias")).toMatchObject({
      name: "api.example.com",
      type: "A",
      zone_id: zoneId,
      alias: {
        name: unitRef(stack, "aws_lb", "load-balancer/alb", "dns_name"),
        zone_id: unitRef(stack, "aws_lb", "load-balancer/alb", "zone_id"),
        evaluate_target_health: true,
      },
    });
  });

  test("an existing certificate ARN is used as is: no certificate, validation, zone or alias", () => {
    // GIVEN an issued certificate's ARN instead of a hosted zone
    const arn = `arn:aws:acm:us-east-2:${ACCOUNT}:certificate/0f0e0d0c-0b0a-0908-0706-050403020100`;
    // WHEN
    const imported = synthScope(build({ hostedZoneName: undefined, certificateArn: arn }));
    // THEN
    expect(unitResource(imported, "aws_lb_listener", "load-balancer/https").certificate_arn).toBe(arn);
    for (const type of ["aws_acm_certificate", "aws_acm_certificate_validation", "aws_route53_record"])
      expect(resourcesOf(imported, type)).toEqual([]);
    expect(imported.data?.aws_route53_zone).toBeUndefined();
  });

  test("maintenance mode adds a priority-1 503 rule for every path and leaves the listener and forward rule unchanged", () => {
    // GIVEN prod's settings (canary: two target groups), a log bucket and a service group
    // WHEN the LoadBalancer is built with maintenance mode off, and on
    const { off, on } = switched();
    // THEN
    expect(resourcesOf(off, "aws_lb_listener_rule")).toHaveLength(1);
    expect(unitResource(on, "aws_lb_listener_rule", "load-balancer/maintenance")).toMatchObject({
      listener_arn: unitRef(on, "aws_lb_listener", "load-balancer/https", "arn"),
      priority: 1,
      condition: [{ path_pattern: { values: ["/*"] } }],
      action: [
        {
          type: "fixed-response",
          fixed_response: {
            content_type: "text/html",
            status_code: "503",
            message_body: page("maintenance.html"),
          },
        },
      ],
    });
    for (const [type, path] of [
      ["aws_lb_listener", "load-balancer/https"],
      ["aws_lb_listener_rule", "load-balancer/forward"],
      ["aws_lb", "load-balancer/alb"],
    ])
      expect(unitResource(on, type, path)).toEqual(unitResource(off, type, path));
  });

  // The switch is config.loadBalancer.maintenanceMode, which the environment stack passes to the
  // LoadBalancer alone (with the rest of config.loadBalancer), so the LoadBalancer's output is all it
  // can change.
  test("maintenance mode switch: one 503 rule added, nothing else changes", () => {
    // GIVEN prod's settings (canary: two target groups), a log bucket and a service group
    // WHEN the LoadBalancer is built with maintenance mode off, and on
    const { off, on } = switched();
    // THEN
    expect(resourcesOf(on, "aws_lb_listener_rule")).toHaveLength(2);
    const maintenance = unitLogicalName(on, "aws_lb_listener_rule", "load-balancer/maintenance");
    expect(on.resource.aws_lb_listener_rule[maintenance]).toMatchObject({
      priority: 1,
      action: [{ fixed_response: { status_code: "503" } }],
    });
    const rules = Object.fromEntries(
      Object.entries(on.resource.aws_lb_listener_rule).filter(([name]) => name !== maintenance),
    );
    expect({ ...on, resource: { ...on.resource, aws_lb_listener_rule: rules } }).toEqual(off);
  });

  test("with an alternate target group the forward rule is weighted 100/0 and ECS owns its action", () => {
    // GIVEN the test props
    // WHEN the LoadBalancer is built with an alternate target group
    const bg = synthScope(build({ alternateTargetGroup: true }));
    // THEN
    const alternate = unitResource(bg, "aws_lb_target_group", "load-balancer/alternate-target-group");
    expect(alternate).toMatchObject({
      target_type: "ip",
      port: 8000,
      lifecycle: { create_before_destroy: true },
    });
    const forward = unitResource(bg, "aws_lb_listener_rule", "load-balancer/forward");
    expect(forward.action[0].forward.target_group).toEqual([
      { arn: unitRef(bg, "aws_lb_target_group", "load-balancer/target-group", "arn"), weight: 100 },
      { arn: unitRef(bg, "aws_lb_target_group", "load-balancer/alternate-target-group", "arn"), weight: 0 },
    ]);
    expect(forward.lifecycle).toEqual({ ignore_changes: ["action"] });
  });

  describe("WAF", () => {
    test("REGIONAL web ACL associated with the ALB, default allow", () => {
      // GIVEN the test props (staging's names), a log bucket and a service group
      // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
      const stack = defaultLb();
      const acl = unitResource(stack, "aws_wafv2_web_acl", "load-balancer/waf/web-acl");
      // THEN
      expect(acl).toMatchObject({
        name: WAF_NAME,
        scope: "REGIONAL",
        default_action: { allow: {} },
      });
      expect(valuesOf(stack, "aws_wafv2_web_acl_association")).toEqual([
        expect.objectContaining({
          resource_arn: unitRef(stack, "aws_lb", "load-balancer/alb", "arn"),
          web_acl_arn: unitRef(stack, "aws_wafv2_web_acl", "load-balancer/waf/web-acl", "arn"),
        }),
      ]);
    });

    test("the four managed rule groups with override_action none; blocks answer with the 403 page", () => {
      // GIVEN the test props (staging's names), a log bucket and a service group
      // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
      const acl = unitResource(defaultLb(), "aws_wafv2_web_acl", "load-balancer/waf/web-acl");
      // THEN
      const managed = acl.rule.filter((r: any) => r.statement.managed_rule_group_statement);
      expect(managed.map((r: any) => r.statement.managed_rule_group_statement.name).sort()).toEqual([
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesAnonymousIpList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
      ]);
      for (const rule of managed) {
        expect(rule.override_action).toEqual({ none: {} });
        expect(rule.action).toBeUndefined();
        const statement = rule.statement.managed_rule_group_statement;
        expect(statement.vendor_name).toBe("AWS");
        for (const override of statement.rule_action_override)
          expect(override.action_to_use).toEqual({
            block: { custom_response: { response_code: 403, custom_response_body_key: "blocked" } },
          });
      }
      const names = managed.flatMap((r: any) =>
        r.statement.managed_rule_group_statement.rule_action_override.map((o: any) => o.name),
      );
      expect(names).toContain("Log4JRCE_BODY");
      expect(names).not.toContain("AWSManagedIPDDoSList");
      expect(MANAGED_RULE_GROUPS).toHaveLength(4);
    });

    test("a per-IP rate-based rule with the configured limit answers 429 with the rate-limited page", () => {
      // GIVEN the test props (staging's names), a log bucket and a service group
      // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
      const acl = unitResource(defaultLb(), "aws_wafv2_web_acl", "load-balancer/waf/web-acl");
      // THEN
      const rate = acl.rule.find((r: any) => r.statement.rate_based_statement);
      expect(rate.statement.rate_based_statement).toEqual({
        limit: 2000,
        aggregate_key_type: "IP",
        evaluation_window_sec: 300,
      });
      expect(rate.action).toEqual({
        block: { custom_response: { response_code: 429, custom_response_body_key: "rate-limited" } },
      });
      expect(acl.custom_response_body).toEqual([
        { key: "blocked", content: page("blocked.html"), content_type: "TEXT_HTML" },
        { key: "rate-limited", content: page("rate-limited.html"), content_type: "TEXT_HTML" },
      ]);
    });

    test("visibility config on the ACL and every rule; unique priorities", () => {
      // GIVEN the test props (staging's names), a log bucket and a service group
      // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
      const acl = unitResource(defaultLb(), "aws_wafv2_web_acl", "load-balancer/waf/web-acl");
      // THEN
      expect(acl.visibility_config).toEqual({
        cloudwatch_metrics_enabled: true,
        metric_name: WAF_NAME,
        sampled_requests_enabled: true,
      });
      expect(acl.rule).toHaveLength(5);
      for (const rule of acl.rule) expect(rule.visibility_config.cloudwatch_metrics_enabled).toBe(true);
      expect(new Set(acl.rule.map((r: any) => r.priority)).size).toBe(5);
      expect(new Set(acl.rule.map((r: any) => r.visibility_config.metric_name)).size).toBe(5);
    });

    test("logging to an encrypted 30-day aws-waf-logs-* group, by ARN without :*, Authorization redacted", () => {
      // GIVEN the test props (staging's names), a log bucket and a service group
      // WHEN the LoadBalancer is built and allowed to reach the service (one synthesis, shared)
      const stack = defaultLb();
      // THEN
      const group = unitResource(stack, "aws_cloudwatch_log_group", "load-balancer/waf/logs/group");
      expect(group).toMatchObject({
        name: `aws-waf-logs-${WAF_NAME}`,
        retention_in_days: 30,
        kms_key_id: unitRef(stack, "aws_kms_key", "kms/key", "arn"),
      });
      const logging = unitResource(
        stack,
        "aws_wafv2_web_acl_logging_configuration",
        "load-balancer/waf/logging",
      );
      expect(logging).toMatchObject({
        resource_arn: unitRef(stack, "aws_wafv2_web_acl", "load-balancer/waf/web-acl", "arn"),
        log_destination_configs: [
          unitRef(stack, "aws_cloudwatch_log_group", "load-balancer/waf/logs/group", "arn"),
        ],
        redacted_fields: [{ single_header: { name: "authorization" } }],
      });
      // The key admits CloudWatch Logs (it encrypts the group); the group admits vended-log delivery.
      const keyPolicy = policyOf(unitResource(stack, "aws_kms_key", "kms/key"));
      expect(keyPolicy.Statement.map((s) => s.Principal.Service ?? s.Principal.AWS)).toContain(
        "logs.us-east-2.amazonaws.com",
      );
      const delivery = policyOf(
        unitResource(stack, "aws_cloudwatch_log_resource_policy", "load-balancer/waf/delivery-policy"),
        "policy_document",
      );
      expect(delivery.Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: "delivery.logs.amazonaws.com" },
          Resource: `${unitRef(stack, "aws_cloudwatch_log_group", "load-balancer/waf/logs/group", "arn")}:log-stream:*`,
          Condition: expect.objectContaining({ StringEquals: { "aws:SourceAccount": ACCOUNT } }),
        }),
      ]);
    });
  });

  test.each<[string, TestProps, RegExp]>([
    [
      "name over 32 chars",
      { name: "air-applied-ai-application-lb-staging" },
      /name = "air-applied-ai-application-lb-staging": must be 1-32 chars/,
    ],
    ["internal- name", { name: "internal-api" }, /starting with "internal-"/],
    [
      "one AZ",
      { publicSubnetIds: ["subnet-a", "subnet-b"], subnetAvailabilityZones: ["us-east-2a", "us-east-2a"] },
      /network.availabilityZones = \["us-east-2a","us-east-2a"\]: must be at least two distinct AZs/,
    ],
    [
      "one subnet",
      { publicSubnetIds: ["subnet-a"], subnetAvailabilityZones: ["us-east-2a"] },
      /at least two distinct AZs/,
    ],
    [
      "zone and certificate ARN",
      { certificateArn: `arn:aws:acm:us-east-2:${ACCOUNT}:certificate/0f0e0d0c-0b0a-0908-0706-050403020100` },
      /give exactly one of hostedZoneName .* or certificateArn/,
    ],
    [
      "certificate in another region",
      {
        hostedZoneName: undefined,
        certificateArn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0f0e0d0c-0b0a-0908-0706-050403020100`,
      },
      /certificateArn = "arn:aws:acm:us-east-1:.*": must be an ACM certificate ARN in us-east-2/,
    ],
    [
      "unknown TLS policy",
      { tlsPolicy: "ELBSecurityPolicy-2016-08" as never },
      /tlsPolicy = "ELBSecurityPolicy-2016-08": must be one of/,
    ],
    ["idle timeout", { idleTimeoutSeconds: 5000 }, /idleTimeoutSeconds = 5000: must be an integer 1-4000/],
    ["rate limit", { wafRateLimit: 5 }, /rateLimit = 5: must be an integer 10-2000000000/],
  ])("rejects %s", (_, over, message) => {
    // GIVEN the test props with `over`
    // WHEN the LoadBalancer is synthesized
    const create = () => synthScope(build(over));
    // THEN
    expect(create).toThrow(message);
  });
});

describe("error pages", () => {
  test.each(Object.entries(ERROR_PAGES))(
    "%s page exists, is HTML and fits an ALB fixed response",
    (_, { file }) => {
      // GIVEN the page's file in the pages folder
      // WHEN it is read
      const bytes = readFileSync(join(pagesDir, file));
      // THEN
      expect(bytes.length).toBeGreaterThan(0);
      expect(bytes.length).toBeLessThanOrEqual(MAX_FIXED_RESPONSE_BYTES);
      expect(bytes.toString("utf8")).toMatch(/^<!doctype html>/i);
    },
  );

  test("status codes: maintenance 503, not found 404, WAF blocked 403, rate limited 429", () => {
    // GIVEN the error pages
    // WHEN their status codes are listed
    const codes = Object.fromEntries(Object.entries(ERROR_PAGES).map(([k, v]) => [k, v.statusCode]));
    // THEN
    expect(codes).toEqual({
      maintenance: 503,
      notFound: 404,
      blocked: 403,
      rateLimited: 429,
    });
  });

  test("the repo root is found from the compiled location too (dist/modules/loadbalancer)", () => {
    // GIVEN the repo root found from the sources
    const root = repoRoot();
    // WHEN it is looked up from the compiled module's folder
    const fromDist = repoRoot(join(root, "dist", "modules", "loadbalancer"));
    // THEN
    expect(fromDist).toBe(root);
    expect(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).name).toBe(
      "air-applied-ai-infrastructure",
    );
  });

  describe("with a page over 1024 bytes", () => {
    const dir = mkdtempSync(join(tmpdir(), "aai-pages-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    for (const { file } of Object.values(ERROR_PAGES)) writeFileSync(join(dir, file), page(file));
    const big = `<!doctype html><p>${"x".repeat(MAX_FIXED_RESPONSE_BYTES)}</p>`;
    writeFileSync(join(dir, "maintenance.html"), big);

    test("readErrorPage throws naming the file, its size and the limit", () => {
      // GIVEN the oversized maintenance page above
      // WHEN it is read
      const read = () => readErrorPage(join(dir, "maintenance.html"));
      // THEN
      expect(read).toThrow(
        new RegExp(`maintenance\\.html is ${Buffer.byteLength(big)} bytes: must be <= 1024 bytes`),
      );
    });

    test("a multi-byte page is measured in bytes, not characters", () => {
      // GIVEN
      const path = join(dir, "utf8.html");
      writeFileSync(path, "é".repeat(600)); // 600 characters, 1200 bytes
      // WHEN
      const read = () => readErrorPage(path);
      // THEN
      expect(read).toThrow(/1200 bytes/);
    });

    test("the LoadBalancer refuses to synthesize with it", () => {
      // GIVEN the pages folder above, with the oversized page and then with the committed one
      // WHEN the LoadBalancer is synthesized from it
      const create = () => synthScope(build({ errorPagesDir: dir }));
      // THEN
      expect(create).toThrow(/maintenance\.html is \d+ bytes/);
      writeFileSync(join(dir, "maintenance.html"), page("maintenance.html"));
      expect(create).not.toThrow();
    });
  });
});

describe("prod stack: seed values", () => {
  const prod = synthAll().prod;
  const alb = stackResource(prod, "aws_lb", "load-balancer/alb");

  test("internet-facing ALB air-applied-ai-alb in both public subnets (distinct AZs), HTTP/2, deletion protection", () => {
    expect(alb).toMatchObject({
      name: "air-applied-ai-alb",
      internal: false,
      enable_http2: true,
      drop_invalid_header_fields: true,
      desync_mitigation_mode: "defensive",
      idle_timeout: 120,
      enable_deletion_protection: true,
    });
    const subnets = Object.fromEntries(resourcesOf(prod, "aws_subnet"));
    const azs = alb.subnets.map((s: string) => {
      const subnet = subnets[s.split(".")[1]];
      expect(subnet.tags.Tier).toBe("public");
      return subnet.availability_zone;
    });
    expect(azs.sort()).toEqual(["us-east-2a", "us-east-2b"]);
  });

  test("443 from 0.0.0.0/0 on the ALB security group", () => {
    const sg = stackLogicalName(prod, "aws_security_group", "load-balancer/security-group/group");
    const ingress = valuesOf(prod, "aws_vpc_security_group_ingress_rule").filter(
      (r) => r.security_group_id === `\${aws_security_group.${sg}.id}`,
    );
    expect(ingress.map((r) => `${r.cidr_ipv4}:${r.from_port}`).sort()).toEqual([
      "0.0.0.0/0:443",
      "0.0.0.0/0:80",
    ]);
  });

  test("TLS policy ELBSecurityPolicy-TLS13-1-2-2021-06 with the validated certificate", () => {
    expect(stackResource(prod, "aws_lb_listener", "load-balancer/https")).toMatchObject({
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: stackRef(
        prod,
        "aws_acm_certificate_validation",
        "certificate/validation",
        "certificate_arn",
      ),
    });
    expect(valuesOf(prod, "aws_acm_certificate")).toEqual([
      expect.objectContaining({ domain_name: "api.air-applied-ai.com", validation_method: "DNS" }),
    ]);
    expect(Object.values(prod.data.aws_route53_zone)).toEqual([
      expect.objectContaining({ name: "air-applied-ai.com", private_zone: false }),
    ]);
  });

  test("WAF web ACL (REGIONAL) associated with the ALB", () => {
    expect(stackResource(prod, "aws_wafv2_web_acl", "waf/web-acl")).toMatchObject({
      name: "air-applied-ai-waf",
      scope: "REGIONAL",
    });
    expect(stackResource(prod, "aws_wafv2_web_acl_association", "waf/association").resource_arn).toBe(
      stackRef(prod, "aws_lb", "load-balancer/alb", "arn"),
    );
    expect(stackResource(prod, "aws_cloudwatch_log_group", "waf/logs/group").name).toBe(
      "aws-waf-logs-air-applied-ai-waf",
    );
  });

  test("error pages: 404 default, WAF 403 and 429 bodies from the page files; no maintenance rule", () => {
    const https = stackResource(prod, "aws_lb_listener", "load-balancer/https");
    expect(https.default_action[0].fixed_response).toEqual({
      content_type: "text/html",
      status_code: "404",
      message_body: page("not-found.html"),
    });
    const acl = stackResource(prod, "aws_wafv2_web_acl", "waf/web-acl");
    expect(acl.custom_response_body.map((b: any) => b.content)).toEqual([
      page("blocked.html"),
      page("rate-limited.html"),
    ]);
    expect(
      resourcesOf(prod, "aws_lb_listener_rule").map(([, v]) => v["//"].metadata.path.split("/").pop()),
    ).toEqual(["forward"]);
  });

  test("access logs go to the SSE-S3 logs bucket, and the ALB depends on its policy", () => {
    const bucket = alb.access_logs.bucket.split(".")[1];
    const policy = valuesOf(prod, "aws_s3_bucket_policy").find(
      (p) => p.bucket === `\${aws_s3_bucket.${bucket}.id}`,
    );
    const policyName = resourcesOf(prod, "aws_s3_bucket_policy").find(([, v]) => v === policy)![0];
    expect(alb.depends_on).toContain(`aws_s3_bucket_policy.${policyName}`);
    const sse = valuesOf(prod, "aws_s3_bucket_server_side_encryption_configuration").find(
      (c) => c.bucket === `\${aws_s3_bucket.${bucket}.id}`,
    );
    expect(sse.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("AES256");
    expect(alb.access_logs.enabled).toBe(true);
  });

  test("canary deployments get an alternate target group; both are ip targets", () => {
    const groups = valuesOf(prod, "aws_lb_target_group");
    expect(groups).toHaveLength(2);
    expect(
      groups.every((g) => g.target_type === "ip" && g.port === 8000 && g.deregistration_delay === "30"),
    ).toBe(true);
  });

  test("the alarms on target-group metrics cover the alternate target group too (canary in prod)", () => {
    const alarms = valuesOf(prod, "aws_cloudwatch_metric_alarm");
    const unhealthy = alarms.find((a) => a.alarm_name === "air-applied-ai-api-unhealthy-hosts");
    const groups = unhealthy.metric_query
      .filter((q: any) => q.metric)
      .map((q: any) => q.metric.dimensions.TargetGroup);
    expect(groups).toEqual([
      stackRef(prod, "aws_lb_target_group", "load-balancer/target-group", "arn_suffix"),
      stackRef(prod, "aws_lb_target_group", "load-balancer/alternate-target-group", "arn_suffix"),
    ]);
    const latency = alarms.find((a) => a.alarm_name === "air-applied-ai-api-latency-p95");
    expect(latency.dimensions).toEqual({
      LoadBalancer: stackRef(prod, "aws_lb", "load-balancer/alb", "arn_suffix"),
    });
  });

  test("static output alb_dns_name", () => {
    expect(prod.output.alb_dns_name.value).toBe(stackRef(prod, "aws_lb", "load-balancer/alb", "dns_name"));
  });

  test("prod passes every ALB and WAF rule; only the documented waivers apply", () => {
    const lb = /load-balancer/;
    expect(failingRules({ resource: lb })).toEqual([]);
    expect(failingRules({ resource: lb, waived: true }).sort()).toEqual([
      "CKV_AWS_260",
      "CKV_AWS_338",
      "CKV_AWS_378",
    ]);
    const ids = new Set(passingRules({ resource: lb }));
    for (const id of [
      "CKV_AWS_2",
      "CKV2_AWS_20",
      "CKV_AWS_103",
      "CKV2_AWS_74",
      "AWS-0047",
      "CKV_AWS_131",
      "CKV_AWS_91",
      "CKV_AWS_150",
      "CKV_AWS_328",
      "CKV_AWS_261",
      "CKV2_AWS_28",
      "CKV2_AWS_76",
      "CKV_AWS_192",
      "CKV_AWS_175",
      "CKV_AWS_342",
      "CKV2_AWS_31",
      "AAI-ALB-002",
      "AAI-ALB-003",
      "AAI-ALB-004",
      "AAI-ALB-005",
      "AAI-ALB-006",
      "AAI-ALB-007",
      "AAI-WAF-003",
      "AAI-WAF-004",
      "AAI-WAF-005",
    ])
      expect(ids).toContain(id);
  });
});

describe("per environment: dev and staging differ from prod", () => {
  test.each(["dev", "staging"] as const)(
    "%s: named by the naming rule, deletion protection and target groups per config",
    (env) => {
      const stack = synthAll()[env];
      const lb = stackResource(stack, "aws_lb", "load-balancer/alb");
      expect(lb.name).toBe(physicalName(namePrefix(env), "alb"));
      expect(lb.name.length).toBeLessThanOrEqual(32);
      expect(lb.enable_deletion_protection).toBe(configs[env].loadBalancer.deletionProtection);
      expect(valuesOf(stack, "aws_lb_target_group")).toHaveLength(
        shiftsTraffic(configs[env].ecs.deploymentStrategy) ? 2 : 1,
      );
    },
  );
});
