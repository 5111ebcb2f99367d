/**
 * The Terraform gate (`npm run gate`, and the last step of `npm test`): for every synthesized stack,
 * `terraform init -backend=false`, `terraform validate` of the synthesized JSON, and an offline
 * first-apply plan (`terraform test`, command = plan, fake credentials, overridden data sources) that
 * must plan every resource the stack declares. Stacks run in parallel and share one plugin cache.
 *
 * Prints one line saying what it did, or why it did not run. Where `terraform` is on PATH, a gate that
 * cannot run fails; only a machine without Terraform skips it (AAI_REQUIRE_TERRAFORM=1 fails that too).
 * AAI_REQUIRE_PINNED_PROVIDER=1 (the GitHub `validate` job) fails unless the pinned provider is used.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import { loadEnvironments } from "../../environments";
import { FIXTURE_INPUTS } from "../../environments/fixtures";
import { AWS_PROVIDER_VERSION } from "../../stacks/base-stack";
import { buildStacks } from "../../stacks/app";
import { EnvironmentStack } from "../../stacks/environment-stack";
import {
  OFFLINE_RUN,
  type Removed,
  type TfJson,
  declaredResources,
  forProvider,
  offlinePlanConfig,
  offlineTestFile,
} from "./offline-config";
import { readSynthesizedStacks } from "../tfjson";
import { type ProviderMirror, compareVersions, findMirrors } from "./provider";

/** Where the gate keeps its work (per-stack folders and the shared plugin cache) between runs. */
export const DEFAULT_WORK_DIR = join("node_modules", ".cache", "terraform-gate");

export interface ProviderChoice {
  readonly version: string;
  /** "registry", or the mirror it came from. */
  readonly source: "registry" | ProviderMirror;
}

export interface StackResult {
  readonly stack: string;
  readonly validated: boolean;
  readonly planned: boolean;
  readonly declared: number;
  readonly plannedResources: number;
  readonly removed: readonly Removed[];
  /** Why the stack failed (empty when it passed). */
  readonly errors: readonly string[];
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    const child = spawn("terraform", args, { cwd, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => done({ code: -1, stdout: "", stderr: e.message }));
    child.on("close", (code) =>
      done({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

/** The terraform binary's version, or undefined when there is none on PATH. */
export function terraformVersion(): string | undefined {
  const r = spawnSync("terraform", ["version", "-json"], { encoding: "utf8" });
  if (r.error || r.status !== 0) return undefined;
  try {
    return JSON.parse(r.stdout).terraform_version;
  } catch {
    return r.stdout.trim().split("\n")[0];
  }
}

/** A CLI config for the gate: the plugin cache, and the mirror (only for hashicorp/aws) when one is used. */
function cliConfig(cacheDir: string, mirror?: ProviderMirror): string {
  const installation = mirror
    ? `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror.path)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`
    : "";
  return `plugin_cache_dir = ${JSON.stringify(cacheDir)}\n${installation}`;
}

function firstError(r: Run): string {
  const text = `${r.stdout}\n${r.stderr}`;
  return (
    text.match(/Error: .*/)?.[0] ??
    text
      .trim()
      .split("\n")
      .filter((l) => l.trim())
      .pop() ??
    `exit ${r.code}`
  );
}

/**
 * Chooses the provider: the pin from a local mirror, else the pin from the registry (a probe `init`),
 * else the newest version in a local mirror.
 */
async function chooseProvider(
  workDir: string,
  baseEnv: NodeJS.ProcessEnv,
): Promise<{ choice?: ProviderChoice; why: string[] }> {
  const why: string[] = [];
  let mirrors: ProviderMirror[] = [];
  try {
    mirrors = findMirrors();
  } catch (e) {
    why.push((e as Error).message);
  }
  const pinned = mirrors.find((m) => m.versions.includes(AWS_PROVIDER_VERSION));
  if (pinned) return { choice: { version: AWS_PROVIDER_VERSION, source: pinned }, why };

  const probe = join(workDir, "registry-probe");
  mkdirSync(probe, { recursive: true });
  writeFileSync(
    join(probe, "main.tf.json"),
    JSON.stringify({
      terraform: { required_providers: { aws: { source: "hashicorp/aws", version: AWS_PROVIDER_VERSION } } },
    }),
  );
  const config = join(workDir, "registry.tfrc");
  writeFileSync(config, cliConfig(resolve(workDir, "plugins")));
  const init = await run(["init", "-backend=false", "-input=false", "-no-color"], probe, {
    ...baseEnv,
    TF_CLI_CONFIG_FILE: config,
  });
  if (init.code === 0) return { choice: { version: AWS_PROVIDER_VERSION, source: "registry" }, why };
  why.push(`hashicorp/aws ${AWS_PROVIDER_VERSION} not installable from the registry (${firstError(init)})`);

  const newest = [...mirrors].sort((a, b) => compareVersions(b.versions[0], a.versions[0]))[0];
  if (newest) return { choice: { version: newest.versions[0], source: newest }, why };
  why.push("no local mirror holds registry.terraform.io/hashicorp/aws");
  return { why };
}

interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
  readonly snippet?: { readonly context?: string };
}

/** Error diagnostics as one line each: summary, where (resource or JSON path), detail. */
function diagnostics(list: readonly Diagnostic[]): string[] {
  return list
    .filter((d) => d.severity === "error")
    .map((d) => {
      const where = d.address ?? d.snippet?.context;
      return `${d.summary}${where ? ` in ${where}` : ""}${d.detail ? `: ${d.detail.replace(/\s+/g, " ")}` : ""}`;
    });
}

/** Reads `terraform test -json -verbose` output: run status, error diagnostics, planned resources. */
export function readTestOutput(jsonLines: string): { passed: boolean; errors: string[]; planned: TfJson[] } {
  const errors: string[] = [];
  let planned: TfJson[] = [];
  let passed = false;
  for (const line of jsonLines.split("\n")) {
    if (!line.startsWith("{")) continue;
    const message = JSON.parse(line);
    if (message.type === "diagnostic") errors.push(...diagnostics([message.diagnostic]));
    if (message.type === "test_plan" && message["@testrun"] === OFFLINE_RUN)
      planned = message.test_plan.resource_changes ?? [];
    if (message.type === "test_summary") passed = message.test_summary.status === "pass";
  }
  return { passed, errors, planned };
}

/** Declared resources missing from the plan, and planned ones whose first apply is not a create. */
export function planCoverage(declared: readonly string[], planned: readonly TfJson[]) {
  const managed = planned.filter((c) => c.mode === "managed");
  const addresses = new Set(managed.map((c) => String(c.address).replace(/\[[^\]]*\]$/, "")));
  return {
    missing: declared.filter((a) => !addresses.has(a)),
    notCreated: managed
      .filter((c) => JSON.stringify(c.change?.actions) !== JSON.stringify(["create"]))
      .map((c) => `${c.address} (${(c.change?.actions ?? []).join(",")})`),
  };
}

async function gateStack(
  name: string,
  stack: TfJson,
  choice: ProviderChoice,
  workDir: string,
  env: NodeJS.ProcessEnv,
  initLock: (step: () => Promise<Run>) => Promise<Run>,
): Promise<StackResult> {
  const { json, removed } = forProvider(stack, choice.version);
  const declared = declaredResources(json);
  const result = (partial: Partial<StackResult>): StackResult => ({
    stack: name,
    validated: false,
    planned: false,
    declared: declared.length,
    plannedResources: 0,
    removed,
    errors: [],
    ...partial,
  });

  // validate/: the stack as synthesized (for an older provider: minus the declared attributes)
  const validateDir = join(workDir, "stacks", name, "validate");
  mkdirSync(validateDir, { recursive: true });
  writeFileSync(join(validateDir, "cdk.tf.json"), JSON.stringify(json, null, 2));
  rmSync(join(validateDir, ".terraform.lock.hcl"), { force: true }); // the provider may differ from the last run
  const init = await initLock(() =>
    run(["init", "-backend=false", "-input=false", "-no-color"], validateDir, env),
  );
  if (init.code !== 0) return result({ errors: [`terraform init: ${firstError(init)}`] });
  const validate = await run(["validate", "-json", "-no-color"], validateDir, env);
  let report: { valid?: boolean; diagnostics?: [] } = {};
  try {
    report = JSON.parse(validate.stdout.slice(validate.stdout.indexOf("{")));
  } catch {
    return result({ errors: [`terraform validate: ${firstError(validate)}`] });
  }
  const invalid = diagnostics(report.diagnostics ?? []);
  if (!report.valid || invalid.length > 0)
    return result({ errors: invalid.map((e) => `terraform validate: ${e}`) });

  // plan/: ephemeral AWS calls replaced by literals, plus the generated test file; same providers
  const planDir = join(workDir, "stacks", name, "plan");
  let planConfig: TfJson;
  let testFile: TfJson;
  try {
    planConfig = offlinePlanConfig(json);
    testFile = offlineTestFile(planConfig);
  } catch (e) {
    return result({ validated: true, errors: [`offline plan: ${(e as Error).message}`] });
  }
  rmSync(planDir, { recursive: true, force: true });
  mkdirSync(join(planDir, "tests"), { recursive: true });
  writeFileSync(join(planDir, "cdk.tf.json"), JSON.stringify(planConfig, null, 2));
  writeFileSync(join(planDir, "tests", "offline-plan.tftest.json"), JSON.stringify(testFile, null, 2));
  copyFileSync(join(validateDir, ".terraform.lock.hcl"), join(planDir, ".terraform.lock.hcl"));
  const test = await run(["test", "-json", "-verbose", "-no-color"], planDir, {
    ...env,
    TF_DATA_DIR: resolve(validateDir, ".terraform"),
  });
  const output = readTestOutput(test.stdout);
  const { missing, notCreated } = planCoverage(declared, output.planned);
  const errors = [
    ...output.errors.map((e) => `offline plan: ${e}`),
    ...(test.code !== 0 && output.errors.length === 0 ? [`terraform test: ${firstError(test)}`] : []),
    ...(missing.length > 0
      ? [
          `the plan covers ${declared.length - missing.length} of ${declared.length} resources; missing: ${missing.join(", ")}`,
        ]
      : []),
    ...(notCreated.length > 0 ? [`a first apply must only create; planned: ${notCreated.join(", ")}`] : []),
  ];
  return result({
    validated: true,
    planned: output.passed && errors.length === 0,
    plannedResources: output.planned.filter((c) => c.mode === "managed").length,
    errors,
  });
}

/**
 * Every stack of the app, and one per test environment (environments/fixtures.ts), synthesized fresh
 * into `dir`, as parsed JSON by stack name.
 */
export function synthesizeStacks(
  dir: string,
  fixtures: Record<string, unknown> = FIXTURE_INPUTS,
): Record<string, TfJson> {
  rmSync(dir, { recursive: true, force: true });
  const app = new App({ outdir: dir });
  buildStacks(app);
  for (const config of loadEnvironments(undefined, fixtures)) new EnvironmentStack(app, config);
  app.synth();
  return readSynthesizedStacks(dir);
}

export interface GateOutcome {
  readonly ok: boolean;
  /** The one summary line. */
  readonly line: string;
  /** Details of each failure. */
  readonly details: readonly string[];
}

function describeRemovals(results: readonly StackResult[]): string {
  const byAttribute = new Map<string, number>();
  for (const r of results)
    for (const x of r.removed) byAttribute.set(x.attribute, (byAttribute.get(x.attribute) ?? 0) + x.count);
  if (byAttribute.size === 0) return "removed: nothing";
  return `removed: ${[...byAttribute].map(([a, n]) => `${a} (${n})`).join(", ")}`;
}

/** " +1 fixture (fixture: validated, planned, 300 resources)": test environments, apart from the real stacks. */
export function describeFixtures(fixtures: readonly StackResult[]): string {
  if (fixtures.length === 0) return "";
  const each = fixtures.map(
    (r) =>
      `${r.stack}: ${r.validated ? "validated" : "NOT validated"}, ${r.planned ? "planned" : "NOT planned"}, ${r.plannedResources} resources`,
  );
  return ` +${fixtures.length} fixture${fixtures.length === 1 ? "" : "s"} (${each.join("; ")})`;
}

export async function runGate(workDir = DEFAULT_WORK_DIR): Promise<GateOutcome> {
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const requireTerraform = Boolean(process.env.AAI_REQUIRE_TERRAFORM);
  const requirePinned = Boolean(process.env.AAI_REQUIRE_PINNED_PROVIDER);
  const version = terraformVersion();
  if (!version) {
    const line = "terraform gate: skipped: no terraform binary on PATH";
    return requireTerraform
      ? { ok: false, line: `${line}, but AAI_REQUIRE_TERRAFORM is set`, details: [] }
      : {
          ok: true,
          line: `${line} (install Terraform >= 1.11 to run validate and the offline plan)`,
          details: [],
        };
  }

  const work = resolve(workDir);
  mkdirSync(work, { recursive: true });
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
  delete baseEnv.TF_DATA_DIR;
  const { choice, why } = await chooseProvider(work, baseEnv);
  if (!choice)
    return {
      ok: false,
      line: `terraform gate: FAILED: cannot get an AWS provider: ${why.join("; ")}`,
      details: [],
    };
  if (requirePinned && choice.version !== AWS_PROVIDER_VERSION)
    return {
      ok: false,
      line: `terraform gate: FAILED: AAI_REQUIRE_PINNED_PROVIDER is set but only aws ${choice.version} is available (${why.join("; ")})`,
      details: [],
    };

  const pluginCache = join(work, "plugins");
  mkdirSync(pluginCache, { recursive: true });
  const config = join(work, "gate.tfrc");
  writeFileSync(config, cliConfig(pluginCache, choice.source === "registry" ? undefined : choice.source));
  const env = { ...baseEnv, TF_CLI_CONFIG_FILE: config };

  const stacks = synthesizeStacks(join(work, "synth"));
  // Inits run one at a time: Terraform's plugin cache is not safe for concurrent installs (a cold cache
  // failed one stack's init), and with a warm cache an init takes under a second. The first fills the
  // cache, the others link to it. Validate and plan then run in parallel.
  let queue: Promise<unknown> = Promise.resolve();
  const initLock = (step: () => Promise<Run>): Promise<Run> => {
    const next = queue.then(step);
    queue = next.catch(() => undefined);
    return next;
  };
  const results = await Promise.all(
    Object.keys(stacks).map((name) => gateStack(name, stacks[name], choice, work, env, initLock)),
  );

  const failed = results.filter((r) => r.errors.length > 0);
  const isFixture = (r: StackResult) => r.stack in FIXTURE_INPUTS;
  const real = results.filter((r) => !isFixture(r));
  const fixtures = results.filter(isFixture);
  const source =
    choice.source === "registry" ? "registry" : `${choice.source.path}, found by ${choice.source.foundBy}`;
  const provider = `aws ${choice.version}${choice.version === AWS_PROVIDER_VERSION ? "" : ` (pin ${AWS_PROVIDER_VERSION})`} from ${source}`;
  const counts = `${real.filter((r) => r.validated).length} of ${real.length} stacks validated, ${real.filter((r) => r.planned).length} planned (${real.reduce((n, r) => n + r.plannedResources, 0)} resources)${describeFixtures(fixtures)}`;
  const line = `terraform gate: ${failed.length > 0 ? "FAILED: " : ""}${counts}, terraform ${version}, ${provider}, ${describeRemovals(results)}, ${seconds()}`;
  return {
    ok: failed.length === 0,
    line,
    details: failed.flatMap((r) => r.errors.map((e) => `${r.stack}: ${e}`)),
  };
}

/** CLI entry: prints the failures, then the one summary line; exits 1 on failure. */
export async function main(): Promise<void> {
  try {
    const outcome = await runGate(process.env.AAI_GATE_DIR ?? DEFAULT_WORK_DIR);
    for (const detail of outcome.details) console.log(`  ${detail}`);
    console.log(outcome.line);
    if (!outcome.ok) process.exitCode = 1;
  } catch (e) {
    console.log(`terraform gate: FAILED: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
