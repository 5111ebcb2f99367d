import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { App, Testing } from "cdktf";
import { FIXTURE_INPUTS } from "../../environments/fixtures";
import type { EnvironmentInput, EnvironmentName } from "../../environments/schema";
import {
  type StackDoc,
  type StackJson,
  readSynthesizedStacks,
  resourceAt,
  resources,
  toStackDoc,
} from "../../tools/tfjson";

/** Synthesized JSON of one stack. */
export type { StackJson } from "../../tools/tfjson";

/*
 * cdktf, the environments (whose schema loads the modules) and the stacks (which load the provider
 * bindings, 12 MB of JS) are required only by the functions that synthesize: jest loads every module again
 * in each test file, and a file that only reads the synthesized JSON (synthAll) needs none of them.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const cdktf = () => require("cdktf") as typeof import("cdktf");
const environments = () => require("../../environments") as typeof import("../../environments");
const stacksApp = () => require("../../stacks/app") as typeof import("../../stacks/app");
const environmentStack = () =>
  require("../../stacks/environment-stack") as typeof import("../../stacks/environment-stack");
/* eslint-enable @typescript-eslint/no-require-imports */

/** Builds bootstrap and every environment as committed (what `npm run synth` builds). */
function buildCommittedStacks(app: App): void {
  stacksApp().buildStacks(app, environments().loadEnvironments());
}

let cache: Record<string, StackJson> | undefined;

/**
 * Synthesizes exactly as `npm run synth` does (App.synth into a directory, metadata included) and
 * returns each stack's cdk.tf.json by stack name.
 */
function synthApp(build: (app: App) => void): Record<string, StackJson> {
  const outdir = mkdtempSync(join(tmpdir(), "aai-synth-"));
  try {
    const app = new (cdktf().App)({ outdir });
    build(app);
    app.synth();
    return readSynthesizedStacks(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * bootstrap, dev, staging and prod as committed: synthesized once per jest run by global-setup.ts, read
 * once per test file (jest isolates module state per file).
 */
export function synthAll(): Record<string, StackJson> {
  const dir = process.env.AAI_TEST_STACKS_DIR;
  cache ??= dir ? readSynthesizedStacks(dir) : synthApp(buildCommittedStacks);
  return cache;
}

/**
 * Synthesizes one environment of `inputs` from its (possibly changed) config input, on its own: an
 * EnvironmentStack depends only on its config (and bootstrap's state bucket name, the default with one
 * account), so the other stacks are not built.
 */
function synthOneEnvironment(
  inputs: Record<string, EnvironmentInput>,
  name: string,
  change?: (input: EnvironmentInput) => EnvironmentInput,
): StackJson {
  const input = structuredClone(inputs[name]);
  const [config] = environments().loadEnvironments([name], { [name]: change ? change(input) : input });
  const { EnvironmentStack } = environmentStack();
  return synthApp((app) => new EnvironmentStack(app, config))[name];
}

/** Synthesizes one committed environment from its (possibly changed) config input, bypassing the cache. */
export function synthEnvironment(
  name: EnvironmentName,
  change?: (input: EnvironmentInput) => EnvironmentInput,
): StackJson {
  return synthOneEnvironment(environments().ENVIRONMENT_INPUTS, name, change);
}

/** Synthesizes one test environment (environments/fixtures.ts), optionally changed, on its own. */
export function synthFixture(
  name: keyof typeof FIXTURE_INPUTS,
  change?: (input: EnvironmentInput) => EnvironmentInput,
): StackJson {
  return synthOneEnvironment(FIXTURE_INPUTS, name, change);
}

/**
 * `make()` on the first call, the same value after: a synthesis several tests read, made only when one
 * of them runs (a describe body runs even when its tests are filtered out).
 */
export function once<T>(make: () => T): () => T {
  let value: { readonly v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

/** Synthesizes constructs made by `fn` in a test stack (Testing.synthScope) and parses the JSON. */
export function synthScope(fn: Parameters<typeof Testing.synthScope>[0]): StackJson {
  return JSON.parse(cdktf().Testing.synthScope(fn));
}

/** Every resource of `type` as [logicalName, values] pairs. */
export function resourcesOf(stack: StackJson, type: string): [string, Record<string, any>][] {
  return resources(stack, { type }).map((r) => [r.name, r.values]);
}

/** Arguments of a synthesized resource (loosely typed on purpose: tests navigate Terraform JSON). */
export type Values = any;

/** The values of every resource of `type`. */
export function valuesOf(stack: StackJson, type: string): Values[] {
  return resourcesOf(stack, type).map(([, v]) => v);
}

/** The single resource of `type` whose construct path ends with `pathSuffix`. */
export function stackResource(stack: StackJson, type: string, pathSuffix: string): Record<string, any> {
  return resourceAt(stack, type, pathSuffix).values;
}

/** "${aws_vpc.name.id}" for a resource's logical name. */
export function ref(type: string, logicalName: string, attribute = "id"): string {
  return `\${${type}.${logicalName}.${attribute}}`;
}

/** The logical name of the resource whose construct path ends with `pathSuffix`. */
export function stackLogicalName(stack: StackJson, type: string, pathSuffix: string): string {
  return resourceAt(stack, type, pathSuffix).name;
}

/**
 * Testing.synthScope output has no construct paths, so a resource is found by its logical name, which
 * cdktf derives from the path: "cache/sg/group" -> cache_sg_group_<hash>.
 */
export function unitLogicalName(stack: StackJson, type: string, path: string): string {
  const pattern = new RegExp(`^${path.replace(/\//g, "_")}_[0-9A-F]{8}$`);
  const found = resources(stack, { type }).filter((r) => pattern.test(r.name));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${path}, found ${found.length}`);
  return found[0].name;
}

/** The values of the synthScope resource built at construct path `path` (see unitLogicalName). */
export function unitResource(stack: StackJson, type: string, path: string): Values {
  const name = unitLogicalName(stack, type, path);
  return resources(stack, { type }).find((r) => r.name === name)!.values;
}

/** Parses a JSON policy string attribute. */
export function policyOf(values: Record<string, any>, attribute = "policy"): { Statement: any[] } {
  return JSON.parse(values[attribute]);
}

/** The stack as the policy engine (and every tool reading synthesized JSON) sees it. */
export function stackDoc(name: string, json: StackJson): StackDoc {
  return toStackDoc(name, json);
}
