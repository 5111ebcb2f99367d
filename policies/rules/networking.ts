import { type Rule, blocks, referencing, resourcesOf } from "../engine";

const ANYWHERE = "0.0.0.0/0";

/**
 * checkov's NACL port checks (AbsNACLUnrestrictedIngress): ingress rules in rule_no order; an allow
 * from anywhere with protocol -1 or a port range holding `port` fails, unless a deny for that port
 * from anywhere comes first.
 */
function naclIngressRule(id: string, port: number, service: string): Rule {
  const fromAnywhere = (r: Record<string, any>) => r.cidr_block === ANYWHERE || r.ipv6_cidr_block === "::/0";
  const covers = (r: Record<string, any>) =>
    String(r.protocol) === "-1" || (Number(r.from_port) <= port && port <= Number(r.to_port));
  return {
    id,
    controls: ["EC2.21"],
    description: `Network ACLs do not allow ingress from 0.0.0.0/0 to port ${port} (${service})`,
    severity: "HIGH",
    fix: `Narrow the range (private subnets: return traffic needs only 32768-65535), or put a deny for ${port} from 0.0.0.0/0 before the allow.`,
    resourceTypes: ["aws_network_acl"],
    check: (nacl) => {
      const rules = [...blocks(nacl.values.ingress)].sort((a, b) => Number(a.rule_no) - Number(b.rule_no));
      for (const r of rules) {
        if (!fromAnywhere(r) || !covers(r)) continue;
        if (r.action === "deny") return true;
        if (r.action === "allow")
          return `rule ${r.rule_no} allows ${r.from_port}-${r.to_port} from anywhere, port ${port} included`;
      }
      return true;
    },
  };
}

export const networkingRules: Rule[] = [
  {
    id: "CKV2_AWS_11",
    controls: ["EC2.6"],
    description: "VPC flow logging is enabled",
    severity: "MEDIUM",
    fix: "Create an aws_flow_log for the VPC (the Networking construct does).",
    resourceTypes: ["aws_vpc"],
    check: (vpc, stack) =>
      referencing(stack, "aws_flow_log", vpc).length > 0 || "no aws_flow_log references this VPC",
  },
  {
    id: "AAI-VPC-001",
    description:
      "Flow logs go to CloudWatch through log_destination (log_group_name was removed in provider v6) and capture ALL traffic",
    severity: "MEDIUM",
    fix: "Set log_destination_type = cloud-watch-logs, log_destination = <log group ARN>, traffic_type = ALL.",
    resourceTypes: ["aws_flow_log"],
    check: (flow) => {
      const v = flow.values;
      if (v.log_group_name) return "uses removed argument log_group_name";
      if (!v.log_destination) return "log_destination is not set";
      if (v.traffic_type !== "ALL") return `traffic_type is ${v.traffic_type}, expected ALL`;
      return true;
    },
  },
  {
    id: "CKV2_AWS_12",
    controls: ["EC2.2"],
    description: "The VPC's default security group restricts all traffic",
    severity: "MEDIUM",
    fix: "Declare aws_default_security_group for the VPC with no ingress or egress rules.",
    resourceTypes: ["aws_vpc"],
    check: (vpc, stack) => {
      const groups = referencing(stack, "aws_default_security_group", vpc);
      if (groups.length === 0) return "no aws_default_security_group manages this VPC's default group";
      const open = groups.find(
        (g) => blocks(g.values.ingress).length > 0 || blocks(g.values.egress).length > 0,
      );
      return open ? "the default security group has rules" : true;
    },
  },
  {
    id: "CKV_AWS_130",
    controls: ["EC2.15"],
    description: "Subnets do not assign public IPs on launch",
    severity: "MEDIUM",
    fix: "Set map_public_ip_on_launch = false (the ALB and NAT gateways do not need it).",
    resourceTypes: ["aws_subnet"],
    check: (subnet) => subnet.values.map_public_ip_on_launch !== true || "map_public_ip_on_launch is true",
  },
  {
    id: "AAI-VPC-002",
    description: 'Elastic IPs use domain = "vpc" (the vpc argument was removed in provider v6)',
    severity: "HIGH",
    fix: 'Set domain = "vpc" and remove vpc = true.',
    resourceTypes: ["aws_eip"],
    check: (eip) =>
      (eip.values.vpc === undefined && eip.values.domain === "vpc") ||
      'expected domain = "vpc" and no vpc argument',
  },
  {
    id: "AAI-VPC-003",
    description: "Network ACLs allow all-port traffic only from inside the VPC, never from the internet",
    severity: "HIGH",
    fix: "Scope all-protocol NACL rules to the VPC CIDR; open only the ports the tier serves to 0.0.0.0/0.",
    resourceTypes: ["aws_network_acl"],
    check: (nacl) => {
      const open = blocks(nacl.values.ingress).find(
        (r) =>
          r.action === "allow" &&
          r.cidr_block === ANYWHERE &&
          (r.protocol === "-1" || (r.from_port === 0 && r.to_port === 65535)),
      );
      return open ? `rule ${open.rule_no} allows all traffic from ${ANYWHERE}` : true;
    },
  },
  {
    id: "AAI-VPC-004",
    description: "Every subnet is associated with a network ACL the project manages (not the default NACL)",
    severity: "MEDIUM",
    fix: "List the subnet in an aws_network_acl's subnet_ids.",
    resourceTypes: ["aws_subnet"],
    check: (subnet, stack) =>
      resourcesOf(stack, "aws_network_acl").some((n) =>
        JSON.stringify(n.values.subnet_ids ?? []).includes(`${subnet.address}.`),
      ) || "no aws_network_acl covers this subnet",
  },
  naclIngressRule("CKV_AWS_230", 20, "FTP data"),
  naclIngressRule("CKV_AWS_229", 21, "FTP"),
  naclIngressRule("CKV_AWS_232", 22, "SSH"),
  naclIngressRule("CKV_AWS_231", 3389, "RDP"),
];
