import { dev } from "./dev";
import { prod } from "./prod";
import type { EnvironmentInput } from "./schema";
import { staging } from "./staging";

/**
 * THE list of environments, in promotion order. Everything per environment follows from it:
 * `npm run synth` builds one stack each, the bootstrap stack gives each a plan and a deploy role (unless
 * environments/bootstrap.ts narrows the list), ci.yml and drift.yml plan each, and deploy.yml deploys
 * them one at a time in this order, stopping at the first failure (scripts/ci/environments.mjs computes
 * the workflow matrices from this object). The key is the environment's name: its `name` field, stack,
 * GitHub environment and state key `<name>/terraform.tfstate`.
 *
 * To add one (docs/deploy.md, "Add an environment"): write `environments/<name>.ts` and register it here,
 * import and key, at its place in the promotion order.
 */
export const ENVIRONMENT_INPUTS = {
  dev,
  staging,
  prod,
} satisfies EnvironmentRegistry;

/** Environment configs by name, in promotion order (object key order). */
export type EnvironmentRegistry = Readonly<Record<string, EnvironmentInput>>;
/** A registered environment's name. */
export type EnvironmentName = keyof typeof ENVIRONMENT_INPUTS;
/** The registered environments' names, in promotion order. */
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = Object.freeze(
  Object.keys(ENVIRONMENT_INPUTS) as EnvironmentName[],
);
