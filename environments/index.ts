import { dev } from "./dev";
import { prod } from "./prod";
import { staging } from "./staging";
import {
  ENVIRONMENT_NAMES,
  type EnvironmentConfig,
  type EnvironmentInput,
  type EnvironmentName,
} from "./schema";
import { assertEnvironmentName, validateEnvironment } from "./load";

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

export { ConfigError } from "./load";
export type { EnvironmentConfig, EnvironmentInput, EnvironmentName } from "./schema";
