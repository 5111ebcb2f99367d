/**
 * Turns a synthesized stack into what the Terraform gate runs, changing only what it must and saying
 * what it changed:
 * - for a provider older than the pin, the declared attributes that provider lacks are removed;
 * - for the offline plan, ephemeral values that would call AWS become literals, and a test file gives
 *   the provider fake credentials, every data source an override and every required variable a value.
 * Anything not declared here (an unknown data source, ephemeral resource or variable) is an error,
 * never skipped, so a new one is added here on purpose.
 */
import { resources } from "../../tools/tfjson";
import { mapStrings } from "../../lib/overrides";
import { compareVersions } from "./provider";

/** A Terraform JSON document (a stack's cdk.tf.json, or a test file). */
export type TfJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An argument the pinned provider has and an older local provider may not. */
export interface NewerAttribute {
  readonly resourceType: string;
  /** Path inside the resource: nested blocks are objects or lists of objects. */
  readonly path: readonly string[];
  /** First hashicorp/aws version with the argument. */
  readonly addedIn: string;
  /** The test that pins the argument's value, so removing it for the local gate loses no coverage. */
  readonly coveredBy: string;
}

/**
 * The only arguments the gate may remove, and only for a provider older than `addedIn`. The GitHub
 * `validate` job runs the gate with the pinned provider and removes nothing.
 */
export const NEWER_ATTRIBUTES: readonly NewerAttribute[] = [
  {
    resourceType: "aws_ecs_service",
    path: ["deployment_configuration"],
    addedIn: "6.4.0", // ECS-native blue/green, canary and linear deployments
    coveredBy: "__tests__/modules/ecs.test.ts",
  },
  {
    resourceType: "aws_ecs_service",
    path: ["load_balancer", "advanced_configuration"],
    addedIn: "6.4.0",
    coveredBy: "__tests__/modules/ecs.test.ts",
  },
  {
    resourceType: "aws_s3_bucket_server_side_encryption_configuration",
    path: ["rule", "blocked_encryption_types"],
    addedIn: "6.22.0", // S3 bucket-level SSE-C blocking
    coveredBy: "__tests__/modules/storage.test.ts",
  },
];

export function attributeName(a: NewerAttribute): string {
  return `${a.resourceType}.${a.path.join(".")}`;
}

/** Deletes `path` under `node` (through nested objects and lists); returns how many were deleted. */
function deletePath(node: unknown, path: readonly string[]): number {
  if (Array.isArray(node)) return node.reduce((n: number, item) => n + deletePath(item, path), 0);
  if (node === null || typeof node !== "object") return 0;
  const record = node as Record<string, unknown>;
  const [head, ...rest] = path;
  if (!(head in record)) return 0;
  if (rest.length > 0) return deletePath(record[head], rest);
  delete record[head];
  return 1;
}

export interface Removed {
  readonly attribute: string;
  readonly addedIn: string;
  /** Resources it was removed from. */
  readonly count: number;
}

/**
 * A copy of the stack for `providerVersion`: the version constraint set to it and, when it is older
 * than an attribute's `addedIn`, that attribute removed. Nothing else changes.
 */
export function forProvider(
  stack: TfJson,
  providerVersion: string,
  attributes: readonly NewerAttribute[] = NEWER_ATTRIBUTES,
): { json: TfJson; removed: Removed[] } {
  const json: TfJson = structuredClone(stack);
  const aws = json.terraform?.required_providers?.aws;
  if (aws) aws.version = providerVersion;
  const removed: Removed[] = [];
  for (const attribute of attributes) {
    if (compareVersions(providerVersion, attribute.addedIn) >= 0) continue;
    let count = 0;
    for (const values of Object.values(json.resource?.[attribute.resourceType] ?? {}))
      count += deletePath(values, attribute.path) > 0 ? 1 : 0;
    if (count > 0) removed.push({ attribute: attributeName(attribute), addedIn: attribute.addedIn, count });
  }
  return { json, removed };
}

/** Ephemeral resource types: whether opening one calls AWS, and the literal each attribute becomes then. */
export const EPHEMERAL_LITERALS: Record<string, { readonly callsAws: boolean; readonly values: TfJson }> = {
  // GetRandomPassword: an AWS call. The value only feeds write-only arguments (secret_string_wo).
  aws_secretsmanager_random_password: {
    callsAws: true,
    values: { random_password: "OfflinePlanPlaceholderPassword0123456789" },
  },
};

/** Values the offline plan gives each data source type (what AWS would return), keyed by type. */
export const DATA_OVERRIDES: Record<string, (args: TfJson) => TfJson> = {
  aws_caller_identity: () => ({
    account_id: "123456789012",
    arn: "arn:aws:iam::123456789012:user/offline-plan",
    user_id: "AIDAOFFLINEPLAN",
  }),
  aws_route53_zone: (args) => ({
    zone_id: "Z0OFFLINEPLAN0000000",
    name: args.name ?? "example.com",
    arn: "arn:aws:route53:::hostedzone/Z0OFFLINEPLAN0000000",
  }),
  // Only alphanumerics: valid wherever the secret is used (an ElastiCache AUTH token among them).
  aws_secretsmanager_secret_version: () => ({ secret_string: "OfflinePlanPlaceholderSecret0123456789" }),
  aws_ssm_parameter: (args) => ({
    value: /\/ami-|\/ami\//.test(String(args.name)) ? "ami-0123456789abcdef0" : "offline-plan-parameter",
    type: "String",
  }),
};

/** Values for the stack's required input variables (those without a default). */
export const VARIABLE_VALUES: Record<string, string> = {
  image_tag: "offline-plan-1",
};

const EPHEMERAL_REFERENCE = /\$\{ephemeral\.([\w-]+)\.([\w-]+)\.([\w-]+)\}/g;

/**
 * The configuration the offline plan runs: `stack` with the ephemeral resources that would call AWS
 * removed and each reference to them (`${ephemeral.<type>.<name>.<attribute>}`) replaced by a literal.
 */
export function offlinePlanConfig(stack: TfJson): TfJson {
  const ephemeral: TfJson = stack.ephemeral ?? {};
  for (const type of Object.keys(ephemeral))
    if (!(type in EPHEMERAL_LITERALS))
      throw new Error(
        `ephemeral resource type ${type} has no offline literal: declare it in EPHEMERAL_LITERALS (tools/terraform/offline-config.ts)`,
      );
  const replaced = new Set(Object.keys(ephemeral).filter((t) => EPHEMERAL_LITERALS[t].callsAws));
  if (replaced.size === 0) return structuredClone(stack);

  const rest = { ...stack };
  delete rest.ephemeral;
  const json = mapStrings(rest, (s) =>
    s.replace(EPHEMERAL_REFERENCE, (match, type: string, _name: string, attribute: string) => {
      if (!replaced.has(type)) return match;
      const literal = EPHEMERAL_LITERALS[type].values[attribute];
      if (literal === undefined)
        throw new Error(`ephemeral ${type} attribute ${attribute} has no offline literal`);
      return literal;
    }),
  ) as TfJson;
  const left = [...JSON.stringify(json).matchAll(/ephemeral\.([\w-]+)\./g)].filter((m) => replaced.has(m[1]));
  if (left.length > 0)
    throw new Error(`an expression uses ephemeral.${left[0][1]} in a way the offline plan cannot replace`);
  const kept = Object.fromEntries(Object.entries(ephemeral).filter(([type]) => !replaced.has(type)));
  return Object.keys(kept).length > 0 ? { ...json, ephemeral: kept } : json;
}

/** Provider arguments that let the AWS provider configure itself without credentials or network. */
export const OFFLINE_PROVIDER_ARGUMENTS = {
  access_key: "offline-plan-access-key",
  secret_key: "offline-plan-secret-key",
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
} as const;

/**
 * Provider arguments the offline plan drops. `allowed_account_ids` (environments' `awsAccountId`): with
 * skip_requesting_account_id the provider knows no account and refuses every list ("AWS account ID not
 * allowed: "). `terraform validate` still checks the argument in the stack as synthesized.
 */
export const ONLINE_ONLY_PROVIDER_ARGUMENTS = ["allowed_account_ids"] as const;

/** An AWS provider configuration for the offline plan (see OFFLINE_PROVIDER_ARGUMENTS). */
function offlineProvider(config: TfJson): TfJson {
  const offline: TfJson = { ...config, ...OFFLINE_PROVIDER_ARGUMENTS };
  for (const argument of ONLINE_ONLY_PROVIDER_ARGUMENTS) delete offline[argument];
  return offline;
}

/** The run name of the offline plan in the generated test file. */
export const OFFLINE_RUN = "offline_first_apply_plan";

/**
 * A `terraform test` file (JSON syntax) that plans `stack` offline: every provider block of the stack
 * with fake credentials, an override for every data source, a value for every required variable, and
 * one run with `command = plan`.
 */
export function offlineTestFile(stack: TfJson): TfJson {
  const providers = Object.fromEntries(
    Object.entries(stack.provider ?? {}).map(([name, configs]) => [
      name,
      (Array.isArray(configs) ? configs : [configs]).map((c: TfJson) =>
        name === "aws" ? offlineProvider(c) : { ...c },
      ),
    ]),
  );
  const overrides = Object.entries(stack.data ?? {}).flatMap(([type, byName]) => {
    const values = DATA_OVERRIDES[type];
    if (!values)
      throw new Error(
        `data source type ${type} has no offline override: declare it in DATA_OVERRIDES (tools/terraform/offline-config.ts)`,
      );
    return Object.entries(byName as TfJson).map(([name, args]) => ({
      target: `data.${type}.${name}`,
      values: values(args as TfJson),
    }));
  });
  const variables = Object.fromEntries(
    Object.entries(stack.variable ?? {})
      .filter(([, v]) => (v as TfJson).default === undefined)
      .map(([name]) => {
        if (!(name in VARIABLE_VALUES))
          throw new Error(
            `variable ${name} has no offline value: declare it in VARIABLE_VALUES (tools/terraform/offline-config.ts)`,
          );
        return [name, VARIABLE_VALUES[name]];
      }),
  );
  return {
    provider: providers,
    ...(Object.keys(variables).length > 0 ? { variables } : {}),
    ...(overrides.length > 0 ? { override_data: overrides } : {}),
    run: { [OFFLINE_RUN]: { command: "plan" } },
  };
}

/** Every managed resource the stack declares, as Terraform addresses (type.name). */
export function declaredResources(stack: TfJson): string[] {
  return resources(stack).map((r) => r.address);
}
