import { evaluate, toStackDoc } from "../policies/engine";
import { formatReport, summarize } from "../policies/report";
import { RULES } from "../policies/rules";
import { WAIVERS } from "../policies/waivers";
import { synthAll } from "./helpers/synth";

describe("policy pack over every synthesized stack", () => {
  const stacks = synthAll();
  test.each(Object.keys(stacks))("%s has no failed rule", (name) => {
    const summary = summarize(toStackDoc(name, stacks[name]));
    const failures = summary.findings
      .filter((f) => f.status === "failed")
      .map((f) => `${f.rule.id} ${f.resource.path}: ${f.detail}`);
    expect(failures).toEqual([]);
    expect(summary.passed).toBeGreaterThan(0);
  });

  test("the report has a row per stack and lists each waiver's justification", () => {
    const report = formatReport(Object.keys(stacks).map((name) => summarize(toStackDoc(name, stacks[name]))));
    for (const name of Object.keys(stacks))
      expect(report).toMatch(new RegExp(`^${name}\\s+\\d+\\s+\\d+`, "m"));
    expect(report).toContain("CKV_AWS_338: The seed requires 30-day log retention");
  });
});

describe("policy engine", () => {
  const bad = toStackDoc("prod", {
    terraform: {
      backend: { s3: { bucket: "b", key: "prod/terraform.tfstate", region: "us-east-2", encrypt: false } },
      required_version: ">= 1.11",
    },
    resource: {
      aws_vpc: { v: { cidr_block: "10.0.0.0/16" } },
      aws_subnet: { s: { vpc_id: "${aws_vpc.v.id}", map_public_ip_on_launch: true } },
      aws_kms_key: {
        k: {
          enable_key_rotation: false,
          policy: JSON.stringify({
            Statement: [{ Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }],
          }),
        },
      },
      aws_cloudwatch_log_group: { g: { "//": { metadata: { path: "prod/x/group" } } } },
      aws_vpc_security_group_ingress_rule: { r: { ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" } },
      aws_iam_role_policy: {
        p: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }) },
      },
    },
  });
  const failed = new Set(
    evaluate(bad, RULES, WAIVERS)
      .filter((f) => f.status === "failed")
      .map((f) => f.rule.id),
  );

  test.each([
    "CKV2_AWS_11",
    "CKV2_AWS_12",
    "CKV_AWS_130",
    "CKV_AWS_7",
    "CKV_AWS_33",
    "AAI-KMS-001",
    "CKV_AWS_158",
    "CKV_AWS_66",
    "AAI-TF-001",
    "CKV_AWS_277",
    "CKV_AWS_23",
    "CKV_AWS_63",
    "CKV_AWS_355",
  ])("%s fails on a misconfigured resource", (id) => {
    expect(failed).toContain(id);
  });

  test("a waiver turns a failure into 'waived' with its reason", () => {
    const findings = evaluate(bad, RULES, WAIVERS).filter((f) => f.rule.id === "CKV_AWS_338");
    expect(findings.map((f) => f.status)).toEqual(["waived"]);
    expect(findings[0].detail).toMatch(/30-day/);
  });

  test("every rule has an id, description, severity and fix; ids are unique; every waiver has a reason and a known rule", () => {
    for (const r of RULES) expect([r.id, r.description, r.severity, r.fix].every(Boolean)).toBe(true);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const w of WAIVERS) {
      expect(w.reason.length).toBeGreaterThan(20);
      expect(RULES.map((r) => r.id)).toContain(w.ruleId);
    }
  });
});
