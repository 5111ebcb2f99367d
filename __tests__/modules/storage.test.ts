import { ENVIRONMENT_INPUTS, loadEnvironments } from "../../environments";
import { namePrefix, physicalName } from "../../lib/naming";
import { testPlatform } from "../helpers/fixtures";
import { ServiceRole } from "../../modules/security/service-role";
import { Storage } from "../../modules/storage";
import { SecureBucket } from "../../modules/storage/secure-bucket";
import {
  stackResource,
  stackLogicalName,
  policyOf,
  ref,
  unitLogicalName,
  synthAll,
  synthScope,
  valuesOf,
} from "../helpers/synth";

/*
 * Three layers (design-seams change 7): the Storage and SecureBucket constructs on their own (synthScope,
 * GIVEN/WHEN/THEN), the committed prod stack against the seed's numbers (synthAll), and what dev and
 * staging do differently (synthAll). The S3 rules of the policy pack are tested in
 * __tests__/policies/s3.test.ts.
 */

describe("Storage", () => {
  test("config.storage.bucketNames overrides the derived names", () => {
    // GIVEN dev's config with two bucket names set
    const [dev] = loadEnvironments(["dev"], {
      dev: {
        ...ENVIRONMENT_INPUTS.dev,
        storage: {
          ...ENVIRONMENT_INPUTS.dev.storage,
          bucketNames: { rawData: "acme-raw", logs: "acme-logs" },
        },
      },
    });
    // WHEN Storage is built from config.storage, as the environment stack builds it
    const stack = synthScope((scope) => {
      new Storage(scope, "storage", {
        platform: testPlatform(scope, { namePrefix: namePrefix("dev") }),
        ...dev.storage,
      });
    });
    // THEN
    expect(
      valuesOf(stack, "aws_s3_bucket")
        .map((b) => b.bucket)
        .sort(),
    ).toEqual(["acme-logs", "acme-raw", physicalName(namePrefix("dev"), "processed")]);
  });

  test("read and write name the exact bucket ARNs and prefixes, plus the CMK", () => {
    // GIVEN
    const stack = synthScope((scope) => {
      const platform = testPlatform(scope, { namePrefix: namePrefix("dev") });
      const storage = new Storage(scope, "storage", { platform });
      const role = new ServiceRole(scope, "role", {
        roleName: "r",
        description: "d",
        servicePrincipal: "ecs-tasks.amazonaws.com",
      });
      // WHEN
      storage.rawData.grantRead(role);
      storage.processed.grantWrite(role, "embeddings/*");
    });
    // THEN
    const statements = JSON.parse(valuesOf(stack, "aws_iam_role_policy")[0].policy).Statement;
    const arn = (type: string, path: string) => ref(type, unitLogicalName(stack, type, path), "arn");
    const raw = arn("aws_s3_bucket", "storage/raw-data/bucket");
    const processed = arn("aws_s3_bucket", "storage/processed/bucket");
    const key = arn("aws_kms_key", "kms/key");
    expect(statements).toEqual([
      { Effect: "Allow", Action: "s3:ListBucket", Resource: raw },
      { Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${raw}/*` },
      { Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: key },
      {
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"],
        Resource: `${processed}/embeddings/*`,
      },
      {
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey"],
        Resource: key,
      },
    ]);
  });
});

describe("SecureBucket", () => {
  describe("rejects names and prefixes AWS rejects", () => {
    test.each(["Air.Raw_Data", "ab", "-leading-hyphen", `x${"y".repeat(63)}`])("bucket name %s", (name) => {
      // GIVEN a bucket named `name`
      // WHEN it is synthesized
      const create = () => synthScope((s) => new SecureBucket(s, "b", { bucketName: name }));
      // THEN
      expect(create).toThrow(
        `SecureBucket bucketName = "${name}": must be 3-63 characters of a-z, 0-9 and '-'`,
      );
    });

    test.each([
      [{ prefix: "snapshots", days: 30, noncurrentDays: 1 }],
      [{ prefix: "/snapshots/", days: 30, noncurrentDays: 1 }],
      [{ prefix: "snapshots/", days: 0, noncurrentDays: 1 }],
    ])("prefix expiration %j", (expiration) => {
      // GIVEN a bucket with the prefix expiration
      // WHEN it is synthesized
      const create = () =>
        synthScope(
          (s) => new SecureBucket(s, "b", { bucketName: "test-bucket", prefixExpirations: [expiration] }),
        );
      // THEN
      expect(create).toThrow(/prefixExpirations .*: prefix must end in "\/"/);
    });
  });

  describe("rejects lifecycle transitions AWS rejects", () => {
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
      // GIVEN a bucket with the transitions
      // WHEN it is synthesized
      const create = () =>
        synthScope((s) => new SecureBucket(s, "b", { bucketName: "test-bucket", transitions }));
      // THEN
      expect(create).toThrow(message);
    });
  });
});

describe("prod stack: seed values", () => {
  const prod = synthAll().prod;
  const bucket = (name: string) => stackResource(prod, "aws_s3_bucket", `storage/${name}/bucket`);
  const lifecycle = (name: string) =>
    stackResource(prod, "aws_s3_bucket_lifecycle_configuration", `storage/${name}/lifecycle`).rule;
  const currentTransitions = (name: string) =>
    lifecycle(name)
      .find((r: { id: string }) => r.id === "current-versions")
      .transition.map((t: { days: number; storage_class: string }) => [t.storage_class, t.days]);

  test("raw data: air-applied-ai-raw-data, versioned, STANDARD_IA at 30 days", () => {
    expect(bucket("raw-data").bucket).toBe("air-applied-ai-raw-data");
    expect(
      stackResource(prod, "aws_s3_bucket_versioning", "storage/raw-data/versioning").versioning_configuration
        .status,
    ).toBe("Enabled");
    expect(currentTransitions("raw-data")).toEqual([["STANDARD_IA", 30]]);
  });

  test("processed: air-applied-ai-processed, versioned, GLACIER at 60 days", () => {
    expect(bucket("processed").bucket).toBe("air-applied-ai-processed");
    expect(
      stackResource(prod, "aws_s3_bucket_versioning", "storage/processed/versioning").versioning_configuration
        .status,
    ).toBe("Enabled");
    expect(currentTransitions("processed")).toEqual([["GLACIER", 60]]);
  });

  test.each(["raw-data", "processed"])(
    "%s: SSE-KMS with the CMK and bucket keys, logging, prevent_destroy, no force_destroy",
    (name) => {
      const sse = stackResource(
        prod,
        "aws_s3_bucket_server_side_encryption_configuration",
        `storage/${name}/encryption`,
      ).rule[0];
      expect(sse.apply_server_side_encryption_by_default).toEqual({
        sse_algorithm: "aws:kms",
        kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\./),
      });
      expect(sse.bucket_key_enabled).toBe(true);
      expect(stackResource(prod, "aws_s3_bucket_logging", `storage/${name}/logging`).target_bucket).toMatch(
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
    const sse = stackResource(
      prod,
      "aws_s3_bucket_server_side_encryption_configuration",
      "storage/logs/encryption",
    ).rule[0];
    expect(sse.apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "AES256" });
    expect(lifecycle("logs").find((r: { id: string }) => r.id === "current-versions").expiration).toEqual([
      { days: 365 },
    ]);
    const statements = policyOf(stackResource(prod, "aws_s3_bucket_policy", "storage/logs/policy")).Statement;
    const sid = (id: string) => statements.find((s: { Sid: string }) => s.Sid === id);
    expect(sid("AllowAlbAccessLogsElbAccount").Principal).toEqual({ AWS: "arn:aws:iam::033677994240:root" });
    expect(sid("AllowAlbAccessLogsElbAccount").Resource).toMatch(
      /\/alb\/AWSLogs\/\$\{data\.aws_caller_identity\.current\.account_id\}\/\*$/,
    );
    expect(sid("AllowAlbAccessLogsDelivery").Principal).toEqual({
      Service: "logdelivery.elasticloadbalancing.amazonaws.com",
    });
    expect(sid("AllowAlbAccessLogsDelivery").Resource).toBe(sid("AllowAlbAccessLogsElbAccount").Resource);
    // As the ELB guide writes it: the resource path already names our account.
    expect(sid("AllowAlbAccessLogsDelivery").Condition).toBeUndefined();
    const arn = (name: string) => ref("aws_s3_bucket", stackLogicalName(prod, "aws_s3_bucket", name), "arn");
    expect(sid("AllowS3ServerAccessLogs")).toEqual({
      Sid: "AllowS3ServerAccessLogs",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${arn("storage/logs/bucket")}/s3-access/*`,
      Condition: {
        ArnLike: { "aws:SourceArn": [arn("storage/raw-data/bucket"), arn("storage/processed/bucket")] },
        StringEquals: { "aws:SourceAccount": "${data.aws_caller_identity.current.account_id}" },
      },
    });
    expect(sid("DenyInsecureTransport").Effect).toBe("Deny");
  });

  test("data buckets log S3 server access under the admitted s3-access/ prefix", () => {
    for (const name of ["raw-data", "processed"])
      expect(stackResource(prod, "aws_s3_bucket_logging", `storage/${name}/logging`).target_prefix).toBe(
        `s3-access/air-applied-ai-${name}/`,
      );
  });

  test("S3 access logging is enabled only after the logs bucket policy admits the logging service", () => {
    // PutBucketLogging checks the target's policy: without it, InvalidTargetBucketForLogging.
    const logsPolicy = `aws_s3_bucket_policy.${stackLogicalName(prod, "aws_s3_bucket_policy", "storage/logs/policy")}`;
    for (const name of ["raw-data", "processed"])
      expect(stackResource(prod, "aws_s3_bucket_logging", `storage/${name}/logging`).depends_on).toEqual([
        logsPolicy,
      ]);
  });

  test.each(["raw-data", "processed", "logs"])(
    "%s: denies plain HTTP and TLS < 1.2; blocks SSE-C uploads",
    (name) => {
      const statements = policyOf(
        stackResource(prod, "aws_s3_bucket_policy", `storage/${name}/policy`),
      ).Statement;
      const arn = ref(
        "aws_s3_bucket",
        stackLogicalName(prod, "aws_s3_bucket", `storage/${name}/bucket`),
        "arn",
      );
      expect(statements.slice(0, 2)).toEqual([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
          Sid: "DenyOutdatedTls",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [arn, `${arn}/*`],
          Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
        },
      ]);
      expect(
        stackResource(
          prod,
          "aws_s3_bucket_server_side_encryption_configuration",
          `storage/${name}/encryption`,
        ).rule[0].blocked_encryption_types,
      ).toEqual(["SSE-C"]);
    },
  );

  test("Qdrant snapshots: processed bucket, qdrant-snapshots/ expires a day after the 30-day retention, old versions after 1 day", () => {
    const rule = lifecycle("processed").find((r: { id: string }) => r.id === "expire-qdrant-snapshots");
    expect(rule).toEqual({
      id: "expire-qdrant-snapshots",
      status: "Enabled",
      filter: [{ prefix: "qdrant-snapshots/" }],
      expiration: [{ days: 31 }],
      noncurrent_version_expiration: [{ noncurrent_days: 1 }],
    });
    // The database tier's instance role writes exactly there.
    const processedArn = ref(
      "aws_s3_bucket",
      stackLogicalName(prod, "aws_s3_bucket", "storage/processed/bucket"),
      "arn",
    );
    const policies = valuesOf(prod, "aws_iam_role_policy").map((p) => p.policy as string);
    expect(policies.some((p) => p.includes(`${processedArn}/qdrant-snapshots/*`))).toBe(true);
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

describe("per environment: dev and staging differ from prod", () => {
  test.each(["dev", "staging"])(
    "%s names every bucket by the naming rule (<project>-<env>-<component>)",
    (env) => {
      const names = valuesOf(synthAll()[env], "aws_s3_bucket")
        .map((b) => b.bucket)
        .sort();
      expect(names).toEqual(["logs", "processed", "raw-data"].map((c) => physicalName(namePrefix(env), c)));
      expect(names).toContain(`air-applied-ai-${env}-raw-data`);
    },
  );

  test("dev data buckets are not protected from destroy; staging's are", () => {
    expect(
      stackResource(synthAll().dev, "aws_s3_bucket", "storage/raw-data/bucket").lifecycle.prevent_destroy,
    ).toBe(false);
    expect(
      stackResource(synthAll().staging, "aws_s3_bucket", "storage/raw-data/bucket").lifecycle.prevent_destroy,
    ).toBe(true);
  });
});
