/**
 * A small policy engine over synthesized stacks (cdktf.out/stacks/<stack>/cdk.tf.json), read through
 * tools/tfjson.ts. Rules carry public IDs (checkov CKV_*, AWS FSBP controls) where one exists, or a
 * project ID (AAI-*); waivers live in code (policies/waivers.ts), each with a written justification.
 *
 * A check answers like a cdk-nag rule: compliant (`true`), NOT_APPLICABLE (the resource is not what the
 * rule is about, e.g. an HTTP listener for a TLS-policy rule), non-compliant (the reason), or a list of
 * granular findings (one failure per entry; an empty list is compliant).
 */
import type { StackDoc, TfResource } from "../tools/tfjson";

export type { IamStatement, StackDoc, TfResource } from "../tools/tfjson";
export {
  asList,
  blocks,
  loadStacks,
  parsePolicy,
  references,
  referencing,
  resourcesOf,
  toStackDoc,
} from "../tools/tfjson";

export type Severity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW";

/** A check's answer for a resource the rule does not concern. */
export const NOT_APPLICABLE: unique symbol = Symbol("not-applicable");

/** true (pass), NOT_APPLICABLE, the reason it failed, or granular failure reasons ([] = pass). */
export type CheckResult = true | typeof NOT_APPLICABLE | string | readonly string[];

export interface Rule {
  /** Public rule ID (checkov) or project ID (AAI-*). */
  readonly id: string;
  /** AWS Foundational Security Best Practices controls the rule maps to. */
  readonly controls?: readonly string[];
  readonly description: string;
  readonly severity: Severity;
  /** How to fix a failure. */
  readonly fix: string;
  /** Resource types evaluated; "terraform" evaluates the stack's terraform block once. */
  readonly resourceTypes: readonly string[];
  /** Only stacks for which this returns true (default all); elsewhere the rule is not applicable. */
  readonly appliesTo?: (stack: StackDoc) => boolean;
  check(resource: TfResource, stack: StackDoc): CheckResult;
}

export interface Waiver {
  readonly ruleId: string;
  /** Matches the resource's construct path (e.g. /\/storage\/logs\//) in any stack. */
  readonly path: RegExp;
  /** Why breaking the rule here is right. Required. */
  readonly reason: string;
  /** Only failures whose reason matches (granular findings). @default every failure of the rule there */
  readonly appliesTo?: RegExp;
  /** Required, and only allowed, when `path` matches every construct path (e.g. /.*\/). */
  readonly scope?: "global";
}

export type Status = "passed" | "failed" | "waived" | "not_applicable";

export interface Finding {
  readonly stack: string;
  readonly rule: Rule;
  readonly resource: TfResource;
  readonly status: Status;
  /** Failure reason, or the waiver's justification. */
  readonly detail?: string;
  /** The waiver that turned the failure into "waived". */
  readonly waiver?: Waiver;
}

export interface EvaluateOptions {
  /**
   * Also return a "not_applicable" finding for every resource a rule skipped. @default false: the
   * findings are verdicts (passed / failed / waived) only.
   */
  readonly notApplicable?: boolean;
}

/** The stack's terraform block as the pseudo-resource that "terraform" rules evaluate. */
function terraformBlock(stack: StackDoc): TfResource {
  return {
    type: "terraform",
    name: "terraform",
    mode: "managed",
    address: "terraform",
    path: `${stack.name}/terraform`,
    values: stack.json.terraform ?? {},
  };
}

export function evaluate(
  stack: StackDoc,
  rules: readonly Rule[],
  waivers: readonly Waiver[],
  options: EvaluateOptions = {},
): Finding[] {
  const findings: Finding[] = [];
  const candidates = [...stack.resources, terraformBlock(stack)];
  for (const rule of rules) {
    const resources = candidates.filter((r) => rule.resourceTypes.includes(r.type));
    if (resources.length === 0) continue;
    const applies = !rule.appliesTo || rule.appliesTo(stack);
    for (const resource of resources) {
      const base = { stack: stack.name, rule, resource };
      const result = applies ? rule.check(resource, stack) : NOT_APPLICABLE;
      if (result === NOT_APPLICABLE) {
        if (options.notApplicable) findings.push({ ...base, status: "not_applicable" });
        continue;
      }
      const failures: readonly string[] =
        result === true ? [] : typeof result === "string" ? [result] : result;
      if (failures.length === 0) {
        findings.push({ ...base, status: "passed" });
        continue;
      }
      for (const detail of failures) {
        const waiver = waivers.find(
          (w) =>
            w.ruleId === rule.id && w.path.test(resource.path) && (!w.appliesTo || w.appliesTo.test(detail)),
        );
        findings.push(
          waiver
            ? { ...base, status: "waived", detail: waiver.reason, waiver }
            : { ...base, status: "failed", detail },
        );
      }
    }
  }
  return findings;
}

/** Problems with the waivers themselves (unknown rule, short reason, a global path without scope). */
export function waiverProblems(waivers: readonly Waiver[], rules: readonly Rule[]): string[] {
  const ids = new Set(rules.map((r) => r.id));
  return waivers.flatMap((w) => {
    const name = `${w.ruleId} ${w.path}`;
    // A pattern that matches the empty string matches every construct path.
    const global = w.path.test("");
    return [
      ...(ids.has(w.ruleId) ? [] : [`${name}: no rule ${w.ruleId}`]),
      ...(w.reason.trim().length >= 20 ? [] : [`${name}: the reason needs at least 20 characters`]),
      ...(global && w.scope !== "global" ? [`${name}: matches every resource; say scope: "global"`] : []),
      ...(!global && w.scope === "global" ? [`${name}: scope "global" on a path that is not global`] : []),
    ];
  });
}
