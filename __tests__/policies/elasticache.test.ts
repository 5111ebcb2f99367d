import { elasticacheRules } from "../../policies/rules/elasticache";
import { failingRules, notPassedByCommittedStacks } from "../helpers/policy";
import type { StackJson } from "../helpers/synth";

/*
 * policies/rules/elasticache.ts: the Redis replication group's apply-time constraints. Compliant: the
 * committed stacks. Non-compliant: hand-written groups, one misconfigured in every way (with its auth
 * token's secret and generator), and cluster-mode groups against their parameter group.
 */

const RG = "aws_elasticache_replication_group";
const PG = "aws_elasticache_parameter_group";
const rules = elasticacheRules;

describe("ElastiCache rules", () => {
  test("the committed stacks pass every ElastiCache rule, and each applies to one of them", () => {
    expect(notPassedByCommittedStacks(rules)).toEqual([]);
  });
});

describe("ElastiCache rules fail on misconfigured resources", () => {
  const bad = {
    ephemeral: {
      aws_secretsmanager_random_password: { weak: { password_length: 12, exclude_characters: '@"/' } },
    },
    data: {
      aws_secretsmanager_secret_version: { token: { secret_id: "${aws_secretsmanager_secret.token.id}" } },
    },
    resource: {
      aws_secretsmanager_secret: { token: { name: "t" } },
      aws_secretsmanager_secret_version: {
        token: {
          secret_id: "${aws_secretsmanager_secret.token.id}",
          secret_string_wo: "${ephemeral.aws_secretsmanager_random_password.weak.random_password}",
        },
      },
      aws_elasticache_parameter_group: { p: { name: "p", family: "redis6.x" } },
      aws_elasticache_subnet_group: { s: { name: "s", subnet_ids: ["subnet-a"] } },
      aws_security_group: { sg: { name: "redis" } },
      aws_vpc_security_group_ingress_rule: {
        open: {
          security_group_id: "${aws_security_group.sg.id}",
          ip_protocol: "tcp",
          from_port: 6379,
          to_port: 6379,
          cidr_ipv4: "10.0.0.0/16",
        },
      },
      aws_elasticache_replication_group: {
        token_ref: {
          engine: "Redis",
          engine_version: "7.1.0",
          parameter_group_name: "${aws_elasticache_parameter_group.p.name}",
          subnet_group_name: "${aws_elasticache_subnet_group.s.name}",
          security_group_ids: ["${aws_security_group.sg.id}"],
          num_cache_clusters: 1,
          preferred_cache_cluster_azs: ["us-east-2a", "us-east-2b"],
          multi_az_enabled: true,
          automatic_failover_enabled: true,
          kms_key_id: "arn:aws:kms:us-east-2:1:key/x",
          auth_token: "${data.aws_secretsmanager_secret_version.token.secret_string}",
          auth_token_update_strategy: "ROTATE",
          snapshot_retention_limit: 0,
          snapshot_window: "05:00-05:30",
          maintenance_window: "sun:05:00-sun:05:30",
          auto_minor_version_upgrade: 1,
          log_delivery_configuration: [
            { log_type: "slow-log", destination_type: "kinesis-firehose", destination: "x" },
          ],
        },
        literal_token: {
          at_rest_encryption_enabled: "true",
          transit_encryption_enabled: true,
          auth_token: "a-literal-token-of-16+",
          snapshot_retention_limit: 40,
          snapshot_window: "07:00-08:00",
          maintenance_window: "sun:07:30-sun:08:30",
        },
      },
    },
  };

  test.each([
    ["CKV_AWS_29", "token_ref"],
    ["CKV_AWS_191", "literal_token"],
    ["CKV_AWS_30", "token_ref"],
    ["CKV_AWS_31", "token_ref"],
    ["CKV2_AWS_50", "literal_token"],
    ["AWS-0050", "token_ref"],
    ["AAI-ELASTICACHE-001", "token_ref"],
    ["AAI-ELASTICACHE-002", "token_ref"],
    ["AAI-ELASTICACHE-002", "literal_token"],
    ["AAI-ELASTICACHE-003", "token_ref"],
    ["AAI-ELASTICACHE-004", "token_ref"],
    ["AAI-ELASTICACHE-005", "token_ref"],
    ["AAI-ELASTICACHE-005", "literal_token"],
    ["AAI-ELASTICACHE-006", "token_ref"],
    ["AAI-ELASTICACHE-007", "token_ref"],
    ["AAI-ELASTICACHE-008", "token_ref"],
    ["AAI-ELASTICACHE-009", "literal_token"],
    ["AAI-ELASTICACHE-010", "token_ref"],
    ["AAI-ELASTICACHE-011", "token_ref"],
    ["AAI-ELASTICACHE-012", "open"],
    ["AAI-ELASTICACHE-013", "token_ref"],
  ])("%s fails on %s", (id, resource) => {
    expect(failingRules({ stack: bad, rules, resource })).toContain(id);
  });

  test("each failure names the broken constraint", () => {
    const reasons = (resource: string) => failingRules({ stack: bad, rules, resource, show: "detail" });
    expect(reasons("token_ref")).toContain(
      'AAI-ELASTICACHE-005: snapshot_window "05:00-05:30" is shorter than 60 minutes',
    );
    expect(reasons("literal_token")).toContain(
      "AAI-ELASTICACHE-005: snapshot_retention_limit 40 is above 35",
    );
    expect(reasons("token_ref")).toContainEqual(
      expect.stringMatching(/^AAI-ELASTICACHE-006: engine_version "7\.1\.0" must be <major>\.<minor>/),
    );
    expect(reasons("token_ref")).toContain("AAI-ELASTICACHE-007: 2 preferred AZs for num_cache_clusters = 1");
    expect(reasons("token_ref")).toContain("AAI-ELASTICACHE-008: automatic failover with 1 node(s)");
    expect(reasons("token_ref")).toContain("AAI-ELASTICACHE-010: password_length 12 is outside 16-128");
  });

  test("overlap, family mismatch and a generator that can emit forbidden specials are caught too", () => {
    const group = {
      engine: "redis",
      engine_version: "7.1",
      parameter_group_name: "default.redis6.x",
      snapshot_window: "06:30-07:30",
      maintenance_window: "sun:07:00-sun:08:00",
      auth_token: "${data.aws_secretsmanager_secret_version.t.secret_string}",
    };
    const stack = {
      ephemeral: {
        aws_secretsmanager_random_password: { p: { password_length: 64, exclude_characters: "@\"/\\' " } },
      },
      data: { aws_secretsmanager_secret_version: { t: { secret_id: "${aws_secretsmanager_secret.s.id}" } } },
      resource: {
        aws_secretsmanager_secret: { s: { name: "s", kms_key_id: "arn:aws:kms:us-east-2:1:key/x" } },
        aws_secretsmanager_secret_version: {
          v: {
            secret_id: "${aws_secretsmanager_secret.s.id}",
            secret_string_wo: "${ephemeral.aws_secretsmanager_random_password.p.random_password}",
            secret_string_wo_version: 1,
          },
        },
        [RG]: { g: group },
      },
    };
    const reasons = failingRules({ env: "staging", stack, rules, show: "detail" });
    expect(reasons).toContain(
      'AAI-ELASTICACHE-005: snapshot_window "06:30-07:30" overlaps maintenance_window "sun:07:00-sun:08:00"',
    );
    expect(reasons).toContain("AAI-ELASTICACHE-006: parameter group family redis6.x does not match redis7");
    expect(reasons).toContainEqual(
      expect.stringMatching(
        /^AAI-ELASTICACHE-010: exclude_characters misses % \( \) \* \+ , \. : ; = \? \[ \] _ ` \{ \| \} ~$/,
      ),
    );
    expect(failingRules({ env: "staging", stack, rules })).not.toContain("AAI-ELASTICACHE-013"); // prod only
  });
});

describe("ElastiCache rules catch a cluster mode that does not fit its parameter group or failover", () => {
  /** A staging group of `group`'s settings with a redis7 parameter group of `parameter`. */
  const doc = (group: Record<string, unknown>, parameter: { name: string; value: string }[]): StackJson => ({
    resource: {
      [PG]: { p: { name: "p", family: "redis7", parameter } },
      [RG]: {
        g: {
          engine: "redis",
          engine_version: "7.1",
          parameter_group_name: "${aws_elasticache_parameter_group.p.name}",
          ...group,
        },
      },
    },
  });
  const failing = (stack: StackJson) => failingRules({ env: "staging", stack, rules });
  const reasons = (stack: StackJson) => failingRules({ env: "staging", stack, rules, show: "detail" });

  test("AAI-ELASTICACHE-006: cluster mode with a parameter group without cluster-enabled yes, and the reverse", () => {
    expect(reasons(doc({ cluster_mode: "enabled", num_node_groups: 2 }, []))).toContain(
      "AAI-ELASTICACHE-006: cluster_mode enabled with a parameter group whose cluster-enabled is no",
    );
    expect(
      reasons(
        doc({ cluster_mode: "disabled", num_cache_clusters: 2 }, [{ name: "cluster-enabled", value: "yes" }]),
      ),
    ).toContain(
      "AAI-ELASTICACHE-006: cluster_mode disabled with a parameter group whose cluster-enabled is yes",
    );
    const defaultGroup = {
      resource: {
        [RG]: {
          g: {
            engine: "redis",
            engine_version: "7.1",
            cluster_mode: "enabled",
            parameter_group_name: "default.redis7",
          },
        },
      },
    };
    expect(reasons(defaultGroup)).toContainEqual(
      expect.stringMatching(/^AAI-ELASTICACHE-006: .*cluster-enabled is no/),
    );
  });

  test("AAI-ELASTICACHE-008: failover in cluster mode needs a replica in every shard", () => {
    const cluster = (replicas: number) =>
      doc(
        {
          cluster_mode: "enabled",
          num_node_groups: 2,
          replicas_per_node_group: replicas,
          automatic_failover_enabled: true,
        },
        [{ name: "cluster-enabled", value: "yes" }],
      );
    expect(reasons(cluster(0))).toContain("AAI-ELASTICACHE-008: automatic failover with 1 node(s) per shard");
    const withReplica = cluster(1);
    expect(failing(withReplica)).not.toContain("AAI-ELASTICACHE-008");
    expect(failing(withReplica)).not.toContain("AAI-ELASTICACHE-006");
  });
});
