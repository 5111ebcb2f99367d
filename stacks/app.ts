import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import type { App } from "cdktf";
import { ConfigError, ENVIRONMENT_INPUTS, loadBootstrap, loadEnvironments } from "../environments";
import type { BootstrapConfig, EnvironmentConfig } from "../environments/schema";
import { stateBucketName } from "../lib/naming";
import type { BootstrapStack } from "./bootstrap-stack";
import type { EnvironmentStack } from "./environment-stack";

/*
 * cdktf and the stacks (which load the provider bindings) are required only once the config is valid,
 * so a config error answers in a fraction of the time of a synthesis.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const cdktf = () => require("cdktf") as typeof import("cdktf");
const stackClasses = () => ({
  ...(require("./bootstrap-stack") as typeof import("./bootstrap-stack")),
  ...(require("./environment-stack") as typeof import("./environment-stack")),
});
/* eslint-enable @typescript-eslint/no-require-imports */

/** The stack that is not an environment. */
export const BOOTSTRAP_STACK = "bootstrap";
/**
 * What a synth writes into a stack's directory (cdktf.out/stacks/<stack>/): replaced by the next synth,
 * removed when the stack is not synthesized. Everything else there (`.terraform/`,
 * `.terraform.lock.hcl`, saved plans, local state) belongs to Terraform or the user and is kept.
 */
export const GENERATED_STACK_FILES = ["cdk.tf.json", "metadata.json", "assets"];

export interface SynthesizeOptions {
  /** Output directory. @default $CDKTF_OUTDIR or "cdktf.out" */
  readonly outdir?: string;
  /** Environments to build. @default $AAI_ENVIRONMENTS (comma-separated) or every registered one */
  readonly environments?: readonly string[];
  /** The environment registry (tests inject invalid or extra ones). @default environments/registry.ts */
  readonly inputs?: Record<string, unknown>;
  /** Bootstrap config input. @default environments/bootstrap.ts */
  readonly bootstrapInput?: unknown;
}

/** One synthesized stack: where its Terraform JSON is and how many resources it declares. */
export interface SynthesizedStack {
  readonly name: string;
  /** `<outdir>/stacks/<name>` */
  readonly directory: string;
  readonly resources: number;
  /** Entries of the directory that the synth kept (e.g. `.terraform`, `.terraform.lock.hcl`, `dev.tfplan`). */
  readonly kept: string[];
}

export interface SynthesisResult {
  readonly outdir: string;
  /** In synthesis order: bootstrap, then the environments in promotion order. */
  readonly stacks: SynthesizedStack[];
  /** Registered stacks not synthesized this run: their generated files were removed, Terraform's kept. */
  readonly notSynthesized: string[];
  /** Directories of stacks that no longer exist (not registered), removed with everything in them. */
  readonly removed: string[];
}

/** Builds every stack into `app`: bootstrap plus one stack per (already validated) environment. */
export function buildStacks(
  app: App,
  environments = loadEnvironments(),
  bootstrapConfig: BootstrapConfig = loadBootstrap(),
): { bootstrap: BootstrapStack; environments: EnvironmentStack[] } {
  const { BootstrapStack, EnvironmentStack } = stackClasses();
  const bootstrap = new BootstrapStack(app, BOOTSTRAP_STACK, {
    owner: environments[0]?.owner ?? "platform-team",
    config: bootstrapConfig,
  });
  // With account-per-environment each environment's state lives in its own account's bucket.
  const stateBucket = (config: EnvironmentConfig) =>
    stateBucketName(bootstrapConfig.accountPerEnvironment ? config.awsAccountId : undefined);
  return {
    bootstrap,
    environments: environments.map((config) => new EnvironmentStack(app, config, stateBucket(config))),
  };
}

/**
 * Validates all config, builds the stacks and synthesizes them into a temporary directory, then, only
 * when all of that succeeded, moves each stack's generated files into `<outdir>/stacks/<stack>/`
 * (keeping `.terraform/`, the lock file and saved plans there) and writes the manifest last. A failure
 * throws and leaves `outdir` exactly as it was. A registered stack not synthesized this run
 * (AAI_ENVIRONMENTS) loses its generated files, so nothing stale looks current; the directory of a stack
 * that no longer exists is removed.
 */
export function synthesize(options: SynthesizeOptions = {}): SynthesisResult {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? "cdktf.out";
  const inputs = options.inputs ?? ENVIRONMENT_INPUTS;
  const names =
    options.environments ??
    process.env.AAI_ENVIRONMENTS?.split(",")
      .map((n) => n.trim())
      .filter(Boolean);
  const staging = `${outdir}.partial-${process.pid}`;
  try {
    const environments = loadEnvironments(names, inputs);
    const bootstrapConfig = loadBootstrap(options.bootstrapInput, inputs);
    const app = new (cdktf().App)({ outdir: staging });
    buildStacks(app, environments, bootstrapConfig);
    app.synth();
    const order = [BOOTSTRAP_STACK, ...environments.map((e) => e.name)];
    return publish(staging, outdir, order, new Set([BOOTSTRAP_STACK, ...Object.keys(inputs)]));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Moves a finished synthesis from `staging` into `outdir` (see synthesize). */
function publish(
  staging: string,
  outdir: string,
  order: readonly string[],
  known: ReadonlySet<string>,
): SynthesisResult {
  const manifest = JSON.parse(readFileSync(join(staging, "manifest.json"), "utf8"));
  const names = Object.keys(manifest.stacks).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const stacksDir = join(outdir, "stacks");
  mkdirSync(stacksDir, { recursive: true });
  const removeGenerated = (dir: string) => {
    for (const entry of GENERATED_STACK_FILES) rmSync(join(dir, entry), { recursive: true, force: true });
  };

  const stacks = names.map((name): SynthesizedStack => {
    const from = join(staging, "stacks", name);
    const to = join(stacksDir, name);
    mkdirSync(to, { recursive: true });
    removeGenerated(to);
    for (const entry of readdirSync(from)) {
      rmSync(join(to, entry), { recursive: true, force: true });
      renameSync(join(from, entry), join(to, entry));
    }
    const json = JSON.parse(readFileSync(join(to, "cdk.tf.json"), "utf8"));
    const resources = Object.values<Record<string, unknown>>(json.resource ?? {}).reduce(
      (sum, byName) => sum + Object.keys(byName).length,
      0,
    );
    const kept = readdirSync(to)
      .filter((e) => !GENERATED_STACK_FILES.includes(e))
      .sort();
    return { name, directory: to, resources, kept };
  });

  const notSynthesized: string[] = [];
  const removed: string[] = [];
  for (const entry of readdirSync(stacksDir).sort()) {
    if (names.includes(entry)) continue;
    if (known.has(entry)) {
      removeGenerated(join(stacksDir, entry));
      if (readdirSync(join(stacksDir, entry)).length === 0)
        rmSync(join(stacksDir, entry), { recursive: true });
      notSynthesized.push(entry);
    } else {
      rmSync(join(stacksDir, entry), { recursive: true, force: true });
      removed.push(entry);
    }
  }
  // Last: the manifest names exactly the stacks that are current.
  renameSync(join(staging, "manifest.json"), join(outdir, "manifest.json"));
  return { outdir, stacks, notSynthesized, removed };
}

/** What `npm run synth` prints: one line per stack, what was cleaned up, and what to run next. */
export function formatSynthesis(result: SynthesisResult, cwd: string = process.cwd()): string {
  const show = (path: string) => {
    const rel = relative(cwd, path);
    return rel && !rel.startsWith("..") ? rel : path;
  };
  const lines = result.stacks.map(
    (s) =>
      `${show(join(s.directory, "cdk.tf.json"))}: ${s.resources} resources${s.kept.length ? ` (kept ${s.kept.join(", ")})` : ""}`,
  );
  for (const name of result.notSynthesized)
    lines.push(
      `${show(join(result.outdir, "stacks", name))}: not synthesized this run, its cdk.tf.json removed`,
    );
  for (const name of result.removed)
    lines.push(`${show(join(result.outdir, "stacks", name))}: removed (no longer a stack of this app)`);
  const example = result.stacks.find((s) => s.name !== BOOTSTRAP_STACK) ?? result.stacks[0];
  if (example) {
    const dir = show(example.directory);
    lines.push(
      `next: npm test, npm run policy, or terraform -chdir=${dir} init && terraform -chdir=${dir} plan${example.name === BOOTSTRAP_STACK ? "" : " -var image_tag=<tag>"}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * One line for any error: a ConfigError's own line, otherwise `synth failed: <message>` with the
 * message's lines joined (cdktf's validation errors span several). AAI_DEBUG=1 adds the stack trace.
 */
export function formatError(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  const text = message
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ");
  return `synth failed: ${text || (error instanceof Error ? error.name : "unknown error")}`;
}

/**
 * cdktf records a full stack trace for every token it creates (about 2,600 per synth) and formats each
 * one at once: a tenth of the synth time. They are only ever shown in debug output, so outside AAI_DEBUG
 * the entry point keeps an error's first line and drops the frames.
 */
const briefStackTrace = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : "";

/** The app's entry point (main.ts): synthesize, print the summary; on any error one line and exit 1. */
export function main(options: SynthesizeOptions = {}): void {
  if (!process.env.AAI_DEBUG) Error.prepareStackTrace = briefStackTrace;
  try {
    process.stdout.write(formatSynthesis(synthesize(options)));
  } catch (error) {
    process.stderr.write(`${formatError(error)}\n`);
    if (process.env.AAI_DEBUG && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  }
}
