/* eslint-disable @typescript-eslint/no-explicit-any -- navigates untyped Terraform JSON, like policies/ and __tests__/ */
/**
 * The one reader of synthesized Terraform JSON (cdktf.out/stacks/<stack>/cdk.tf.json). The policy pack
 * (policies/), the architecture diagram (tools/diagram/) and the test helpers (__tests__/helpers/synth.ts)
 * all see a stack through it: resources with their Terraform address and construct path, lookups by
 * construct path, references between resources, nested blocks and IAM policy documents.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Synthesized JSON of one stack. */
export type StackJson = Record<string, any>;

/** A resource (or data source) of a synthesized stack. `values` are its snake_case arguments. */
export interface TfResource {
  readonly type: string;
  /** Logical name (cdktf derives it from the construct path), e.g. networking_vpc_7065E1BC. */
  readonly name: string;
  /** "managed" for `resource` blocks, "data" for data sources. */
  readonly mode: "managed" | "data";
  /** Terraform address, e.g. aws_vpc.networking_vpc_7065E1BC (data sources: data.<type>.<name>). */
  readonly address: string;
  /**
   * Construct path, e.g. prod/networking/vpc: stable and readable, what waivers match. Without
   * metadata (Testing.synthScope output) it is `<stack>/<logical name>`.
   */
  readonly path: string;
  readonly values: Record<string, any>;
}

/** One synthesized stack as the tools read it. */
export interface StackDoc {
  readonly name: string;
  readonly json: StackJson;
  /** Managed resources, then data sources, each in the order of the JSON. */
  readonly resources: readonly TfResource[];
}

/** The construct path cdktf records in a resource's metadata (undefined without metadata). */
export function constructPath(values: Record<string, any> | undefined): string | undefined {
  const path = values?.["//"]?.metadata?.path;
  return path === undefined ? undefined : String(path);
}

/** The construct path without its first segment (the stack name): "prod/cache/sg" -> "cache/sg". */
export function pathInStack(path: string): string {
  return path.includes("/") ? path.slice(path.indexOf("/") + 1) : path;
}

export interface ResourceQuery {
  /** Only resources of this type. */
  readonly type?: string;
  /** Include data sources. @default false */
  readonly data?: boolean;
  /** Stack name for the fallback construct path of resources without metadata. @default "stack" */
  readonly stack?: string;
}

/** Resources of a stack's JSON (managed ones; data sources too with `data: true`), in JSON order. */
export function resources(json: StackJson, query: ResourceQuery = {}): TfResource[] {
  const stack = query.stack ?? "stack";
  const out: TfResource[] = [];
  const collect = (section: Record<string, Record<string, any>> | undefined, mode: TfResource["mode"]) => {
    const types = query.type === undefined ? Object.keys(section ?? {}) : [query.type];
    for (const type of types) {
      for (const [name, values] of Object.entries(section?.[type] ?? {})) {
        out.push({
          type,
          name,
          mode,
          address: mode === "data" ? `data.${type}.${name}` : `${type}.${name}`,
          path: constructPath(values) ?? `${stack}/${name}`,
          values,
        });
      }
    }
  };
  collect(json.resource, "managed");
  if (query.data) collect(json.data, "data");
  return out;
}

/** A stack's JSON as a StackDoc: every managed resource and data source. */
export function toStackDoc(name: string, json: StackJson): StackDoc {
  return { name, json, resources: resources(json, { stack: name, data: true }) };
}

/** Resources (and data sources) of a type in the stack. */
export function resourcesOf(stack: StackDoc, type: string): TfResource[] {
  return stack.resources.filter((r) => r.type === type);
}

/** The resource or data source at a Terraform address, if the stack has it. */
export function byAddress(stack: StackDoc, address: string): TfResource | undefined {
  return stack.resources.find((r) => r.address === address);
}

/**
 * The single managed resource of `type` whose construct path (from metadata) ends with `pathSuffix`.
 * Throws when there is none or more than one.
 */
export function resourceAt(json: StackJson, type: string, pathSuffix: string): TfResource {
  const found = resources(json, { type }).filter((r) => constructPath(r.values)?.endsWith(pathSuffix));
  if (found.length !== 1) throw new Error(`expected one ${type} at *${pathSuffix}, found ${found.length}`);
  return found[0];
}

/** `type.name` or `data.type.name` followed by an attribute (`.id`) or an index (`[0]`). */
const REFERENCE = /(?<![.\w])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]*\.[A-Za-z0-9_-]+)[.[]/g;

/**
 * Addresses of the resources and data sources that Terraform expressions anywhere in `value` (any JSON)
 * use an attribute of, e.g. "${aws_vpc.x.id}" -> "aws_vpc.x". Sorted, without duplicates. Bare
 * addresses (depends_on entries) do not count; "data.x.y" never counts as the managed "x.y".
 */
export function referencedAddresses(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      if (v.includes(".")) for (const m of v.matchAll(REFERENCE)) found.add(m[1]);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(value);
  return [...found].sort();
}

/** True when `value` (any JSON) contains a Terraform reference to `target` (e.g. ${aws_vpc.x.id}). */
export function references(value: unknown, target: TfResource): boolean {
  return referencedAddresses(value).includes(target.address);
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

export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
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

/** No synthesized output where a tool expected it (`npm run synth` has not run, or wrote elsewhere). */
export class SynthOutputMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SynthOutputMissingError";
  }
}

/**
 * The cdk.tf.json of every stack one synthesis wrote into `outdir`, by stack name in the synthesis order
 * of its manifest.json. The manifest, written last by a synth, names exactly the stacks that are current:
 * a stack directory it does not name (left out by AAI_ENVIRONMENTS, holding only Terraform's files) is
 * not read.
 */
export function readSynthesizedStacks(outdir: string): Record<string, StackJson> {
  const manifest = join(outdir, "manifest.json");
  if (!existsSync(manifest))
    throw new SynthOutputMissingError(`${manifest} not found: run \`npm run synth\` first`);
  return Object.fromEntries(
    Object.keys(JSON.parse(readFileSync(manifest, "utf8")).stacks).map((name) => {
      const file = join(outdir, "stacks", name, "cdk.tf.json");
      if (!existsSync(file))
        throw new SynthOutputMissingError(`${file} not found: run \`npm run synth\` again`);
      return [name, JSON.parse(readFileSync(file, "utf8"))];
    }),
  );
}

/** Every stack of the synthesis in `outdir` (see readSynthesizedStacks), as the tools read it. */
export function loadStacks(outdir = "cdktf.out"): StackDoc[] {
  return Object.entries(readSynthesizedStacks(outdir)).map(([name, json]) => toStackDoc(name, json));
}
