import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import {
  Cache,
  type CacheProps,
  REDIS_AUTH_ALLOWED_SPECIALS,
  REDIS_AUTH_EXCLUDED_CHARACTERS,
  parameterGroupFamily,
  preferredAzs,
} from "../../modules/cache";
import { importedSecurityGroup } from "../../modules/security/connections";
import { loadEnvironments } from "../../environments";
import { namePrefix, physicalName } from "../../lib/naming";
import { ServiceRole } from "../../modules/security/service-role";
import { evaluate } from "../../policies/engine";
import { RULES } from "../../policies/rules";
import { elasticacheRules } from "../../policies/rules/elasticache";
import { secretsRules } from "../../policies/rules/secrets";
import { WAIVERS } from "../../policies/waivers";
import {
  stackResource,
  ref,
  resourcesOf,
  stackDoc,
  synthAll,
  unitLogicalName,
  unitResource,
  synthScope,
  valuesOf,
} from "../helpers/synth";
import { TEST_NETWORK, testPlatform } from "../helpers/fixtures";

/*
 * Three layers (design-seams change 7): the Cache construct on its own (synthScope, GIVEN/WHEN/THEN), the
 * committed prod stack against the seed's Redis (synthAll), and what dev and staging do differently
 * (synthAll); that the restore and AUTH-version settings reach the group is in config-reach.test.ts. The
 * ElastiCache and Secrets Manager rules themselves are tested in __tests__/policies/elasticache.test.ts
 * and secrets.test.ts; here, that the construct and every environment's cache pass them.
 */

const RG = "aws_elasticache_replication_group";
const configs = Object.fromEntries(loadEnvironments().map((c) => [c.name, c]));

/** Cache props plus the platform and network fields a test varies, flattened. */
type TestCacheProps = Omit<CacheProps, "platform" | "network"> & {
  readonly namePrefix: string;
  readonly protect: boolean;
  readonly subnetIds: string[];
  readonly availabilityZones: string[];
};

/** The seed's prod numbers (environments/prod.ts with the schema's defaults): the unit tests' props. */
const PROD: TestCacheProps = {
  namePrefix: "air-applied-ai",
  subnetIds: ["subnet-0aaa", "subnet-0bbb"],
  availabilityZones: ["us-east-2a", "us-east-2b"],
  nodeType: "cache.r6g.xlarge",
  numCacheClusters: 2,
  multiAz: true,
  engineVersion: "7.1",
  snapshotRetentionDays: 7,
  snapshotWindow: "05:00-06:00",
  maintenanceWindow: "sun:07:00-sun:08:00",
  protect: true,
};

/**
 * GIVEN a platform with the project key and the test network; WHEN a Cache is made with PROD's settings
 * changed by `over`, admits the `clients` groups, grants a role its AUTH token and exports its attributes.
 */
function build(over: Partial<TestCacheProps> = {}, clients: string[] = ["sg-app"]) {
  return (scope: Construct) => {
    const { namePrefix, protect, subnetIds, availabilityZones, ...props } = { ...PROD, ...over };
    const platform = testPlatform(scope, { namePrefix, protect });
    const network = { ...TEST_NETWORK, privateSubnetIds: subnetIds, availabilityZones };
    const cache = new Cache(scope, "cache", { platform, network, ...props });
    for (const sg of clients) cache.connections.allowFrom(importedSecurityGroup(sg, { peerName: sg }));
    const role = new ServiceRole(scope, "app-role", {
      roleName: "app",
      description: "app",
      servicePrincipal: "ecs-tasks.amazonaws.com",
    });
    cache.grantReadAuthToken(role);
    new TerraformOutput(scope, "primary", { value: cache.primaryEndpointAddress });
    new TerraformOutput(scope, "reader", { value: cache.readerEndpointAddress });
    new TerraformOutput(scope, "secret", { value: cache.authTokenSecretArn });
    new TerraformOutput(scope, "sg", { value: cache.securityGroupId });
    new TerraformOutput(scope, "members", { value: cache.memberClusterIds });
    new TerraformOutput(scope, "port", { value: cache.port });
    return cache;
  };
}

// ---- the construct -----------------------------------------------------------------------------

describe("Cache", () => {
  // GIVEN the platform and the test network (build)
  // WHEN a protected Cache with prod's settings admits one client group and grants a role its token
  const stack = synthScope(build());
  // WHEN an unprotected single node, restored from a snapshot, admits one client twice and a second one
  const variant = synthScope(
    build(
      {
        protect: false,
        numCacheClusters: 1,
        multiAz: false,
        nodeType: "cache.t4g.small",
        snapshotRetentionDays: 1,
        restoreFromSnapshot: "air-applied-ai-redis-restore-1",
      },
      ["sg-app", "sg-app", "sg-worker"],
    ),
  );
  const group = valuesOf(stack, RG)[0];
  const keyArn = ref("aws_kms_key", unitLogicalName(stack, "aws_kms_key", "kms/key"), "arn");

  test("the given node type, one node per AZ (primary + replica), Multi-AZ with failover; Redis 7.1 on 6379 without cluster mode", () => {
    // THEN
    expect(JSON.stringify(stack)).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      node_type: "cache.r6g.xlarge",
      num_cache_clusters: 2,
      multi_az_enabled: true,
      automatic_failover_enabled: true,
    });
    expect(group.preferred_cache_cluster_azs).toEqual(["us-east-2a", "us-east-2b"]);
    expect(group).toMatchObject({
      replication_group_id: "air-applied-ai-redis",
      engine: "redis",
      engine_version: "7.1",
      cluster_mode: "disabled",
      port: 6379,
    });
  });

  test("daily snapshots kept the given days, in a 60-minute window outside maintenance", () => {
    // THEN
    expect(group.snapshot_retention_limit).toBe(7);
    // "hh:mm-hh:mm" (no weekday) is a daily window.
    expect(group.snapshot_window).toBe("05:00-06:00");
    expect(group.maintenance_window).toBe("sun:07:00-sun:08:00");
  });

  test("protected: final snapshot on delete, prevent_destroy, changes wait for the maintenance window", () => {
    // THEN
    expect(group.final_snapshot_identifier).toBe("air-applied-ai-redis-final");
    expect(group.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ["snapshot_name"] });
    expect(group.apply_immediately).toBe(false);
    expect(group.snapshot_name).toBeUndefined();
    expect(
      unitResource(stack, "aws_secretsmanager_secret", "cache/auth-token/secret").recovery_window_in_days,
    ).toBe(30);
  });

  test("parameter group: family redis7 matches engine 7.1, maxmemory-policy allkeys-lru", () => {
    // THEN
    const name = unitLogicalName(stack, "aws_elasticache_parameter_group", "cache/parameters");
    const parameters = stack.resource.aws_elasticache_parameter_group[name];
    expect(parameters).toMatchObject({ family: "redis7", name: "air-applied-ai-redis-redis7" });
    expect(parameters.parameter).toEqual([{ name: "maxmemory-policy", value: "allkeys-lru" }]);
    expect(parameters.lifecycle).toEqual({ create_before_destroy: true });
    expect(group.parameter_group_name).toBe(ref("aws_elasticache_parameter_group", name, "name"));
    expect(parameterGroupFamily("7.0")).toBe("redis7");
  });

  test("subnet group over the private subnets", () => {
    // THEN
    const name = unitLogicalName(stack, "aws_elasticache_subnet_group", "cache/subnet-group");
    expect(stack.resource.aws_elasticache_subnet_group[name].subnet_ids).toEqual([
      "subnet-0aaa",
      "subnet-0bbb",
    ]);
    expect(group.subnet_group_name).toBe(ref("aws_elasticache_subnet_group", name, "name"));
  });

  test('encrypted at rest with the CMK (nullable bool as the string "true") and in transit, TLS required', () => {
    // THEN
    expect(group.at_rest_encryption_enabled).toBe("true");
    expect(group.kms_key_id).toBe(keyArn);
    expect(group.transit_encryption_enabled).toBe(true);
    expect(group.transit_encryption_mode).toBe("required");
    expect(group.auto_minor_version_upgrade).toBe("true");
  });

  test("AUTH token: a reference to the secret read at apply time, strategy SET; no secret material in the JSON", () => {
    // THEN
    const data = Object.keys(stack.data.aws_secretsmanager_secret_version);
    expect(data).toHaveLength(1);
    expect(group.auth_token).toBe(`\${data.aws_secretsmanager_secret_version.${data[0]}.secret_string}`);
    expect(group.auth_token_update_strategy).toBe("SET");
    const secret = unitLogicalName(stack, "aws_secretsmanager_secret", "cache/auth-token/secret");
    expect(stack.data.aws_secretsmanager_secret_version[data[0]].secret_id).toBe(
      ref("aws_secretsmanager_secret", secret),
    );
    expect(stack.resource.aws_secretsmanager_secret[secret].kms_key_id).toBe(keyArn);
    const version = valuesOf(stack, "aws_secretsmanager_secret_version")[0];
    expect(version.secret_string).toBeUndefined();
    expect(version.secret_string_wo).toMatch(
      /^\$\{ephemeral\.aws_secretsmanager_random_password\.[\w-]+\.random_password\}$/,
    );
    expect(JSON.stringify(stack)).not.toMatch(/"(secret_string|auth_token|password)":\s*"(?!\$\{)/);
  });

  test("AUTH token generator: 64 chars whose only specials are the ones ElastiCache accepts (! & # $ ^ < > -)", () => {
    // THEN
    const [generator] = Object.values(stack.ephemeral.aws_secretsmanager_random_password) as any[];
    expect(generator.password_length).toBe(64);
    expect(generator.exclude_characters).toBe(REDIS_AUTH_EXCLUDED_CHARACTERS);
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    const producible = printable.filter((c) => !REDIS_AUTH_EXCLUDED_CHARACTERS.includes(c));
    expect(producible.filter((c) => !/[A-Za-z0-9]/.test(c)).sort()).toEqual(
      [...REDIS_AUTH_ALLOWED_SPECIALS].sort(),
    );
    for (const forbidden of ["@", '"', "/", " ", "%", "*"]) expect(producible).not.toContain(forbidden);
    // Terraform reads JSON strings as templates: the list must not open ${ or %{.
    expect(REDIS_AUTH_EXCLUDED_CHARACTERS).not.toMatch(/[$%]\{/);
  });

  test("slow log and engine log go to 30-day, CMK-encrypted log groups (json, cloudwatch-logs)", () => {
    // THEN
    const deliveries = group.log_delivery_configuration;
    expect(deliveries).toHaveLength(2);
    for (const type of ["slow-log", "engine-log"]) {
      const name = unitLogicalName(stack, "aws_cloudwatch_log_group", `cache/${type}/group`);
      const logGroup = stack.resource.aws_cloudwatch_log_group[name];
      expect(logGroup).toMatchObject({
        name: `/air-applied-ai/redis/${type}`,
        retention_in_days: 30,
        kms_key_id: keyArn,
      });
      expect(deliveries).toContainEqual({
        destination: ref("aws_cloudwatch_log_group", name, "name"),
        destination_type: "cloudwatch-logs",
        log_format: "json",
        log_type: type,
      });
    }
    const keyPolicy = JSON.parse(valuesOf(stack, "aws_kms_key")[0].policy).Statement as any[];
    expect(keyPolicy.map((s) => s.Principal)).toContainEqual({ Service: "logs.us-east-2.amazonaws.com" });
    expect(keyPolicy.map((s) => s.Principal)).not.toContainEqual({ Service: "secretsmanager.amazonaws.com" });
  });

  test("security group: 6379/tcp only from the application group, no egress, attached to the group", () => {
    // THEN
    const sg = unitLogicalName(stack, "aws_security_group", "cache/sg/group");
    expect(group.security_group_ids).toEqual([ref("aws_security_group", sg)]);
    expect(valuesOf(stack, "aws_vpc_security_group_ingress_rule")).toEqual([
      expect.objectContaining({
        security_group_id: ref("aws_security_group", sg),
        ip_protocol: "tcp",
        from_port: 6379,
        to_port: 6379,
        referenced_security_group_id: "sg-app",
      }),
    ]);
    expect(valuesOf(stack, "aws_vpc_security_group_egress_rule")).toEqual([]);
  });

  test("connections.allowFrom is idempotent per client group", () => {
    // THEN (variant)
    expect(
      valuesOf(variant, "aws_vpc_security_group_ingress_rule").map((r) => r.referenced_security_group_id),
    ).toEqual(["sg-app", "sg-worker"]);
  });

  test("grantReadAuthToken: GetSecretValue on this secret and Decrypt on its key, nothing else", () => {
    // THEN
    const policy = JSON.parse(valuesOf(stack, "aws_iam_role_policy")[0].policy).Statement as any[];
    const secretArn = ref(
      "aws_secretsmanager_secret",
      unitLogicalName(stack, "aws_secretsmanager_secret", "cache/auth-token/secret"),
      "arn",
    );
    expect(policy).toContainEqual(
      expect.objectContaining({
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: secretArn,
      }),
    );
    expect(policy).toContainEqual(
      expect.objectContaining({ Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: keyArn }),
    );
    expect(policy).toHaveLength(2);
  });

  test("typed outputs: endpoints, secret ARN, security group, member cluster ids, port 6379", () => {
    // THEN
    const rg = unitLogicalName(stack, RG, "cache/replication-group");
    expect(stack.output.primary.value).toBe(ref(RG, rg, "primary_endpoint_address"));
    expect(stack.output.reader.value).toBe(ref(RG, rg, "reader_endpoint_address"));
    expect(stack.output.secret.value).toMatch(
      /^\$\{aws_secretsmanager_secret\.cache_auth-token_secret_[0-9A-F]{8}\.arn\}$/,
    );
    expect(stack.output.sg.value).toBe(
      ref("aws_security_group", unitLogicalName(stack, "aws_security_group", "cache/sg/group")),
    );
    expect(stack.output.members.value).toEqual(["air-applied-ai-redis-001", "air-applied-ai-redis-002"]);
    expect(stack.output.port.value).toBe(6379);
  });

  test("the Redis policy rules pass on the module's output", () => {
    // THEN
    const findings = evaluate(stackDoc("prod", stack), [...elasticacheRules, ...secretsRules], []);
    // CKV2_AWS_57 (rotation Lambda) is waived for this secret in the stacks: it is rotated by deployment
    expect(
      findings
        .filter((f) => f.status === "failed" && f.rule.id !== "CKV2_AWS_57")
        .map((f) => `${f.rule.id}: ${f.detail}`),
    ).toEqual([]);
    expect(findings.filter((f) => f.rule.id.startsWith("AAI-ELASTICACHE")).length).toBeGreaterThanOrEqual(13);
  });

  describe("props: apply-time constraints are rejected at synth", () => {
    test.each<[string, Partial<TestCacheProps>, RegExp]>([
      [
        "Multi-AZ with one node",
        { numCacheClusters: 1 },
        /numCacheClusters = 1: must be >= 2 when multiAz is true/,
      ],
      [
        "more Multi-AZ nodes than AZs",
        { numCacheClusters: 3 },
        /numCacheClusters = 3: must be <= the number of availability zones \(2\)/,
      ],
      [
        "snapshot window under 60 minutes",
        { snapshotWindow: "05:00-05:59" },
        /snapshotWindow = "05:00-05:59": must last at least 60 minutes/,
      ],
      [
        "snapshot window overlapping maintenance",
        { snapshotWindow: "06:30-07:30" },
        /snapshotWindow = "06:30-07:30": must not overlap maintenanceWindow sun:07:00-sun:08:00/,
      ],
      [
        "snapshot window overlapping maintenance across midnight",
        { snapshotWindow: "23:30-00:30", maintenanceWindow: "sat:23:00-sun:01:00" },
        /must not overlap maintenanceWindow/,
      ],
      [
        "maintenance window under 60 minutes",
        { maintenanceWindow: "sun:07:00-sun:07:30" },
        /maintenanceWindow = "sun:07:00-sun:07:30": must last at least 60 minutes/,
      ],
      [
        "retention above 35 days",
        { snapshotRetentionDays: 36 },
        /snapshotRetentionDays = 36: must be 0-35 days/,
      ],
      [
        "unknown node type",
        { nodeType: "cache.r6i.xlarge" },
        /nodeType = "cache\.r6i\.xlarge": must be a Graviton ElastiCache node type/,
      ],
      [
        "unsupported engine version",
        { engineVersion: "6.2" as never },
        /engineVersion = "6\.2": must be one of 7\.0, 7\.1/,
      ],
      [
        "unknown eviction policy",
        { maxmemoryPolicy: "lru" as never },
        /maxmemoryPolicy = "lru": must be one of allkeys-lru/,
      ],
      [
        "one subnet",
        { subnetIds: ["subnet-0aaa"], availabilityZones: ["us-east-2a"] },
        /network.privateSubnetIds = \["subnet-0aaa"\]: must list >= 2/,
      ],
      [
        "AZ list not matching the subnets",
        { availabilityZones: ["us-east-2a"] },
        /network.availabilityZones = \["us-east-2a"\]: must name the AZ of each subnet/,
      ],
      [
        "replication group id too long",
        { namePrefix: "air-applied-ai-a-very-long-environment-name" },
        /platform.namePrefix = .*must be a replication group id/,
      ],
    ])("rejects %s", (_name, over, message) => {
      // WHEN a Cache is made with a setting AWS would refuse at apply time
      const make = () => synthScope(build(over));
      // THEN
      expect(make).toThrow(message);
    });
  });

  test("preferred AZs: one per node, primary first", () => {
    // GIVEN two AZs; WHEN one, two or three nodes; THEN
    expect(preferredAzs(["us-east-2a", "us-east-2b"], 2)).toEqual(["us-east-2a", "us-east-2b"]);
    expect(preferredAzs(["us-east-2a", "us-east-2b"], 1)).toEqual(["us-east-2a"]);
    expect(preferredAzs(["us-east-2a", "us-east-2b"], 3)).toEqual(["us-east-2a", "us-east-2b", "us-east-2a"]);
  });

  test("unprotected single node: no Multi-AZ/failover, no final snapshot, applies immediately", () => {
    // THEN (variant)
    const group = valuesOf(variant, RG)[0];
    expect(group).toMatchObject({
      node_type: "cache.t4g.small",
      num_cache_clusters: 1,
      preferred_cache_cluster_azs: ["us-east-2a"],
      multi_az_enabled: false,
      automatic_failover_enabled: false,
      snapshot_retention_limit: 1,
      apply_immediately: true,
    });
    expect(group.final_snapshot_identifier).toBeUndefined();
    expect(group.lifecycle).toEqual({ prevent_destroy: false, ignore_changes: ["snapshot_name"] });
  });

  test("restore: restoreFromSnapshot seeds the group (snapshot_name)", () => {
    // THEN (variant)
    expect(valuesOf(variant, RG)[0].snapshot_name).toBe("air-applied-ai-redis-restore-1");
  });

  test("rotation: the write-only secret version is 1 by default", () => {
    // THEN
    expect(valuesOf(stack, "aws_secretsmanager_secret_version")[0].secret_string_wo_version).toBe(1);
  });
});

// ---- the committed stacks ----------------------------------------------------------------------

const stacks = synthAll();
const groupOf = (env: string) => stackResource(stacks[env], RG, "cache/replication-group");

describe("prod stack: seed values", () => {
  test("prod: the seed's Redis", () => {
    expect(groupOf("prod")).toMatchObject({
      replication_group_id: "air-applied-ai-redis",
      node_type: "cache.r6g.xlarge",
      num_cache_clusters: 2,
      preferred_cache_cluster_azs: ["us-east-2a", "us-east-2b"],
      multi_az_enabled: true,
      automatic_failover_enabled: true,
      snapshot_retention_limit: 7,
      snapshot_window: "05:00-06:00",
      final_snapshot_identifier: "air-applied-ai-redis-final",
      apply_immediately: false,
      engine_version: "7.1",
    });
  });

  test("static outputs: redis_primary_endpoint, redis_reader_endpoint, redis_auth_secret_arn", () => {
    const prod = stacks.prod;
    expect(prod.output.redis_primary_endpoint.value).toMatch(
      /^\$\{aws_elasticache_replication_group\.[\w-]+\.primary_endpoint_address\}$/,
    );
    expect(prod.output.redis_reader_endpoint.value).toMatch(
      /^\$\{aws_elasticache_replication_group\.[\w-]+\.reader_endpoint_address\}$/,
    );
    expect(prod.output.redis_auth_secret_arn.value).toMatch(/^\$\{aws_secretsmanager_secret\.[\w-]+\.arn\}$/);
  });
});

describe("per environment: dev and staging differ from prod", () => {
  const CACHE_RULES = RULES.filter((r) =>
    /ELASTICACHE|SECRETS|CKV_AWS_(29|30|31|149|191)|CKV2_AWS_50|AWS-0050/.test(r.id),
  );

  test.each(["dev", "staging"] as const)(
    "%s: node type, node count, Multi-AZ and snapshots from config; names by the naming rule",
    (env) => {
      const c = configs[env];
      const name = physicalName(namePrefix(env), "redis");
      const group = groupOf(env);
      expect(group).toMatchObject({
        replication_group_id: name,
        node_type: c.cache.nodeType,
        num_cache_clusters: c.cache.numCacheClusters,
        multi_az_enabled: c.cache.multiAz,
        automatic_failover_enabled: c.cache.multiAz,
        snapshot_retention_limit: c.cache.snapshotRetentionDays,
      });
      expect(group.preferred_cache_cluster_azs).toEqual(
        preferredAzs(c.network.availabilityZones, c.cache.numCacheClusters),
      );
      expect(group.final_snapshot_identifier).toBe(c.protectStatefulResources ? `${name}-final` : undefined);
    },
  );

  test("staging runs prod's topology (Multi-AZ with failover); dev runs one node without", () => {
    expect(groupOf("staging")).toMatchObject({ multi_az_enabled: true, automatic_failover_enabled: true });
    expect(groupOf("staging").num_cache_clusters).toBeGreaterThanOrEqual(2);
    expect(groupOf("dev")).toMatchObject({ num_cache_clusters: 1, multi_az_enabled: false });
  });

  test("the subnet group spans the environment's private subnets", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const subnets = resourcesOf(stacks[env], "aws_subnet")
        .filter(([, v]) => String(v["//"].metadata.path).includes("/private-"))
        .map(([name]) => ref("aws_subnet", name));
      expect(subnets).toHaveLength(2);
      expect(
        stackResource(stacks[env], "aws_elasticache_subnet_group", "cache/subnet-group").subnet_ids,
      ).toEqual(subnets);
    }
  });

  test("policy: every ElastiCache and Secrets rule passes; only dev's single node waives CKV2_AWS_50", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const findings = evaluate(stackDoc(env, stacks[env]), CACHE_RULES, WAIVERS);
      expect(findings.filter((f) => f.status === "failed")).toEqual([]);
      const waived = findings
        .filter((f) => f.status === "waived")
        .map((f) => `${f.rule.id} ${f.resource.path}`);
      expect(waived).toEqual(env === "dev" ? ["CKV2_AWS_50 dev/cache/replication-group"] : []);
    }
  });
});
