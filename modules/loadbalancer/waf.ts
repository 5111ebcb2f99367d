import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { Construct } from "constructs";
import { policyDocument } from "../../lib/iam";
import { REGION } from "../../lib/naming";
import { type Platform, StackContext } from "../platform";
import { EncryptedLogGroup } from "../security/log-group";
import { type ErrorPage, PAGE_CONTENT_TYPE } from "./error-pages";

/** WAF requires CloudWatch Logs destinations to be named like this (TPA#32262). */
export const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";

/** WAF rate-based rules: the smallest limit WAF accepts per evaluation window. */
export const WAF_MIN_RATE_LIMIT = 10;

/**
 * The AWS managed rule groups, in evaluation order, with the rules of each that block by default. Those
 * rules are overridden to block with our 403 page (rule_action_override); managed rules not listed here
 * (including ones AWS adds later) still block, with WAF's plain 403 body. Rules that only count by default
 * (AWSManagedIPDDoSList) are deliberately not listed, so their behaviour stays AWS's.
 * Names: AWS WAF Developer Guide, "AWS Managed Rules rule groups list".
 */
export const MANAGED_RULE_GROUPS = [
  {
    name: "AWSManagedRulesAmazonIpReputationList",
    blockingRules: ["AWSManagedIPReputationList", "AWSManagedReconnaissanceList"],
  },
  {
    name: "AWSManagedRulesAnonymousIpList",
    blockingRules: ["AnonymousIPList", "HostingProviderIPList"],
  },
  {
    name: "AWSManagedRulesKnownBadInputsRuleSet",
    blockingRules: [
      "JavaDeserializationRCE_HEADER",
      "JavaDeserializationRCE_BODY",
      "JavaDeserializationRCE_URIPATH",
      "JavaDeserializationRCE_QUERYSTRING",
      "Host_localhost_HEADER",
      "PROPFIND_METHOD",
      "ExploitablePaths_URIPATH",
      "Log4JRCE_HEADER",
      "Log4JRCE_QUERYSTRING",
      "Log4JRCE_BODY",
      "Log4JRCE_URIPATH",
    ],
  },
  {
    name: "AWSManagedRulesCommonRuleSet",
    blockingRules: [
      "NoUserAgent_HEADER",
      "UserAgent_BadBots_HEADER",
      "SizeRestrictions_QUERYSTRING",
      "SizeRestrictions_Cookie_HEADER",
      "SizeRestrictions_BODY",
      "SizeRestrictions_URIPATH",
      "EC2MetaDataSSRF_BODY",
      "EC2MetaDataSSRF_COOKIE",
      "EC2MetaDataSSRF_URIPATH",
      "EC2MetaDataSSRF_QUERYARGUMENTS",
      "GenericLFI_QUERYARGUMENTS",
      "GenericLFI_URIPATH",
      "GenericLFI_BODY",
      "RestrictedExtensions_URIPATH",
      "RestrictedExtensions_QUERYARGUMENTS",
      "GenericRFI_QUERYARGUMENTS",
      "GenericRFI_BODY",
      "GenericRFI_URIPATH",
      "CrossSiteScripting_COOKIE",
      "CrossSiteScripting_QUERYARGUMENTS",
      "CrossSiteScripting_BODY",
      "CrossSiteScripting_URIPATH",
    ],
  },
] as const;

/** custom_response_body keys. */
const BLOCKED = "blocked";
const RATE_LIMITED = "rate-limited";

export interface WebApplicationFirewallProps {
  /** Web ACL name (1-128 chars of A-Z a-z 0-9 _ -); also the metric prefix and log-group suffix. */
  readonly name: string;
  /** The CMK and retention of the WAF log group. */
  readonly platform: Platform;
  /** The ALB to protect. */
  readonly loadBalancerArn: string;
  /** Requests per client IP per 5 minutes before the rate rule answers 429 (WAF minimum 10). */
  readonly rateLimit: number;
  /** Body of the 403 (managed-rule block) response. */
  readonly blockedPage: ErrorPage;
  /** Body of the 429 (rate limit) response. */
  readonly rateLimitedPage: ErrorPage;
}

/**
 * A REGIONAL WAFv2 web ACL for the ALB (CLOUDFRONT scope exists only in us-east-1 and cannot be
 * associated with an ALB): default allow; AWS managed rule groups for IP reputation, anonymous IPs,
 * known bad inputs and the core rule set (override_action none: the groups' own actions apply); a
 * per-client-IP rate-based rule answering 429; our HTML pages as custom response bodies; CloudWatch
 * metrics and sampled requests on the ACL and every rule; logging to an encrypted `aws-waf-logs-*` log
 * group with the Authorization header redacted.
 */
export class WebApplicationFirewall extends Construct {
  public readonly webAclArn: string;
  public readonly webAclName: string;
  public readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: WebApplicationFirewallProps) {
    super(scope, id);
    if (!/^[\w-]{1,128}$/.test(props.name))
      throw new Error(
        `WebApplicationFirewall: name = "${props.name}": must be 1-128 chars of A-Z, a-z, 0-9, _ and -`,
      );
    if (!Number.isInteger(props.rateLimit) || props.rateLimit < WAF_MIN_RATE_LIMIT || props.rateLimit > 2e9)
      throw new Error(
        `WebApplicationFirewall: rateLimit = ${props.rateLimit}: must be an integer ${WAF_MIN_RATE_LIMIT}-2000000000`,
      );

    const visibility = (metricName: string) => ({
      cloudwatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const blockWith = (key: string, page: ErrorPage) => ({
      block: { customResponse: { responseCode: page.statusCode, customResponseBodyKey: key } },
    });

    const rules: Wafv2WebAclRule[] = [
      {
        name: "rate-limit-per-ip",
        priority: 0,
        action: blockWith(RATE_LIMITED, props.rateLimitedPage),
        statement: {
          rate_based_statement: {
            limit: props.rateLimit,
            aggregate_key_type: "IP",
            evaluation_window_sec: 300,
          },
        },
        visibilityConfig: visibility(`${props.name}-rate-limit-per-ip`),
      },
      ...MANAGED_RULE_GROUPS.map(
        (group, i): Wafv2WebAclRule => ({
          name: group.name,
          priority: 10 * (i + 1),
          overrideAction: { none: {} },
          statement: {
            managed_rule_group_statement: {
              name: group.name,
              vendor_name: "AWS",
              rule_action_override: group.blockingRules.map((rule) => ({
                name: rule,
                action_to_use: {
                  block: {
                    custom_response: {
                      response_code: props.blockedPage.statusCode,
                      custom_response_body_key: BLOCKED,
                    },
                  },
                },
              })),
            },
          },
          visibilityConfig: visibility(`${props.name}-${group.name}`),
        }),
      ),
    ];

    const acl = new Wafv2WebAcl(this, "web-acl", {
      name: props.name,
      description: `${props.name}: managed rule groups and a per-IP rate limit for the ALB`,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      customResponseBody: [
        { key: BLOCKED, content: props.blockedPage.content, contentType: PAGE_CONTENT_TYPE.waf },
        { key: RATE_LIMITED, content: props.rateLimitedPage.content, contentType: PAGE_CONTENT_TYPE.waf },
      ],
      rule: rules,
      visibilityConfig: visibility(props.name),
    });
    this.webAclArn = acl.arn;
    this.webAclName = acl.name;

    new Wafv2WebAclAssociation(this, "association", {
      resourceArn: props.loadBalancerArn,
      webAclArn: acl.arn,
    });

    const logs = new EncryptedLogGroup(this, "logs", {
      platform: props.platform,
      name: `${WAF_LOG_GROUP_PREFIX}${props.name}`,
    });
    const accountId = StackContext.of(this).accountId;
    this.logGroupName = logs.logGroupName;
    // WAF delivers through CloudWatch Logs vended-log delivery. It would add this resource policy itself
    // when the deployer may call logs:PutResourcePolicy; declaring it keeps it in code and scoped.
    const delivery = new CloudwatchLogResourcePolicy(this, "delivery-policy", {
      policyName: `${props.name}-log-delivery`,
      policyDocument: policyDocument([
        {
          sid: "AWSLogDeliveryWrite",
          principals: { Service: "delivery.logs.amazonaws.com" },
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${logs.logGroupArn}:log-stream:*`],
          conditions: {
            StringEquals: { "aws:SourceAccount": accountId },
            ArnLike: { "aws:SourceArn": `arn:aws:logs:${REGION}:${accountId}:*` },
          },
        },
      ]),
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: acl.arn,
      // The log group ARN without ":*" (WAFInvalidParameterException otherwise).
      logDestinationConfigs: [logs.logGroupArn],
      redactedFields: [{ singleHeader: { name: "authorization" } }],
      dependsOn: [delivery],
    });
  }
}
