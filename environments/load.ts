import type { z } from "zod";
import {
  ENVIRONMENT_NAMES,
  MISSING,
  bootstrapSchema,
  environmentSchema,
  type BootstrapConfig,
  type EnvironmentConfig,
  type EnvironmentName,
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

/** One line for the first problem zod found: `environment "prod": ecs.taskMemory = 512: must be ...`. */
export function formatIssue(environment: string, issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    const input = (issue.input ?? {}) as Record<string, unknown>;
    const field = formatPath([...issue.path, key]);
    return `Invalid config for environment "${environment}": ${field} = ${formatValue(input[key])}: unknown field (check the spelling against environments/schema.ts)`;
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

/** Validates a requested environment name. */
export function assertEnvironmentName(name: string): asserts name is EnvironmentName {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(name))
    throw new ConfigError(`Unknown environment "${name}": must be one of ${ENVIRONMENT_NAMES.join(", ")}`);
}

/** Validates the bootstrap stack's config (environments/bootstrap.ts); one-line ConfigError on the first problem. */
export function validateBootstrap(input: unknown): BootstrapConfig {
  const result = bootstrapSchema.safeParse(input, { reportInput: true });
  if (!result.success)
    throw new ConfigError(
      formatIssue("bootstrap", result.error.issues[0]).replace(
        'Invalid config for environment "bootstrap"',
        "Invalid bootstrap config (environments/bootstrap.ts)",
      ),
    );
  return result.data;
}
