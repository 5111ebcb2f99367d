import { type Finding, type StackDoc, evaluate } from "./engine";
import { RULES } from "./rules";
import { WAIVERS } from "./waivers";

export interface StackSummary {
  readonly stack: string;
  /** Distinct rules that evaluated at least one resource. */
  readonly rules: number;
  readonly checks: number;
  readonly passed: number;
  readonly waived: number;
  readonly failed: number;
  readonly findings: readonly Finding[];
}

export function summarize(stack: StackDoc): StackSummary {
  const findings = evaluate(stack, RULES, WAIVERS);
  const count = (status: Finding["status"]) => findings.filter((f) => f.status === status).length;
  return {
    stack: stack.name,
    rules: new Set(findings.map((f) => f.rule.id)).size,
    checks: findings.length,
    passed: count("passed"),
    waived: count("waived"),
    failed: count("failed"),
    findings,
  };
}

/** A plain-text table per stack, then each failure with its fix, then each distinct waiver. */
export function formatReport(summaries: readonly StackSummary[]): string {
  const header = ["stack", "rules", "checks", "passed", "waived", "failed"];
  const rows = summaries.map((s) => [s.stack, s.rules, s.checks, s.passed, s.waived, s.failed].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const out = [
    `Policy pack: ${RULES.length} rules, ${WAIVERS.length} waivers`,
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
