import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Construct } from "constructs";
import {
  CLUSTER_NODE_IGNORED_CHANGES,
  Database,
  type DatabaseProps,
  QDRANT_P2P_PORT,
  clusterDefaults,
  placeNodes,
} from "../../modules/database";
import { importedSecurityGroup } from "../../modules/security/connections";
import { SecureBucket } from "../../modules/storage/secure-bucket";
import {
  type StackJson,
  once,
  ref,
  resourcesOf,
  stackLogicalName,
  synthAll,
  synthScope,
  unitLogicalName,
  unitResource,
  valuesOf,
} from "../helpers/synth";
import { TEST_NETWORK, testPlatform } from "../helpers/fixtures";

/** Three private subnets in three AZs (what a cluster should run on). */
const THREE_AZ = {
  ...TEST_NETWORK,
  privateSubnetIds: ["subnet-0aaa", "subnet-0bbb", "subnet-0ccc"],
  availabilityZones: ["us-east-2a", "us-east-2b", "us-east-2c"],
};
const ZONE = "fixture.air-applied-ai.internal";

function build(over: Partial<DatabaseProps> = {}, onBuilt?: (db: Database) => void) {
  return (scope: Construct) => {
    const platform = testPlatform(scope, { namePrefix: "aai", protect: true });
    const bucket = new SecureBucket(scope, "snapshots", { bucketName: "snapshots-test", key: platform.key });
    const db = new Database(scope, "database", {
      platform,
      network: THREE_AZ,
      snapshotBucket: { bucket, prefix: "qdrant" },
      privateZoneName: ZONE,
      instanceType: "r6g.large",
      dataVolumeSizeGiB: 200,
      qdrantVersion: "v1.19.0",
      snapshotRetentionDays: 30,
      snapshotTimeUtc: "03:00",
      nodes: 3,
      ...over,
    });
    db.connections.allowFrom(importedSecurityGroup("sg-app", { peerName: "api" }));
    onBuilt?.(db);
    return db;
  };
}

/** The per-node resource of `type` at construct id `id` (node 0 in the Database itself, node i in node-<i>). */
const nodeResource = (stack: StackJson, type: string, index: number, id: string) =>
  unitResource(stack, type, index === 0 ? `database/${id}` : `database/node-${index}/${id}`);
const nodeName = (stack: StackJson, type: string, index: number, id: string) =>
  unitLogicalName(stack, type, index === 0 ? `database/${id}` : `database/node-${index}/${id}`);

/*
 * Three layers (design-seams change 7): the Database construct's cluster settings, validation and
 * single-node default (synthScope, GIVEN/WHEN/THEN), the committed prod stack's one host (synthAll), and
 * the multi-node variant: a three-node cluster in three AZs, synthesized once and shared.
 */

describe("Database", () => {
  test("defaults from the node count: RF 2 for 3 nodes and 3 from 5, write consistency 1, two shards per node", () => {
    // GIVEN 1 to 9 nodes
    // WHEN their cluster defaults are derived
    const defaults = [1, 3, 5, 7, 9].map((n) => Object.values(clusterDefaults(n)));
    // THEN
    expect(defaults).toEqual([
      [1, 1, 2],
      [2, 1, 6],
      [3, 1, 10],
      [3, 1, 14],
      [3, 1, 18],
    ]);
  });

  test("nodes go round-robin over the given AZs; with two AZs one holds two nodes (documented quorum risk)", () => {
    // GIVEN a network of two AZs, and one of three
    // WHEN nodes are placed on them
    const two = placeNodes(TEST_NETWORK, 3);
    const chosen = placeNodes(THREE_AZ, 5, ["us-east-2c", "us-east-2a"]);
    // THEN
    expect(two.map((p) => p.availabilityZone)).toEqual(["us-east-2a", "us-east-2b", "us-east-2a"]);
    expect(chosen.map((p) => p.subnetId)).toEqual([
      "subnet-0ccc",
      "subnet-0aaa",
      "subnet-0ccc",
      "subnet-0aaa",
      "subnet-0ccc",
    ]);
  });

  test.each<[string, Partial<DatabaseProps>, RegExp]>([
    ["an even node count", { nodes: 4 }, /Database: nodes = 4: must be 1 or an odd number 3-9/],
    [
      "a replication factor above the node count",
      { cluster: { replicationFactor: 5 } },
      /cluster\.replicationFactor = 5: must be <= database\.nodes \(3\)/,
    ],
    [
      "a cluster in one AZ",
      { availabilityZones: ["us-east-2b"] },
      /availabilityZones = \["us-east-2b"\]: must name at least two availability zones/,
    ],
    [
      "an AZ the network lacks",
      { network: TEST_NETWORK, availabilityZones: ["us-east-2a", "us-east-2c"] },
      /availabilityZones = .*: must be AZs of the network/,
    ],
  ])("rejects %s", (_name, over, message) => {
    // GIVEN three nodes in three AZs, with `over`
    // WHEN the Database is synthesized
    const create = () => synthScope(build(over));
    // THEN
    expect(create).toThrow(message);
  });

  test("one node: no P2P rule, no per-node names or health checks, the seed's lifecycle and script", () => {
    // GIVEN one node (nodes: 1) on three AZs
    // WHEN it is built and routed by health
    const one = synthScope(build({ nodes: 1 }, (d) => d.routeByHealth(["ignored"])));
    // THEN
    expect(valuesOf(one, "aws_instance")).toHaveLength(1);
    expect(resourcesOf(one, "aws_route53_health_check")).toEqual([]);
    expect(valuesOf(one, "aws_route53_record").map((r) => r.name)).toEqual([`qdrant.${ZONE}`]);
    expect(valuesOf(one, "aws_route53_record")[0].set_identifier).toBeUndefined();
    expect(valuesOf(one, "aws_vpc_security_group_ingress_rule").map((r) => r.from_port)).toEqual([
      6333, 6334,
    ]);
    const instance = valuesOf(one, "aws_instance")[0];
    expect(instance.lifecycle).toEqual({ ignore_changes: ["ami"] });
    expect(instance.user_data).not.toMatch(/6335|CLUSTER|qdrant-start|create-collection/);
  });
});

describe("prod stack: seed values", () => {
  test("prod runs the seed's one Qdrant host: no P2P rule, no per-node names or health checks", () => {
    const prod = synthAll().prod;
    expect(valuesOf(prod, "aws_instance")).toHaveLength(1);
    expect(resourcesOf(prod, "aws_route53_health_check")).toEqual([]);
    const zone = ref(
      "aws_route53_zone",
      stackLogicalName(prod, "aws_route53_zone", "database/zone"),
      "zone_id",
    );
    const records = valuesOf(prod, "aws_route53_record").filter((r) => r.zone_id === zone);
    expect(records.map((r) => [r.name, r.set_identifier])).toEqual([
      ["qdrant.prod.air-applied-ai.internal", undefined],
    ]);
    const group = ref(
      "aws_security_group",
      stackLogicalName(prod, "aws_security_group", "database/sg/group"),
    );
    const ports = (type: string) => [
      ...new Set(
        valuesOf(prod, type)
          .filter((r) => r.security_group_id === group)
          .map((r) => r.from_port),
      ),
    ];
    // Clients (the service, the metrics collector) reach the API ports only.
    expect(ports("aws_vpc_security_group_ingress_rule").sort()).toEqual([6333, 6334]);
    expect(ports("aws_vpc_security_group_egress_rule")).not.toContain(QDRANT_P2P_PORT);
  });
});

describe("multi-node variant: a three-node cluster in three AZs", () => {
  const nodes = [0, 1, 2];
  /** Three nodes in three AZs, routed by their status alarms: one synthesis, made for the first test. */
  const cluster = once(() => {
    let db!: Database;
    const stack = synthScope(
      build({}, (d) => {
        db = d;
        d.routeByHealth(["aai-qdrant-status", "aai-qdrant-1-status", "aai-qdrant-2-status"]);
      }),
    );
    const instances = nodes.map((i) => nodeResource(stack, "aws_instance", i, "instance"));
    const volumes = nodes.map((i) => nodeResource(stack, "aws_ebs_volume", i, "data"));
    const scripts = instances.map((i) => i.user_data as string);
    return { db, stack, instances, volumes, scripts };
  });

  test("one instance and one encrypted gp3 data volume per node, one node per AZ, volume in its node's AZ", () => {
    // GIVEN three private subnets in three AZs
    // WHEN a Database with nodes = 3 is built on them
    const { stack, instances, volumes } = cluster();
    // THEN
    expect(valuesOf(stack, "aws_instance")).toHaveLength(3);
    expect(instances.map((i) => i.availability_zone)).toEqual(["us-east-2a", "us-east-2b", "us-east-2c"]);
    expect(instances.map((i) => i.subnet_id)).toEqual(["subnet-0aaa", "subnet-0bbb", "subnet-0ccc"]);
    expect(volumes.map((v) => v.availability_zone)).toEqual(instances.map((i) => i.availability_zone));
    for (const v of volumes) expect(v).toMatchObject({ type: "gp3", size: 200, encrypted: true });
    nodes.forEach((i) =>
      expect(nodeResource(stack, "aws_volume_attachment", i, "data-attachment").volume_id).toBe(
        ref("aws_ebs_volume", nodeName(stack, "aws_ebs_volume", i, "data")),
      ),
    );
  });

  test("every node gets the same hardening: IMDSv2 hop 1, private, encrypted root, one instance profile", () => {
    // GIVEN three private subnets in three AZs
    // WHEN a Database with nodes = 3 is built on them
    const { stack, instances } = cluster();
    // THEN
    for (const i of instances) {
      expect(i.metadata_options).toMatchObject({ http_tokens: "required", http_put_response_hop_limit: 1 });
      expect(i).toMatchObject({ associate_public_ip_address: false, monitoring: true, ebs_optimized: true });
      expect(i.root_block_device.encrypted).toBe(true);
      expect(i.iam_instance_profile).toBe(instances[0].iam_instance_profile);
      expect(i.vpc_security_group_ids).toEqual(instances[0].vpc_security_group_ids);
    }
    expect(valuesOf(stack, "aws_iam_instance_profile")).toHaveLength(1);
  });

  test("P2P 6335 only between the cluster's nodes: the group itself is the only peer, both directions", () => {
    // GIVEN three private subnets in three AZs
    // WHEN a Database with nodes = 3 is built on them
    const { stack } = cluster();
    // THEN
    const group = ref(
      "aws_security_group",
      unitLogicalName(stack, "aws_security_group", "database/sg/group"),
    );
    const p2p = (type: string) =>
      valuesOf(stack, type).filter((r) => r.from_port === QDRANT_P2P_PORT || r.to_port === QDRANT_P2P_PORT);
    for (const type of ["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]) {
      const rules = p2p(type);
      expect(rules).toHaveLength(1);
      expect(rules[0]).toMatchObject({
        security_group_id: group,
        referenced_security_group_id: group,
        from_port: 6335,
        to_port: 6335,
        ip_protocol: "tcp",
      });
      expect(rules[0].cidr_ipv4).toBeUndefined();
    }
    const clientPorts = valuesOf(stack, "aws_vpc_security_group_ingress_rule")
      .filter((r) => r.referenced_security_group_id === "sg-app")
      .map((r) => r.from_port);
    expect(clientPorts).toEqual([6333, 6334]);
  });

  test("a stable private name per node, and the client name as one health-checked multivalue answer per node", () => {
    // GIVEN three private subnets in three AZs
    // WHEN a Database with nodes = 3 is built on them
    const { db, stack } = cluster();
    // THEN
    const own = nodes.map((i) => nodeResource(stack, "aws_route53_record", i, "node-record"));
    expect(own.map((r) => r.name)).toEqual(nodes.map((i) => `qdrant-${i}.${ZONE}`));
    own.forEach((r, i) =>
      expect(r.records).toEqual([
        ref("aws_instance", nodeName(stack, "aws_instance", i, "instance"), "private_ip"),
      ]),
    );
    const client = nodes.map((i) => nodeResource(stack, "aws_route53_record", i, "record"));
    client.forEach((r, i) => {
      expect(r).toMatchObject({ name: `qdrant.${ZONE}`, multivalue_answer_routing_policy: true });
      expect(r.set_identifier).toBe(`qdrant-${i}`);
      expect(r.records).toEqual(own[i].records);
      expect(r.health_check_id).toBe(
        ref("aws_route53_health_check", nodeName(stack, "aws_route53_health_check", i, "health-check")),
      );
    });
    const checks = nodes.map((i) => nodeResource(stack, "aws_route53_health_check", i, "health-check"));
    expect(checks.map((c) => [c.type, c.cloudwatch_alarm_name, c.cloudwatch_alarm_region])).toEqual([
      ["CLOUDWATCH_METRIC", "aai-qdrant-status", "us-east-2"],
      ["CLOUDWATCH_METRIC", "aai-qdrant-1-status", "us-east-2"],
      ["CLOUDWATCH_METRIC", "aai-qdrant-2-status", "us-east-2"],
    ]);
    expect(db.endpointUrl).toBe(`http://qdrant.${ZONE}:6333`);
    expect(db.scrapeTargets).toEqual(nodes.map((i) => `qdrant-${i}.${ZONE}:6333`));
  });

  test("boot arguments: node 0 may found the cluster, the others bootstrap from a peer; every node's own --uri", () => {
    // GIVEN three private subnets in three AZs
    // WHEN a Database with nodes = 3 is built on them
    const { stack, scripts } = cluster();
    // THEN
    const line = (script: string, name: string) => new RegExp(`^${name}=(.*)$`, "m").exec(script)![1];
    expect(scripts.map((s) => line(s, "self"))).toEqual(
      nodes.map((i) => `'http://qdrant-${i}.${ZONE}:6335'`),
    );
    expect(scripts.map((s) => line(s, "founder"))).toEqual(["true", "false", "false"]);
    expect(line(scripts[1], "peers")).toBe(`'qdrant-0.${ZONE} qdrant-2.${ZONE}'`);
    for (const s of scripts) {
      expect(s).toContain('echo "--bootstrap http://$host:6335 --uri $self"');
      expect(s).toContain('if [ -s /var/lib/qdrant/storage/raft_state.json ]; then echo "--uri $self"');
      expect(s).toContain("-e QDRANT__CLUSTER__ENABLED=true");
      expect(s).toContain("-e QDRANT__CLUSTER__P2P__PORT=6335");
      expect(s).toContain("-p 6335:6335");
      expect(s).toContain("ExecStart=/usr/local/bin/qdrant-start");
      expect(s).toMatch(/'qdrant\/qdrant:v1\.19\.0-unprivileged' \.\/qdrant \$args$/m);
      // the same API key on every node
      expect(s).toContain(
        ref(
          "aws_secretsmanager_secret",
          unitLogicalName(stack, "aws_secretsmanager_secret", "database/api-key/secret"),
          "arn",
        ),
      );
    }
  });

  test("the cluster-arguments script: raft state -> --uri; empty -> first live peer; node 0 founds only alone", () => {
    // GIVEN three private subnets in three AZs
    // WHEN a Database with nodes = 3 is built on them
    const { scripts } = cluster();
    // THEN
    const argsScript = (s: string) =>
      s.split("cat > /usr/local/bin/qdrant-cluster-args <<'SCRIPT'\n")[1].split("\nSCRIPT\n")[0];
    const run = (index: number, storage: "raft" | "empty", livePeer: boolean) => {
      const dir = mkdtempSync(join(tmpdir(), "aai-qdrant-"));
      try {
        if (storage === "raft") {
          mkdirSync(join(dir, "storage"));
          writeFileSync(join(dir, "storage", "raft_state.json"), "{}");
        }
        // The probe of a peer's P2P port and the wait are stubbed: `timeout` succeeds only for a live peer.
        const script = argsScript(scripts[index])
          .replaceAll("/var/lib/qdrant", dir)
          .replace("for _ in $(seq 1 90)", "for _ in 1 2")
          .replace("sleep 10", ":");
        const stub = `timeout() { ${livePeer ? `[[ "$4" == *qdrant-2.* ]]` : "false"}; }\n`;
        return execFileSync("bash", ["-c", stub + script.replace("#!/bin/bash\n", "")], {
          encoding: "utf8",
          stdio: "pipe",
        }).trim();
      } catch (e) {
        return `exit ${(e as { status: number }).status}`;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const uri = (i: number) => `http://qdrant-${i}.${ZONE}:6335`;
    expect(run(1, "raft", true)).toBe(`--uri ${uri(1)}`);
    expect(run(1, "empty", true)).toBe(`--bootstrap http://qdrant-2.${ZONE}:6335 --uri ${uri(1)}`);
    expect(run(0, "empty", true)).toBe(`--bootstrap http://qdrant-2.${ZONE}:6335 --uri ${uri(0)}`);
    expect(run(0, "empty", false)).toBe(`--uri ${uri(0)}`);
    expect(run(1, "empty", false)).toBe("exit 1");
  });

  test("rolling changes: a new version, type or peer list never replaces a running node by itself", () => {
    // GIVEN three private subnets in three AZs
    // WHEN a Database with nodes = 3 is built on them
    const { instances } = cluster();
    // THEN
    for (const i of instances) expect(i.lifecycle).toEqual({ ignore_changes: CLUSTER_NODE_IGNORED_CHANGES });
    expect(CLUSTER_NODE_IGNORED_CHANGES).toEqual(
      expect.arrayContaining(["user_data", "instance_type", "ami"]),
    );
  });

  test("AWS Backup selects every node's data volume; all carry the backup tag", () => {
    // GIVEN three private subnets in three AZs
    // WHEN a Database with nodes = 3 is built on them
    const { stack, volumes } = cluster();
    // THEN
    const selection = valuesOf(stack, "aws_backup_selection")[0];
    expect(selection.resources).toEqual(
      nodes.map((i) => ref("aws_ebs_volume", nodeName(stack, "aws_ebs_volume", i, "data"), "arn")),
    );
    for (const v of volumes) expect(v.tags.Backup).toBe("qdrant-daily");
    expect(valuesOf(stack, "aws_backup_plan")).toHaveLength(1);
  });

  test("Qdrant snapshots: every collection on every node, under <prefix>/node-<i>/<collection>/", () => {
    // GIVEN three private subnets in three AZs
    // WHEN a Database with nodes = 3 is built on them
    const { scripts } = cluster();
    // THEN
    scripts.forEach((s, i) => {
      expect(s).toContain(`prefix='qdrant/node-${i}'`);
      expect(s).toContain('"$api/collections/$c/snapshots?wait=true"');
      expect(s).toContain('"s3://$bucket/$prefix/$c/$name"');
      expect(s).not.toContain('"$api/snapshots?wait=true"');
    });
  });

  test("boot scripts are valid bash and fit the 16 KB user-data limit", () => {
    // GIVEN three private subnets in three AZs
    // WHEN a Database with nodes = 3 is built on them
    const { scripts } = cluster();
    // THEN
    for (const s of scripts) {
      const rendered = s.replace(/\$\$\{/g, "${").replace(/\$\{aws_[^}]+\}/g, "x");
      expect(() => execFileSync("bash", ["-n"], { input: rendered, stdio: "pipe" })).not.toThrow();
      expect(Buffer.byteLength(s)).toBeLessThan(16 * 1024);
    }
  });

  test("every node can create a collection with the cluster's defaults; outputs list them and the nodes", () => {
    // GIVEN three private subnets in three AZs
    // WHEN a Database with nodes = 3 is built on them
    const { db, scripts } = cluster();
    // THEN
    for (const s of scripts)
      expect(s).toContain("shard_number: 6, replication_factor: 2, write_consistency_factor: 1}'");
    expect(scripts[0]).toContain("cat > /usr/local/bin/qdrant-create-collection <<'SCRIPT'");
    expect(db.outputs.qdrant_collection_defaults.value).toEqual({
      shard_number: 6,
      replication_factor: 2,
      write_consistency_factor: 1,
    });
    expect((db.outputs.qdrant_nodes.value as { hostname: string }[]).map((n) => n.hostname)).toEqual(
      nodes.map((i) => `qdrant-${i}.${ZONE}`),
    );
    const custom = synthScope(
      build({ nodes: 5, cluster: { replicationFactor: 3, writeConsistencyFactor: 2, shardNumber: 5 } }),
    );
    expect(valuesOf(custom, "aws_instance")[4].user_data).toContain(
      "shard_number: 5, replication_factor: 3, write_consistency_factor: 2}'",
    );
  });

  test("alarm targets: node 0 as before, nodes 1..2 as otherNodes, node count and replication factor", () => {
    // GIVEN three private subnets in three AZs
    // WHEN a Database with nodes = 3 is built on them
    const { db } = cluster();
    // THEN
    expect(db.alarmTargets.otherNodes).toHaveLength(2);
    expect(db.alarmTargets.cluster).toEqual({ nodes: 3, replicationFactor: 2 });
    expect(db.nodes.map((n) => n.availabilityZone)).toEqual(["us-east-2a", "us-east-2b", "us-east-2c"]);
  });
});
