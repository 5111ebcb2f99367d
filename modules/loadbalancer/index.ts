import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ALB_TLS_POLICIES } from "../../environments/schema";
import type { KmsKey } from "../security/kms-key";
import { SecurityGroup } from "../security/security-group";
import { ListenerCertificate } from "./certificate";
import { type ErrorPage, PAGE_CONTENT_TYPE, loadErrorPages } from "./error-pages";
import { WebApplicationFirewall } from "./waf";

/** LB and target-group names: <= 32 chars of A-Z a-z 0-9 and '-', no leading/trailing '-' (TPA#1968). */
const LB_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;
/** aws_lb_target_group.name_prefix: at most 6 characters. */
export const TARGET_GROUP_NAME_PREFIXES = { primary: "api-", alternate: "alt-" } as const;

/** Listener-rule priorities on the HTTPS listener (lower wins). */
export const RULE_PRIORITY = { maintenance: 1, forward: 10 } as const;

/** Where the ALB writes access (and connection) logs; the bucket policy must admit ELB log delivery. */
export interface AlbLogsTarget {
  /** Bucket name (same region, SSE-S3: ELB log delivery cannot use SSE-KMS). */
  readonly bucketName: string;
  /** Key prefix without a trailing slash, e.g. "alb"; logs land under <prefix>/AWSLogs/<account>/. */
  readonly prefix: string;
  /** The bucket policy resource that admits ELB log delivery; the ALB depends on it. */
  readonly policy: ITerraformDependable;
}

export interface LoadBalancerProps {
  /** ALB name: <= 32 chars of A-Z, a-z, 0-9 and '-', not starting with "internal-" (e.g. air-applied-ai-alb). */
  readonly name: string;
  /** WAF web ACL name; WAF logs go to the log group aws-waf-logs-<wafName>. */
  readonly wafName: string;
  readonly accountId: string;
  readonly vpcId: string;
  /** Public subnets for the ALB, at least two in distinct AZs. */
  readonly publicSubnetIds: readonly string[];
  /** The AZ of each public subnet, in the same order (validated: >= 2 distinct AZs). */
  readonly subnetAvailabilityZones: readonly string[];
  /** CMK for the WAF log group. */
  readonly key: KmsKey;
  /** Retention (days) of the WAF log group (config logging.retentionDays). */
  readonly logRetentionDays: number;
  /** Access-log destination (and the bucket policy the ALB waits for). */
  readonly accessLogs: AlbLogsTarget;
  /** Connection-log prefix in the access-log bucket (same bucket policy must cover it). @default no connection logs */
  readonly connectionLogsPrefix?: string;
  /** Public hostname the service answers on, e.g. api.air-applied-ai.com. */
  readonly domainName: string;
  /** Route 53 public zone name: DNS-validated certificate plus an alias record. Exactly one of this or certificateArn. */
  readonly hostedZoneName?: string;
  /** Existing ISSUED ACM certificate in us-east-2. Exactly one of this or hostedZoneName. */
  readonly certificateArn?: string;
  /** HTTPS listener TLS policy. @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
  readonly tlsPolicy?: (typeof ALB_TLS_POLICIES)[number];
  /** Idle connection timeout, 1-4000 s. @default 60 */
  readonly idleTimeoutSeconds?: number;
  /** ALB deletion protection (prod: true). */
  readonly deletionProtection: boolean;
  /** Container port the targets (Fargate tasks, awsvpc) listen on. */
  readonly targetPort: number;
  /** Health-check path on the targets, e.g. "/health". */
  readonly healthCheckPath: string;
  /** Deregistration delay, 0-3600 s; short, because a Spot interruption gives 2 minutes' notice. @default 30 */
  readonly deregistrationDelaySeconds?: number;
  /** WAF requests per client IP per 5 minutes before 429 (>= 10). */
  readonly wafRateLimit: number;
  /** Answer every request with the 503 maintenance page. @default false */
  readonly maintenanceMode?: boolean;
  /**
   * Create a second target group for ECS-native blue/green, canary or linear deployments; ECS then shifts
   * the forward rule's weights between the two, so Terraform ignores changes to that rule's action.
   * @default false
   */
  readonly alternateTargetGroup?: boolean;
  /** Folder holding the error-page sources. @default <repo>/modules/loadbalancer/pages */
  readonly errorPagesDir?: string;
}

/**
 * The edge of the seed's architecture: an internet-facing ALB in the public subnets with TLS 1.2+/1.3
 * termination, HTTP/2, strict header handling, access logs, an HTTP->HTTPS redirect, an `ip` target group
 * for the Fargate service, custom error pages (unmatched host 404, maintenance 503), the certificate, the
 * DNS alias and a WAF web ACL.
 *
 * Routing on the HTTPS listener: priority 1 maintenance rule (only when maintenance mode is on), priority
 * 10 forwards Host = domainName to the target group, and the default action answers 404 for any other
 * Host (scanners hitting the ALB's IPs or raw DNS name never reach the app). Toggling maintenance mode
 * adds or removes one rule; the listener itself is never replaced.
 */
export class LoadBalancer extends Construct {
  public readonly albArn: string;
  /** "app/<name>/<id>": the LoadBalancer dimension of CloudWatch metrics. */
  public readonly albArnSuffix: string;
  public readonly albDnsName: string;
  /** Hosted zone of the ALB's DNS name (for alias records). */
  public readonly albZoneId: string;
  public readonly targetGroupArn: string;
  /** "targetgroup/<name>/<id>": the TargetGroup dimension of CloudWatch metrics. */
  public readonly targetGroupArnSuffix: string;
  /** The second target group (only with alternateTargetGroup). */
  public readonly alternateTargetGroupArn?: string;
  /** "targetgroup/<name>/<id>" of the second target group (only with alternateTargetGroup). */
  public readonly alternateTargetGroupArnSuffix?: string;
  public readonly httpsListenerArn: string;
  /** The rule forwarding the domain to the target group(s): ECS's production listener rule. */
  public readonly productionListenerRuleArn: string;
  /** What an ECS service must depend on, so its target group is attached before it registers tasks. */
  public readonly listenerDependencies: ITerraformDependable[];
  public readonly securityGroupId: string;
  public readonly webAclArn: string;
  /** The certificate the HTTPS listener serves (the validation's certificate_arn, or the given ARN). */
  public readonly certificateArn: string;
  /** Full name of the DNS alias record, when a hosted zone is configured. */
  public readonly domainName: string;
  private readonly securityGroup: SecurityGroup;
  private readonly egressTargets = new Set<string>();

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    validate(props);
    const pages = loadErrorPages(props.errorPagesDir);
    this.domainName = props.domainName;

    // Security group: HTTPS from anywhere (the seed); HTTP from anywhere only to be redirected to HTTPS.
    this.securityGroup = new SecurityGroup(this, "security-group", {
      vpcId: props.vpcId,
      name: props.name,
      description: `${props.name}: HTTPS (and HTTP for the redirect only) from the internet; egress only to the service`,
    });
    this.securityGroup.allowIngress({ cidr: "0.0.0.0/0" }, 443, "HTTPS from the internet");
    this.securityGroup.allowIngress(
      { cidr: "0.0.0.0/0" },
      80,
      "HTTP from the internet, only answered with a 301 redirect to HTTPS",
    );
    this.securityGroupId = this.securityGroup.securityGroupId;

    const alb = new Lb(this, "alb", {
      name: props.name,
      internal: false,
      loadBalancerType: "application",
      ipAddressType: "ipv4",
      subnets: [...props.publicSubnetIds],
      securityGroups: [this.securityGroupId],
      enableHttp2: true,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
      xffHeaderProcessingMode: "append",
      idleTimeout: props.idleTimeoutSeconds ?? 60,
      enableDeletionProtection: props.deletionProtection,
      enableWafFailOpen: false,
      accessLogs: { bucket: props.accessLogs.bucketName, prefix: props.accessLogs.prefix, enabled: true },
      ...(props.connectionLogsPrefix !== undefined
        ? {
            connectionLogs: {
              bucket: props.accessLogs.bucketName,
              prefix: props.connectionLogsPrefix,
              enabled: true,
            },
          }
        : {}),
      // ELB checks that it can write to the bucket when logging is enabled: the policy must exist first.
      dependsOn: [props.accessLogs.policy],
    });
    this.albArn = alb.arn;
    this.albArnSuffix = alb.arnSuffix;
    this.albDnsName = alb.dnsName;
    this.albZoneId = alb.zoneId;

    const targetGroup = (id: string, namePrefix: string) =>
      new LbTargetGroup(this, id, {
        // name_prefix + create_before_destroy: a replacement (port, protocol, VPC) gets a fresh name, so
        // it never clashes with the group it replaces (terraform-aws-alb #396, #239). <= 6 chars.
        namePrefix,
        targetType: "ip",
        protocol: "HTTP",
        protocolVersion: "HTTP1",
        port: props.targetPort,
        vpcId: props.vpcId,
        deregistrationDelay: String(props.deregistrationDelaySeconds ?? 30),
        loadBalancingAlgorithmType: "least_outstanding_requests",
        healthCheck: {
          enabled: true,
          protocol: "HTTP",
          port: "traffic-port",
          path: props.healthCheckPath,
          matcher: "200",
          interval: 15,
          timeout: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 3,
        },
        tags: { Name: `${props.name}-${id}` },
        lifecycle: { createBeforeDestroy: true },
      });
    const primary = targetGroup("target-group", TARGET_GROUP_NAME_PREFIXES.primary);
    this.targetGroupArn = primary.arn;
    this.targetGroupArnSuffix = primary.arnSuffix;
    const alternate = props.alternateTargetGroup
      ? targetGroup("alternate-target-group", TARGET_GROUP_NAME_PREFIXES.alternate)
      : undefined;
    this.alternateTargetGroupArn = alternate?.arn;
    this.alternateTargetGroupArnSuffix = alternate?.arnSuffix;

    const certificate = this.certificate(props);
    this.certificateArn = certificate.certificateArn;

    const https = new LbListener(this, "https", {
      loadBalancerArn: alb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: props.tlsPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn: certificate.certificateArn,
      // Security headers on every response, without changing the app.
      routingHttpResponseStrictTransportSecurityHeaderValue: "max-age=31536000; includeSubDomains",
      routingHttpResponseXContentTypeOptionsHeaderValue: "nosniff",
      routingHttpResponseServerEnabled: false,
      defaultAction: [fixedResponse(pages.notFound)],
    });
    this.httpsListenerArn = https.arn;

    new LbListener(this, "http", {
      loadBalancerArn: alb.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [
        {
          type: "redirect",
          redirect: {
            protocol: "HTTPS",
            port: "443",
            host: "#{host}",
            path: "/#{path}",
            query: "#{query}",
            statusCode: "HTTP_301",
          },
        },
      ],
    });

    const forward = new LbListenerRule(this, "forward", {
      listenerArn: https.arn,
      priority: RULE_PRIORITY.forward,
      condition: [{ hostHeader: { values: [props.domainName] } }],
      action: [
        alternate
          ? {
              type: "forward",
              forward: {
                targetGroup: [
                  { arn: primary.arn, weight: 100 },
                  { arn: alternate.arn, weight: 0 },
                ],
              },
            }
          : { type: "forward", targetGroupArn: primary.arn },
      ],
      tags: { Name: `${props.name}-forward` },
      // ECS-native blue/green shifts these weights during a deployment; Terraform must not reset them.
      ...(alternate ? { lifecycle: { ignoreChanges: ["action"] } } : {}),
    });
    this.productionListenerRuleArn = forward.arn;

    if (props.maintenanceMode) {
      new LbListenerRule(this, "maintenance", {
        listenerArn: https.arn,
        priority: RULE_PRIORITY.maintenance,
        condition: [{ pathPattern: { values: ["/*"] } }],
        action: [fixedResponse(pages.maintenance)],
        tags: { Name: `${props.name}-maintenance` },
      });
    }
    this.listenerDependencies = [https, forward];

    if (props.hostedZoneName) {
      new Route53Record(this, "alias", {
        zoneId: this.zone(props.hostedZoneName).zoneId,
        name: props.domainName,
        type: "A",
        alias: { name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true },
      });
    }

    const waf = new WebApplicationFirewall(this, "waf", {
      name: props.wafName,
      accountId: props.accountId,
      loadBalancerArn: alb.arn,
      rateLimit: props.wafRateLimit,
      blockedPage: pages.blocked,
      rateLimitedPage: pages.rateLimited,
      key: props.key,
      logRetentionDays: props.logRetentionDays,
    });
    this.webAclArn = waf.webAclArn;
  }

  /**
   * Lets the ALB reach a target security group on `port` (its only egress). The target's own group must
   * admit this one (`allowIngress({ securityGroupId: alb.securityGroupId }, port, ...)`).
   */
  public allowTrafficTo(securityGroupId: string, port: number): void {
    const key = `${securityGroupId}:${port}`;
    if (this.egressTargets.has(key)) return;
    this.egressTargets.add(key);
    this.securityGroup.allowEgress({ securityGroupId }, port, `To the service targets on ${port}/tcp`);
  }

  private zoneCache?: DataAwsRoute53Zone;
  private zone(name: string): DataAwsRoute53Zone {
    this.zoneCache ??= new DataAwsRoute53Zone(this, "zone", { name, privateZone: false });
    return this.zoneCache;
  }

  private certificate(props: LoadBalancerProps): ListenerCertificate {
    return new ListenerCertificate(this, "certificate", {
      domainName: props.domainName,
      ...(props.hostedZoneName
        ? { zoneId: this.zone(props.hostedZoneName).zoneId }
        : { certificateArn: props.certificateArn }),
    });
  }
}

function fixedResponse(page: ErrorPage) {
  return {
    type: "fixed-response",
    fixedResponse: {
      contentType: PAGE_CONTENT_TYPE.alb,
      messageBody: page.content,
      statusCode: String(page.statusCode),
    },
  };
}

function validate(props: LoadBalancerProps): void {
  const fail = (field: string, value: unknown, rule: string) => {
    throw new Error(`LoadBalancer ${props.name}: ${field} = ${JSON.stringify(value)}: ${rule}`);
  };
  if (!LB_NAME.test(props.name) || props.name.startsWith("internal-"))
    fail(
      "name",
      props.name,
      "must be 1-32 chars of A-Z, a-z, 0-9 and '-', not starting or ending with '-' or starting with \"internal-\"",
    );
  if (props.publicSubnetIds.length !== props.subnetAvailabilityZones.length)
    fail(
      "subnetAvailabilityZones",
      props.subnetAvailabilityZones,
      `must give the AZ of each of the ${props.publicSubnetIds.length} public subnets`,
    );
  const azs = new Set(props.subnetAvailabilityZones);
  if (azs.size < 2 || azs.size !== props.subnetAvailabilityZones.length)
    fail(
      "subnetAvailabilityZones",
      props.subnetAvailabilityZones,
      "must be at least two distinct AZs, one subnet each (an ALB needs subnets in two or more AZs, at most one per AZ)",
    );
  if (!props.hostedZoneName === !props.certificateArn)
    fail(
      "certificateArn",
      props.certificateArn ?? null,
      "give exactly one of hostedZoneName (DNS-validated certificate) or certificateArn",
    );
  const tls = props.tlsPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06";
  if (!(ALB_TLS_POLICIES as readonly string[]).includes(tls))
    fail("tlsPolicy", tls, `must be one of ${ALB_TLS_POLICIES.join(", ")}`);
  const idle = props.idleTimeoutSeconds ?? 60;
  if (!Number.isInteger(idle) || idle < 1 || idle > 4000)
    fail("idleTimeoutSeconds", idle, "must be an integer 1-4000");
  const delay = props.deregistrationDelaySeconds ?? 30;
  if (!Number.isInteger(delay) || delay < 0 || delay > 3600)
    fail("deregistrationDelaySeconds", delay, "must be an integer 0-3600");
  if (!Number.isInteger(props.targetPort) || props.targetPort < 1 || props.targetPort > 65535)
    fail("targetPort", props.targetPort, "must be a port 1-65535");
  if (!props.healthCheckPath.startsWith("/"))
    fail("healthCheckPath", props.healthCheckPath, 'must be an absolute path like "/health"');
  if (/\/$/.test(props.accessLogs.prefix) || props.accessLogs.prefix.startsWith("/"))
    fail("accessLogs.prefix", props.accessLogs.prefix, "must not start or end with '/'");
}
