import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultRouteTable } from "@cdktf/provider-aws/lib/default-route-table";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import {
  NetworkAcl,
  type NetworkAclEgress,
  type NetworkAclIngress,
} from "@cdktf/provider-aws/lib/network-acl";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct } from "constructs";
import { REGION } from "../../lib/naming";
import { type Platform, StackContext, type TierOutputs } from "../platform";
import { EncryptedLogGroup } from "../security/log-group";
import { SecurityGroup } from "../security/security-group";
import { ServiceRole } from "../security/service-role";
import type { INetwork } from "./network";

export type { INetwork } from "./network";

export interface NetworkingProps {
  /** Name prefix (tags, roles), the CMK and retention of the flow-log group. */
  readonly platform: Platform;
  /** VPC CIDR (the seed: 10.0.0.0/16). */
  readonly vpcCidr: string;
  /** AZs, one per subnet pair, in order. */
  readonly availabilityZones: readonly string[];
  /** Public subnet CIDRs in AZ order (the seed: 10.0.1.0/24, 10.0.2.0/24). */
  readonly publicSubnetCidrs: readonly string[];
  /** Private subnet CIDRs in AZ order (the seed: 10.0.3.0/24, 10.0.4.0/24). */
  readonly privateSubnetCidrs: readonly string[];
  /** "one-per-az": each private subnet routes through the NAT in its AZ. "single": all share the first. @default "one-per-az" */
  readonly natGateways?: "one-per-az" | "single";
  /** Interface endpoint services (e.g. "ecr.api"), created in the private subnets. @default [] */
  readonly interfaceEndpoints?: readonly string[];
  /** Flow-log aggregation interval (60 or 600 s). @default 600 */
  readonly flowLogAggregationSeconds?: number;
}

/** Ports the public tier serves to the internet (ALB HTTPS, and HTTP only to redirect). */
const PUBLIC_INGRESS_PORTS = [443, 80];
/** Ports the private tier may use to reach the internet through NAT (HTTPS: ECR, AWS APIs, image registries). */
const PRIVATE_EGRESS_PORTS = [443];
/** Ports a NAT gateway gives its connections (AWS: NAT gateway network ACLs), so its return traffic. */
const EPHEMERAL = { fromPort: 1024, toPort: 65535 };
/**
 * Return traffic into the private subnets: only for connections their own Linux hosts opened through
 * the NAT (Fargate tasks, the Qdrant host), whose source ports come from Linux's 32768-60999. Narrower
 * than 1024-65535, so no internet source reaches 22 or 3389 (CKV_AWS_231/232, EC2.21).
 */
const LINUX_EPHEMERAL = { fromPort: 32768, toPort: 65535 };
const ANYWHERE = "0.0.0.0/0";

/**
 * The VPC of the seed: public and private subnets across AZs, an internet gateway, one NAT gateway per
 * AZ (or one shared NAT in dev), NACLs that allow only what the stack uses, flow logs to an encrypted
 * log group, the default security group, NACL and route table locked down, and VPC endpoints.
 */
export class Networking extends Construct implements INetwork {
  public readonly vpcId: string;
  public readonly vpcCidr: string;
  public readonly availabilityZones: readonly string[];
  public readonly publicSubnetIds: string[];
  public readonly privateSubnetIds: string[];
  public readonly privateRouteTableIds: string[];
  public readonly natGatewayIds: string[];
  /** Managed prefix list of the S3 gateway endpoint (for security-group egress to S3). */
  public readonly s3PrefixListId: string;
  /** Root outputs: vpc_id, public/private_subnet_ids, availability_zones. */
  public readonly outputs: TierOutputs;
  private readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: NetworkingProps) {
    super(scope, id);
    const azs = props.availabilityZones;
    if (azs.length < 2 || new Set(azs).size !== azs.length)
      throw new Error(
        `Networking: availabilityZones must list at least two distinct AZs, got ${azs.join(", ")}`,
      );
    if (props.publicSubnetCidrs.length !== azs.length || props.privateSubnetCidrs.length !== azs.length)
      throw new Error(
        "Networking: publicSubnetCidrs and privateSubnetCidrs need one CIDR per availability zone",
      );
    this.namePrefix = props.platform.namePrefix;
    const name = (suffix: string) => ({ Name: props.platform.name(suffix) });

    const vpc = new Vpc(this, "vpc", {
      cidrBlock: props.vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: name("vpc"),
    });
    this.vpcId = vpc.id;
    this.vpcCidr = props.vpcCidr;
    this.availabilityZones = azs;

    // Lock down the defaults AWS creates with every VPC (FSBP EC2.2): no rules, no routes.
    new DefaultSecurityGroup(this, "default-sg", { vpcId: vpc.id, tags: name("default-do-not-use") });
    new DefaultNetworkAcl(this, "default-nacl", {
      defaultNetworkAclId: vpc.defaultNetworkAclId,
      tags: name("default-do-not-use"),
      lifecycle: { ignoreChanges: ["subnet_ids"] },
    });
    new DefaultRouteTable(this, "default-rt", {
      defaultRouteTableId: vpc.defaultRouteTableId,
      route: [],
      tags: name("default-do-not-use"),
    });

    const igw = new InternetGateway(this, "igw", { vpcId: vpc.id, tags: name("igw") });

    const subnets = (tier: "public" | "private", cidrs: readonly string[]) =>
      cidrs.map(
        (cidrBlock, i) =>
          new Subnet(this, `${tier}-${i}`, {
            vpcId: vpc.id,
            cidrBlock,
            availabilityZone: azs[i],
            mapPublicIpOnLaunch: false,
            tags: { ...name(`${tier}-${azs[i]}`), Tier: tier },
          }),
      );
    const publicSubnets = subnets("public", props.publicSubnetCidrs);
    const privateSubnets = subnets("private", props.privateSubnetCidrs);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);

    const publicRouteTable = new RouteTable(this, "public-rt", {
      vpcId: vpc.id,
      route: [{ cidrBlock: ANYWHERE, gatewayId: igw.id }],
      tags: name("public"),
    });
    publicSubnets.forEach((subnet, i) => {
      new RouteTableAssociation(this, `public-rta-${i}`, {
        subnetId: subnet.id,
        routeTableId: publicRouteTable.id,
      });
    });

    const natCount = (props.natGateways ?? "one-per-az") === "single" ? 1 : azs.length;
    const nats = publicSubnets.slice(0, natCount).map((subnet, i) => {
      const eip = new Eip(this, `nat-eip-${i}`, { domain: "vpc", tags: name(`nat-${azs[i]}`) });
      return new NatGateway(this, `nat-${i}`, {
        allocationId: eip.allocationId,
        subnetId: subnet.id,
        tags: name(`nat-${azs[i]}`),
        dependsOn: [igw],
      });
    });
    this.natGatewayIds = nats.map((n) => n.id);

    // Each private subnet leaves the VPC through the NAT in its own AZ (or the single shared NAT).
    const privateRouteTables = privateSubnets.map((subnet, i) => {
      const table = new RouteTable(this, `private-rt-${i}`, {
        vpcId: vpc.id,
        route: [{ cidrBlock: ANYWHERE, natGatewayId: nats[Math.min(i, nats.length - 1)].id }],
        tags: name(`private-${azs[i]}`),
      });
      new RouteTableAssociation(this, `private-rta-${i}`, { subnetId: subnet.id, routeTableId: table.id });
      return table;
    });
    this.privateRouteTableIds = privateRouteTables.map((t) => t.id);

    this.createNetworkAcls(props, publicSubnets, privateSubnets);
    this.createFlowLogs(props, vpc.id);

    const s3 = new VpcEndpoint(this, "s3-endpoint", {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${REGION}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: this.privateRouteTableIds,
      tags: name("s3"),
    });
    this.s3PrefixListId = s3.prefixListId;

    const services = props.interfaceEndpoints ?? [];
    if (services.length > 0) {
      const endpointSg = new SecurityGroup(this, "endpoint-sg", {
        vpcId: vpc.id,
        name: props.platform.name("vpc-endpoints"),
        description: "Interface VPC endpoints: HTTPS from inside the VPC",
        peerName: "vpc-endpoints",
      });
      endpointSg.allowIngress(
        { cidr: props.vpcCidr, name: "vpc" },
        443,
        "HTTPS from the VPC to AWS service endpoints",
      );
      for (const service of services) {
        new VpcEndpoint(this, `endpoint-${service.replace(/\./g, "-")}`, {
          vpcId: vpc.id,
          serviceName: `com.amazonaws.${REGION}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: this.privateSubnetIds,
          securityGroupIds: [endpointSg.securityGroupId],
          tags: name(service),
        });
      }
    }
    this.outputs = {
      vpc_id: { value: this.vpcId, description: "VPC id" },
      public_subnet_ids: { value: this.publicSubnetIds, description: "Public subnet ids, in AZ order" },
      private_subnet_ids: { value: this.privateSubnetIds, description: "Private subnet ids, in AZ order" },
      availability_zones: { value: this.availabilityZones, description: "Availability zones used" },
    };
  }

  /**
   * Stateless NACLs: public subnets take 443/80 from the internet and return traffic on ephemeral
   * ports; private subnets take only VPC traffic and return traffic from NAT'd connections.
   */
  private createNetworkAcls(props: NetworkingProps, publicSubnets: Subnet[], privateSubnets: Subnet[]): void {
    const allow = (
      ruleNo: number,
      cidrBlock: string,
      fromPort: number,
      toPort = fromPort,
      protocol = "tcp",
    ) => ({
      ruleNo,
      action: "allow",
      protocol,
      cidrBlock,
      fromPort,
      toPort,
    });
    const fromVpc = allow(100, props.vpcCidr, 0, 0, "-1");

    const publicIngress: NetworkAclIngress[] = [
      fromVpc,
      ...PUBLIC_INGRESS_PORTS.map((port, i) => allow(110 + i * 10, ANYWHERE, port)),
      allow(200, ANYWHERE, EPHEMERAL.fromPort, EPHEMERAL.toPort),
    ];
    const publicEgress: NetworkAclEgress[] = [
      fromVpc,
      ...PRIVATE_EGRESS_PORTS.map((port, i) => allow(110 + i * 10, ANYWHERE, port)),
      allow(200, ANYWHERE, EPHEMERAL.fromPort, EPHEMERAL.toPort),
    ];
    new NetworkAcl(this, "public-nacl", {
      vpcId: this.vpcId,
      subnetIds: publicSubnets.map((s) => s.id),
      ingress: publicIngress,
      egress: publicEgress,
      tags: { Name: `${this.namePrefix}-public` },
    });

    new NetworkAcl(this, "private-nacl", {
      vpcId: this.vpcId,
      subnetIds: privateSubnets.map((s) => s.id),
      ingress: [fromVpc, allow(200, ANYWHERE, LINUX_EPHEMERAL.fromPort, LINUX_EPHEMERAL.toPort)],
      egress: [fromVpc, ...PRIVATE_EGRESS_PORTS.map((port, i) => allow(110 + i * 10, ANYWHERE, port))],
      tags: { Name: `${this.namePrefix}-private` },
    });
  }

  private createFlowLogs(props: NetworkingProps, vpcId: string): void {
    const { platform } = props;
    const logGroup = new EncryptedLogGroup(this, "flow-logs", {
      platform,
      name: `/${platform.namePrefix}/vpc-flow-logs`,
    });
    const role = new ServiceRole(this, "flow-logs-role", {
      roleName: platform.name("vpc-flow-logs"),
      description: "VPC flow logs delivery to CloudWatch Logs",
      servicePrincipal: "vpc-flow-logs.amazonaws.com",
    });
    logGroup.grantWrite(role);
    // AWS's documented flow-log policy also lists logs:DescribeLogGroups. It names no single group (the
    // API lists groups), so it is scoped to this account's groups in this region, the narrowest ARN it
    // takes. CreateLogGroup from that policy is left out: Terraform creates the group above.
    role.addToPolicy({
      actions: ["logs:DescribeLogGroups"],
      resources: [`arn:aws:logs:${REGION}:${StackContext.of(this).accountId}:log-group:*`],
    });
    new FlowLog(this, "flow-log", {
      vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.logGroupArn,
      iamRoleArn: role.roleArn,
      maxAggregationInterval: props.flowLogAggregationSeconds ?? 600,
      tags: { Name: platform.name("vpc") },
    });
  }
}
