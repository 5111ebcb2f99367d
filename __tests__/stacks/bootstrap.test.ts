import { byPath, policyOf, synthAll } from "../helpers/synth";

describe("bootstrap stack", () => {
  const stack = synthAll().bootstrap;

  test("local backend (it creates the bucket the others store state in)", () => {
    // Outside cdktf.out (which every synth replaces): <repo>/terraform-state/bootstrap.tfstate.
    expect(stack.terraform.backend).toEqual({
      local: { path: "../../../terraform-state/bootstrap.tfstate" },
    });
    expect(stack.provider.aws[0].region).toBe("us-east-2");
  });

  test("state bucket: name, prevent_destroy, no force_destroy", () => {
    const bucket = byPath(stack, "aws_s3_bucket", "state/bucket");
    expect(bucket.bucket).toBe("air-applied-ai-terraform-state");
    expect(bucket.lifecycle.prevent_destroy).toBe(true);
    expect(bucket.force_destroy).toBe(false);
  });

  test("versioning, KMS encryption, public access block, BucketOwnerEnforced", () => {
    expect(
      byPath(stack, "aws_s3_bucket_versioning", "state/versioning").versioning_configuration.status,
    ).toBe("Enabled");
    const sse = byPath(stack, "aws_s3_bucket_server_side_encryption_configuration", "state/encryption")
      .rule[0];
    expect(sse.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
    expect(sse.bucket_key_enabled).toBe(true);
    const pab = byPath(stack, "aws_s3_bucket_public_access_block", "state/public-access");
    expect([
      pab.block_public_acls,
      pab.block_public_policy,
      pab.ignore_public_acls,
      pab.restrict_public_buckets,
    ]).toEqual([true, true, true, true]);
    expect(byPath(stack, "aws_s3_bucket_ownership_controls", "state/ownership").rule.object_ownership).toBe(
      "BucketOwnerEnforced",
    );
  });

  test("TLS-only bucket policy", () => {
    const [deny] = policyOf(byPath(stack, "aws_s3_bucket_policy", "state/policy")).Statement;
    expect(deny).toMatchObject({
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  test("state bucket access is logged to an SSE-S3 bucket whose policy admits only the state bucket's logs", () => {
    const logs = byPath(stack, "aws_s3_bucket", "state-access-logs/bucket");
    expect(logs.bucket).toBe("air-applied-ai-terraform-state-access-logs");
    const [stateName] = Object.entries(stack.resource.aws_s3_bucket).find(([, v]: [string, any]) =>
      v["//"].metadata.path.endsWith("/state/bucket"),
    )!;
    const logging = byPath(stack, "aws_s3_bucket_logging", "state/logging");
    expect(logging.bucket).toBe(`\${aws_s3_bucket.${stateName}.id}`);
    expect(logging.target_prefix).toBe("s3-access/");
    expect(
      byPath(stack, "aws_s3_bucket_server_side_encryption_configuration", "state-access-logs/encryption")
        .rule[0].apply_server_side_encryption_by_default,
    ).toEqual({ sse_algorithm: "AES256" });
    const allow = policyOf(byPath(stack, "aws_s3_bucket_policy", "state-access-logs/policy")).Statement.find(
      (s: { Sid: string }) => s.Sid === "AllowS3ServerAccessLogs",
    );
    expect(allow.Principal).toEqual({ Service: "logging.s3.amazonaws.com" });
    expect(allow.Condition.ArnLike["aws:SourceArn"]).toEqual([`\${aws_s3_bucket.${stateName}.arn}`]);
    // S3 checks that policy when logging is enabled (InvalidTargetBucketForLogging otherwise).
    const [policyName] = Object.entries(stack.resource.aws_s3_bucket_policy).find(([, v]: [string, any]) =>
      v["//"].metadata.path.endsWith("/state-access-logs/policy"),
    )!;
    expect(logging.depends_on).toEqual([`aws_s3_bucket_policy.${policyName}`]);
  });

  test("state key is protected and rotated", () => {
    const key = byPath(stack, "aws_kms_key", "state-kms/key");
    expect(key.enable_key_rotation).toBe(true);
    expect(key.lifecycle.prevent_destroy).toBe(true);
  });
});
