import { existsSync, renameSync, rmSync } from "node:fs";
import { App } from "cdktf";
import { ConfigError, ENVIRONMENT_INPUTS, loadBootstrap, loadEnvironments } from "../environments";
import { type BootstrapConfig, ENVIRONMENT_NAMES } from "../environments/schema";
import { BootstrapStack } from "./bootstrap-stack";
import { EnvironmentStack } from "./environment-stack";

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
    const app = new App({ outdir: staging });
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
