import type { EnvironmentName } from "../environments/schema";
import { EncryptedLogGroup } from "../modules/security/log-group";
import { testPlatform } from "./helpers/fixtures";
import { resourcesOf, synthEnvironment, synthScope } from "./helpers/synth";

/**
 * Every setting must reach every resource it governs: a changed config value shows up on all of them,
 * not only on the ones a module happened to wire.
 */
describe("logging.retentionDays reaches every log group", () => {
  // A value no committed environment uses (all use 30, the seed's), one per environment.
  const cases: Array<[EnvironmentName, number]> = [
    ["dev", 14],
    ["staging", 90],
    ["prod", 365],
  ];
  test.each(cases)("%s with retentionDays %d", (name, days) => {
    const stack = synthEnvironment(name, (c) => ({ ...c, logging: { retentionDays: days } }));
    const groups = resourcesOf(stack, "aws_cloudwatch_log_group");
    // VPC flow logs, Redis slow + engine, Qdrant, ECS app + ECS Exec, WAF, AMP, ADOT collector.
    expect(groups).toHaveLength(9);
    const names = groups.map(([, g]) => String(g.name));
    for (const expected of [
      /\/vpc-flow-logs$/,
      /\/redis\/slow-log$/,
      /\/redis\/engine-log$/,
      /\/qdrant$/,
      /\/ecs\/api$/,
      /\/ecs\/exec$/,
      /^aws-waf-logs-/,
      /^\/aws\/vendedlogs\/prometheus\//,
      /\/adot-collector$/,
    ])
      expect(names).toContainEqual(expect.stringMatching(expected));
    for (const [logical, group] of groups)
      expect([logical, group.retention_in_days]).toEqual([logical, days]);
  });
});

describe("EncryptedLogGroup", () => {
  test("refuses a retention CloudWatch Logs does not accept", () => {
    expect(() =>
      synthScope((scope) => {
        const platform = testPlatform(scope, { logRetentionDays: 31 });
        new EncryptedLogGroup(scope, "logs", { platform, name: "/t/app" });
      }),
    ).toThrow(
      "EncryptedLogGroup /t/app: retentionInDays = 31: must be one of the values CloudWatch Logs accepts: 1, 3, 5,",
    );
  });
});
