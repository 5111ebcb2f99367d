import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { Cache, type CacheProps, MAX_CACHE_NODES, memberClusterIds } from "../../modules/cache";
import { buildAlarmSpecs, redisMemberClusterIds } from "../../modules/monitoring";
import { buildCloudWatchDashboard } from "../../modules/monitoring/dashboards";
import { redisNodeLabels } from "../../modules/monitoring/alarms";
import { ENVIRONMENT_INPUTS, loadEnvironments } from "../../environments";
import type { EnvironmentInput } from "../../environments/schema";
import { evaluate } from "../../policies/engine";
import { RULES } from "../../policies/rules";
import { elasticacheRules } from "../../policies/rules/elasticache";
import { WAIVERS } from "../../policies/waivers";
import {
  once,
  ref,
  stackDoc,
  stackResource,
  synthAll,
  synthEnvironment,
  synthScope,
  unitLogicalName,
  unitResource,
  valuesOf,
} from "../helpers/synth";
import { TEST_NETWORK, testPlatform } from "../helpers/fixtures";

/*
 * cache.shards: 1 is the cluster-mode-disabled group every environment runs; 2+ is cluster mode enabled.
 * GIVEN the prod cache settings, WHEN only `shards` changes, THEN the group, its parameter group, what the
 * service gets, the alarms and the dashboard follow, and the policy pack still passes.
 *
 * Three layers (design-seams change 7): the Cache construct and the monitoring functions on their own
 * (synthScope, GIVEN/WHEN/THEN), the committed prod stack (synthAll), then the variants: the other
 * environments, the Cache with two shards, and prod with `shards: 2` (one environment synthesis, shared).
 * How the ElastiCache rules judge a cluster mode is tested in __tests__/policies/elasticache.test.ts.
 */
const RG = "aws_elasticache_replication_group";
const PG = "aws_elasticache_parameter_group";
const prod = loadEnvironments(["prod"])[0];
const thresholds = prod.monitoring.thresholds;

/** A Cache with prod's settings (Multi-AZ, 2 nodes per shard), `over` applied. */
function build(over: Partial<CacheProps> = {}) {
  return (scope: Construct) => {
    const { numCacheClusters, multiAz, nodeType, snapshotRetentionDays, snapshotWindow, maintenanceWindow } =
      prod.cache;
    return new Cache(scope, "cache", {
      platform: testPlatform(scope, { protect: true }),
      network: TEST_NETWORK,
      ...{ numCacheClusters, multiAz, nodeType, snapshotRetentionDays, snapshotWindow, maintenanceWindow },
      ...over,
    });
  };
}

/** The Cache object itself (for its typed attributes) and the synthesized JSON; `also` adds to its stack. */
function cacheWith(over: Partial<CacheProps> = {}, also?: (scope: Construct, cache: Cache) => void) {
  let cache: Cache | undefined;
  const json = synthScope((scope) => {
    cache = build(over)(scope);
    also?.(scope, cache);
  });
  return { cache: cache!, json };
}

/** The Cache with prod's settings and nothing else (one shard). */
const oneShard = once(() => cacheWith());

const withTwoShards = (c: EnvironmentInput): EnvironmentInput => ({ ...c, cache: { ...c.cache, shards: 2 } });

describe("Cache", () => {
  test("shards: 1 synthesizes exactly what omitting it does", () => {
    // GIVEN prod's cache settings
    // WHEN shards is 1, and when it is left out
    const explicit = synthScope(build({ shards: 1 }));
    // THEN
    expect(explicit).toEqual(oneShard().json);
  });

  test("the service gets the primary and reader endpoints; no cluster flag", () => {
    // GIVEN prod's cache settings
    // WHEN shards is left out
    const { cache } = oneShard();
    // THEN
    expect(cache.clusterMode).toBe(false);
    expect(cache.clientEndpoint).toBe(cache.primaryEndpointAddress);
    expect(Object.keys(cache.clientEnvironment).sort()).toEqual([
      "REDIS_HOST",
      "REDIS_PORT",
      "REDIS_READER_HOST",
      "REDIS_TLS",
    ]);
    expect(cache.clientEnvironment.REDIS_READER_HOST).toBe(cache.readerEndpointAddress);
    expect(Object.keys(cache.outputs)).toEqual([
      "redis_primary_endpoint",
      "redis_reader_endpoint",
      "redis_auth_secret_arn",
    ]);
  });

  describe("shard count rules (constructor)", () => {
    test.each<[string, Partial<CacheProps>, RegExp]>([
      ["zero shards", { shards: 0 }, /Cache: shards = 0: must be 1-90/],
      ["a fractional shard count", { shards: 1.5 }, /Cache: shards = 1\.5: must be 1-90/],
      [
        "cluster mode without Multi-AZ",
        { shards: 2, multiAz: false, numCacheClusters: 1 },
        /Cache: shards = 2: must be 1 when multiAz is false/,
      ],
      [
        "more nodes than a group may have",
        { shards: 46 },
        /Cache: shards = 46: must be <= 45 with numCacheClusters 2 \(90 nodes per group\)/,
      ],
    ])("rejects %s", (_name, over, message) => {
      // GIVEN prod's cache settings with `over`
      // WHEN the Cache is synthesized
      const create = () => synthScope(build(over));
      // THEN
      expect(create).toThrow(message);
    });

    test("the largest allowed layout synthesizes", () => {
      // GIVEN
      const shards = MAX_CACHE_NODES / prod.cache.numCacheClusters;
      // WHEN
      const json = synthScope(build({ shards }));
      // THEN
      expect(unitResource(json, RG, "cache/replication-group").num_node_groups).toBe(shards);
    });
  });
});

describe("monitoring: alarms and dashboard per shard", () => {
  const targets = (shards: number, nodes: number) => ({
    redis: {
      replicationGroupId: "aai-redis",
      memberClusterIds: redisMemberClusterIds("aai-redis", nodes, shards),
      shards,
    },
  });

  test("members are named as ElastiCache names them: <group>-<shard>-<node> with shards, <group>-<node> without", () => {
    // GIVEN a group "g" of 2 nodes per shard
    // WHEN monitoring names its members (the cache module's naming, re-exported)
    // THEN
    expect(redisMemberClusterIds("g", 2, 3)).toEqual([
      "g-0001-001",
      "g-0001-002",
      "g-0002-001",
      "g-0002-002",
      "g-0003-001",
      "g-0003-002",
    ]);
    expect(redisMemberClusterIds("g", 2)).toEqual(["g-001", "g-002"]);
  });

  test("every node of every shard gets CPU, memory, evictions, hit rate and replication lag alarms", () => {
    // GIVEN 3 shards of 2 nodes
    // WHEN
    const specs = buildAlarmSpecs(targets(3, 2), thresholds);
    // THEN
    const redis = specs.filter((s) => s.family.startsWith("redis-"));
    expect(redis).toHaveLength(3 * 2 * 5);
    for (const shard of ["0001", "0002", "0003"])
      for (const node of ["001", "002"]) {
        const cpu = redis.find((s) => s.id === `redis-${shard}-${node}-engine-cpu-high`);
        expect(cpu?.metric?.dimensions).toEqual({ CacheClusterId: `aai-redis-${shard}-${node}` });
        expect(cpu?.description).toMatch(new RegExp(`^Redis shard ${shard} node ${node}: `));
        for (const suffix of ["memory-high", "evictions", "hit-rate-low", "replication-lag"])
          expect(redis.map((s) => s.id)).toContain(`redis-${shard}-${node}-${suffix}`);
      }
  });

  test("shards without replicas have no replication-lag alarms", () => {
    // GIVEN 2 shards of 1 node
    // WHEN
    const specs = buildAlarmSpecs(targets(2, 1), thresholds);
    // THEN
    expect(specs.filter((s) => s.family === "redis-replication-lag")).toEqual([]);
    expect(specs.filter((s) => s.family === "redis-cpu").map((s) => s.id)).toEqual([
      "redis-0001-001-engine-cpu-high",
      "redis-0002-001-engine-cpu-high",
    ]);
  });

  test("members that do not split evenly over the shards are rejected", () => {
    // GIVEN 3 members over 2 shards, and no members
    // WHEN they are labelled
    // THEN
    expect(() => redisNodeLabels(3, 2)).toThrow(
      /same number \(>= 1\) of nodes for each of 2 shard\(s\), got 3/,
    );
    expect(() => redisNodeLabels(0)).toThrow(/got 0/);
  });

  test("the dashboard has one row of Redis widgets per shard, each over that shard's nodes", () => {
    // GIVEN 2 shards of 2 nodes
    // WHEN
    const body = JSON.parse(buildCloudWatchDashboard(targets(2, 2)));
    // THEN
    const redis = body.widgets.filter((w: any) => /^Shard \d{4}: /.test(w.properties.title ?? ""));
    expect(redis.map((w: any) => w.properties.title)).toEqual([
      "Shard 0001: Cache hit rate (%)",
      "Shard 0001: Evictions per minute",
      "Shard 0001: Engine CPU / memory (%)",
      "Shard 0002: Cache hit rate (%)",
      "Shard 0002: Evictions per minute",
      "Shard 0002: Engine CPU / memory (%)",
    ]);
    const nodesOf = (w: any) => [...new Set(w.properties.metrics.map((m: any[]) => m[3]))];
    expect(nodesOf(redis[0])).toEqual(["aai-redis-0001-001", "aai-redis-0001-002"]);
    expect(nodesOf(redis[5])).toEqual(["aai-redis-0002-001", "aai-redis-0002-002"]);
    const rows = new Set(redis.map((w: any) => w.y));
    expect(rows.size).toBe(2);
  });

  test("one shard keeps the untitled-by-shard widgets", () => {
    // GIVEN 1 shard of 2 nodes
    // WHEN
    const body = JSON.parse(buildCloudWatchDashboard(targets(1, 2)));
    // THEN
    const titles = body.widgets.map((w: any) => w.properties.title).filter(Boolean);
    expect(titles).toContain("Cache hit rate (%)");
    expect(titles.some((t: string) => t.startsWith("Shard"))).toBe(false);
  });
});

describe("prod stack: seed values", () => {
  test("prod runs the seed's one group: one shard, with the cluster-mode-disabled arguments", () => {
    const stack = synthAll().prod;
    const group = stackResource(stack, RG, "cache/replication-group");
    expect(group.cluster_mode).toBe("disabled");
    expect(group.num_node_groups).toBeUndefined();
    expect(stackResource(stack, PG, "cache/parameters").parameter).not.toContainEqual(
      expect.objectContaining({ name: "cluster-enabled" }),
    );
  });
});

describe("per environment and shard count", () => {
  test("dev and staging run one shard too, with the cluster-mode-disabled arguments", () => {
    const stacks = synthAll();
    for (const env of ["dev", "staging"]) {
      const group = stackResource(stacks[env], RG, "cache/replication-group");
      expect(group.cluster_mode).toBe("disabled");
      expect(group.num_node_groups).toBeUndefined();
      expect(stackResource(stacks[env], PG, "cache/parameters").parameter).not.toContainEqual(
        expect.objectContaining({ name: "cluster-enabled" }),
      );
    }
  });

  describe("shards = 2: cluster mode enabled", () => {
    /** prod's cache settings with two shards, and an output of the host the service gets. */
    const twoShards = once(() =>
      cacheWith({ shards: 2 }, (scope, cache) => {
        new TerraformOutput(scope, "host", { value: cache.clientEnvironment.REDIS_HOST });
      }),
    );

    test("num_node_groups and replicas_per_node_group (never num_cache_clusters), failover and Multi-AZ kept", () => {
      // GIVEN prod's cache settings
      // WHEN shards is 2
      const { json } = twoShards();
      // THEN
      const group = unitResource(json, RG, "cache/replication-group");
      expect(group).toMatchObject({
        cluster_mode: "enabled",
        num_node_groups: 2,
        replicas_per_node_group: prod.cache.numCacheClusters - 1,
        multi_az_enabled: true,
        automatic_failover_enabled: true,
        replication_group_id: "air-applied-ai-redis",
      });
      expect(group.num_cache_clusters).toBeUndefined();
      expect(group.preferred_cache_cluster_azs).toBeUndefined();
      expect(group.node_group_configuration).toBeUndefined();
    });

    test("same resource address as with one shard (the group is changed, not renamed)", () => {
      // GIVEN prod's cache settings
      // WHEN shards is 2, and when it is left out
      const [json, single] = [twoShards().json, oneShard().json];
      // THEN
      expect(unitLogicalName(json, RG, "cache/replication-group")).toBe(
        unitLogicalName(single, RG, "cache/replication-group"),
      );
      expect(unitLogicalName(json, PG, "cache/parameters")).toBe(
        unitLogicalName(single, PG, "cache/parameters"),
      );
    });

    test("its own parameter group, family redis7, cluster-enabled yes and the eviction policy kept", () => {
      // GIVEN prod's cache settings
      // WHEN shards is 2
      const { json } = twoShards();
      // THEN
      const parameterGroupName = unitLogicalName(json, PG, "cache/parameters");
      const parameters = json.resource[PG][parameterGroupName];
      expect(parameters).toMatchObject({
        name: "air-applied-ai-redis-redis7-cluster",
        family: "redis7",
        lifecycle: { create_before_destroy: true },
      });
      expect(parameters.parameter).toEqual(
        expect.arrayContaining([
          { name: "cluster-enabled", value: "yes" },
          { name: "maxmemory-policy", value: "allkeys-lru" },
        ]),
      );
      expect(unitResource(json, RG, "cache/replication-group").parameter_group_name).toBe(
        ref(PG, parameterGroupName, "name"),
      );
    });

    test("the service gets the configuration endpoint and REDIS_CLUSTER_MODE, no reader host", () => {
      // GIVEN prod's cache settings
      // WHEN shards is 2
      const { cache, json } = twoShards();
      // THEN
      const rg = unitLogicalName(json, RG, "cache/replication-group");
      expect(cache.clusterMode).toBe(true);
      expect(cache.clientEndpoint).toBe(cache.configurationEndpointAddress);
      expect(cache.clientEnvironment).toEqual({
        REDIS_HOST: cache.configurationEndpointAddress,
        REDIS_PORT: "6379",
        REDIS_TLS: "true",
        REDIS_CLUSTER_MODE: "true",
      });
      expect(Object.keys(cache.outputs)).toEqual(["redis_configuration_endpoint", "redis_auth_secret_arn"]);
      // The token resolves to the group's configuration_endpoint_address in the JSON.
      expect(json.output.host.value).toBe(ref(RG, rg, "configuration_endpoint_address"));
    });

    test("member ids shard by shard, and the alarm targets carry the shard count", () => {
      // GIVEN prod's cache settings
      // WHEN shards is 2
      const { cache } = twoShards();
      // THEN
      expect(cache.memberClusterIds).toEqual([
        "air-applied-ai-redis-0001-001",
        "air-applied-ai-redis-0001-002",
        "air-applied-ai-redis-0002-001",
        "air-applied-ai-redis-0002-002",
      ]);
      expect(cache.alarmTargets).toMatchObject({ memberClusterIds: cache.memberClusterIds, shards: 2 });
    });

    test("the ElastiCache policy rules pass on the module's output", () => {
      // GIVEN prod's cache settings
      // WHEN shards is 2
      const { json } = twoShards();
      // THEN
      const failed = evaluate(stackDoc("prod", json), elasticacheRules, [])
        .filter((f) => f.status === "failed")
        .map((f) => `${f.rule.id}: ${f.detail}`);
      expect(failed).toEqual([]);
    });
  });

  describe("an environment with `shards: 2` (one line in its cache section)", () => {
    /** prod with `shards: 2`: one environment synthesis, made for the first test that reads it. */
    const prodWithTwoShards = once(() => synthEnvironment("prod", withTwoShards));

    test("synthesizes a cluster-mode group with prod's protection", () => {
      const group = stackResource(prodWithTwoShards(), RG, "cache/replication-group");
      expect(group).toMatchObject({
        cluster_mode: "enabled",
        num_node_groups: 2,
        replicas_per_node_group: 1,
      });
      expect(group.lifecycle.prevent_destroy).toBe(true);
      expect(group.final_snapshot_identifier).toBe("air-applied-ai-redis-final");
    });

    test("the API container gets the configuration endpoint and REDIS_CLUSTER_MODE", () => {
      const stack = prodWithTwoShards();
      const [definition] = valuesOf(stack, "aws_ecs_task_definition").filter((d) =>
        String(d.container_definitions).includes("REDIS_HOST"),
      );
      const environment = Object.fromEntries(
        JSON.parse(definition.container_definitions)
          .flatMap((c: any) => c.environment ?? [])
          .filter((e: any) => e.name.startsWith("REDIS_"))
          .map((e: any) => [e.name, e.value]),
      );
      expect(environment).toEqual({
        REDIS_HOST: expect.stringMatching(
          /^\$\{aws_elasticache_replication_group\.[\w-]+\.configuration_endpoint_address\}$/,
        ),
        REDIS_PORT: "6379",
        REDIS_TLS: "true",
        REDIS_CLUSTER_MODE: "true",
      });
      expect(stack.output.redis_configuration_endpoint.value).toBe(environment.REDIS_HOST);
      expect(stack.output.redis_primary_endpoint).toBeUndefined();
    });

    test("alarms watch every node of both shards", () => {
      const watched = new Set(
        valuesOf(prodWithTwoShards(), "aws_cloudwatch_metric_alarm")
          .map((a) => a.dimensions?.CacheClusterId)
          .filter(Boolean),
      );
      expect([...watched].sort()).toEqual(memberClusterIds("air-applied-ai-redis", 2, 2));
    });

    test("the policy pack passes with the committed waivers", () => {
      const failures = evaluate(stackDoc("prod", prodWithTwoShards()), RULES, WAIVERS)
        .filter((f) => f.status === "failed")
        .map((f) => `${f.rule.id} ${f.resource.path}: ${f.detail}`);
      expect(failures).toEqual([]);
    });

    test("staging takes the same one line; dev (single node, no Multi-AZ) is told what else to set", () => {
      // staging's config with the line passes validation, and its Cache, built from config.cache as the
      // environment stack builds it, has two shards. (The whole staging stack with two shards is the
      // cluster fixture, environments/fixtures.ts, synthesized in __tests__/stacks/cluster-fixture.test.ts.)
      const [staging] = loadEnvironments(["staging"], { staging: withTwoShards(ENVIRONMENT_INPUTS.staging) });
      const json = synthScope((scope) => {
        new Cache(scope, "cache", {
          platform: testPlatform(scope, { protect: staging.protectStatefulResources }),
          network: TEST_NETWORK,
          ...staging.cache,
        });
      });
      expect(unitResource(json, RG, "cache/replication-group").num_node_groups).toBe(2);
      expect(() => synthEnvironment("dev", withTwoShards)).toThrow(
        /cache\.shards = 2: must be 1 when cache\.multiAz is false/,
      );
    });
  });
});
