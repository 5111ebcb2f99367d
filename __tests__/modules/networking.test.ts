import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Networking, type NetworkingProps } from "../../modules/networking";
import { testPlatform } from "../helpers/fixtures";
import { type StackJson, resourcesOf, synthAll, synthScope, valuesOf } from "../helpers/synth";

/*
 * Three layers (design-seams change 7): the Networking construct on its own (synthScope,
 * GIVEN/WHEN/THEN), the committed prod stack against the seed's network (synthAll), and what dev and
 * staging do differently (synthAll).
 */

const props =
  (over: Partial<NetworkingProps> = {}) =>
  (scope: import("constructs").Construct) => {
    new Networking(scope, "net", {
      platform: testPlatform(scope, { namePrefix: "test" }),
      vpcCidr: "10.0.0.0/16",
      availabilityZones: ["us-east-2a", "us-east-2b"],
      publicSubnetCidrs: ["10.0.1.0/24", "10.0.2.0/24"],
      privateSubnetCidrs: ["10.0.3.0/24", "10.0.4.0/24"],
      ...over,
    });
  };

/** Follows each private subnet's route-table association to its default route's NAT, then the NAT's subnet. */
function natSubnetAzForPrivateSubnets(stack: StackJson): Array<{ subnetAz: string; natAz: string }> {
  const subnets = Object.fromEntries(resourcesOf(stack, "aws_subnet"));
  const tables = Object.fromEntries(resourcesOf(stack, "aws_route_table"));
  const nats = Object.fromEntries(resourcesOf(stack, "aws_nat_gateway"));
  const name = (ref: string) => ref.split(".")[1];
  return valuesOf(stack, "aws_route_table_association")
    .filter((a) => subnets[name(a.subnet_id)].tags.Tier === "private")
    .map((a) => {
      const route = tables[name(a.route_table_id)].route.find(
        (r: { cidr_block: string }) => r.cidr_block === "0.0.0.0/0",
      );
      const nat = nats[name(route.nat_gateway_id)];
      return {
        subnetAz: subnets[name(a.subnet_id)].availability_zone,
        natAz: subnets[name(nat.subnet_id)].availability_zone,
      };
    });
}

// ---- the construct -----------------------------------------------------------------------------

describe("Networking", () => {
  // GIVEN a stack and a platform (namePrefix "test")
  // WHEN Networking spans two AZs with the seed's CIDRs and its defaults (a NAT per AZ, no interface endpoints)
  const stack = synthScope(props());
  // WHEN it runs a single NAT and two interface endpoints instead
  const singleNatWithEndpoints = synthScope(
    props({ natGateways: "single", interfaceEndpoints: ["ecr.api", "logs"] }),
  );

  test("VPC with DNS support and hostnames", () => {
    // THEN
    expect(JSON.stringify(stack)).toHaveResourceWithProperties(Vpc, {
      cidr_block: "10.0.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
  });

  test("two public and two private subnets in distinct AZs, none mapping public IPs", () => {
    // THEN
    const subnets = valuesOf(stack, "aws_subnet");
    expect(subnets).toHaveLength(4);
    for (const tier of ["public", "private"]) {
      const inTier = subnets.filter((s) => s.tags.Tier === tier);
      expect(new Set(inTier.map((s) => s.availability_zone)).size).toBe(2);
    }
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  test("one NAT gateway per AZ, each with a VPC EIP, and each private subnet routes through the NAT in its own AZ", () => {
    // THEN
    expect(valuesOf(stack, "aws_nat_gateway")).toHaveLength(2);
    expect(JSON.stringify(stack)).toHaveResourceWithProperties(Eip, { domain: "vpc" });
    const routes = natSubnetAzForPrivateSubnets(stack);
    expect(routes).toHaveLength(2);
    for (const { subnetAz, natAz } of routes) expect(natAz).toBe(subnetAz);
  });

  test("single NAT mode routes every private subnet through one NAT", () => {
    // THEN
    expect(valuesOf(singleNatWithEndpoints, "aws_nat_gateway")).toHaveLength(1);
    expect(new Set(natSubnetAzForPrivateSubnets(singleNatWithEndpoints).map((r) => r.natAz)).size).toBe(1);
  });

  test("public route table sends 0.0.0.0/0 to the internet gateway", () => {
    // THEN
    const publicTable = valuesOf(stack, "aws_route_table").find((t) =>
      t.route.some((r: { gateway_id?: string }) => r.gateway_id),
    );
    expect(publicTable.route).toEqual([
      expect.objectContaining({
        cidr_block: "0.0.0.0/0",
        gateway_id: expect.stringContaining("aws_internet_gateway."),
      }),
    ]);
  });

  test("NACLs: public allows 443/80 and NAT return ports from the internet, private only VPC and Linux return ports", () => {
    // THEN
    const [priv, pub] = ["private", "public"].map((tier) =>
      valuesOf(stack, "aws_network_acl").find((n) => n.tags.Name === `test-${tier}`),
    );
    const ports = (rules: { cidr_block: string; from_port: number; to_port: number }[]) =>
      rules
        .filter((r) => r.cidr_block === "0.0.0.0/0")
        .map((r) => `${r.from_port}-${r.to_port}`)
        .sort();
    expect(ports(pub.ingress)).toEqual(["1024-65535", "443-443", "80-80"]);
    expect(ports(pub.egress)).toEqual(["1024-65535", "443-443"]);
    // private: only the return traffic of Linux hosts' NAT'd connections, so never 22 or 3389 from anywhere
    expect(ports(priv.ingress)).toEqual(["32768-65535"]);
    expect(ports(priv.egress)).toEqual(["443-443"]);
    for (const nacl of [pub, priv]) {
      const allProtocol = [...nacl.ingress, ...nacl.egress].filter(
        (r: { protocol: string }) => r.protocol === "-1",
      );
      expect(allProtocol.every((r: { cidr_block: string }) => r.cidr_block === "10.0.0.0/16")).toBe(true);
    }
  });

  test("flow logs: ALL traffic to an encrypted 30-day log group via log_destination", () => {
    // THEN
    expect(JSON.stringify(stack)).toHaveResourceWithProperties(FlowLog, {
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
    });
    const flow = valuesOf(stack, "aws_flow_log")[0];
    expect(flow.log_group_name).toBeUndefined();
    expect(flow.log_destination).toMatch(/^\$\{aws_cloudwatch_log_group\..+\.arn\}$/);
    const group = valuesOf(stack, "aws_cloudwatch_log_group")[0];
    expect(group.retention_in_days).toBe(30);
    expect(group.kms_key_id).toMatch(/aws_kms_key/);
  });

  test("flow-log role: AWS's documented write actions, DescribeLogGroups scoped to the account's groups", () => {
    // THEN
    const flow = valuesOf(stack, "aws_flow_log")[0];
    const roleName = /^\$\{aws_iam_role\.(.+)\.arn\}$/.exec(flow.iam_role_arn)![1];
    const policy = valuesOf(stack, "aws_iam_role_policy").find(
      (p) => p.role === `\${aws_iam_role.${roleName}.id}`,
    );
    const statements: { Action: string | string[]; Resource: string | string[] }[] = JSON.parse(
      policy.policy,
    ).Statement;
    const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(actions.sort()).toEqual(
      [
        "logs:CreateLogStream",
        "logs:DescribeLogGroups",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
      ].sort(),
    );
    const describe = statements.find((s) =>
      ([] as string[]).concat(s.Action).includes("logs:DescribeLogGroups"),
    )!;
    // CKV_AWS_355: no "*" resource; the API lists groups, so the account/region-wide group ARN is the narrowest.
    expect(describe.Resource).toBe("arn:aws:logs:us-east-2:123456789012:log-group:*");
    for (const s of statements) expect(([] as string[]).concat(s.Resource)).not.toContain("*");
  });

  test("default security group, NACL and route table are managed with no rules", () => {
    // THEN
    const sg = valuesOf(stack, "aws_default_security_group")[0];
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    expect(valuesOf(stack, "aws_default_network_acl")[0].ingress).toBeUndefined();
    expect(valuesOf(stack, "aws_default_route_table")[0].route).toEqual([]);
  });

  test("S3 gateway endpoint on the private route tables; interface endpoints only when configured", () => {
    // THEN
    const endpoints = valuesOf(stack, "aws_vpc_endpoint");
    expect(endpoints).toEqual([
      expect.objectContaining({ service_name: "com.amazonaws.us-east-2.s3", vpc_endpoint_type: "Gateway" }),
    ]);
    expect(endpoints[0].route_table_ids).toHaveLength(2);
    const iface = valuesOf(singleNatWithEndpoints, "aws_vpc_endpoint").filter(
      (e) => e.vpc_endpoint_type === "Interface",
    );
    expect(iface.map((e) => e.service_name).sort()).toEqual([
      "com.amazonaws.us-east-2.ecr.api",
      "com.amazonaws.us-east-2.logs",
    ]);
    expect(iface.every((e) => e.private_dns_enabled === true)).toBe(true);
  });

  test("rejects subnets that do not match the AZs", () => {
    // WHEN one private CIDR for two AZs, or one AZ twice
    const oneCidr = () => synthScope(props({ privateSubnetCidrs: ["10.0.3.0/24"] }));
    const sameAz = () => synthScope(props({ availabilityZones: ["us-east-2a", "us-east-2a"] }));
    // THEN
    expect(oneCidr).toThrow(/one CIDR per availability zone/);
    expect(sameAz).toThrow(/distinct AZs/);
  });
});

// ---- the committed stacks ----------------------------------------------------------------------

describe("prod stack: seed values", () => {
  const prod = synthAll().prod;

  test("CIDR 10.0.0.0/16, public 10.0.1.0/24 + 10.0.2.0/24, private 10.0.3.0/24 + 10.0.4.0/24, 2 NAT gateways", () => {
    expect(valuesOf(prod, "aws_vpc").map((v) => v.cidr_block)).toEqual(["10.0.0.0/16"]);
    const cidrs = (tier: string) =>
      valuesOf(prod, "aws_subnet")
        .filter((s) => s.tags.Tier === tier)
        .map((s) => s.cidr_block)
        .sort();
    expect(cidrs("public")).toEqual(["10.0.1.0/24", "10.0.2.0/24"]);
    expect(cidrs("private")).toEqual(["10.0.3.0/24", "10.0.4.0/24"]);
    expect(valuesOf(prod, "aws_nat_gateway")).toHaveLength(2);
    expect(natSubnetAzForPrivateSubnets(prod).every((r) => r.natAz === r.subnetAz)).toBe(true);
  });
});

describe("per environment: dev and staging differ from prod", () => {
  test("dev uses a single NAT to save cost; staging keeps one per AZ", () => {
    expect(valuesOf(synthAll().dev, "aws_nat_gateway")).toHaveLength(1);
    expect(valuesOf(synthAll().staging, "aws_nat_gateway")).toHaveLength(2);
  });
});
