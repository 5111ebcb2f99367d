import type { z } from "zod";
import { cidrsOverlap, isCidr } from "../lib/cidr";
import { SEED_ENVIRONMENT, stateBucketName } from "../lib/naming";
import { ENVIRONMENT_NAMES, type EnvironmentName } from "./registry";
import {
  AWS_ACCOUNT_ID,
  MISSING,
  bootstrapSchema,
  environmentSchema,
  type BootstrapConfig,
  type EnvironmentConfig,
} from "./schema";

/** A config error: its message is the one line a user sees (environment, field, value, what is allowed). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    "",
  );
}

function formatValue(value: unknown): string {
  if (value === undefined || value === MISSING) return "(missing)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The field names the object schema at `path` accepts (wrappers such as default/prefault/optional and
 * array elements are looked through), or undefined when the path does not lead to an object schema.
 */
export function allowedKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let node: z.core.$ZodType | undefined = schema;
  for (let i = 0; node && i <= path.length; ) {
    const def = node._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
    if ("innerType" in def) node = def.innerType as z.core.$ZodType;
    else if (def.type === "pipe") node = def.in as z.core.$ZodType;
    else if (i === path.length) return def.type === "object" ? Object.keys(def.shape as object) : undefined;
    else if (def.type === "object") node = (def.shape as Record<PropertyKey, z.core.$ZodType>)[path[i++]];
    else if (def.type === "array" && typeof path[i] === "number") {
      node = def.element as z.core.$ZodType;
      i++;
    } else return undefined;
  }
  return undefined;
}

/** One line for the first problem zod found: `environment "prod": ecs.taskMemory = 512: must be ...`. */
export function formatIssue(
  environment: string,
  issue: z.core.$ZodIssue,
  schema: z.core.$ZodType = environmentSchema,
): string {
  if (issue.code === "unrecognized_keys") {
    // Every object in the schema is strict: a misspelled key is an error, never silently dropped.
    const [key, ...others] = issue.keys;
    const input = (issue.input ?? {}) as Record<string, unknown>;
    const field = formatPath([...issue.path, key]);
    const allowed = allowedKeysAt(schema, issue.path);
    const notes = [
      ...(others.length ? [`also unknown: ${others.join(", ")}`] : []),
      allowed ? `allowed: ${allowed.join(", ")}` : "check the spelling against environments/schema.ts",
    ];
    return `Invalid config for environment "${environment}": ${field} = ${formatValue(input[key])}: unknown field (${notes.join("; ")})`;
  }
  const field = formatPath(issue.path) || "(root)";
  const value = "input" in issue ? formatValue(issue.input) : "(missing)";
  let message = issue.message;
  if (issue.code === "invalid_type" && issue.input === undefined) message = `is required (${issue.expected})`;
  return `Invalid config for environment "${environment}": ${field} = ${value}: ${message}`;
}

/** Validates one environment's config; throws ConfigError with a single line on the first problem. */
export function validateEnvironment(input: unknown, label?: string): EnvironmentConfig {
  const name =
    label ??
    (typeof input === "object" && input && "name" in input ? String((input as { name: unknown }).name) : "?");
  const result = environmentSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ConfigError(formatIssue(name, result.error.issues[0]));
  if (label !== undefined && result.data.name !== label)
    throw new ConfigError(
      `Invalid config for environment "${label}": name = ${formatValue(result.data.name)}: must match the file it is in ("${label}")`,
    );
  return result.data;
}

/**
 * Rejects two registered environments whose VPC CIDRs overlap: the environments share one account and
 * must stay routable to each other (VPC peering, a transit gateway). Reads every entry of the registry,
 * not only the requested ones, so a partial synth cannot hide a clash. A value that is no CIDR is left to
 * that environment's own validation. The environment named is the one to change: never the seed
 * environment (its network is the spec's) when the other one can be named instead.
 */
export function assertDisjointVpcCidrs(inputs: Readonly<Record<string, unknown>>): void {
  const vpcs = Object.entries(inputs)
    .map(([name, input]) => [name, (input as { network?: { vpcCidr?: unknown } })?.network?.vpcCidr] as const)
    .filter((e): e is readonly [string, string] => typeof e[1] === "string" && isCidr(e[1]))
    .sort(([a], [b]) => Number(a === SEED_ENVIRONMENT) - Number(b === SEED_ENVIRONMENT));
  vpcs.forEach(([name, cidr], i) => {
    const clash = vpcs.slice(i + 1).find(([, other]) => cidrsOverlap(cidr, other));
    if (clash)
      throw new ConfigError(
        `Invalid config for environment "${name}": network.vpcCidr = ${formatValue(cidr)}: overlaps ${clash[0]}.network.vpcCidr = ${formatValue(clash[1])} (environments need disjoint VPC CIDRs, to be peered or joined by a transit gateway)`,
      );
  });
}

/** Validates a requested environment name against the registered ones (environments/registry.ts). */
export function assertEnvironmentName(
  name: string,
  registered: readonly string[] = ENVIRONMENT_NAMES,
): asserts name is EnvironmentName {
  if (!registered.includes(name))
    throw new ConfigError(`Unknown environment "${name}": must be one of ${registered.join(", ")}`);
}

/** Environment name -> the AWS account it is pinned to (`awsAccountId`), or undefined when not pinned. */
export type EnvironmentAccounts = Readonly<Record<string, string | undefined>>;

/**
 * The accounts of the registered environments, read from their inputs (a malformed id counts as not
 * pinned here; that environment's own validation reports it).
 */
export function environmentAccounts(inputs: Readonly<Record<string, unknown>>): EnvironmentAccounts {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, input]) => {
      const id =
        typeof input === "object" && input ? (input as { awsAccountId?: unknown }).awsAccountId : undefined;
      return [name, typeof id === "string" && AWS_ACCOUNT_ID.test(id) ? id : undefined];
    }),
  );
}

/** The distinct accounts the environments are pinned to, in registry order. */
function pinnedAccounts(accounts: EnvironmentAccounts): string[] {
  return [...new Set(Object.values(accounts).filter((a): a is string => a !== undefined))];
}

/** `dev: 111111111111, prod: 222222222222`: who is pinned where, for messages. */
function describeAccounts(accounts: EnvironmentAccounts): string {
  return Object.entries(accounts)
    .filter(([, a]) => a !== undefined)
    .map(([e, a]) => `${e}: ${a}`)
    .join(", ");
}

/**
 * Account-per-environment needs every environment pinned: its state bucket is its account's, and some
 * account's bootstrap must make its CI roles. One-line ConfigError for the first unpinned environment.
 */
export function checkAccountLayout(accounts: EnvironmentAccounts): void {
  if (pinnedAccounts(accounts).length < 2) return;
  const unpinned = Object.keys(accounts).find((e) => accounts[e] === undefined);
  if (unpinned !== undefined)
    throw new ConfigError(
      `Invalid config for environment "${unpinned}": awsAccountId = (missing): must be set when the environments live in several AWS accounts (${describeAccounts(accounts)})`,
    );
}

const BOOTSTRAP = "Invalid bootstrap config (environments/bootstrap.ts)";

/**
 * Validates the bootstrap stack's config (environments/bootstrap.ts); one-line ConfigError on the first
 * problem. `environments` defaults to every registered environment of this bootstrap's account (all of
 * them when it is not pinned) and may name only registered ones in that account. When the environments
 * live in several accounts, the bootstrap must be pinned to one, and its state bucket is that account's.
 */
export function validateBootstrap(
  input: unknown,
  registered: readonly string[] = ENVIRONMENT_NAMES,
  accounts: EnvironmentAccounts = {},
): BootstrapConfig {
  const result = bootstrapSchema.safeParse(input, { reportInput: true });
  if (!result.success)
    throw new ConfigError(
      formatIssue("bootstrap", result.error.issues[0], bootstrapSchema).replace(
        'Invalid config for environment "bootstrap"',
        BOOTSTRAP,
      ),
    );
  const own = result.data.awsAccountId;
  const accountPerEnvironment = pinnedAccounts(accounts).length > 1;
  if (accountPerEnvironment && own === undefined)
    throw new ConfigError(
      `${BOOTSTRAP}: awsAccountId = (missing): must be set when the environments live in several AWS accounts (${describeAccounts(accounts)}): one bootstrap per account`,
    );
  // Unpinned environments (or an unpinned bootstrap) mean "the same account".
  const inThisAccount = (e: string) => own === undefined || accounts[e] === undefined || accounts[e] === own;
  const environments = result.data.environments ?? registered.filter(inThisAccount);
  const unknown = environments.findIndex((e) => !registered.includes(e));
  if (unknown >= 0)
    throw new ConfigError(
      `${BOOTSTRAP}: environments[${unknown}] = ${formatValue(environments[unknown])}: must be one of ${registered.join(", ")} (the environments registered in environments/registry.ts)`,
    );
  const elsewhere = environments.findIndex((e) => !inThisAccount(e));
  if (elsewhere >= 0)
    throw new ConfigError(
      `${BOOTSTRAP}: environments[${elsewhere}] = ${formatValue(environments[elsewhere])}: is pinned to AWS account ${accounts[environments[elsewhere]]}, not this bootstrap's ${own}: its CI roles belong to that account's bootstrap`,
    );
  if (environments.length === 0)
    throw new ConfigError(
      `${BOOTSTRAP}: awsAccountId = ${formatValue(own)}: no registered environment lives in this account (${describeAccounts(accounts)})`,
    );
  return {
    ...result.data,
    environments,
    accountPerEnvironment,
    stateBucket: stateBucketName(accountPerEnvironment ? own : undefined),
  };
}
