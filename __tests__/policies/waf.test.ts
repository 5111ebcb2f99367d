import { wafRules } from "../../policies/rules/waf";
import { changing, failingRules, notPassedByCommittedStacks } from "../helpers/policy";
import type { StackJson } from "../helpers/synth";

/*
 * policies/rules/waf.ts. Compliant: the committed stacks. Non-compliant: prod's web ACL and its logging
 * changed one setting at a time.
 */

const acl = "waf/web-acl";
/** The web ACL's rule that runs the managed rule group `name`. */
const groupRule = (v: any, name: string) =>
  v.rule.find((r: any) => r.statement.managed_rule_group_statement?.name === name);

describe("WAF rules", () => {
  test("the committed stacks pass every WAF rule, and each applies to one of them", () => {
    expect(notPassedByCommittedStacks(wafRules)).toEqual([]);
    expect(failingRules({ rules: wafRules })).toEqual([]);
  });

  test.each<[string, string, string, (v: any, stack: StackJson) => void]>([
    ["CKV_AWS_175", "aws_wafv2_web_acl", acl, (v) => (v.rule = [])],
    ["CKV_AWS_342", "aws_wafv2_web_acl", acl, (v) => delete v.rule[0].action],
    [
      "CKV_AWS_192",
      "aws_wafv2_web_acl",
      acl,
      (v) => (groupRule(v, "AWSManagedRulesKnownBadInputsRuleSet").override_action = { count: {} }),
    ],
    [
      "CKV_AWS_192",
      "aws_wafv2_web_acl",
      acl,
      (v) =>
        groupRule(
          v,
          "AWSManagedRulesKnownBadInputsRuleSet",
        ).statement.managed_rule_group_statement.rule_action_override.push({
          name: "Log4JRCE_BODY",
          action_to_use: { count: {} },
        }),
    ],
    [
      "CKV2_AWS_76",
      "aws_wafv2_web_acl",
      acl,
      (v) => (v.rule = v.rule.filter((r: any) => r !== groupRule(v, "AWSManagedRulesAnonymousIpList"))),
    ],
    [
      "AAI-WAF-001",
      "aws_wafv2_web_acl",
      acl,
      (v) => (v.rule = v.rule.filter((r: any) => r !== groupRule(v, "AWSManagedRulesCommonRuleSet"))),
    ],
    [
      "AAI-WAF-002",
      "aws_wafv2_web_acl",
      acl,
      (v) => (v.rule = v.rule.filter((r: any) => !r.statement.rate_based_statement)),
    ],
    [
      "CKV2_AWS_31",
      "aws_wafv2_web_acl_logging_configuration",
      "waf/logging",
      (v) => (v.resource_arn = "arn:other"),
    ],
    ["AAI-WAF-003", "aws_wafv2_web_acl", acl, (v) => (v.scope = "CLOUDFRONT")],
    ["AAI-WAF-004", "aws_wafv2_web_acl", acl, (v) => delete v.rule[2].visibility_config],
    ["AAI-WAF-004", "aws_wafv2_web_acl", acl, (v) => (v.rule[1].priority = v.rule[2].priority)],
    [
      "AAI-WAF-005",
      "aws_wafv2_web_acl_logging_configuration",
      "waf/logging",
      (v) => (v.log_destination_configs = [`${v.log_destination_configs[0]}:*`]),
    ],
    ["AAI-WAF-005", "aws_cloudwatch_log_group", "waf/logs/group", (v) => (v.name = "/air-applied-ai/waf")],
    [
      "AAI-WAF-006",
      "aws_wafv2_web_acl_logging_configuration",
      "waf/logging",
      (v) => delete v.redacted_fields,
    ],
  ])("%s fails when %s *%s is misconfigured", (id, type, suffix, change) => {
    expect(failingRules({ rules: wafRules, mutate: changing(type, suffix, change) })).toContain(id);
  });
});
