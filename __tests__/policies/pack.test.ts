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

describe("rules and waivers", () => {
  test("a waiver turns a failure into 'waived' with its reason", () => {
    const stack = toStackDoc("prod", {
      resource: { aws_cloudwatch_log_group: { g: { "//": { metadata: { path: "prod/x/group" } } } } },
    });
    const findings = evaluate(stack, RULES, WAIVERS).filter((f) => f.rule.id === "CKV_AWS_338");
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

  test("every waiver is used: it matches a resource that fails its rule in some stack", () => {
    const stacks = synthAll();
    const findings = Object.keys(stacks).flatMap((name) =>
      evaluate(toStackDoc(name, stacks[name]), RULES, WAIVERS),
    );
    expect(unusedWaivers(findings, WAIVERS).map((w) => `${w.ruleId} ${w.path}`)).toEqual([]);
  });
});
