import { securityGroupRules } from "../../policies/rules/security-groups";
import { adding, atPath, changing, failingRules, notPassedByCommittedStacks } from "../helpers/policy";
import type { StackJson } from "../helpers/synth";

/*
 * policies/rules/security-groups.ts. Compliant: the committed stacks. Non-compliant: a hand-written open
 * rule, and prod with one security group or rule added or changed.
 */

const rules = securityGroupRules;
/** A `mutate` adding one described security group rule of `type` at prod/other/sg/rule. */
const rule = (type: "ingress" | "egress", values: Record<string, unknown>) =>
  adding({
    [`aws_vpc_security_group_${type}_rule`]: {
      x: { ...atPath("prod/other/sg/rule"), security_group_id: "sg-1", description: "test rule", ...values },
    },
  });
const tcpFromAnywhere = (port: number) =>
  rule("ingress", { ip_protocol: "tcp", from_port: port, to_port: port, cidr_ipv4: "0.0.0.0/0" });

describe("security group rules", () => {
  test("the committed stacks pass every security group rule, and each applies to one of them", () => {
    expect(notPassedByCommittedStacks(rules)).toEqual([]);
  });

  test.each(["CKV_AWS_277", "CKV_AWS_23"])(
    "%s fails on an undescribed all-traffic rule from anywhere",
    (id) => {
      const stack = {
        resource: {
          aws_vpc_security_group_ingress_rule: { r: { ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" } },
        },
      };
      expect(failingRules({ stack, rules })).toContain(id);
    },
  );

  test.each<[string, string, (json: StackJson) => void]>([
    [
      "AAI-SG-001",
      "a security group with an inline ingress block",
      changing(
        "aws_security_group",
        "cache/sg/group",
        (v) => (v.ingress = [{ from_port: 6379, to_port: 6379 }]),
      ),
    ],
    [
      "AAI-SG-002",
      "a rule naming two peers",
      rule("ingress", {
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        cidr_ipv4: "10.0.0.0/16",
        referenced_security_group_id: "sg-2",
      }),
    ],
    [
      "AAI-SG-002",
      "ports with ip_protocol -1",
      rule("egress", { ip_protocol: "-1", from_port: 0, to_port: 0, cidr_ipv4: "10.0.0.0/16" }),
    ],
    ["CKV_AWS_24", "SSH (22) open to the internet", tcpFromAnywhere(22)],
    ["CKV_AWS_25", "RDP (3389) open to the internet", tcpFromAnywhere(3389)],
    ["CKV_AWS_260", "HTTP (80) open to the internet outside the load balancer", tcpFromAnywhere(80)],
    [
      "CKV_AWS_382",
      "all-port egress to the internet",
      rule("egress", { ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" }),
    ],
  ])("%s fails on %s", (id, _, mutate) => {
    expect(failingRules({ rules, mutate })).toEqual([id]);
  });

  test("CKV_AWS_260 fails on the load balancer's port 80 without its waiver", () => {
    expect(failingRules({ rules, waivers: [], show: "path" })).toEqual([
      "CKV_AWS_260 prod/load-balancer/security-group/from-anywhere-80",
    ]);
  });
});
