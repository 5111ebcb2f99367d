import {
  NOT_APPLICABLE,
  type Rule,
  type StackDoc,
  type TfResource,
  asList,
  blocks,
  referencing,
} from "../engine";
import { resolveRef } from "./alb";

const rulesOf = (acl: TfResource) => blocks(acl.values.rule);
const managedGroup = (rule: Record<string, any>) =>
  blocks(rule.statement).flatMap((s) => blocks(s.managed_rule_group_statement))[0];
const hasGroup = (acl: TfResource, name: string) => rulesOf(acl).some((r) => managedGroup(r)?.name === name);
const visible = (v: unknown) =>
  blocks(v).some((c) => typeof c.metric_name === "string" && c.metric_name.length > 0);
/** Web ACLs associated with an ALB of the stack. */
const protectsAlb = (acl: TfResource, stack: StackDoc) =>
  referencing(stack, "aws_wafv2_web_acl_association", acl).some((a) =>
    String(a.values.resource_arn).startsWith("${aws_lb."),
  );

export const wafRules: Rule[] = [
  {
    id: "CKV_AWS_175",
    controls: ["WAF.10"],
    description: "WAFv2 web ACLs have at least one rule",
    severity: "MEDIUM",
    fix: "Add the managed rule groups and the rate rule (WebApplicationFirewall does).",
    resourceTypes: ["aws_wafv2_web_acl"],
    check: (acl) => rulesOf(acl).length > 0 || "the web ACL has no rules",
  },
  {
    id: "CKV_AWS_342",
    description: "Every web ACL rule has an action, or an override_action when it is a rule-group reference",
    severity: "MEDIUM",
    fix: "Give own rules an action and managed rule groups override_action { none {} }.",
    resourceTypes: ["aws_wafv2_web_acl"],
    check: (acl) => {
      for (const rule of rulesOf(acl)) {
        const managed = !!managedGroup(rule);
        if (managed && (!rule.override_action || rule.action))
          return `rule ${rule.name}: a managed rule group needs override_action and no action`;
        if (!managed && !rule.action) return `rule ${rule.name} has no action`;
      }
      return true;
    },
  },
  {
    id: "CKV_AWS_192",
    description:
      "WAF includes AWSManagedRulesKnownBadInputsRuleSet with override_action none and Log4JRCE not excluded",
    severity: "HIGH",
    fix: "Reference the group with override_action { none {} }; never override Log4JRCE rules to count/allow.",
    resourceTypes: ["aws_wafv2_web_acl"],
    check: (acl) => {
      const rule = rulesOf(acl).find((r) => managedGroup(r)?.name === "AWSManagedRulesKnownBadInputsRuleSet");
      if (!rule) return "AWSManagedRulesKnownBadInputsRuleSet is missing";
      if (!blocks(rule.override_action).some((o) => o.none !== undefined))
        return "override_action is not none";
      const group = managedGroup(rule);
      const weakened = [
        ...blocks(group.excluded_rule).map((e) => e.name),
        ...blocks(group.rule_action_override)
          .filter((o) => blocks(o.action_to_use).some((a) => a.block === undefined))
          .map((o) => o.name),
      ].filter((n) => String(n).startsWith("Log4JRCE"));
      return weakened.length === 0 || `${weakened.join(", ")} no longer block`;
    },
  },
  {
    id: "CKV2_AWS_76",
    description:
      "A web ACL that protects an ALB contains AWSManagedRulesAnonymousIpList and AWSManagedRulesKnownBadInputsRuleSet",
    severity: "HIGH",
    fix: "Add both managed rule groups.",
    resourceTypes: ["aws_wafv2_web_acl"],
    check: (acl, stack) =>
      !protectsAlb(acl, stack)
        ? NOT_APPLICABLE
        : ["AWSManagedRulesAnonymousIpList", "AWSManagedRulesKnownBadInputsRuleSet"]
            .filter((g) => !hasGroup(acl, g))
            .map((g) => `${g} is missing`),
  },
  {
    id: "AAI-WAF-001",
    description:
      "The web ACL has the seed's managed rule groups: Common, KnownBadInputs, AmazonIpReputationList, AnonymousIpList",
    severity: "HIGH",
    fix: "Add every group of MANAGED_RULE_GROUPS (modules/loadbalancer/waf.ts).",
    resourceTypes: ["aws_wafv2_web_acl"],
    check: (acl) => {
      const missing = [
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesAnonymousIpList",
      ].filter((g) => !hasGroup(acl, g));
      return missing.length === 0 || `missing ${missing.join(", ")}`;
    },
  },
  {
    id: "AAI-WAF-002",
    description: "The web ACL has a per-client-IP rate-based rule that blocks",
    severity: "MEDIUM",
    fix: "Add a rate_based_statement { aggregate_key_type = IP, limit >= 10 } rule with a block action.",
    resourceTypes: ["aws_wafv2_web_acl"],
    check: (acl) =>
      rulesOf(acl).some((r) =>
        blocks(r.statement).some((s) =>
          blocks(s.rate_based_statement).some(
            (rb) => rb.aggregate_key_type === "IP" && rb.limit >= 10 && blocks(r.action).some((a) => a.block),
          ),
        ),
      ) || "no blocking per-IP rate-based rule",
  },
  {
    id: "CKV2_AWS_31",
    controls: ["WAF.11"],
    description: "WAFv2 web ACLs have logging enabled",
    severity: "MEDIUM",
    fix: "Add an aws_wafv2_web_acl_logging_configuration for the ACL.",
    resourceTypes: ["aws_wafv2_web_acl"],
    check: (acl, stack) =>
      referencing(stack, "aws_wafv2_web_acl_logging_configuration", acl).length > 0 ||
      "no logging configuration references this web ACL",
  },
  {
    id: "AAI-WAF-003",
    description:
      "Web ACLs protecting an ALB use scope REGIONAL (CLOUDFRONT cannot attach to an ALB; aws-constraints 19)",
    severity: "HIGH",
    fix: 'Set scope = "REGIONAL" in the ALB\'s region.',
    resourceTypes: ["aws_wafv2_web_acl"],
    check: (acl, stack) =>
      !protectsAlb(acl, stack)
        ? NOT_APPLICABLE
        : acl.values.scope === "REGIONAL" || `scope is ${acl.values.scope}`,
  },
  {
    id: "AAI-WAF-004",
    description:
      "visibility_config on the web ACL and every rule; unique rule priorities; managed groups use override_action (aws-constraints 20)",
    severity: "HIGH",
    fix: "Give every rule a visibility_config and a distinct priority.",
    resourceTypes: ["aws_wafv2_web_acl"],
    check: (acl) => {
      if (!visible(acl.values.visibility_config)) return "the web ACL has no visibility_config";
      const rules = rulesOf(acl);
      const blind = rules.find((r) => !visible(r.visibility_config));
      if (blind) return `rule ${blind.name} has no visibility_config`;
      const priorities = rules.map((r) => r.priority);
      return (
        new Set(priorities).size === priorities.length || `duplicate priorities ${priorities.join(", ")}`
      );
    },
  },
  {
    id: "AAI-WAF-005",
    description:
      "WAF logs go to a CloudWatch log group named aws-waf-logs-*, by ARN without ':*' (aws-constraints 21)",
    severity: "HIGH",
    fix: "Use EncryptedLogGroup named aws-waf-logs-<name> and pass its logGroupArn.",
    resourceTypes: ["aws_wafv2_web_acl_logging_configuration"],
    check: (cfg, stack) => {
      for (const dest of asList<string>(cfg.values.log_destination_configs)) {
        if (/:\*\}?$/.test(dest)) return `destination ${dest} ends with ":*"`;
        const group = resolveRef(stack, dest, "aws_cloudwatch_log_group");
        if (!group) {
          if (String(dest).includes("aws_cloudwatch_log_group"))
            return `destination ${dest} is not a log group ARN`;
          continue;
        }
        if (!String(group.values.name).startsWith("aws-waf-logs-"))
          return `log group ${group.values.name} does not start with aws-waf-logs-`;
      }
      return true;
    },
  },
  {
    id: "AAI-WAF-006",
    description: "WAF logs redact the Authorization header",
    severity: "MEDIUM",
    fix: 'Add redacted_fields { single_header { name = "authorization" } }.',
    resourceTypes: ["aws_wafv2_web_acl_logging_configuration"],
    check: (cfg) =>
      blocks(cfg.values.redacted_fields).some((f) =>
        blocks(f.single_header).some((h) => String(h.name).toLowerCase() === "authorization"),
      ) || "the authorization header is not redacted",
  },
];
