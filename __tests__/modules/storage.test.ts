import { KmsKey } from "../../modules/security/kms-key";
import { ServiceRole } from "../../modules/security/service-role";
import { Storage } from "../../modules/storage";
import { SecureBucket } from "../../modules/storage/secure-bucket";
import { byPath, policyOf, synthAll, synthScope, valuesOf } from "../helpers/synth";

describe("prod storage matches the seed", () => {
  const prod = synthAll().prod;
  const bucket = (name: string) => byPath(prod, "aws_s3_bucket", `storage/${name}/bucket`);
  const lifecycle = (name: string) =>
    byPath(prod, "aws_s3_bucket_lifecycle_configuration", `storage/${name}/lifecycle`).rule;
  const currentTransitions = (name: string) =>
    lifecycle(name)
      .find((r: { id: string }) => r.id === "current-versions")
      .transition.map((t: { days: number; storage_class: string }) => [t.storage_class, t.days]);

  test("raw data: air-applied-ai-raw-data, versioned, STANDARD_IA at 30 days", () => {
    expect(bucket("raw-data").bucket).toBe("air-applied-ai-raw-data");
    expect(
      byPath(prod, "aws_s3_bucket_versioning", "storage/raw-data/versioning").versioning_configuration.status,
    ).toBe("Enabled");
    expect(currentTransitions("raw-data")).toEqual([["STANDARD_IA", 30]]);
  });

  test("processed: air-applied-ai-processed, versioned, GLACIER at 60 days", () => {
    expect(bucket("processed").bucket).toBe("air-applied-ai-processed");
    expect(
      byPath(prod, "aws_s3_bucket_versioning", "storage/processed/versioning").versioning_configuration
        .status,
    ).toBe("Enabled");
    expect(currentTransitions("processed")).toEqual([["GLACIER", 60]]);
  });

  test.each(["raw-data", "processed"])(
    "%s: SSE-KMS with the CMK and bucket keys, logging, prevent_destroy, no force_destroy",
    (name) => {
      const sse = byPath(
        prod,
        "aws_s3_bucket_server_side_encryption_configuration",
        `storage/${name}/encryption`,
      ).rule[0];
      expect(sse.apply_server_side_encryption_by_default).toEqual({
        sse_algorithm: "aws:kms",
        kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\./),
      });
      expect(sse.bucket_key_enabled).toBe(true);
      expect(byPath(prod, "aws_s3_bucket_logging", `storage/${name}/logging`).target_bucket).toMatch(
        /aws_s3_bucket\.storage_logs_bucket/,
      );
      expect(bucket(name).lifecycle.prevent_destroy).toBe(true);
      expect(bucket(name).force_destroy).toBe(false);
    },
  );

  test.each(["raw-data", "processed", "logs"])(
    "%s: every lifecycle rule has a filter; multipart uploads aborted; noncurrent versions expire",
    (name) => {
      const rules = lifecycle(name);
      expect(
        rules.every((r: { filter: unknown[] }) => Array.isArray(r.filter) && r.filter.length === 1),
      ).toBe(true);
      expect(
        rules.some(
          (r: { abort_incomplete_multipart_upload?: unknown[] }) =>
            r.abort_incomplete_multipart_upload?.length,
        ),
      ).toBe(true);
      expect(
        rules.some(
          (r: { noncurrent_version_expiration?: unknown[] }) => r.noncurrent_version_expiration?.length,
        ),
      ).toBe(true);
    },
  );

  test("logs bucket: SSE-S3 (ALB logs cannot use KMS), expiry, and a policy for S3 access logging and ALB delivery", () => {
    const sse = byPath(prod, "aws_s3_bucket_server_side_encryption_configuration", "storage/logs/encryption")
      .rule[0];
    expect(sse.apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "AES256" });
    expect(lifecycle("logs").find((r: { id: string }) => r.id === "current-versions").expiration).toEqual([
      { days: 365 },
    ]);
    const statements = policyOf(byPath(prod, "aws_s3_bucket_policy", "storage/logs/policy")).Statement;
    const sid = (id: string) => statements.find((s: { Sid: string }) => s.Sid === id);
    expect(sid("AllowAlbAccessLogsElbAccount").Principal).toEqual({ AWS: "arn:aws:iam::033677994240:root" });
    expect(sid("AllowAlbAccessLogsElbAccount").Resource).toMatch(
      /\/alb\/AWSLogs\/\$\{data\.aws_caller_identity\.current\.account_id\}\/\*$/,
    );
    expect(sid("AllowAlbAccessLogsDelivery").Principal).toEqual({
      Service: "logdelivery.elasticloadbalancing.amazonaws.com",
    });
    expect(sid("AllowS3ServerAccessLogs").Principal).toEqual({ Service: "logging.s3.amazonaws.com" });
    expect(sid("AllowS3ServerAccessLogs").Condition.StringEquals["aws:SourceAccount"]).toContain(
      "account_id",
    );
    expect(sid("DenyInsecureTransport").Effect).toBe("Deny");
  });

  test("the ALB writes its access logs to the logs bucket under the admitted prefix, after the policy exists", () => {
    const alb = valuesOf(prod, "aws_lb")[0];
    expect(alb.access_logs).toMatchObject({
      enabled: true,
      prefix: "alb",
      bucket: expect.stringMatching(/aws_s3_bucket\.storage_logs_bucket/),
    });
    expect(alb.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_s3_bucket_policy\.storage_logs_policy/)]),
    );
  });

  test("no ACL resources anywhere (BucketOwnerEnforced)", () => {
    expect(valuesOf(prod, "aws_s3_bucket_acl")).toEqual([]);
    for (const o of valuesOf(prod, "aws_s3_bucket_ownership_controls"))
      expect(o.rule.object_ownership).toBe("BucketOwnerEnforced");
  });
});

describe("per-environment storage", () => {
  test.each(["dev", "staging"])("%s appends -<env> to every bucket name", (env) => {
    const names = valuesOf(synthAll()[env], "aws_s3_bucket")
      .map((b) => b.bucket)
      .sort();
    expect(names).toEqual([
      `air-applied-ai-logs-${env}`,
      `air-applied-ai-processed-${env}`,
      `air-applied-ai-raw-data-${env}`,
    ]);
  });

  test("dev data buckets are not protected from destroy; staging's are", () => {
    expect(byPath(synthAll().dev, "aws_s3_bucket", "storage/raw-data/bucket").lifecycle.prevent_destroy).toBe(
      false,
    );
    expect(
      byPath(synthAll().staging, "aws_s3_bucket", "storage/raw-data/bucket").lifecycle.prevent_destroy,
    ).toBe(true);
  });
});

describe("grants", () => {
  const stack = synthScope((scope) => {
    const key = new KmsKey(scope, "kms", { alias: "k", description: "d", accountId: "123456789012" });
    const storage = new Storage(scope, "storage", { environment: "dev", accountId: "123456789012", key });
    const role = new ServiceRole(scope, "role", {
      roleName: "r",
      description: "d",
      servicePrincipal: "ecs-tasks.amazonaws.com",
      accountId: "123456789012",
    });
    storage.rawData.grantRead(role);
    storage.processed.grantWrite(role, "embeddings/*");
  });
  const statements = JSON.parse(valuesOf(stack, "aws_iam_role_policy")[0].policy).Statement;

  test("read and write name the bucket ARNs and prefixes, plus the CMK", () => {
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: "s3:ListBucket",
          Resource: expect.stringMatching(/aws_s3_bucket\.storage_raw-data_bucket.*\.arn\}$/),
        }),
        expect.objectContaining({
          Action: ["s3:GetObject", "s3:GetObjectVersion"],
          Resource: expect.stringMatching(/raw-data_bucket.*\.arn\}\/\*$/),
        }),
        expect.objectContaining({
          Resource: expect.stringMatching(/processed_bucket.*\.arn\}\/embeddings\/\*$/),
        }),
        expect.objectContaining({
          Action: ["kms:Decrypt", "kms:DescribeKey"],
          Resource: expect.stringMatching(/aws_kms_key\./),
        }),
      ]),
    );
    expect(statements.every((s: { Resource: unknown }) => s.Resource !== "*")).toBe(true);
  });
});

describe("SecureBucket rejects lifecycle transitions AWS rejects", () => {
  test.each([
    [
      [{ days: 15, storageClass: "STANDARD_IA" as const }],
      /STANDARD_IA transition at 15 days: must be >= 30/,
    ],
    [
      [
        { days: 30, storageClass: "STANDARD_IA" as const },
        { days: 45, storageClass: "GLACIER" as const },
      ],
      /GLACIER at 45 days: must be >= 30 days after STANDARD_IA \(60\)/,
    ],
  ])("%j", (transitions, message) => {
    expect(() =>
      synthScope((s) => new SecureBucket(s, "b", { bucketName: "test-bucket", transitions })),
    ).toThrow(message);
  });
});
