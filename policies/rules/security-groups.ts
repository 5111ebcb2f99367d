import { type Rule, type TfResource, blocks } from "../engine";

const ANYWHERE = "0.0.0.0/0";
const RULE_TYPES = ["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"];

function coversPort(rule: Record<string, any>, port: number): boolean {
  if (rule.ip_protocol === "-1") return true;
  return rule.from_port <= port && port <= rule.to_port;
}

function openIngress(rule: TfResource, port: number): boolean {
  return (
    rule.type === "aws_vpc_security_group_ingress_rule" &&
    rule.values.cidr_ipv4 === ANYWHERE &&
    coversPort(rule.values, port)
  );
}

const noOpenIngress = (id: string, port: number, controls?: string[]): Rule => ({
  id,
  controls,
  description: `No security group allows ingress from 0.0.0.0/0 to port ${port}`,
  severity: port === 80 ? "LOW" : "HIGH",
  fix: `Remove the 0.0.0.0/0 rule on port ${port} or reference a security group instead.`,
  resourceTypes: ["aws_vpc_security_group_ingress_rule"],
  check: (rule) => !openIngress(rule, port) || `allows ${ANYWHERE} on port ${port}`,
});

export const securityGroupRules: Rule[] = [
  {
    id: "CKV_AWS_23",
    description: "Security groups and their rules have descriptions",
    severity: "LOW",
    fix: "Give every SecurityGroup and rule a description.",
    resourceTypes: ["aws_security_group", ...RULE_TYPES],
    check: (r) => !!r.values.description || "description is missing",
  },
  {
    id: "AAI-SG-001",
    description:
      "Security groups use standalone rules only (no inline ingress/egress mixed with rule resources)",
    severity: "MEDIUM",
    fix: "Use SecurityGroup.allowIngress/allowEgress (aws_vpc_security_group_*_rule), never inline blocks (TPA#32379).",
    resourceTypes: ["aws_security_group"],
    check: (g) =>
      (blocks(g.values.ingress).length === 0 && blocks(g.values.egress).length === 0) || "has inline rules",
  },
  {
    id: "AAI-SG-002",
    description: "Security group rules name exactly one peer and no ports with protocol -1",
    severity: "HIGH",
    fix: "Set exactly one of cidr_ipv4, cidr_ipv6, prefix_list_id, referenced_security_group_id; omit ports with ip_protocol -1.",
    resourceTypes: RULE_TYPES,
    check: (r) => {
      const peers = ["cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"].filter(
        (k) => r.values[k] !== undefined,
      );
      if (peers.length !== 1) return `names ${peers.length} peers`;
      if (
        r.values.ip_protocol === "-1" &&
        (r.values.from_port !== undefined || r.values.to_port !== undefined)
      )
        return "sets ports with ip_protocol -1 (InvalidParameterValue)";
      return true;
    },
  },
  noOpenIngress("CKV_AWS_24", 22, ["EC2.13"]),
  noOpenIngress("CKV_AWS_25", 3389, ["EC2.14"]),
  noOpenIngress("CKV_AWS_260", 80),
  {
    id: "CKV_AWS_277",
    controls: ["EC2.18"],
    description: "No security group allows all ports from 0.0.0.0/0",
    severity: "CRITICAL",
    fix: "Open single ports only.",
    resourceTypes: ["aws_vpc_security_group_ingress_rule"],
    check: (r) =>
      !(
        r.values.cidr_ipv4 === ANYWHERE &&
        (r.values.ip_protocol === "-1" || (r.values.from_port === 0 && r.values.to_port === 65535))
      ) || "allows all ports from 0.0.0.0/0",
  },
  {
    id: "CKV_AWS_382",
    description: "No security group allows all-port egress to 0.0.0.0/0",
    severity: "HIGH",
    fix: "Allow egress per port (443 to the internet, the data-store ports to their security groups).",
    resourceTypes: ["aws_vpc_security_group_egress_rule"],
    check: (r) =>
      !(
        r.values.cidr_ipv4 === ANYWHERE &&
        (r.values.ip_protocol === "-1" || (r.values.from_port === 0 && r.values.to_port === 65535))
      ) || "allows all-port egress to 0.0.0.0/0",
  },
];
