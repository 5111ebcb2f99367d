/**
 * A small policy engine over synthesized stacks (cdktf.out/stacks/<stack>/cdk.tf.json). Rules carry
 * public IDs (checkov CKV_*, AWS FSBP controls) where one exists, or a project ID (AAI-*); waivers
 * live in code (policies/waivers.ts), each with a written justification.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export type Severity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW";

/** A resource (or data source) of a synthesized stack. `values` are its snake_case arguments. */
export interface TfResource {
  readonly type: string;
  readonly name: string;
  /** Terraform address, e.g. aws_vpc.networking_vpc_7065E1BC (data sources: data.<type>.<name>). */
  readonly address: string;
  /** Construct path, e.g. prod/networking/vpc: stable and readable, what waivers match. */
  readonly path: string;
  readonly values: Record<string, any>;
}

export interface StackDoc {
  readonly name: string;
  readonly json: Record<string, any>;
  readonly resources: readonly TfResource[];
}

/** A check returns true (pass) or the reason it failed. */
export type CheckResult = true | string;

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
  /** Only stacks for which this returns true (default all). */
  readonly appliesTo?: (stack: StackDoc) => boolean;
  check(resource: TfResource, stack: StackDoc): CheckResult;
}

export interface Waiver {
  readonly ruleId: string;
  /** Matches the resource's construct path (e.g. /\/storage\/logs\//) in any stack. */
  readonly path: RegExp;
  /** Why breaking the rule here is right. Required. */
  readonly reason: string;
}

export type Status = "passed" | "failed" | "waived";

export interface Finding {
  readonly stack: string;
  readonly rule: Rule;
  readonly resource: TfResource;
  readonly status: Status;
  /** Failure reason, or the waiver's justification. */
  readonly detail?: string;
}

export function toStackDoc(name: string, json: Record<string, any>): StackDoc {
  const resources: TfResource[] = [];
  const collect = (blocks: Record<string, Record<string, any>> | undefined, prefix: string) => {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [resourceName, values] of Object.entries(byName)) {
        resources.push({
          type,
          name: resourceName,
          address: `${prefix}${type}.${resourceName}`,
          path: values?.["//"]?.metadata?.path ?? `${name}/${resourceName}`,
          values,
        });
      }
    }
  };
  collect(json.resource, "");
  collect(json.data, "data.");
  resources.push({
    type: "terraform",
    name: "terraform",
    address: "terraform",
    path: `${name}/terraform`,
    values: json.terraform ?? {},
  });
  return { name, json, resources };
}

/** Reads every cdktf.out/stacks/<stack>/cdk.tf.json. */
export function loadStacks(outdir = "cdktf.out"): StackDoc[] {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) throw new Error(`${stacksDir} not found: run \`npm run synth\` first`);
  return readdirSync(stacksDir)
    .sort()
    .map((name) => toStackDoc(name, JSON.parse(readFileSync(join(stacksDir, name, "cdk.tf.json"), "utf8"))));
}

export function evaluate(stack: StackDoc, rules: readonly Rule[], waivers: readonly Waiver[]): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (rule.appliesTo && !rule.appliesTo(stack)) continue;
    for (const resource of stack.resources) {
      if (!rule.resourceTypes.includes(resource.type)) continue;
      const result = rule.check(resource, stack);
      if (result === true) {
        findings.push({ stack: stack.name, rule, resource, status: "passed" });
        continue;
      }
      const waiver = waivers.find((w) => w.ruleId === rule.id && w.path.test(resource.path));
      findings.push(
        waiver
          ? { stack: stack.name, rule, resource, status: "waived", detail: waiver.reason }
          : { stack: stack.name, rule, resource, status: "failed", detail: result },
      );
    }
  }
  return findings;
}

// ---- helpers for rules -------------------------------------------------------------------------

/** Resources of a type in the stack. */
export function resourcesOf(stack: StackDoc, type: string): TfResource[] {
  return stack.resources.filter((r) => r.type === type);
}

/** True when `value` (any JSON) contains a Terraform reference to `target` (e.g. ${aws_vpc.x.id}). */
export function references(value: unknown, target: TfResource): boolean {
  return JSON.stringify(value ?? null).includes(`${target.address}.`);
}

/** Resources of `type` whose arguments reference `target`. */
export function referencing(stack: StackDoc, type: string, target: TfResource): TfResource[] {
  return resourcesOf(stack, type).filter((r) => references(r.values, target));
}

/** Terraform nested blocks synthesize as a list or an object: always get a list. */
export function blocks(value: unknown): Record<string, any>[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value as Record<string, unknown>];
}

export interface IamStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Principal?: string | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Parses a JSON policy string; undefined when it is not plain JSON (e.g. Fn.jsonencode output). */
export function parsePolicy(policy: unknown): IamStatement[] | undefined {
  if (typeof policy !== "string") return undefined;
  try {
    const doc = JSON.parse(policy);
    return asList(doc.Statement);
  } catch {
    return undefined;
  }
}
