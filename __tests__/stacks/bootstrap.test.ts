import { Testing } from "cdktf";
import { loadBootstrap } from "../../environments";
import { bootstrap as bootstrapInput } from "../../environments/bootstrap";
import { ENVIRONMENT_NAMES } from "../../environments/schema";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { stackResource, policyOf, synthAll, valuesOf } from "../helpers/synth";

/** The bootstrap stack synthesized from environments/bootstrap.ts with `change` applied. */
const bootstrapWith = (change: Record<string, unknown>) =>
  JSON.parse(
    Testing.synth(
      new BootstrapStack(Testing.app(), "bootstrap", {
        owner: "platform-team",
        config: loadBootstrap({ ...bootstrapInput, ...change }),
      }),
    ),
  );

describe("bootstrap stack", () => {
  const stack = synthAll().bootstrap;

  test("committed: local backend (the first apply creates the bucket the others store state in)", () => {
    // Outside cdktf.out (which every synth replaces): <repo>/terraform-state/bootstrap.tfstate.
    expect(stack.terraform.backend).toEqual({
      local: { path: "../../../terraform-state/bootstrap.tfstate" },
    });
    expect(bootstrapWith({ state: "local" }).terraform.backend).toEqual(stack.terraform.backend);
    expect(stack.provider.aws[0].region).toBe("us-east-2");
  });

  test('state: "s3": bootstrap/terraform.tfstate in the bucket it creates, locked and encrypted as the environments\' states', () => {
    const migrated = bootstrapWith({ state: "s3" });
    const bucket = stackResource(stack, "aws_s3_bucket", "state/bucket").bucket;
    expect(migrated.terraform.backend).toEqual({
      s3: {
        bucket,
        key: "bootstrap/terraform.tfstate",
        region: "us-east-2",
        encrypt: true,
        use_lockfile: true,
      },
    });
    // Same settings as every environment's backend, apart from the key.
    const withoutKey = (backend: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(backend).filter(([k]) => k !== "key"));
    expect(withoutKey(migrated.terraform.backend.s3)).toEqual(
      withoutKey(synthAll().dev.terraform.backend.s3),
    );
    // Only the backend moves: the resources are the same, so the migrated state matches them.
    expect(Object.keys(migrated.resource).sort()).toEqual(Object.keys(stack.resource).sort());
  });

  test("state bucket: name, prevent_destroy, no force_destroy", () => {
    const bucket = stackResource(stack, "aws_s3_bucket", "state/bucket");
    expect(bucket.bucket).toBe("air-applied-ai-terraform-state");
    expect(bucket.lifecycle.prevent_destroy).toBe(true);
    expect(bucket.force_destroy).toBe(false);
  });

  test("versioning, KMS encryption, public access block, BucketOwnerEnforced", () => {
    expect(
      stackResource(stack, "aws_s3_bucket_versioning", "state/versioning").versioning_configuration.status,
    ).toBe("Enabled");
    const sse = stackResource(stack, "aws_s3_bucket_server_side_encryption_configuration", "state/encryption")
      .rule[0];
    expect(sse.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
    expect(sse.bucket_key_enabled).toBe(true);
    const pab = stackResource(stack, "aws_s3_bucket_public_access_block", "state/public-access");
    expect([
      pab.block_public_acls,
      pab.block_public_policy,
      pab.ignore_public_acls,
      pab.restrict_public_buckets,
    ]).toEqual([true, true, true, true]);
    expect(
      stackResource(stack, "aws_s3_bucket_ownership_controls", "state/ownership").rule.object_ownership,
    ).toBe("BucketOwnerEnforced");
  });

  test("TLS-only bucket policy", () => {
    const [deny] = policyOf(stackResource(stack, "aws_s3_bucket_policy", "state/policy")).Statement;
    expect(deny).toMatchObject({
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  test("state bucket access is logged to an SSE-S3 bucket whose policy admits only the state bucket's logs", () => {
    const logs = stackResource(stack, "aws_s3_bucket", "state-access-logs/bucket");
    expect(logs.bucket).toBe("air-applied-ai-terraform-state-access-logs");
    const [stateName] = Object.entries(stack.resource.aws_s3_bucket).find(([, v]: [string, any]) =>
      v["//"].metadata.path.endsWith("/state/bucket"),
    )!;
    const logging = stackResource(stack, "aws_s3_bucket_logging", "state/logging");
    expect(logging.bucket).toBe(`\${aws_s3_bucket.${stateName}.id}`);
    expect(logging.target_prefix).toBe("s3-access/");
    expect(
      stackResource(
        stack,
        "aws_s3_bucket_server_side_encryption_configuration",
        "state-access-logs/encryption",
      ).rule[0].apply_server_side_encryption_by_default,
    ).toEqual({ sse_algorithm: "AES256" });
    const allow = policyOf(
      stackResource(stack, "aws_s3_bucket_policy", "state-access-logs/policy"),
    ).Statement.find((s: { Sid: string }) => s.Sid === "AllowS3ServerAccessLogs");
    expect(allow.Principal).toEqual({ Service: "logging.s3.amazonaws.com" });
    expect(allow.Condition.ArnLike["aws:SourceArn"]).toEqual([`\${aws_s3_bucket.${stateName}.arn}`]);
    // S3 checks that policy when logging is enabled (InvalidTargetBucketForLogging otherwise).
    const [policyName] = Object.entries(stack.resource.aws_s3_bucket_policy).find(([, v]: [string, any]) =>
      v["//"].metadata.path.endsWith("/state-access-logs/policy"),
    )!;
    expect(logging.depends_on).toEqual([`aws_s3_bucket_policy.${policyName}`]);
  });

  test("state key is protected and rotated", () => {
    const key = stackResource(stack, "aws_kms_key", "state-kms/key");
    expect(key.enable_key_rotation).toBe(true);
    expect(key.lifecycle.prevent_destroy).toBe(true);
  });
});

describe("cost allocation tags (issue #10, fix 4)", () => {
  const all = synthAll();
  const stack = all.bootstrap;
  const tags = valuesOf(stack, "aws_ce_cost_allocation_tag");

  test("Project, Environment, CostCenter and Owner are activated, unless the first-apply variable says not yet", () => {
    expect(tags.map((t) => t.tag_key).sort()).toEqual(["CostCenter", "Environment", "Owner", "Project"]);
    for (const tag of tags) {
      expect(tag.status).toBe("Active");
      expect(tag.count).toBe("${var.activate_cost_allocation_tags ? 1 : 0}");
    }
    expect(stack.variable.activate_cost_allocation_tags).toMatchObject({ type: "bool", default: true });
  });

  test.each(ENVIRONMENT_NAMES.map((e) => [e]))(
    "every tag key the %s budget filters on is activated, and every resource carries it (default_tags)",
    (env) => {
      const activated = new Set(tags.map((t) => t.tag_key));
      const [budget] = valuesOf(all[env], "aws_budgets_budget");
      const keys = budget.cost_filter
        .filter((f: { name: string }) => f.name === "TagKeyValue")
        .flatMap((f: { values: string[] }) => f.values)
        .map((v: string) => /^user:([^$]+)\$/.exec(v)![1]);
      expect(keys).toEqual(["Environment"]);
      for (const key of keys) {
        expect(activated).toContain(key);
        expect(all[env].provider.aws[0].default_tags[0].tags[key]).toBe(env);
      }
    },
  );
});
