import { stackResource, synthAll, valuesOf } from "./helpers/synth";

/**
 * Destroy protection (issue 7, item 4): in prod, nothing that holds data can be removed by a
 * `terraform destroy` or a replacing plan without someone first editing the code; dev deliberately
 * stays disposable (documented in the README's environment table).
 */
const stacks = synthAll();
const prod = stacks.prod;
const dev = stacks.dev;
const bootstrap = stacks.bootstrap;
const pathOf = (values: Record<string, any>) => String(values["//"].metadata.path);

describe("prod: stateful resources cannot be destroyed", () => {
  test.each([
    ["raw data bucket", "storage/raw-data/bucket"],
    ["processed bucket", "storage/processed/bucket"],
  ])("%s (%s) has prevent_destroy", (_what, path) => {
    expect(stackResource(prod, "aws_s3_bucket", `prod/${path}`).lifecycle?.prevent_destroy).toBe(true);
  });

  test("the data buckets are the seed's names", () => {
    expect(stackResource(prod, "aws_s3_bucket", "prod/storage/raw-data/bucket").bucket).toBe(
      "air-applied-ai-raw-data",
    );
    expect(stackResource(prod, "aws_s3_bucket", "prod/storage/processed/bucket").bucket).toBe(
      "air-applied-ai-processed",
    );
  });

  test("the Terraform state bucket (bootstrap stack) has prevent_destroy", () => {
    const state = stackResource(bootstrap, "aws_s3_bucket", "bootstrap/state/bucket");
    expect(state.bucket).toBe("air-applied-ai-terraform-state");
    expect(state.lifecycle?.prevent_destroy).toBe(true);
  });

  test("the Qdrant data volume has prevent_destroy and takes a final snapshot", () => {
    const volume = stackResource(prod, "aws_ebs_volume", "prod/database/data");
    expect(volume.lifecycle?.prevent_destroy).toBe(true);
    expect(volume.final_snapshot).toBe(true);
  });

  test("the Qdrant backup vault has prevent_destroy and is never force-destroyed", () => {
    const vault = stackResource(prod, "aws_backup_vault", "prod/database/backup/vault");
    expect(vault.lifecycle?.prevent_destroy).toBe(true);
    expect(vault.force_destroy).not.toBe(true);
  });

  test.each([
    ["prod", prod],
    ["bootstrap", bootstrap],
  ])("every KMS key in %s has prevent_destroy and a 30-day deletion window", (_name, stack) => {
    const keys = valuesOf(stack, "aws_kms_key");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect({ path: pathOf(key), prevent_destroy: key.lifecycle?.prevent_destroy }).toEqual({
        path: pathOf(key),
        prevent_destroy: true,
      });
      expect({ path: pathOf(key), deletion_window_in_days: key.deletion_window_in_days }).toEqual({
        path: pathOf(key),
        deletion_window_in_days: 30,
      });
    }
  });

  test("the ALB has deletion protection", () => {
    expect(stackResource(prod, "aws_lb", "prod/load-balancer/alb").enable_deletion_protection).toBe(true);
  });

  test("Redis keeps a final snapshot and has prevent_destroy", () => {
    const redis = stackResource(prod, "aws_elasticache_replication_group", "prod/cache/replication-group");
    expect(redis.final_snapshot_identifier).toBe("air-applied-ai-redis-final");
    expect(redis.lifecycle?.prevent_destroy).toBe(true);
  });

  test("secrets are deleted only after a recovery window", () => {
    const secrets = valuesOf(prod, "aws_secretsmanager_secret");
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(secret.recovery_window_in_days).toBeGreaterThanOrEqual(7);
  });
});

describe.each(Object.keys(stacks))("%s: force_destroy is never set on a bucket", (name) => {
  test("no aws_s3_bucket has force_destroy = true", () => {
    const buckets = valuesOf(stacks[name], "aws_s3_bucket");
    expect(buckets.filter((b) => b.force_destroy === true).map(pathOf)).toEqual([]);
  });
});

describe("dev does not block destroy (documented difference: dev is disposable)", () => {
  test("no resource in dev has prevent_destroy = true", () => {
    const protectedPaths = Object.values(dev.resource as Record<string, Record<string, any>>)
      .flatMap((byName) => Object.values(byName))
      .filter((values) => values.lifecycle?.prevent_destroy === true)
      .map(pathOf);
    expect(protectedPaths).toEqual([]);
  });

  test("dev's ALB has no deletion protection, Redis takes no final snapshot, the KMS window is 7 days", () => {
    expect(stackResource(dev, "aws_lb", "dev/load-balancer/alb").enable_deletion_protection).toBe(false);
    expect(
      stackResource(dev, "aws_elasticache_replication_group", "dev/cache/replication-group")
        .final_snapshot_identifier,
    ).toBeUndefined();
    expect(stackResource(dev, "aws_kms_key", "dev/kms/key").deletion_window_in_days).toBe(7);
    expect(stackResource(dev, "aws_ebs_volume", "dev/database/data").final_snapshot).toBe(false);
  });

  test("dev still never force-destroys a bucket: emptying one stays a deliberate act", () => {
    expect(valuesOf(dev, "aws_s3_bucket").some((b) => b.force_destroy === true)).toBe(false);
  });
});
