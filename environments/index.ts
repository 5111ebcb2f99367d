import { bootstrap } from "./bootstrap";
import { dev } from "./dev";
import { prod } from "./prod";
import { staging } from "./staging";
import {
  ENVIRONMENT_NAMES,
  type BootstrapConfig,
  type EnvironmentConfig,
  type EnvironmentInput,
  type EnvironmentName,
} from "./schema";
import { assertEnvironmentName, validateBootstrap, validateEnvironment } from "./load";

export const ENVIRONMENT_INPUTS: Record<EnvironmentName, EnvironmentInput> = { dev, staging, prod };

/**
 * Validates the named environments (all by default) before any construct is built. Throws ConfigError
 * on the first invalid field of the first invalid environment.
 */
export function loadEnvironments(
  names: readonly string[] = ENVIRONMENT_NAMES,
  inputs: Record<string, unknown> = ENVIRONMENT_INPUTS,
): EnvironmentConfig[] {
  return names.map((name) => {
    assertEnvironmentName(name);
    return validateEnvironment(inputs[name], name);
  });
}

/** Validates the bootstrap stack's config (environments/bootstrap.ts by default) before it is built. */
export function loadBootstrap(input: unknown = bootstrap): BootstrapConfig {
  return validateBootstrap(input);
}

export { ConfigError } from "./load";
export type {
  BootstrapConfig,
  BootstrapInput,
  EnvironmentConfig,
  EnvironmentInput,
  EnvironmentName,
} from "./schema";
