/**
 * The policy-rule tests' one helper (design-seams change 6): run rules over a stack, the committed one
 * (synthAll()), a changed copy of it, or a hand-written one, and list what failed or passed.
 * __tests__/policies/<rules-file>.test.ts holds, per rule, a compliant and a non-compliant case built with it.
 */
import { type Finding, type Rule, type Waiver, evaluate, toStackDoc } from "../../policies/engine";
import { RULES } from "../../policies/rules";
import { WAIVERS } from "../../policies/waivers";
import { type StackJson, stackResource, synthAll } from "./synth";

export interface PolicyCase {
  /** The stack's name (rules and waivers read it) and, without `stack`, the committed stack. @default "prod" */
  readonly env?: string;
  /** A hand-written stack instead of a committed one. */
  readonly stack?: StackJson;
  /** Changes a deep copy of the stack before the rules run. */
  readonly mutate?: (json: StackJson) => void;
  /** @default RULES, the whole pack */
  readonly rules?: readonly Rule[];
  /** @default WAIVERS, what `npm run policy` applies */
  readonly waivers?: readonly Waiver[];
  /** Only findings on one resource: its logical name, or a RegExp over its construct path. */
  readonly resource?: string | RegExp;
  /** List the failures a waiver turned into "waived" instead of those left failed. */
  readonly waived?: boolean;
  /** Each entry as "<rule id>: <detail>" (failure reason, or the waiver's) or "<rule id> <construct path>". */
  readonly show?: "detail" | "path";
}

function verdicts(c: PolicyCase, status: Finding["status"]): string[] {
  const env = c.env ?? "prod";
  const given = c.stack ?? synthAll()[env];
  if (!given) throw new Error(`no committed stack ${env}`);
  const json: StackJson = c.mutate ? structuredClone(given) : given;
  c.mutate?.(json);
  const on = (f: Finding) =>
    c.resource === undefined ||
    (typeof c.resource === "string" ? f.resource.name === c.resource : c.resource.test(f.resource.path));
  const entries = evaluate(toStackDoc(env, json), c.rules ?? RULES, c.waivers ?? WAIVERS)
    .filter((f) => f.status === status && on(f))
    .map((f) =>
      c.show === "detail"
        ? `${f.rule.id}: ${f.detail}`
        : c.show === "path"
          ? `${f.rule.id} ${f.resource.path}`
          : f.rule.id,
    );
  return [...new Set(entries)];
}

/** The rules that fail (with `waived`: are waived) on the case's stack: ids, each once, in rule order. */
export function failingRules(c: PolicyCase = {}): string[] {
  return verdicts(c, c.waived ? "waived" : "failed");
}

/** The rules that apply to and pass on some resource of the case's stack (not-applicable ones are absent). */
export function passingRules(c: PolicyCase = {}): string[] {
  return verdicts(c, "passed");
}

/**
 * The ids of `rules` that the committed stacks do not show compliant: failing on one of them, or passing
 * on none (never applicable, or only waived). Every other rule has the committed stacks as its compliant case.
 */
export function notPassedByCommittedStacks(rules: readonly Rule[]): string[] {
  const envs = Object.keys(synthAll());
  const failing = new Set(envs.flatMap((env) => failingRules({ env, rules })));
  const passing = new Set(envs.flatMap((env) => passingRules({ env, rules })));
  return rules.map((r) => r.id).filter((id) => failing.has(id) || !passing.has(id));
}

/** The metadata that gives a hand-written resource its construct path (what waivers and `resource` match). */
export const atPath = (path: string) => ({ "//": { metadata: { path } } });

/** A `mutate` that adds resources (by type, then logical name) to the stack. */
export const adding =
  (resources: Record<string, Record<string, unknown>>) =>
  (json: StackJson): void => {
    for (const [type, byName] of Object.entries(resources))
      json.resource[type] = { ...json.resource[type], ...byName };
  };

/** A `mutate` that changes the one resource of `type` whose construct path ends with `pathSuffix`. */
export const changing =
  (type: string, pathSuffix: string, change: (values: any, json: StackJson) => void) =>
  (json: StackJson): void =>
    change(stackResource(json, type, pathSuffix), json);
