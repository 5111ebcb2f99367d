import { Testing } from "cdktf";
import { ConfigError, ENVIRONMENT_INPUTS, loadBootstrap, loadEnvironments } from "../../environments";
import { bootstrap as bootstrapInput } from "../../environments/bootstrap";
import type { EnvironmentInput } from "../../environments/schema";
import { OFFLINE_PROVIDER_ARGUMENTS, offlineTestFile } from "../../tools/terraform/offline-config";
import { buildStacks } from "../../stacks/app";
import { once, synthAll } from "../helpers/synth";

/**
 * Issue 12, part 4: an optional `awsAccountId` per environment (and for bootstrap) pins the AWS provider
 * (`allowed_account_ids`); with environments in several accounts, one bootstrap per account makes the
 * CI roles of that account's environments, and each account has its own state bucket.
 */
const ACCOUNT_A = "111111111111";
const ACCOUNT_B = "222222222222";

/** The committed registry with some environments pinned to accounts. */
function registryWith(accounts: Record<string, string>): Record<string, EnvironmentInput> {
  return Object.fromEntries(
    Object.entries(ENVIRONMENT_INPUTS).map(([name, input]) => [
      name,
      name in accounts ? { ...structuredClone(input), awsAccountId: accounts[name] } : input,
    ]),
  );
}

/**
 * Builds bootstrap (from a bootstrap input) and only the named environments of `registry` (none:
 * bootstrap alone), as a partial synth (AAI_ENVIRONMENTS) does: the whole registry is validated, only
 * those stacks are built. JSON by stack, each synthesized when a test first reads it.
 */
function synth(
  registry: Record<string, EnvironmentInput>,
  bootstrap: object,
  environments: readonly string[] = [],
) {
  const app = Testing.app();
  const built = buildStacks(
    app,
    loadEnvironments(environments, registry),
    loadBootstrap(bootstrap, registry),
  );
  const stacks: Record<string, any> = {};
  for (const stack of [built.bootstrap, ...built.environments]) {
    let json: unknown;
    Object.defineProperty(stacks, stack.node.id, {
      enumerable: true,
      get: () => (json ??= JSON.parse(Testing.synth(stack))),
    });
  }
  return stacks;
}

/** Every environment in account A. */
const SAME_ACCOUNT = registryWith({ dev: ACCOUNT_A, staging: ACCOUNT_A, prod: ACCOUNT_A });
/**
 * Account A's bootstrap and one environment stack (staging): the provider pin and the state bucket are
 * set the same way for every environment (from its own config, in BaseStack and buildStacks); dev's and
 * prod's stacks show it below, pinned to two different accounts.
 */
const sameAccount = once(() =>
  synth(SAME_ACCOUNT, { ...bootstrapInput, awsAccountId: ACCOUNT_A }, ["staging"]),
);

const roleNames = (stack: any): string[] =>
  Object.values<any>(stack.resource.aws_iam_role)
    .map((r) => r.name)
    .sort();

const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("accepted");
};

describe("one account (the committed configs: no awsAccountId)", () => {
  const all = synthAll();

  test.each(Object.keys(all))("%s: the provider accepts any account (no allowed_account_ids)", (stack) => {
    for (const provider of all[stack].provider.aws) expect(provider.allowed_account_ids).toBeUndefined();
  });

  test("the committed environment files leave awsAccountId unset", () => {
    for (const [name, input] of Object.entries(ENVIRONMENT_INPUTS))
      expect([name, (input as EnvironmentInput).awsAccountId]).toEqual([name, undefined]);
    expect((bootstrapInput as { awsAccountId?: string }).awsAccountId).toBeUndefined();
  });
});

describe("every environment pinned to the same account", () => {
  test("every environment's config carries that account, and its stack's provider allows exactly it (staging; dev and prod below)", () => {
    for (const config of loadEnvironments(undefined, SAME_ACCOUNT))
      expect([config.name, config.awsAccountId]).toEqual([config.name, ACCOUNT_A]);
    expect(sameAccount().staging.provider.aws[0].allowed_account_ids).toEqual([ACCOUNT_A]);
  });

  test("bootstrap too; still one state bucket with the unsuffixed name, the environments' backend, and every environment's roles", () => {
    const { bootstrap, staging } = sameAccount();
    expect(bootstrap.provider.aws[0].allowed_account_ids).toEqual([ACCOUNT_A]);
    const buckets = Object.values<any>(bootstrap.resource.aws_s3_bucket).map((b) => b.bucket);
    expect(buckets).toContain("air-applied-ai-terraform-state");
    expect(staging.terraform.backend.s3.bucket).toBe("air-applied-ai-terraform-state");
    expect(roleNames(bootstrap)).toHaveLength(2 * Object.keys(ENVIRONMENT_INPUTS).length);
  });
});

describe("account per environment: dev and staging in A, prod in B", () => {
  const registry = registryWith({ dev: ACCOUNT_A, staging: ACCOUNT_A, prod: ACCOUNT_B });
  /** A's bootstrap, with dev's stack (account A) and prod's (account B). */
  const inA = once(() => synth(registry, { ...bootstrapInput, awsAccountId: ACCOUNT_A }, ["dev", "prod"]));
  /** B's bootstrap alone. */
  const inB = once(() => synth(registry, { ...bootstrapInput, awsAccountId: ACCOUNT_B }));

  test("each bootstrap makes the CI roles of its own account's environments only", () => {
    expect(roleNames(inA().bootstrap)).toEqual([
      "air-applied-ai-ci-dev-deploy",
      "air-applied-ai-ci-dev-plan",
      "air-applied-ai-ci-staging-deploy",
      "air-applied-ai-ci-staging-plan",
    ]);
    expect(roleNames(inB().bootstrap)).toEqual([
      "air-applied-ai-ci-prod-deploy",
      "air-applied-ai-ci-prod-plan",
    ]);
  });

  test("each account has its own state bucket (S3 names are global), and each environment uses its account's", () => {
    const bucketOf = (stack: any) =>
      Object.values<any>(stack.resource.aws_s3_bucket)
        .map((b) => b.bucket)
        .sort();
    expect(bucketOf(inA().bootstrap)).toEqual([
      `air-applied-ai-terraform-state-${ACCOUNT_A}`,
      `air-applied-ai-terraform-state-${ACCOUNT_A}-access-logs`,
    ]);
    expect(bucketOf(inB().bootstrap)[0]).toBe(`air-applied-ai-terraform-state-${ACCOUNT_B}`);
    expect(inA().dev.terraform.backend.s3.bucket).toBe(`air-applied-ai-terraform-state-${ACCOUNT_A}`);
    expect(inA().dev.provider.aws[0].allowed_account_ids).toEqual([ACCOUNT_A]);
    expect(inA().prod.terraform.backend.s3.bucket).toBe(`air-applied-ai-terraform-state-${ACCOUNT_B}`);
    expect(inA().prod.provider.aws[0].allowed_account_ids).toEqual([ACCOUNT_B]);
    expect(inB().bootstrap.provider.aws[0].allowed_account_ids).toEqual([ACCOUNT_B]);
  });

  test('with state: "s3", each bootstrap keeps its state in its own account\'s bucket', () => {
    const migrated = synth(registry, { ...bootstrapInput, awsAccountId: ACCOUNT_B, state: "s3" }).bootstrap;
    expect(migrated.terraform.backend.s3).toMatchObject({
      bucket: `air-applied-ai-terraform-state-${ACCOUNT_B}`,
      key: "bootstrap/terraform.tfstate",
    });
  });

  test("a bootstrap told to make roles for an environment of another account: one line, naming both accounts", () => {
    const message = errorOf(() =>
      loadBootstrap({ ...bootstrapInput, awsAccountId: ACCOUNT_A, environments: ["dev", "prod"] }, registry),
    );
    expect(message).toBe(
      `Invalid bootstrap config (environments/bootstrap.ts): environments[1] = "prod": is pinned to AWS account ${ACCOUNT_B}, not this bootstrap's ${ACCOUNT_A}: its CI roles belong to that account's bootstrap`,
    );
  });

  test("an unpinned bootstrap, or an unpinned environment, is ambiguous there: one line each", () => {
    expect(errorOf(() => loadBootstrap(bootstrapInput, registry))).toMatch(
      /^Invalid bootstrap config \(environments\/bootstrap\.ts\): awsAccountId = \(missing\): must be set when the environments live in several AWS accounts \(dev: 111111111111, staging: 111111111111, prod: 222222222222\): one bootstrap per account$/,
    );
    const partly = registryWith({ dev: ACCOUNT_A, prod: ACCOUNT_B });
    expect(errorOf(() => loadEnvironments(["dev"], partly))).toBe(
      `Invalid config for environment "staging": awsAccountId = (missing): must be set when the environments live in several AWS accounts (dev: ${ACCOUNT_A}, prod: ${ACCOUNT_B})`,
    );
  });

  test("a bootstrap pinned to an account no environment lives in", () => {
    expect(
      errorOf(() => loadBootstrap({ ...bootstrapInput, awsAccountId: "333333333333" }, registry)),
    ).toMatch(/: awsAccountId = "333333333333": no registered environment lives in this account/);
  });
});

test("bootstrap config: awsAccountId and state take only their allowed forms", () => {
  expect(errorOf(() => loadBootstrap({ ...bootstrapInput, awsAccountId: "12345" }))).toBe(
    'Invalid bootstrap config (environments/bootstrap.ts): awsAccountId = "12345": must be a 12-digit AWS account id',
  );
  expect(errorOf(() => loadBootstrap({ ...bootstrapInput, state: "remote" }))).toMatch(
    /^Invalid bootstrap config \(environments\/bootstrap\.ts\): state = "remote": Invalid option: expected one of "local"\|"s3"$/,
  );
});

describe("the Terraform gate's offline plan", () => {
  test("validates the stack with allowed_account_ids as synthesized, and plans without it", () => {
    // skip_requesting_account_id leaves the provider without an account id, and the guard refuses an
    // empty one ("AWS account ID not allowed: "): the offline plan cannot keep it; validate does.
    const pinned = sameAccount().staging;
    expect(pinned.provider.aws[0].allowed_account_ids).toEqual([ACCOUNT_A]);
    const [offline] = offlineTestFile(pinned).provider.aws;
    expect(offline.allowed_account_ids).toBeUndefined();
    expect(offline).toMatchObject({ ...OFFLINE_PROVIDER_ARGUMENTS, region: "us-east-2" });
  });
});
