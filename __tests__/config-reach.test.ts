import { ENVIRONMENT_NAMES, loadEnvironments } from "../environments";
import { EncryptedLogGroup } from "../modules/security/log-group";
import { testPlatform } from "./helpers/fixtures";
import {
  type StackJson,
  once,
  resourcesOf,
  stackResource,
  synthAll,
  synthEnvironment,
  synthScope,
} from "./helpers/synth";

/**
 * Every setting must reach every resource it governs: a changed config value shows up on all of them,
 * not only on the ones a module happened to wire.
 *
 * The committed environments leave these settings at their defaults, which a hard-coded value would
 * match too; one dev synthesis with each set to a value no committed environment uses shows they
 * follow the config. Every environment builds these resources the same way, from its own config.
 */
const CHANGED = {
  retentionDays: 14,
  queue: { maxReceiveCount: 3, visibilityTimeoutSeconds: 900 },
  restoreFromSnapshot: "dev-copy",
  authTokenVersion: 2,
} as const;
const changedDev = once(() =>
  synthEnvironment("dev", (c) => ({
    ...c,
    logging: { retentionDays: CHANGED.retentionDays },
    queue: CHANGED.queue,
    cache: {
      ...c.cache,
      restoreFromSnapshot: CHANGED.restoreFromSnapshot,
      authTokenVersion: CHANGED.authTokenVersion,
    },
  })),
);

test("no committed environment already uses the changed values", () => {
  for (const c of loadEnvironments()) {
    expect([c.name, c.logging.retentionDays]).not.toEqual([c.name, CHANGED.retentionDays]);
    expect([c.name, c.queue.maxReceiveCount]).not.toEqual([c.name, CHANGED.queue.maxReceiveCount]);
    expect([c.name, c.queue.visibilityTimeoutSeconds]).not.toEqual([
      c.name,
      CHANGED.queue.visibilityTimeoutSeconds,
    ]);
    expect([c.name, c.cache.restoreFromSnapshot]).toEqual([c.name, undefined]);
    expect([c.name, c.cache.authTokenVersion ?? 1]).not.toEqual([c.name, CHANGED.authTokenVersion]);
  }
});

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

  test("dev with a retention no committed environment uses: all nine groups follow", () => {
    expectRetention(changedDev(), CHANGED.retentionDays);
  });
});

describe("queue and cache settings reach their resources", () => {
  test("queue.maxReceiveCount and visibilityTimeoutSeconds set the work queue", () => {
    const q = stackResource(changedDev(), "aws_sqs_queue", "queue/queue");
    expect(q.name).toBe("air-applied-ai-dev-jobs");
    expect(JSON.parse(q.redrive_policy).maxReceiveCount).toBe(CHANGED.queue.maxReceiveCount);
    expect(q.visibility_timeout_seconds).toBe(CHANGED.queue.visibilityTimeoutSeconds);
  });

  test("cache.restoreFromSnapshot seeds the replication group", () => {
    const group = stackResource(changedDev(), "aws_elasticache_replication_group", "cache/replication-group");
    expect(group.snapshot_name).toBe(CHANGED.restoreFromSnapshot);
  });

  test("cache.authTokenVersion bumps the write-only AUTH secret version", () => {
    const version = stackResource(
      changedDev(),
      "aws_secretsmanager_secret_version",
      "cache/auth-token/version",
    );
    expect(version.secret_string_wo_version).toBe(CHANGED.authTokenVersion);
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
