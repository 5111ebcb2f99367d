import { execFileSync } from "node:child_process";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import type { Construct } from "constructs";
import { evaluate } from "../../policies/engine";
import { ec2Rules } from "../../policies/rules/ec2";
import {
  Database,
  type DatabaseProps,
  QDRANT_AMI_PARAMETER,
  QDRANT_BACKUP_TAG,
  QDRANT_DATA_MOUNT,
  QDRANT_HOST_METRICS,
} from "../../modules/database";
import {
  RESTORE_TEST_FAILURE_STATES,
  VolumeRestoreTest,
  restoreTestingName,
} from "../../modules/database/restore-test";
import { qdrantImage, renderQdrantUserData } from "../../modules/database/user-data";
import { importedSecurityGroup } from "../../modules/security/connections";
import { SecureBucket } from "../../modules/storage/secure-bucket";
import {
  type StackJson,
  once,
  ref,
  resourcesOf,
  stackDoc,
  stackResource,
  synthAll,
  synthScope,
  unitLogicalName,
  unitResource,
  valuesOf,
} from "../helpers/synth";
import { TEST_NETWORK, testPlatform } from "../helpers/fixtures";

/** Database props plus the platform fields a test varies, flattened. */
type TestDatabaseProps = Omit<DatabaseProps, "platform" | "network" | "snapshotBucket"> & {
  readonly namePrefix: string;
  readonly protect: boolean;
};

/** The seed's prod numbers (environments/prod.ts); the host runs in TEST_NETWORK's first private subnet. */
const PROD: TestDatabaseProps = {
  namePrefix: "air-applied-ai",
  privateZoneName: "prod.air-applied-ai.internal",
  instanceType: "r6g.2xlarge",
  dataVolumeSizeGiB: 1024,
  dataVolumeIops: 6000,
  dataVolumeThroughput: 500,
  qdrantVersion: "v1.19.0",
  snapshotRetentionDays: 30,
  snapshotTimeUtc: "03:00",
  protect: true,
};

function build(
  over: Partial<TestDatabaseProps> & Pick<Partial<DatabaseProps>, "snapshotBucket"> = {},
  clients: string[] = ["sg-app"],
) {
  return (scope: Construct) => {
    const { namePrefix, protect, ...props } = { ...PROD, ...over };
    const platform = testPlatform(scope, { namePrefix, protect });
    const bucket = new SecureBucket(scope, "snapshots", { bucketName: "snapshots-test", key: platform.key });
    const db = new Database(scope, "database", {
      platform,
      network: TEST_NETWORK,
      snapshotBucket: { bucket, prefix: "qdrant" },
      ...props,
    });
    for (const sg of clients) db.connections.allowFrom(importedSecurityGroup(sg, { peerName: sg }));
    return db;
  };
}

const userDataOf = (stack: StackJson): string => valuesOf(stack, "aws_instance")[0].user_data;
const statementsOf = (stack: StackJson, roleSuffix: string) => {
  const role = unitLogicalName(stack, "aws_iam_role", roleSuffix);
  const policy = valuesOf(stack, "aws_iam_role_policy").find((p) => p.role === ref("aws_iam_role", role));
  return JSON.parse(policy.policy).Statement as any[];
};

/** The Database with the seed's prod numbers (PROD) and one client group: one synthesis for layer 1. */
const seed = once(() => {
  let db!: Database;
  const stack = synthScope((scope) => {
    db = build()(scope);
  });
  return {
    db,
    stack,
    instance: valuesOf(stack, "aws_instance")[0],
    volume: valuesOf(stack, "aws_ebs_volume")[0],
    volumeName: unitLogicalName(stack, "aws_ebs_volume", "database/data"),
    instanceName: unitLogicalName(stack, "aws_instance", "database/instance"),
  };
});

/** The restore-testing resources of the seed build. */
const restoreTest = once(() => {
  const { stack, volume } = seed();
  return {
    stack,
    volume,
    plan: unitResource(stack, "aws_backup_restore_testing_plan", "database/backup/restore-test/plan"),
    selection: unitResource(
      stack,
      "aws_backup_restore_testing_selection",
      "database/backup/restore-test/selection",
    ),
    roleName: unitLogicalName(stack, "aws_iam_role", "database/backup/restore-test/role"),
  };
});

/** The seed build's boot script (user data), whole and by line. */
const bootScript = once(() => {
  const { stack } = seed();
  const script = userDataOf(stack);
  return { stack, script, lines: script.split("\n") };
});

/** A committed environment's stack (synthAll) with its Qdrant host, data volume and backup plan. */
function committed(env: string) {
  const stack = synthAll()[env];
  return {
    stack,
    instance: stackResource(stack, "aws_instance", "database/instance"),
    volume: stackResource(stack, "aws_ebs_volume", "database/data"),
    plan: stackResource(stack, "aws_backup_plan", "database/backup/plan"),
  };
}

/*
 * Three layers (design-seams change 7): the Database construct on its own (synthScope, GIVEN/WHEN/THEN;
 * one shared synthesis of the seed's numbers, plus the variants a test names), the committed prod stack
 * against the seed (synthAll), and what dev and staging do differently (synthAll). The EC2/EBS/backup
 * rules themselves are tested in __tests__/policies/ec2.test.ts; here, that the construct passes them.
 */

describe("Database", () => {
  test("seed spec: r6g.2xlarge with a 1 TB gp3 data volume", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { stack } = seed();
    // THEN
    expect(JSON.stringify(stack)).toHaveResourceWithProperties(Instance, { instance_type: "r6g.2xlarge" });
    expect(JSON.stringify(stack)).toHaveResourceWithProperties(EbsVolume, {
      type: "gp3",
      size: 1024,
      iops: 6000,
      throughput: 500,
    });
  });

  test("seed spec: daily backups retained 30 days, selecting exactly the data volume", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { stack, volumeName } = seed();
    // THEN
    const [rule] = valuesOf(stack, "aws_backup_plan")[0].rule;
    expect(rule.schedule).toBe("cron(0 3 * * ? *)");
    expect(rule.schedule_expression_timezone).toBe("Etc/UTC");
    expect(rule.lifecycle).toEqual({ delete_after: 30 });
    expect(rule.target_vault_name).toBe(
      ref("aws_backup_vault", unitLogicalName(stack, "aws_backup_vault", "database/backup/vault"), "name"),
    );
    const selection = valuesOf(stack, "aws_backup_selection")[0];
    expect(selection.resources).toEqual([ref("aws_ebs_volume", volumeName, "arn")]);
    expect(selection.iam_role_arn).toBe(
      ref("aws_iam_role", unitLogicalName(stack, "aws_iam_role", "database/backup/role"), "arn"),
    );
    const vault = valuesOf(stack, "aws_backup_vault")[0];
    expect(vault.kms_key_arn).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    expect(vault.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("IMDSv2 required; hop limit 1 keeps role credentials out of the Qdrant container", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { instance } = seed();
    // THEN
    expect(instance.metadata_options).toEqual({
      http_endpoint: "enabled",
      http_tokens: "required",
      http_put_response_hop_limit: 1,
      instance_metadata_tags: "disabled",
    });
    // ...and a hop limit given as a prop is kept
    const two = synthScope(build({ metadataHopLimit: 2 }));
    expect(valuesOf(two, "aws_instance")[0].metadata_options.http_put_response_hop_limit).toBe(2);
  });

  test("private, SSM-managed host: no public IP, no key pair, an instance profile with SSM core", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { stack, instance } = seed();
    // THEN
    expect(instance.associate_public_ip_address).toBe(false);
    expect(instance.key_name).toBeUndefined();
    expect(instance.subnet_id).toBe("subnet-0aaa");
    expect(instance.monitoring).toBe(true);
    expect(instance.ebs_optimized).toBe(true);
    const profile = unitLogicalName(stack, "aws_iam_instance_profile", "database/profile");
    expect(instance.iam_instance_profile).toBe(ref("aws_iam_instance_profile", profile, "name"));
    const attachments = valuesOf(stack, "aws_iam_role_policy_attachment")
      .filter(
        (a) =>
          a.role === ref("aws_iam_role", unitLogicalName(stack, "aws_iam_role", "database/role"), "name"),
      )
      .map((a) => a.policy_arn);
    expect(attachments).toEqual(["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
  });

  test("root volume encrypted with the CMK; the instance is replaced (not edited) when its boot script changes", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { instance } = seed();
    // THEN
    expect(instance.root_block_device).toMatchObject({
      encrypted: true,
      volume_type: "gp3",
      volume_size: 30,
    });
    expect(instance.root_block_device.kms_key_id).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    expect(instance.user_data_replace_on_change).toBe(true);
    expect(instance.lifecycle).toEqual({ ignore_changes: ["ami"] });
  });

  test("arm64 AMI: AL2023 arm64 SSM parameter, which AAI-EC2-002 accepts for Graviton", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { stack, instance } = seed();
    // THEN
    const [[paramName, param]] = Object.entries(stack.data.aws_ssm_parameter) as [string, any][];
    expect(param.name).toBe("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
    expect(QDRANT_AMI_PARAMETER).toMatch(/-arm64$/);
    expect(instance.ami).toBe(`\${data.aws_ssm_parameter.${paramName}.insecure_value}`);
  });

  test("data volume: KMS-encrypted, in the instance's AZ, attached, protected, tagged for backup", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { stack, instance, volume, volumeName, instanceName } = seed();
    // THEN
    expect(volume).toMatchObject({ encrypted: true, availability_zone: "us-east-2a", final_snapshot: true });
    expect(volume.availability_zone).toBe(instance.availability_zone);
    expect(volume.kms_key_id).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    expect(volume.lifecycle).toEqual({ prevent_destroy: true });
    expect(volume.tags.Backup).toBe("qdrant-daily");
    expect(valuesOf(stack, "aws_volume_attachment")[0]).toEqual({
      device_name: "/dev/sdf",
      volume_id: ref("aws_ebs_volume", volumeName),
      instance_id: ref("aws_instance", instanceName),
      stop_instance_before_detaching: true,
    });
  });

  test("security group: 6333/6334 only from the application group; egress 443 only", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { stack, instance } = seed();
    // THEN
    const ingress = valuesOf(stack, "aws_vpc_security_group_ingress_rule");
    expect(
      ingress.map((r) => [
        r.from_port,
        r.to_port,
        r.ip_protocol,
        r.referenced_security_group_id,
        r.cidr_ipv4,
      ]),
    ).toEqual([
      [6333, 6333, "tcp", "sg-app", undefined],
      [6334, 6334, "tcp", "sg-app", undefined],
    ]);
    const egress = valuesOf(stack, "aws_vpc_security_group_egress_rule");
    expect(egress.map((r) => [r.from_port, r.to_port, r.cidr_ipv4])).toEqual([[443, 443, "0.0.0.0/0"]]);
    expect(instance.vpc_security_group_ids).toEqual([
      ref("aws_security_group", unitLogicalName(stack, "aws_security_group", "database/sg/group")),
    ]);
  });

  test("connections.allowFrom is idempotent and adds each client group once", () => {
    // GIVEN client groups sg-app (twice) and sg-worker, and no client group at all
    // WHEN each is allowed in with connections.allowFrom
    const twice = synthScope(build({}, ["sg-app", "sg-app", "sg-worker"]));
    const none = synthScope(build({}, []));
    // THEN
    const peers = valuesOf(twice, "aws_vpc_security_group_ingress_rule").map(
      (r) => `${r.referenced_security_group_id}:${r.from_port}`,
    );
    expect(peers).toEqual(["sg-app:6333", "sg-app:6334", "sg-worker:6333", "sg-worker:6334"]);
    expect(valuesOf(none, "aws_vpc_security_group_ingress_rule")).toEqual([]);
  });

  test("instance role: its secret, its log group, its S3 prefix, CWAgent metrics; every other statement names an ARN", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { stack } = seed();
    // THEN
    const statements = statementsOf(stack, "database/role");
    const bucketArn = ref(
      "aws_s3_bucket",
      unitLogicalName(stack, "aws_s3_bucket", "snapshots/bucket"),
      "arn",
    );
    const byAction = (a: string) => statements.filter((s) => [s.Action].flat().includes(a));
    expect(byAction("secretsmanager:GetSecretValue")[0].Resource).toBe(
      ref(
        "aws_secretsmanager_secret",
        unitLogicalName(stack, "aws_secretsmanager_secret", "database/api-key/secret"),
        "arn",
      ),
    );
    expect(byAction("s3:PutObject")[0].Resource).toBe(`${bucketArn}/qdrant/*`);
    expect(byAction("s3:ListBucket")[0]).toMatchObject({
      Resource: bucketArn,
      Condition: { StringLike: { "s3:prefix": ["qdrant/*"] } },
    });
    expect(byAction("cloudwatch:PutMetricData")[0]).toMatchObject({
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": "CWAgent" } },
    });
    for (const s of statements) {
      if ([s.Action].flat().includes("cloudwatch:PutMetricData")) continue;
      for (const r of [s.Resource].flat()) expect(r).toMatch(/^\$\{aws_[a-z0-9_]+\.[^}]+\.arn\}/);
    }
    const actions = new Set(statements.flatMap((s) => [s.Action].flat()));
    expect([...actions].filter((a) => !/^(secretsmanager|kms|logs|s3|cloudwatch):/.test(a))).toEqual([]);
    expect(actions.has("s3:GetObject")).toBe(false);
  });

  test("roles trust their service only (EC2 for the host, AWS Backup for backups)", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { stack } = seed();
    // THEN
    const trust = (suffix: string) =>
      JSON.parse(unitResource(stack, "aws_iam_role", suffix).assume_role_policy).Statement.map(
        (s: any) => s.Principal,
      );
    expect(trust("database/role")).toEqual([{ Service: "ec2.amazonaws.com" }]);
    expect(trust("database/backup/role")).toEqual([{ Service: "backup.amazonaws.com" }]);
  });

  test("stable private DNS name: a private zone on the VPC and an A record for the instance", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { stack, instanceName } = seed();
    // THEN
    const zone = valuesOf(stack, "aws_route53_zone")[0];
    expect(zone).toMatchObject({
      name: "prod.air-applied-ai.internal",
      vpc: [{ vpc_id: "vpc-0123" }],
      force_destroy: false,
    });
    expect(valuesOf(stack, "aws_route53_record")[0]).toEqual({
      zone_id: ref(
        "aws_route53_zone",
        unitLogicalName(stack, "aws_route53_zone", "database/zone"),
        "zone_id",
      ),
      name: "qdrant.prod.air-applied-ai.internal",
      type: "A",
      ttl: 60,
      records: [ref("aws_instance", instanceName, "private_ip")],
    });
  });

  test("typed outputs", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { db } = seed();
    // THEN
    expect(db.endpointUrl).toBe("http://qdrant.prod.air-applied-ai.internal:6333");
    expect(db.grpcEndpoint).toBe("qdrant.prod.air-applied-ai.internal:6334");
    for (const v of [db.apiKeySecretArn, db.securityGroupId, db.instanceId, db.dataVolumeId])
      expect(v).toMatch(/TOKEN/);
    expect(db.diskMetricDimensions()).toMatchObject({ path: QDRANT_DATA_MOUNT, fstype: "xfs" });
    expect(Object.keys(db.diskMetricDimensions())).toEqual([...QDRANT_HOST_METRICS.disk.dimensions]);
    expect(Object.keys(db.memoryMetricDimensions())).toEqual([...QDRANT_HOST_METRICS.memory.dimensions]);
  });

  test("the API key secret is generated in AWS and its value appears nowhere in the JSON", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { stack } = seed();
    // THEN
    const secret = unitResource(stack, "aws_secretsmanager_secret", "database/api-key/secret");
    expect(secret).toMatchObject({ name: "air-applied-ai/qdrant-api-key", recovery_window_in_days: 30 });
    expect(secret.kms_key_id).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    const version = valuesOf(stack, "aws_secretsmanager_secret_version")[0];
    expect(version.secret_string).toBeUndefined();
    expect(version.secret_string_wo).toMatch(/^\$\{ephemeral\.aws_secretsmanager_random_password\./);
    const policy = JSON.parse(valuesOf(stack, "aws_kms_key")[0].policy).Statement;
    // Secrets Manager uses the caller's credentials through the key: no service statement (issue #10).
    expect(policy.map((s: any) => s.Principal)).not.toContainEqual({
      Service: "secretsmanager.amazonaws.com",
    });
  });

  test("every EC2/EBS/backup rule of the policy pack passes", () => {
    // GIVEN the seed's prod numbers as props (PROD), one client group
    // WHEN the Database is built (one synthesis, shared)
    const { stack } = seed();
    // THEN
    const findings = evaluate(stackDoc("prod", stack), ec2Rules, []);
    expect(findings.filter((f) => f.status !== "passed").map((f) => `${f.rule.id}: ${f.detail}`)).toEqual([]);
    const checked = new Set(findings.map((f) => f.rule.id));
    for (const id of [
      "CKV_AWS_79",
      "CKV_AWS_8",
      "CKV_AWS_46",
      "CKV2_AWS_2",
      "CKV2_AWS_9",
      "AAI-EC2-002",
      "AAI-EC2-003",
      "AAI-EC2-004",
    ])
      expect(checked).toContain(id);
  });

  test.each<[string, Partial<DatabaseProps>, RegExp]>([
    [
      "non-Graviton instance",
      { instanceType: "r6i.2xlarge" },
      /instanceType = "r6i\.2xlarge": must be a Graviton \(arm64\)/,
    ],
    [
      "volume size out of range",
      { dataVolumeSizeGiB: 20000 },
      /dataVolumeSizeGiB = 20000: must be a gp3 size of 1-16384/,
    ],
    [
      "IOPS above 500 per GiB",
      { dataVolumeSizeGiB: 10, dataVolumeIops: 6000 },
      /dataVolumeIops = 6000: must be <= 500 per GiB \(5000 for 10 GiB\)/,
    ],
    [
      "throughput above 0.25 per IOPS",
      { dataVolumeIops: 3000, dataVolumeThroughput: 1000 },
      /dataVolumeThroughput = 1000: must be <= 0\.25 MiB\/s per IOPS/,
    ],
    [
      "Qdrant without the URL-recovery switch",
      { qdrantVersion: "v1.15.4" },
      /qdrantVersion = "v1\.15\.4": must be a release tag v1\.18\.0 or newer/,
    ],
    [
      "public zone name",
      { privateZoneName: "air-applied-ai.com" },
      /privateZoneName = "air-applied-ai\.com"/,
    ],
    ["bad backup time", { snapshotTimeUtc: "25:00" }, /snapshotTimeUtc = "25:00"/],
  ])("rejects %s", (_name, over, message) => {
    // GIVEN the seed's prod numbers as props, with `over`
    // WHEN the Database is synthesized
    const create = () => synthScope(build(over));
    // THEN
    expect(create).toThrow(message);
  });

  test("unprotected (dev): no prevent_destroy, no final snapshot, secret deletable at once", () => {
    // GIVEN dev's numbers: unprotected, a smaller host and volume at gp3's baseline, 7-day retention
    // WHEN the Database is built
    const dev = synthScope(
      build({
        protect: false,
        instanceType: "r6g.large",
        dataVolumeSizeGiB: 100,
        dataVolumeIops: undefined,
        dataVolumeThroughput: undefined,
        snapshotRetentionDays: 7,
      }),
    );
    // THEN
    const volume = valuesOf(dev, "aws_ebs_volume")[0];
    expect(volume).toMatchObject({ size: 100, iops: 3000, throughput: 125, final_snapshot: false });
    expect(volume.lifecycle).toEqual({ prevent_destroy: false });
    expect(valuesOf(dev, "aws_backup_plan")[0].rule[0].lifecycle).toEqual({ delete_after: 7 });
    expect(
      unitResource(dev, "aws_secretsmanager_secret", "database/api-key/secret").recovery_window_in_days,
    ).toBe(0);
    expect(valuesOf(dev, "aws_instance")[0].instance_type).toBe("r6g.large");
  });

  describe("restore testing: the backups are proven restorable every month", () => {
    test("monthly, after the daily backup, in UTC: the newest snapshot of the last week from this vault", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { stack, plan } = restoreTest();
      // THEN
      const [hour, minute] = PROD.snapshotTimeUtc.split(":").map(Number);
      const cron = /^cron\((\d+) (\d+) 1 \* \? \*\)$/.exec(plan.schedule_expression)!;
      expect(cron).not.toBeNull();
      expect(Number(cron[1])).toBe(minute);
      expect((Number(cron[2]) - hour + 24) % 24).toBeGreaterThanOrEqual(2);
      expect(plan.schedule_expression_timezone).toBe("Etc/UTC");
      expect(plan.recovery_point_selection).toEqual([
        {
          algorithm: "LATEST_WITHIN_WINDOW",
          include_vaults: [
            ref(
              "aws_backup_vault",
              unitLogicalName(stack, "aws_backup_vault", "database/backup/vault"),
              "arn",
            ),
          ],
          recovery_point_types: ["SNAPSHOT"],
          selection_window_days: 7,
        },
      ]);
    });

    test("names use underscores only (AWS rejects hyphens in restore testing names)", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { stack, plan, selection } = restoreTest();
      // THEN
      for (const name of [plan.name, selection.name]) expect(name).toMatch(/^[A-Za-z0-9_]{1,50}$/);
      expect(plan.name).toBe(`${PROD.namePrefix.replace(/-/g, "_")}_qdrant_monthly`);
      expect(selection.restore_testing_plan_name).toBe(
        ref(
          "aws_backup_restore_testing_plan",
          unitLogicalName(stack, "aws_backup_restore_testing_plan", "database/backup/restore-test/plan"),
          "name",
        ),
      );
      expect(() => restoreTestingName("x".repeat(51))).toThrow(/1-50 letters, digits and underscores/);
    });

    test("selects EBS volumes by the backup tag the data volume carries (new volumes are covered as they come)", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { selection, volume } = restoreTest();
      // THEN
      expect(selection.protected_resource_type).toBe("EBS");
      expect(selection.protected_resource_arns).toBeUndefined();
      const [[key, value]] = Object.entries(QDRANT_BACKUP_TAG);
      expect(volume.tags[key]).toBe(value);
      expect(selection.protected_resource_conditions).toEqual([
        { string_equals: [{ key: `aws:ResourceTag/${key}`, value }] },
      ]);
    });

    test("restores a gp3 volume under the project key, kept 24 hours for checks, with its own restore role", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { selection, roleName, volume } = restoreTest();
      // THEN
      expect(selection.restore_metadata_overrides).toEqual({
        volumetype: volume.type,
        kmsKeyId: volume.kms_key_id,
      });
      expect(selection.validation_window_hours).toBe(24);
      expect(selection.iam_role_arn).toBe(ref("aws_iam_role", roleName, "arn"));
    });

    test("the restore role: trusted by AWS Backup, restores only (no backups), grants on the volume key", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { stack, roleName } = restoreTest();
      // THEN
      const role = unitResource(stack, "aws_iam_role", "database/backup/restore-test/role");
      expect(role.name).toBe(`${PROD.namePrefix}-qdrant-restore-test`);
      expect(JSON.parse(role.assume_role_policy).Statement.map((s: any) => s.Principal)).toEqual([
        { Service: "backup.amazonaws.com" },
      ]);
      const attached = valuesOf(stack, "aws_iam_role_policy_attachment")
        .filter((a) => a.role === ref("aws_iam_role", roleName, "name"))
        .map((a) => a.policy_arn);
      expect(attached).toEqual([
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
      ]);
      // The same key statements as the backup role (one helper): restores need the CMK's grants.
      expect(statementsOf(stack, "database/backup/restore-test/role")).toEqual(
        statementsOf(stack, "database/backup/role"),
      );
    });

    test("a failed or aborted restore test of this plan is an event alert for the alert topic", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const alerts = seed().db.eventAlerts;
      // THEN
      expect(alerts.map((a) => a.id)).toEqual(["qdrant-restore-test-failed"]);
      const pattern = alerts[0].eventPattern as any;
      expect(pattern.source).toEqual(["aws.backup"]);
      expect(pattern["detail-type"]).toEqual(["Restore Job State Change"]);
      expect(pattern.detail.status).toEqual([...RESTORE_TEST_FAILURE_STATES]);
      // Only this environment's plan: the environments share one account.
      expect(pattern.detail.restoreTestingPlanArn).toEqual([expect.stringMatching(/TOKEN/)]);
      for (const name of Object.keys(alerts[0].message.paths))
        expect(alerts[0].message.text).toContain(`<${name}>`);
    });

    test("rejects a validation window AWS does not allow", () => {
      // GIVEN a restore test with a validation window of 0 hours
      // WHEN it is synthesized
      const create = () =>
        synthScope((scope) => {
          new VolumeRestoreTest(scope, "rt", {
            platform: testPlatform(scope, { namePrefix: "x" }),
            name: "x-qdrant",
            vaultArn: "arn:aws:backup:us-east-2:123456789012:backup-vault:x",
            volumeTag: QDRANT_BACKUP_TAG,
            backupTimeUtc: "03:00",
            retentionDays: 7,
            validationWindowHours: 0,
          });
        });
      // THEN
      expect(create).toThrow("VolumeRestoreTest: validationWindowHours = 0: must be 1-168 hours");
    });
  });

  describe("Qdrant boot script (user data)", () => {
    test("carries the secret's ARN, never its value; reads it with the instance role at every start", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { stack, script } = bootScript();
      // THEN
      const secretArn = ref(
        "aws_secretsmanager_secret",
        unitLogicalName(stack, "aws_secretsmanager_secret", "database/api-key/secret"),
        "arn",
      );
      expect(script).toContain(
        `aws secretsmanager get-secret-value --region us-east-2 --secret-id '${secretArn}'`,
      );
      expect(script).not.toMatch(/secret_version|random_password|secret_string|ephemeral\./);
      expect(script).not.toMatch(/AKIA|ASIA|aws_secret_access_key/i);
      expect(script).toContain("ExecStartPre=/usr/local/bin/qdrant-fetch-api-key");
      expect(script).toContain("install -d -m 0700 /run/qdrant"); // tmpfs, root-only
    });

    test("every ${ is a Terraform reference or the escaped $${ of the CloudWatch agent placeholder", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { script } = bootScript();
      // THEN
      const interpolations = script.match(/\$?\$\{[^}]*\}/g) ?? [];
      expect(interpolations.length).toBeGreaterThan(0);
      for (const i of interpolations)
        expect(i).toMatch(/^(\$\{aws_[a-z0-9_]+\.[^}]+\}|\$\$\{aws:InstanceId\})$/);
      expect(script).not.toContain("%{");
    });

    test("formats the data volume only when blkid finds no signature, found by its NVMe serial", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { stack, script, lines } = bootScript();
      // THEN
      const volumeId = ref("aws_ebs_volume", unitLogicalName(stack, "aws_ebs_volume", "database/data"));
      expect(script).toContain(`DATA_VOLUME_ID='${volumeId}'`);
      expect(script).toContain("lsblk -dnpo NAME,SERIAL");
      const mkfs = lines.flatMap((l, i) => (/\bmkfs\b/.test(l) ? [i] : []));
      expect(mkfs).toHaveLength(1);
      expect(lines[mkfs[0] - 1]).toBe('if [ "$probe" -eq 2 ]; then');
      expect(script).toContain('blkid -p "$device"');
      expect(script).toMatch(/elif \[ "\$probe" -ne 0 \]; then\n.*not formatting.*\n\s+exit 1/);
    });

    test("mounts by UUID with nofail, idempotently, and Qdrant requires the mount", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { script } = bootScript();
      // THEN
      expect(script).toContain(
        'grep -q "UUID=$uuid " /etc/fstab || echo "UUID=$uuid $DATA_MOUNT xfs defaults,nofail,noatime 0 2" >> /etc/fstab',
      );
      expect(script).toContain('mountpoint -q "$DATA_MOUNT" || mount "$DATA_MOUNT"');
      expect(script).toContain(`RequiresMountsFor=${QDRANT_DATA_MOUNT}`);
      expect(script).toContain(`ExecStartPre=/usr/bin/mountpoint -q ${QDRANT_DATA_MOUNT}`);
    });

    test("runs the pinned arm64 unprivileged image with telemetry, snapshot-URL recovery and CORS off", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { script } = bootScript();
      // THEN
      expect(qdrantImage("v1.19.0")).toBe("qdrant/qdrant:v1.19.0-unprivileged");
      expect(script).toContain("docker pull --platform linux/arm64 'qdrant/qdrant:v1.19.0-unprivileged'");
      expect(script).toContain("--platform linux/arm64");
      for (const env of [
        "QDRANT__TELEMETRY_DISABLED=true",
        "QDRANT__SERVICE__ENABLE_SNAPSHOT_URL_RECOVERY=false",
        "QDRANT__SERVICE__ENABLE_CORS=false",
      ])
        expect(script).toContain(`-e ${env}`);
      expect(script).toContain(`-v ${QDRANT_DATA_MOUNT}/storage:/qdrant/storage`);
      expect(script).toContain("--env-file /run/qdrant/qdrant.env");
      expect(script).not.toMatch(/QDRANT__SERVICE__API_KEY=[^%]/);
      expect(script).not.toMatch(/--network[ =]host/);
    });

    test("daily Qdrant snapshot to the S3 prefix at the configured time, pruned after the retention", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { stack, script } = bootScript();
      // THEN
      const bucket = ref(
        "aws_s3_bucket",
        unitLogicalName(stack, "aws_s3_bucket", "snapshots/bucket"),
        "bucket",
      );
      expect(script).toContain(`bucket='${bucket}'`);
      expect(script).toContain("prefix='qdrant'");
      expect(script).toContain('"$api/snapshots?wait=true"');
      expect(script).toContain("OnCalendar=*-*-* 03:00:00 UTC");
      expect(script).toContain("date -u -d '30 days ago'");
      expect(script).toContain("systemctl enable --now qdrant.service qdrant-snapshot.timer");
    });

    test("CloudWatch agent emits the exported namespace, metrics and dimensions", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { script } = bootScript();
      // THEN
      const config = JSON.parse(script.split("<<'JSON'\n")[1].split("\nJSON\n")[0].replace("$${", "${"));
      expect(config.metrics.namespace).toBe(QDRANT_HOST_METRICS.namespace);
      expect(config.metrics.append_dimensions).toEqual({ InstanceId: "${aws:InstanceId}" });
      expect(config.metrics.metrics_collected.mem.measurement).toEqual([
        QDRANT_HOST_METRICS.memory.metricName,
      ]);
      expect(config.metrics.metrics_collected.disk).toEqual({
        measurement: ["used_percent"],
        resources: [QDRANT_DATA_MOUNT],
        drop_device: true,
      });
      expect(QDRANT_HOST_METRICS.disk.metricName).toBe("disk_used_percent");
    });

    test("is valid bash once Terraform has interpolated it (bash -n)", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { script } = bootScript();
      // THEN
      const rendered = script.replace(/\$\$\{/g, "${").replace(/\$\{aws_[^}]+\}/g, "x");
      expect(() => execFileSync("bash", ["-n"], { input: rendered, stdio: "pipe" })).not.toThrow();
      expect(() => execFileSync("bash", ["-n"], { input: `${rendered}\nif then`, stdio: "pipe" })).toThrow();
    });

    test("fits EC2's 16 KB user-data limit", () => {
      // GIVEN the seed's prod numbers as props (PROD)
      // WHEN the Database is built (one synthesis, shared)
      const { script } = bootScript();
      // THEN
      expect(Buffer.byteLength(script)).toBeLessThan(16 * 1024);
    });

    test("rejects a malformed snapshot time or prefix", () => {
      // GIVEN valid boot-script inputs
      const base = {
        dataVolumeId: "vol-1",
        qdrantVersion: "v1.19.0",
        apiKeySecretArn: "arn",
        logGroupName: "/g",
        snapshotBucketName: "b",
        snapshotPrefix: "qdrant",
        snapshotTimeUtc: "03:00",
        snapshotRetentionDays: 30,
      };
      // WHEN the script is rendered with a malformed time, or prefix
      const badTime = () => renderQdrantUserData({ ...base, snapshotTimeUtc: "3am" });
      const badPrefix = () => renderQdrantUserData({ ...base, snapshotPrefix: "/qdrant/" });
      // THEN
      expect(badTime).toThrow(/snapshotTimeUtc = "3am"/);
      expect(badPrefix).toThrow(/snapshotPrefix/);
    });
  });
});

describe("prod stack: seed values", () => {
  test("prod carries the seed's numbers: r6g.2xlarge, 1 TB gp3, daily snapshots kept 30 days, protected", () => {
    const { stack, instance, volume, plan } = committed("prod");
    expect(instance.instance_type).toBe("r6g.2xlarge");
    expect(volume).toMatchObject({ type: "gp3", size: 1024, iops: 6000, throughput: 500, encrypted: true });
    expect(volume.lifecycle).toEqual({ prevent_destroy: true });
    expect(plan.rule[0]).toMatchObject({ schedule: "cron(0 3 * * ? *)", lifecycle: { delete_after: 30 } });
    expect(stack.output.qdrant_endpoint.value).toBe("http://qdrant.prod.air-applied-ai.internal:6333");
    expect(stack.output.qdrant_api_key_secret_arn.value).toMatch(
      /^\$\{aws_secretsmanager_secret\..+\.arn\}$/,
    );
  });
});

describe("per environment: dev and staging differ from prod", () => {
  test("smaller hosts and volumes, 7-day retention and no protection in dev", () => {
    const rows = ["dev", "staging", "prod"].map((env) => {
      const { instance, volume, plan } = committed(env);
      return [
        env,
        instance.instance_type,
        volume.size,
        plan.rule[0].lifecycle.delete_after,
        volume.lifecycle.prevent_destroy,
      ];
    });
    expect(rows).toEqual([
      ["dev", "r6g.large", 100, 7, false],
      ["staging", "r6g.large", 200, 30, true],
      ["prod", "r6g.2xlarge", 1024, 30, true],
    ]);
  });

  test.each(["dev", "staging", "prod"])(
    "%s: one monthly restore test of its own vault, and its failures go to its own alert topic",
    (env) => {
      const { stack } = committed(env);
      const vault = resourcesOf(stack, "aws_backup_vault");
      const plans = resourcesOf(stack, "aws_backup_restore_testing_plan");
      expect([vault.length, plans.length]).toEqual([1, 1]);
      const [planName, plan] = plans[0];
      expect(plan.recovery_point_selection[0].include_vaults).toEqual([
        ref("aws_backup_vault", vault[0][0], "arn"),
      ]);
      const rules = valuesOf(stack, "aws_cloudwatch_event_rule").filter((r) =>
        r.event_pattern.includes(ref("aws_backup_restore_testing_plan", planName, "arn")),
      );
      expect(rules).toHaveLength(1);
      const [target] = valuesOf(stack, "aws_cloudwatch_event_target").filter((t) =>
        t.rule.startsWith("${aws_cloudwatch_event_rule."),
      );
      const topic = resourcesOf(stack, "aws_sns_topic").find(([, t]) => String(t.name).endsWith("-alerts"))!;
      expect(target.arn).toBe(ref("aws_sns_topic", topic[0], "arn"));
    },
  );

  test.each(["dev", "staging", "prod"])(
    "%s: volume and instance in the first private subnet's AZ; snapshots go to the storage tier's prefix",
    (env) => {
      const { stack, instance, volume } = committed(env);
      const subnetName = /^\$\{aws_subnet\.([^.]+)\.id\}$/.exec(instance.subnet_id)![1];
      const subnet = stack.resource.aws_subnet[subnetName];
      expect(subnet.tags.Tier).toBe("private");
      expect(subnet.availability_zone).toBe("us-east-2a");
      expect(volume.availability_zone).toBe(subnet.availability_zone);
      expect(instance.availability_zone).toBe(subnet.availability_zone);
      const role = stack.resource.aws_iam_role_policy;
      const hostPolicy = Object.values(role).find((p: any) => p.role.includes("database_role_")) as any;
      const put = JSON.parse(hostPolicy.policy).Statement.find((s: any) =>
        [s.Action].flat().includes("s3:PutObject"),
      );
      expect(put.Resource).toMatch(
        /^\$\{aws_s3_bucket\.storage_processed_[^.]+\.arn\}\/qdrant-snapshots\/\*$/,
      );
    },
  );
});
