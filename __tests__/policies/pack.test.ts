import { evaluate, toStackDoc, waiverProblems } from "../../policies/engine";
import { type StackSummary, formatReport, summarize, unusedWaivers } from "../../policies/report";
import { RULES } from "../../policies/rules";
import { WAIVERS } from "../../policies/waivers";
import { synthAll } from "../helpers/synth";

describe("policy pack over every synthesized stack", () => {
  const stacks = synthAll();
  /** Each stack's summary, made once for the tests below. */
  const summaries = new Map<string, StackSummary>();
  const summaryOf = (name: string) => {
    if (!summaries.has(name)) summaries.set(name, summarize(toStackDoc(name, stacks[name])));
    return summaries.get(name)!;
  };

  test.each(Object.keys(stacks))("%s has no failed rule", (name) => {
    const summary = summaryOf(name);
    const failures = summary.findings
      .filter((f) => f.status === "failed")
      .map((f) => `${f.rule.id} ${f.resource.path}: ${f.detail}`);
    expect(failures).toEqual([]);
    expect(summary.passed).toBeGreaterThan(0);
    expect(summary.applicable).toBe(summary.passed + summary.waived + summary.failed);
  });

  test("the report has a row per stack and lists each waiver's justification", () => {
    const report = formatReport(Object.keys(stacks).map(summaryOf));
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
    // ...and a waiver whose path matches everything says so (scope: "global")
    expect(waiverProblems(WAIVERS, RULES)).toEqual([]);
  });
});

describe("AAI-KMS-003: service principals in key policies are confined to the account", () => {
  const keyWith = (statement: Record<string, unknown>) =>
    toStackDoc("prod", {
      resource: {
        aws_kms_key: {
          k: {
            enable_key_rotation: true,
            policy: JSON.stringify({
              Statement: [
                {
                  Sid: "AccountRootAdministers",
                  Effect: "Allow",
                  Principal: { AWS: "arn:aws:iam::123456789012:root" },
                  Action: "kms:*",
                  Resource: "*",
                },
                { Sid: "Svc", Effect: "Allow", Action: ["kms:Decrypt"], Resource: "*", ...statement },
              ],
            }),
          },
        },
      },
    });
  const status = (statement: Record<string, unknown>) =>
    evaluate(keyWith(statement), RULES, [])
      .filter((f) => f.rule.id === "AAI-KMS-003")
      .map((f) => f.status);

  test.each([
    ["no condition", { Principal: { Service: "secretsmanager.amazonaws.com" } }],
    [
      "a condition on an unrelated key",
      {
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Condition: { Bool: { "aws:SecureTransport": "true" } },
      },
    ],
    [
      "a wildcard source account",
      {
        Principal: { Service: ["budgets.amazonaws.com"] },
        Condition: { StringLike: { "aws:SourceAccount": "*" } },
      },
    ],
  ])("fails for a Service principal with %s", (_, statement) => {
    expect(status(statement)).toEqual(["failed"]);
  });

  test.each([
    [{ StringEquals: { "aws:SourceAccount": "123456789012" } }],
    [
      {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-2:123456789012:log-group:*" },
      },
    ],
    [{ StringEquals: { "kms:ViaService": "secretsmanager.us-east-2.amazonaws.com" } }],
  ])("passes with %j", (condition) => {
    expect(status({ Principal: { Service: "cloudwatch.amazonaws.com" }, Condition: condition })).toEqual([
      "passed",
    ]);
  });
});

describe("the checkov checks waived in .checkov.yaml stay enforced wherever their waiver does not reach", () => {
  const prod = synthAll().prod;
  const findings = (json: Record<string, any>, id: string) =>
    evaluate(toStackDoc("prod", json), RULES, WAIVERS)
      .filter((f) => f.rule.id === id)
      .map((f) => `${f.resource.path}: ${f.status}`);
  const at = (path: string) => ({ "//": { metadata: { path } } });
  const withResources = (extra: Record<string, Record<string, unknown>>) => {
    const json = structuredClone(prod);
    for (const [type, byName] of Object.entries(extra))
      json.resource[type] = { ...json.resource[type], ...byName };
    return json;
  };

  test("CKV_AWS_231 (RDP from anywhere): the private NACL passes; widening its return range fails", () => {
    expect(findings(prod, "CKV_AWS_231")).toEqual([
      "prod/networking/private-nacl: passed",
      "prod/networking/public-nacl: waived",
    ]);
    const wide = structuredClone(prod);
    const priv = Object.values<any>(wide.resource.aws_network_acl).find(
      (n) => n["//"].metadata.path === "prod/networking/private-nacl",
    );
    priv.ingress.find((r: any) => r.cidr_block === "0.0.0.0/0").from_port = 1024;
    expect(findings(wide, "CKV_AWS_231")).toContain("prod/networking/private-nacl: failed");
    // a deny for the port ahead of the allow passes, as in checkov
    priv.ingress.push({
      rule_no: 50,
      action: "deny",
      protocol: "tcp",
      cidr_block: "0.0.0.0/0",
      from_port: 3389,
      to_port: 3389,
    });
    expect(findings(wide, "CKV_AWS_231")).toContain("prod/networking/private-nacl: passed");
  });

  test("CKV2_AWS_57 (secret rotation): a new secret fails until it has a rotation", () => {
    const secret = { s: { ...at("prod/other/secret"), name: "x", kms_key_id: "${aws_kms_key.k.arn}" } };
    expect(findings(withResources({ aws_secretsmanager_secret: secret }), "CKV2_AWS_57")).toContain(
      "prod/other/secret: failed",
    );
    const rotated = withResources({
      aws_secretsmanager_secret: secret,
      aws_secretsmanager_secret_rotation: { r: { secret_id: "${aws_secretsmanager_secret.s.id}" } },
    });
    expect(findings(rotated, "CKV2_AWS_57")).toContain("prod/other/secret: passed");
  });

  test.each([
    ["CKV2_AWS_62", "aws_s3_bucket_notification"],
    ["CKV_AWS_144", "aws_s3_bucket_replication_configuration"],
  ])("%s: a new bucket fails until it has an %s", (id, companion) => {
    const bucket = { b: { ...at("prod/other/bucket"), bucket: "x" } };
    expect(findings(withResources({ aws_s3_bucket: bucket }), id)).toContain("prod/other/bucket: failed");
    const fixed = withResources({
      aws_s3_bucket: bucket,
      [companion]: { c: { bucket: "${aws_s3_bucket.b.id}" } },
    });
    expect(findings(fixed, id)).toContain("prod/other/bucket: passed");
  });

  test('CKV_AWS_355: an action with resource-level permissions on "*" fails (e.g. cloudwatch:DescribeAlarms)', () => {
    const policy = (action: string) => ({
      p: {
        ...at("prod/other/policy"),
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] }),
      },
    });
    expect(
      findings(withResources({ aws_iam_role_policy: policy("cloudwatch:DescribeAlarms") }), "CKV_AWS_355"),
    ).toContain("prod/other/policy: failed");
    expect(
      findings(withResources({ aws_iam_role_policy: policy("cloudwatch:GetMetricData") }), "CKV_AWS_355"),
    ).toContain("prod/other/policy: passed");
    // ecs:ListTasks (container-instance ARNs) on "*" only with an ecs:cluster condition, as cloudsplaining
    expect(
      findings(withResources({ aws_iam_role_policy: policy("ecs:ListTasks") }), "CKV_AWS_355"),
    ).toContain("prod/other/policy: failed");
  });

  test("every waiver is used: it matches a resource that fails its rule in some stack", () => {
    const stacks = synthAll();
    const findings = Object.keys(stacks).flatMap((name) =>
      evaluate(toStackDoc(name, stacks[name]), RULES, WAIVERS),
    );
    expect(unusedWaivers(findings, WAIVERS).map((w) => `${w.ruleId} ${w.path}`)).toEqual([]);
  });
});
