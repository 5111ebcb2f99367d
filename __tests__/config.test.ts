import { ConfigError, ENVIRONMENT_INPUTS, loadBootstrap, loadEnvironments } from "../environments";
import { bootstrap } from "../environments/bootstrap";
import { validateEnvironment } from "../environments/load";
import type { EnvironmentInput } from "../environments/schema";
import { cidrsOverlap } from "../lib/cidr";
import { INVALID_CONFIGS } from "./helpers/invalid-configs";

/** A deep copy of prod's input with one change applied. */
function prodWith(change: (c: EnvironmentInput) => void): EnvironmentInput {
  const copy = structuredClone(ENVIRONMENT_INPUTS.prod);
  change(copy);
  return copy;
}

/** The message of the ConfigError `load` throws (the test fails when it throws none). */
function configError(load: () => unknown): string {
  try {
    load();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("config was accepted");
}

const errorOf = (input: unknown, label?: string) => configError(() => validateEnvironment(input, label));

test("the three committed environments are valid", () => {
  expect(loadEnvironments().map((c) => c.name)).toEqual(["dev", "staging", "prod"]);
});

test("prod carries the seed's numbers", () => {
  const prod = loadEnvironments(["prod"])[0];
  expect(prod.network).toMatchObject({
    vpcCidr: "10.0.0.0/16",
    publicSubnetCidrs: ["10.0.1.0/24", "10.0.2.0/24"],
    privateSubnetCidrs: ["10.0.3.0/24", "10.0.4.0/24"],
    natGateways: "one-per-az",
  });
  expect(prod.ecs).toMatchObject({
    minCapacity: 2,
    maxCapacity: 10,
    cpuTargetPercent: 70,
    memoryTargetPercent: 80,
  });
  expect(prod.storage).toMatchObject({ rawDataInfrequentAccessDays: 30, processedGlacierDays: 60 });
  expect(prod.database).toMatchObject({
    instanceType: "r6g.2xlarge",
    dataVolumeSizeGiB: 1024,
    snapshotRetentionDays: 30,
  });
  expect(prod.cache).toMatchObject({
    nodeType: "cache.r6g.xlarge",
    multiAz: true,
    numCacheClusters: 2,
    snapshotRetentionDays: 7,
  });
  expect(prod.logging.retentionDays).toBe(30);
});

test.each(INVALID_CONFIGS)(
  "rejects %s with one line naming environment, field and value",
  (_name, change, expected) => {
    const message = errorOf(prodWith(change), "prod");
    expect(message).toMatch(/^Invalid config for environment "prod": /);
    expect(message).toMatch(expected);
    expect(message).not.toContain("\n");
  },
);

test("an environment may not be named like a plan GitHub environment (<env>-plan)", () => {
  const input = { ...structuredClone(ENVIRONMENT_INPUTS.staging), name: "qa-plan" };
  expect(errorOf(input, "qa-plan")).toMatch(
    /^Invalid config for environment "qa-plan": name = "qa-plan": must be 2-12 lowercase letters.*not ending in "-plan"/,
  );
  // "plan" inside a name is fine; only the suffix is reserved.
  expect(validateEnvironment({ ...input, name: "plan-b" }, "plan-b").name).toBe("plan-b");
});

test("an unknown environment name is rejected with the allowed names", () => {
  expect(() => loadEnvironments(["no-such-env"])).toThrow(
    'Unknown environment "no-such-env": must be one of dev, staging, prod',
  );
});

describe("every object in the schema is strict: a misspelled key is an error, not a silent default", () => {
  test("the whole line for a misspelled section field", () => {
    const staging = structuredClone(ENVIRONMENT_INPUTS.staging);
    (staging.cache as Record<string, unknown>).snapshotRetentionDay = 14;
    expect(errorOf(staging, "staging")).toBe(
      'Invalid config for environment "staging": cache.snapshotRetentionDay = 14: unknown field ' +
        "(allowed: nodeType, numCacheClusters, multiAz, engineVersion, snapshotRetentionDays, " +
        "snapshotWindow, maintenanceWindow, authTokenVersion, restoreFromSnapshot, shards)",
    );
  });

  test.each([
    [
      { colour: "blue" },
      /^colour = "blue": unknown field \(allowed: github, environments, awsAccountId, state\)$/,
    ],
    [
      { github: { owner: "air-applied-ai", repository: "infrastructure", createOidcProvidr: false } },
      /^github\.createOidcProvidr = false: unknown field \(allowed: owner, repository, createOidcProvider\)$/,
    ],
  ])("bootstrap config %j is rejected naming the unknown field", (change, expected) => {
    let message = "";
    try {
      loadBootstrap({ ...bootstrap, ...change });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    const prefix = "Invalid bootstrap config (environments/bootstrap.ts): ";
    expect(message.startsWith(prefix)).toBe(true);
    expect(message.slice(prefix.length)).toMatch(expected);
  });

  test("the committed bootstrap config is valid", () => {
    expect(loadBootstrap().environments).toEqual(["dev", "staging", "prod"]);
  });
});

test("a config whose name does not match its file is rejected", () => {
  expect(errorOf({ ...ENVIRONMENT_INPUTS.dev }, "staging")).toMatch(
    /^Invalid config for environment "staging": name = "dev": must match/,
  );
});

describe("VPC CIDRs are disjoint across environments (they share an account; peering, transit gateway)", () => {
  const inputs = ENVIRONMENT_INPUTS;
  /** The registry plus a neutral `example` environment: staging's settings on `network`. */
  const withExample = (network: EnvironmentInput["network"]) => ({
    ...inputs,
    example: { ...structuredClone(inputs.staging), name: "example", network: structuredClone(network) },
  });
  const loadError = (registry: Record<string, unknown>, names?: string[]) =>
    configError(() => loadEnvironments(names, registry));

  test("no two committed environments overlap", () => {
    const configs = loadEnvironments();
    const pairs = configs.flatMap((a, i) => configs.slice(i + 1).map((b) => [a, b] as const));
    expect(pairs.length).toBeGreaterThan(0);
    for (const [a, b] of pairs)
      expect([a.name, b.name, cidrsOverlap(a.network.vpcCidr, b.network.vpcCidr)]).toEqual([
        a.name,
        b.name,
        false,
      ]);
  });

  test("an environment on prod's network is rejected with one line naming both environments and the field", () => {
    const prod = inputs.prod.network.vpcCidr;
    const message = loadError(withExample(inputs.prod.network));
    expect(message).toBe(
      `Invalid config for environment "example": network.vpcCidr = "${prod}": overlaps prod.network.vpcCidr = "${prod}" ` +
        "(environments need disjoint VPC CIDRs, to be peered or joined by a transit gateway)",
    );
    expect(message).not.toContain("\n");
  });

  test("the whole registry is checked, even when only some environments are requested", () => {
    expect(loadError(withExample(inputs.dev.network), ["prod"])).toMatch(
      /^Invalid config for environment "dev": network\.vpcCidr = .*: overlaps example\.network\.vpcCidr = /,
    );
  });

  test("a partial overlap counts: a VPC inside another environment's", () => {
    const staging = inputs.staging.network;
    // The /24 of staging's first private subnet, as the whole VPC of `example` with /26 subnets inside it.
    const [a, b, c] = staging.privateSubnetCidrs[0].split("/")[0].split(".");
    const network = {
      ...staging,
      vpcCidr: `${a}.${b}.${c}.0/24`,
      publicSubnetCidrs: [`${a}.${b}.${c}.0/26`, `${a}.${b}.${c}.64/26`],
      privateSubnetCidrs: [`${a}.${b}.${c}.128/26`, `${a}.${b}.${c}.192/26`],
    };
    expect(loadError(withExample(network))).toMatch(
      new RegExp(
        `^Invalid config for environment "staging": .* overlaps example\\.network\\.vpcCidr = "${a}\\.${b}\\.${c}\\.0/24"`,
      ),
    );
  });
});
