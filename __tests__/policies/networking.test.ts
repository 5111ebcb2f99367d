import { networkingRules } from "../../policies/rules/networking";
import { changing, failingRules, notPassedByCommittedStacks, passingRules } from "../helpers/policy";
import type { StackJson } from "../helpers/synth";

/*
 * policies/rules/networking.ts: the VPC, its subnets, flow log, Elastic IPs and network ACLs. Compliant:
 * the committed stacks. Non-compliant: a hand-written VPC and subnet, and prod's network changed one
 * setting at a time.
 */

const rules = networkingRules;
/** An ingress entry of a network ACL from anywhere. */
const fromAnywhere = (ruleNo: number, action: string, port: number) => ({
  rule_no: ruleNo,
  action,
  protocol: "tcp",
  cidr_block: "0.0.0.0/0",
  from_port: port,
  to_port: port,
});
/** A `mutate` that changes prod's private network ACL. */
const privateNacl = (change: (nacl: any) => void) =>
  changing("aws_network_acl", "networking/private-nacl", change);

describe("networking rules", () => {
  test("the committed stacks pass every networking rule, and each applies to one of them", () => {
    expect(notPassedByCommittedStacks(rules)).toEqual([]);
  });

  describe("on a hand-written VPC without flow log, default security group or NACL", () => {
    const failed = failingRules({
      stack: {
        resource: {
          aws_vpc: { v: { cidr_block: "10.0.0.0/16" } },
          aws_subnet: { s: { vpc_id: "${aws_vpc.v.id}", map_public_ip_on_launch: true } },
        },
      },
      rules,
    });

    test.each(["CKV2_AWS_11", "CKV2_AWS_12", "CKV_AWS_130", "AAI-VPC-004"])("%s fails", (id) => {
      expect(failed).toContain(id);
    });
  });

  test.each<[string, string, (json: StackJson) => void]>([
    [
      "AAI-VPC-001",
      "a flow log that captures rejected traffic only",
      changing("aws_flow_log", "networking/flow-log", (v) => (v.traffic_type = "REJECT")),
    ],
    [
      "AAI-VPC-001",
      "a flow log with the removed log_group_name",
      changing("aws_flow_log", "networking/flow-log", (v) => (v.log_group_name = "flow-logs")),
    ],
    [
      "AAI-VPC-002",
      "an Elastic IP with the removed vpc argument",
      changing("aws_eip", "networking/nat-eip-0", (v) => {
        delete v.domain;
        v.vpc = true;
      }),
    ],
    [
      "AAI-VPC-003",
      "an all-protocol NACL entry from the internet",
      privateNacl((v) => v.ingress.push({ ...fromAnywhere(90, "allow", 0), protocol: "-1" })),
    ],
    [
      "AAI-VPC-004",
      "a subnet left to the default NACL",
      privateNacl((v) => (v.subnet_ids = v.subnet_ids.slice(1))),
    ],
    [
      "CKV_AWS_230",
      "FTP data (20) open to the internet",
      privateNacl((v) => v.ingress.push(fromAnywhere(90, "allow", 20))),
    ],
    [
      "CKV_AWS_229",
      "FTP (21) open to the internet",
      privateNacl((v) => v.ingress.push(fromAnywhere(90, "allow", 21))),
    ],
    [
      "CKV_AWS_232",
      "SSH (22) open to the internet",
      privateNacl((v) => v.ingress.push(fromAnywhere(90, "allow", 22))),
    ],
  ])("%s fails on %s", (id, _, mutate) => {
    expect(failingRules({ rules, mutate })).toContain(id);
  });

  // The checkov check waived in .checkov.yaml stays enforced wherever its waiver does not reach.
  test("CKV_AWS_231 (RDP from anywhere): the private NACL passes; widening its return range fails", () => {
    const rdp = { rules: rules.filter((r) => r.id === "CKV_AWS_231"), show: "path" as const };
    expect(passingRules(rdp)).toEqual(["CKV_AWS_231 prod/networking/private-nacl"]);
    expect(failingRules({ ...rdp, waived: true })).toEqual(["CKV_AWS_231 prod/networking/public-nacl"]);
    expect(failingRules(rdp)).toEqual([]);
    const widen = (v: any) => (v.ingress.find((r: any) => r.cidr_block === "0.0.0.0/0").from_port = 1024);
    expect(failingRules({ ...rdp, mutate: privateNacl(widen) })).toContain(
      "CKV_AWS_231 prod/networking/private-nacl",
    );
    // a deny for the port ahead of the allow passes, as in checkov
    const denied = privateNacl((v) => {
      widen(v);
      v.ingress.push(fromAnywhere(50, "deny", 3389));
    });
    expect(passingRules({ ...rdp, mutate: denied })).toContain("CKV_AWS_231 prod/networking/private-nacl");
  });
});
