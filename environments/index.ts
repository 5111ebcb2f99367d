import { bootstrap } from "./bootstrap";
import {
  assertDisjointVpcCidrs,
  assertEnvironmentName,
  checkAccountLayout,
  environmentAccounts,
  validateBootstrap,
  validateEnvironment,
} from "./load";
import { ENVIRONMENT_INPUTS, type EnvironmentRegistry } from "./registry";
import type { BootstrapConfig, EnvironmentConfig } from "./schema";

export { ENVIRONMENT_INPUTS, ENVIRONMENT_NAMES } from "./registry";

/**
 * Validates the named environments (by default every registered one, in promotion order) before any
 * construct is built. Throws ConfigError on the first invalid field of the first invalid environment,
 * then on VPC CIDRs that overlap between any two registered environments.
 * `inputs` is the registry to read them from: environments/registry.ts, or a test's in-memory one.
 */
export function loadEnvironments(
  names?: readonly string[],
  inputs: EnvironmentRegistry | Record<string, unknown> = ENVIRONMENT_INPUTS,
): EnvironmentConfig[] {
  const registered = Object.keys(inputs);
  const configs = (names ?? registered).map((name) => {
    assertEnvironmentName(name, registered);
    return validateEnvironment(inputs[name], name);
  });
  checkAccountLayout(environmentAccounts(inputs));
  assertDisjointVpcCidrs(inputs);
  return configs;
}

/**
 * Validates the bootstrap stack's config (environments/bootstrap.ts by default) before it is built; its
 * `environments` default to, and must be among, the registered ones (`inputs`, the registry) of its
 * account (their `awsAccountId`).
 */
export function loadBootstrap(
  input: unknown = bootstrap,
  inputs: EnvironmentRegistry | Record<string, unknown> = ENVIRONMENT_INPUTS,
): BootstrapConfig {
  return validateBootstrap(input, Object.keys(inputs), environmentAccounts(inputs));
}

export { ConfigError, type EnvironmentAccounts } from "./load";
export type { EnvironmentName, EnvironmentRegistry } from "./registry";
export type { BootstrapConfig, BootstrapInput, EnvironmentConfig, EnvironmentInput } from "./schema";
