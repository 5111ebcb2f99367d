import { ENVIRONMENT_NAMES, loadEnvironments } from "../environments";
import { EncryptedLogGroup } from "../modules/security/log-group";
import { testPlatform } from "./helpers/fixtures";
import { type StackJson, resourcesOf, synthAll, synthEnvironment, synthScope } from "./helpers/synth";

/**
 * Every setting must reach every resource it governs: a changed config value shows up on all of them,
 * not only on the ones a module happened to wire.
 */
describe("logging.retentionDays reaches every log group", () => {
  // VPC flow logs, Redis slow + engine, Qdrant, ECS app + ECS Exec, WAF, AMP, ADOT collector.
  const EXPECTED_GROUPS = [
    /\/vpc-flow-logs$/,
    /\/redis\/slow-log$/,
    /\/redis\/engine-log$/,
    /\/qdrant$/,
    /\/ecs\/api$/,
    /\/ecs\/exec$/,
    /^aws-waf-logs-/,
    /^\/aws\/vendedlogs\/prometheus\//,
    /\/adot-collector$/,
  ];
  /** Every log group of `stack`, checked to be the nine expected ones and to keep `days`. */
  const expectRetention = (stack: StackJson, days: number) => {
    const groups = resourcesOf(stack, "aws_cloudwatch_log_group");
    expect(groups).toHaveLength(EXPECTED_GROUPS.length);
    const names = groups.map(([, g]) => String(g.name));
    for (const expected of EXPECTED_GROUPS) expect(names).toContainEqual(expect.stringMatching(expected));
    for (const [logical, group] of groups)
      expect([logical, group.retention_in_days]).toEqual([logical, days]);
  };

  test.each(ENVIRONMENT_NAMES)("%s as committed: all nine groups keep its configured retention", (name) => {
    const [config] = loadEnvironments([name]);
    expectRetention(synthAll()[name], config.logging.retentionDays);
  });

  // The committed environments all keep the seed's 30 days, which a hard-coded value would match too: a
  // value none of them uses, in one environment (every environment builds its log groups the same way,
  // from its own Platform), shows the groups follow the config.
  test("dev with retentionDays 14 (no committed environment uses it): all nine groups follow", () => {
    expect(loadEnvironments().map((c) => c.logging.retentionDays)).not.toContain(14);
    expectRetention(
      synthEnvironment("dev", (c) => ({ ...c, logging: { retentionDays: 14 } })),
      14,
    );
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
