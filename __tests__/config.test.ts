import { ConfigError, ENVIRONMENT_INPUTS, loadBootstrap, loadEnvironments } from "../environments";
import { bootstrap } from "../environments/bootstrap";
import { validateEnvironment } from "../environments/load";
import type { EnvironmentInput } from "../environments/schema";
import { INVALID_CONFIGS } from "./helpers/invalid-configs";

/** A deep copy of prod's input with one change applied. */
function prodWith(change: (c: EnvironmentInput) => void): EnvironmentInput {
  const copy = structuredClone(ENVIRONMENT_INPUTS.prod);
  change(copy);
  return copy;
}

function errorOf(input: unknown, label?: string): string {
  try {
    validateEnvironment(input, label);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("config was accepted");
}

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
