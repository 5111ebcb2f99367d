import { type Finding, type Rule, type StackDoc, type Waiver, evaluate } from "./engine";
import { RULES } from "./rules";
import { WAIVERS } from "./waivers";

export interface StackSummary {
  readonly stack: string;
  /** Distinct rules that applied to at least one resource. */
  readonly rules: number;
  /** Rule x resource checks that applied: passed + waived + failed. */
  readonly applicable: number;
  readonly passed: number;
  readonly waived: number;
  readonly failed: number;
  /** Rule x resource pairs of a matching type that the rule does not concern. */
  readonly notApplicable: number;
  /** Every finding, "not_applicable" ones included. */
  readonly findings: readonly Finding[];
}

export function summarize(
  stack: StackDoc,
  rules: readonly Rule[] = RULES,
  waivers: readonly Waiver[] = WAIVERS,
): StackSummary {
  const findings = evaluate(stack, rules, waivers, { notApplicable: true });
  const count = (status: Finding["status"]) => findings.filter((f) => f.status === status).length;
  const applicable = findings.filter((f) => f.status !== "not_applicable");
  return {
    stack: stack.name,
    rules: new Set(applicable.map((f) => f.rule.id)).size,
    applicable: applicable.length,
    passed: count("passed"),
    waived: count("waived"),
    failed: count("failed"),
    notApplicable: count("not_applicable"),
    findings,
  };
}

/** Waivers that waive nothing in any of the findings (stale: the resource or the failure is gone). */
export function unusedWaivers(findings: readonly Finding[], waivers: readonly Waiver[] = WAIVERS): Waiver[] {
  const used = new Set(findings.map((f) => f.waiver));
  return waivers.filter((w) => !used.has(w));
}

/**
 * A plain-text table per stack (rules that applied; checks that applied, passed, were waived, failed;
 * checks that did not apply), then each failure with its fix, then each distinct waiver.
 */
export function formatReport(summaries: readonly StackSummary[], rules: readonly Rule[] = RULES): string {
  const header = ["stack", "rules", "applicable", "passed", "waived", "failed", "n/a"];
  const rows = summaries.map((s) =>
    [s.stack, s.rules, s.applicable, s.passed, s.waived, s.failed, s.notApplicable].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const waivers = new Set(summaries.flatMap((s) => s.findings.map((f) => f.waiver)).filter(Boolean));
  const out = [
    `Policy pack: ${rules.length} rules, ${WAIVERS.length} waivers (${waivers.size} in use)`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
  ];

  const failures = summaries.flatMap((s) => s.findings.filter((f) => f.status === "failed"));
  if (failures.length > 0) {
    out.push("", "FAILED:");
    for (const f of failures)
      out.push(
        `  [${f.rule.severity}] ${f.rule.id} ${f.stack} ${f.resource.path}: ${f.detail}`,
        `      ${f.rule.description}. Fix: ${f.rule.fix}`,
      );
  }
  const waived = new Map<string, string>();
  for (const f of summaries.flatMap((s) => s.findings.filter((x) => x.status === "waived")))
    waived.set(f.rule.id, f.detail ?? "");
  if (waived.size > 0) {
    out.push("", "Waived (with justification):");
    for (const [id, reason] of waived) out.push(`  ${id}: ${reason}`);
  }
  return out.join("\n");
}
