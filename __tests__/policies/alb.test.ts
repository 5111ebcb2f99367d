import { albRules } from "../../policies/rules/alb";
import { changing, failingRules, notPassedByCommittedStacks, passingRules } from "../helpers/policy";
import type { StackJson } from "../helpers/synth";

/*
 * policies/rules/alb.ts. Compliant: the committed stacks (their target groups are waived for
 * CKV_AWS_378, so its compliant case is an HTTPS target group). Non-compliant: prod's load balancer
 * changed one setting at a time.
 */

describe("ALB rules", () => {
  test("the committed stacks pass every ALB rule but the waived CKV_AWS_378 (plain HTTP to the targets)", () => {
    expect(notPassedByCommittedStacks(albRules)).toEqual(["CKV_AWS_378"]);
    expect(failingRules({ rules: albRules })).toEqual([]);
  });

  test("CKV_AWS_378 passes an HTTPS target group and fails the HTTP ones without their waiver", () => {
    const https = changing(
      "aws_lb_target_group",
      "load-balancer/target-group",
      (v) => (v.protocol = "HTTPS"),
    );
    expect(passingRules({ rules: albRules, mutate: https, resource: /\/target-group$/ })).toContain(
      "CKV_AWS_378",
    );
    expect(failingRules({ rules: albRules, waivers: [] })).toEqual(["CKV_AWS_378"]);
  });

  test.each<[string, string, string, (v: any, stack: StackJson) => void]>([
    [
      "CKV_AWS_2",
      "aws_lb_listener",
      "load-balancer/http",
      (v) => (v.default_action = [{ type: "fixed-response" }]),
    ],
    [
      "CKV2_AWS_20",
      "aws_lb_listener",
      "load-balancer/http",
      (v) => (v.default_action[0].redirect.protocol = "HTTP"),
    ],
    [
      "CKV_AWS_103",
      "aws_lb_listener",
      "load-balancer/https",
      (v) => (v.ssl_policy = "ELBSecurityPolicy-2016-08"),
    ],
    ["CKV2_AWS_74", "aws_lb_listener", "load-balancer/https", (v) => delete v.ssl_policy],
    [
      "AWS-0047",
      "aws_lb_listener",
      "load-balancer/https",
      (v) => (v.ssl_policy = "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06"),
    ],
    ["CKV_AWS_131", "aws_lb", "load-balancer/alb", (v) => delete v.drop_invalid_header_fields],
    ["CKV_AWS_91", "aws_lb", "load-balancer/alb", (v) => (v.access_logs.enabled = false)],
    ["CKV_AWS_150", "aws_lb", "load-balancer/alb", (v) => (v.enable_deletion_protection = false)],
    ["CKV_AWS_328", "aws_lb", "load-balancer/alb", (v) => (v.desync_mitigation_mode = "monitor")],
    ["AAI-ALB-001", "aws_lb", "load-balancer/alb", (v) => delete v.enable_http2],
    ["CKV_AWS_261", "aws_lb_target_group", "load-balancer/target-group", (v) => delete v.health_check.path],
    [
      "CKV2_AWS_28",
      "aws_wafv2_web_acl_association",
      "waf/association",
      (v) => (v.resource_arn = "arn:other"),
    ],
    ["AAI-ALB-002", "aws_lb", "load-balancer/alb", (v) => (v.subnets = [v.subnets[0], v.subnets[0]])],
    ["AAI-ALB-003", "aws_lb", "load-balancer/alb", (v) => (v.name = "air-applied-ai-application-lb-prod-1")],
    ["AAI-ALB-003", "aws_lb_target_group", "load-balancer/target-group", (v) => (v.name_prefix = "air-api-")],
    ["AAI-ALB-004", "aws_lb_target_group", "load-balancer/target-group", (v) => (v.target_type = "instance")],
    [
      "AAI-ALB-005",
      "aws_lb_listener",
      "load-balancer/https",
      (v) =>
        (v.certificate_arn = v.certificate_arn.replace(
          /aws_acm_certificate_validation\.([\w-]+)\.certificate_arn/,
          "aws_acm_certificate.$1.arn",
        )),
    ],
    [
      "AAI-ALB-006",
      "aws_lb_listener",
      "load-balancer/https",
      (v) => (v.default_action[0].fixed_response.message_body = "x".repeat(1025)),
    ],
    [
      "AAI-ALB-006",
      "aws_lb_listener",
      "load-balancer/https",
      (v) => (v.default_action[0].fixed_response.content_type = "text/xml"),
    ],
    ["AAI-ALB-007", "aws_lb", "load-balancer/alb", (v) => delete v.depends_on],
    ["AAI-ALB-007", "aws_lb", "load-balancer/alb", (v) => (v.access_logs.prefix = "elsewhere")],
  ])("%s fails when %s *%s is misconfigured", (id, type, suffix, change) => {
    expect(failingRules({ rules: albRules, mutate: changing(type, suffix, change) })).toContain(id);
  });
});
