import { existsSync, renameSync, rmSync } from "node:fs";
import type { App } from "cdktf";
import { ConfigError, ENVIRONMENT_INPUTS, loadBootstrap, loadEnvironments } from "../environments";
import { type BootstrapConfig, ENVIRONMENT_NAMES } from "../environments/schema";
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

export interface SynthesizeOptions {
  /** Output directory. @default $CDKTF_OUTDIR or "cdktf.out" */
  readonly outdir?: string;
  /** Environments to build. @default $AAI_ENVIRONMENTS (comma-separated) or all */
  readonly environments?: readonly string[];
  /** Environment config inputs by name (tests inject invalid ones). @default environments/*.ts */
  readonly inputs?: Record<string, unknown>;
  /** Bootstrap config input. @default environments/bootstrap.ts */
  readonly bootstrapInput?: unknown;
}

/** Builds every stack into `app`: bootstrap plus one stack per (already validated) environment. */
export function buildStacks(
  app: App,
  environments = loadEnvironments(),
  bootstrapConfig: BootstrapConfig = loadBootstrap(),
): { bootstrap: BootstrapStack; environments: EnvironmentStack[] } {
  const { BootstrapStack, EnvironmentStack } = stackClasses();
  const bootstrap = new BootstrapStack(app, "bootstrap", {
    owner: environments[0]?.owner ?? "platform-team",
    config: bootstrapConfig,
  });
  return { bootstrap, environments: environments.map((config) => new EnvironmentStack(app, config)) };
}

/**
 * Validates all config, builds the stacks and synthesizes into a temporary directory that replaces
 * `outdir` only when everything succeeded, so a failure never leaves a partial cdktf.out behind.
 * A config error prints its one line on stderr and exits 1, without a stack trace.
 */
export function synthesize(options: SynthesizeOptions = {}): void {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? "cdktf.out";
  const names =
    options.environments ??
    process.env.AAI_ENVIRONMENTS?.split(",").map((n) => n.trim()) ??
    ENVIRONMENT_NAMES;
  const staging = `${outdir}.partial-${process.pid}`;
  try {
    const environments = loadEnvironments(names, options.inputs ?? ENVIRONMENT_INPUTS);
    const bootstrapConfig =
      options.bootstrapInput === undefined ? loadBootstrap() : loadBootstrap(options.bootstrapInput);
    const app = new (cdktf().App)({ outdir: staging });
    buildStacks(app, environments, bootstrapConfig);
    app.synth();
    rmSync(outdir, { recursive: true, force: true });
    renameSync(staging, outdir);
  } catch (error) {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
