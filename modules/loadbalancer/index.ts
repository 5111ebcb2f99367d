import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { ServiceLoadBalancing } from "../ecs/service";
import type { INetwork } from "../networking/network";
import type { Platform, TierOutputs } from "../platform";
import type { Connections, IConnectable } from "../security/connections";
import { SecurityGroup } from "../security/security-group";
import { ListenerCertificate } from "./certificate";
import { loadErrorPages } from "./error-pages";
import { addListeners } from "./listeners";
import { ALB_TLS_POLICIES, type AlbTlsPolicy } from "./tls";
import { WebApplicationFirewall } from "./waf";

export { ALB_TLS_POLICIES, type AlbTlsPolicy } from "./tls";

/** LB and target-group names: <= 32 chars of A-Z a-z 0-9 and '-', no leading/trailing '-' (TPA#1968). */
const LB_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;
/** aws_lb_target_group.name_prefix: at most 6 characters. */
export const TARGET_GROUP_NAME_PREFIXES = { primary: "api-", alternate: "alt-" } as const;

export { RULE_PRIORITY } from "./listeners";

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
  /** Names, and the CMK and retention of the WAF log group. */
  readonly platform: Platform;
  /** The ALB runs in the public subnets: at least two, in distinct AZs. */
  readonly network: INetwork;
  /** ALB name: <= 32 chars of A-Z, a-z, 0-9 and '-', not starting with "internal-". @default platform.name("alb") */
  readonly name?: string;
  /** WAF web ACL name; WAF logs go to the log group aws-waf-logs-<wafName>. @default platform.name("waf") */
  readonly wafName?: string;
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
  readonly tlsPolicy?: AlbTlsPolicy;
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
export class LoadBalancer extends Construct implements IConnectable {
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
  /** The ALB's security group: targets admit it with `lb.connections.allowTo(service)` (both ends). */
  public readonly connections: Connections;
  /** What an ECS service behind this ALB needs (target groups, listener rule, the ALB's connections). */
  public readonly serviceTarget: ServiceLoadBalancing;
  /** What the alarms watch: the ALB and target group ARN suffixes (CloudWatch dimensions). */
  public readonly alarmTargets: {
    readonly arnSuffix: string;
    readonly targetGroupArnSuffix: string;
    readonly alternateTargetGroupArnSuffix?: string;
  };
  /** Root outputs: alb_dns_name. */
  public readonly outputs: TierOutputs;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const { platform, network } = props;
    const name = props.name ?? platform.name("alb");
    validate(props, name);
    const pages = loadErrorPages(props.errorPagesDir);
    this.domainName = props.domainName;

    // Security group: HTTPS from anywhere (the seed); HTTP from anywhere only to be redirected to HTTPS.
    const securityGroup = new SecurityGroup(this, "security-group", {
      vpcId: network.vpcId,
      name,
      description: `${name}: HTTPS (and HTTP for the redirect only) from the internet; egress only to the service`,
      peerName: "alb",
      peerDescription: "the ALB",
    });
    this.connections = securityGroup.connections;
    securityGroup.allowIngress({ cidr: "0.0.0.0/0" }, 443, "HTTPS from the internet");
    securityGroup.allowIngress(
      { cidr: "0.0.0.0/0" },
      80,
      "HTTP from the internet, only answered with a 301 redirect to HTTPS",
    );
    this.securityGroupId = securityGroup.securityGroupId;

    const alb = new Lb(this, "alb", {
      name,
      internal: false,
      loadBalancerType: "application",
      ipAddressType: "ipv4",
      subnets: [...network.publicSubnetIds],
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
        vpcId: network.vpcId,
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
        tags: { Name: `${name}-${id}` },
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

    const { https, forward } = addListeners(this, {
      name,
      loadBalancerArn: alb.arn,
      certificateArn: certificate.certificateArn,
      tlsPolicy: props.tlsPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06",
      domainName: props.domainName,
      pages,
      primaryTargetGroupArn: primary.arn,
      alternateTargetGroupArn: alternate?.arn,
      maintenanceMode: props.maintenanceMode ?? false,
    });
    this.httpsListenerArn = https.arn;
    this.productionListenerRuleArn = forward.arn;
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
      name: props.wafName ?? platform.name("waf"),
      platform,
      loadBalancerArn: alb.arn,
      rateLimit: props.wafRateLimit,
      blockedPage: pages.blocked,
      rateLimitedPage: pages.rateLimited,
    });
    this.webAclArn = waf.webAclArn;

    this.serviceTarget = {
      connections: this.connections,
      targetGroupArn: this.targetGroupArn,
      listenerDependencies: this.listenerDependencies,
      alternateTargetGroupArn: this.alternateTargetGroupArn,
      productionListenerRuleArn: this.productionListenerRuleArn,
      listenerArn: this.httpsListenerArn,
    };
    this.alarmTargets = {
      arnSuffix: this.albArnSuffix,
      targetGroupArnSuffix: this.targetGroupArnSuffix,
      alternateTargetGroupArnSuffix: this.alternateTargetGroupArnSuffix,
    };
    this.outputs = {
      alb_dns_name: {
        value: this.albDnsName,
        description: "ALB DNS name (target of the domain's alias record)",
      },
    };
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

function validate(props: LoadBalancerProps, name: string): void {
  const fail = (field: string, value: unknown, rule: string) => {
    throw new Error(`LoadBalancer ${name}: ${field} = ${JSON.stringify(value)}: ${rule}`);
  };
  if (!LB_NAME.test(name) || name.startsWith("internal-"))
    fail(
      "name",
      name,
      "must be 1-32 chars of A-Z, a-z, 0-9 and '-', not starting or ending with '-' or starting with \"internal-\"",
    );
  const { publicSubnetIds, availabilityZones } = props.network;
  if (publicSubnetIds.length !== availabilityZones.length)
    fail(
      "network.availabilityZones",
      availabilityZones,
      `must give the AZ of each of the ${publicSubnetIds.length} public subnets`,
    );
  const azs = new Set(availabilityZones);
  if (azs.size < 2 || azs.size !== availabilityZones.length)
    fail(
      "network.availabilityZones",
      availabilityZones,
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
