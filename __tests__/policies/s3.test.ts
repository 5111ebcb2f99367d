import { s3Rules } from "../../policies/rules/s3";
import { adding, atPath, failingRules, notPassedByCommittedStacks, passingRules } from "../helpers/policy";
import { synthAll } from "../helpers/synth";

/*
 * policies/rules/s3.ts. Compliant: the committed stacks (event notifications and replication are waived
 * on every bucket there: their compliant case is a bucket with the companion). Non-compliant: a
 * hand-written stack of a bare bucket and one with misconfigured companions.
 */

describe("S3 rules", () => {
  test("the committed stacks pass every S3 rule but the waived CKV2_AWS_62 and CKV_AWS_144", () => {
    expect(notPassedByCommittedStacks(s3Rules)).toEqual(["CKV2_AWS_62", "CKV_AWS_144"]);
  });

  test("every synthesized bucket passes, except the waived: logs buckets' SSE-KMS and self-logging, and no event notifications or cross-region replication anywhere", () => {
    for (const name of Object.keys(synthAll())) {
      expect(failingRules({ env: name, rules: s3Rules })).toEqual([]);
      expect(failingRules({ env: name, rules: s3Rules, waived: true, show: "path" }).sort()).toEqual(
        (name === "bootstrap"
          ? [
              "CKV_AWS_145 bootstrap/state-access-logs/bucket",
              "CKV_AWS_18 bootstrap/state-access-logs/bucket",
              ...["state", "state-access-logs"].flatMap((b) =>
                ["CKV2_AWS_62", "CKV_AWS_144"].map((id) => `${id} bootstrap/${b}/bucket`),
              ),
            ]
          : [
              `CKV_AWS_145 ${name}/storage/logs/bucket`,
              `CKV_AWS_18 ${name}/storage/logs/bucket`,
              ...["logs", "processed", "raw-data"].flatMap((b) =>
                ["CKV2_AWS_62", "CKV_AWS_144"].map((id) => `${id} ${name}/storage/${b}/bucket`),
              ),
            ]
        ).sort(),
      );
    }
  });

  // The checkov checks waived in .checkov.yaml stay enforced wherever their waiver does not reach.
  test.each([
    ["CKV2_AWS_62", "aws_s3_bucket_notification"],
    ["CKV_AWS_144", "aws_s3_bucket_replication_configuration"],
  ])("%s: a new bucket fails until it has an %s", (id, companion) => {
    const bucket = { b: { ...atPath("prod/other/bucket"), bucket: "x" } };
    const rules = s3Rules.filter((r) => r.id === id);
    expect(failingRules({ rules, mutate: adding({ aws_s3_bucket: bucket }), show: "path" })).toContain(
      `${id} prod/other/bucket`,
    );
    const fixed = adding({ aws_s3_bucket: bucket, [companion]: { c: { bucket: "${aws_s3_bucket.b.id}" } } });
    expect(passingRules({ rules, mutate: fixed, show: "path" })).toContain(`${id} prod/other/bucket`);
  });
});

describe("S3 rules on misconfigured buckets", () => {
  // One bucket with nothing but a name (and an ACL); a second with misconfigured companions.
  const bad = {
    resource: {
      aws_s3_bucket: {
        bare: {
          ...atPath("prod/storage/raw-data/bucket"),
          bucket: "Bad_Name",
          acl: "private",
          force_destroy: true,
        },
        weak: { ...atPath("prod/x/weak/bucket"), bucket: "weak-bucket" },
      },
      aws_s3_bucket_acl: { a: { bucket: "${aws_s3_bucket.weak.id}", acl: "private" } },
      aws_s3_bucket_server_side_encryption_configuration: {
        e: {
          bucket: "${aws_s3_bucket.weak.id}",
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
        },
      },
      aws_s3_bucket_versioning: {
        v: { bucket: "${aws_s3_bucket.weak.id}", versioning_configuration: { status: "Enabled" } },
      },
      aws_s3_bucket_public_access_block: {
        p: { bucket: "${aws_s3_bucket.weak.id}", block_public_acls: true, block_public_policy: false },
      },
      aws_s3_bucket_ownership_controls: {
        o: { bucket: "${aws_s3_bucket.weak.id}", rule: { object_ownership: "ObjectWriter" } },
      },
      aws_s3_bucket_lifecycle_configuration: {
        l: {
          bucket: "${aws_s3_bucket.weak.id}",
          rule: [
            { id: "no-filter", status: "Enabled", transition: [{ days: 10, storage_class: "STANDARD_IA" }] },
            {
              id: "tagged",
              status: "Enabled",
              filter: [{ tag: { key: "k", value: "v" } }],
              transition: [
                { days: 30, storage_class: "STANDARD_IA" },
                { days: 40, storage_class: "GLACIER" },
              ],
            },
          ],
        },
      },
      aws_s3_bucket_policy: {
        p: {
          bucket: "${aws_s3_bucket.weak.id}",
          policy: JSON.stringify({
            Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }],
          }),
        },
      },
      // Mentions the bare bucket, but configures the weak one: must not count as the bare bucket's.
      aws_s3_bucket_logging: {
        g: { bucket: "${aws_s3_bucket.weak.id}", target_bucket: "${aws_s3_bucket.bare.bucket}" },
      },
    },
  };

  test.each([
    "CKV_AWS_19",
    "CKV_AWS_145",
    "CKV_AWS_21",
    "CKV_AWS_18",
    "CKV2_AWS_6",
    "CKV2_AWS_65",
    "CKV2_AWS_61",
    "CKV_AWS_300",
    "AAI-S3-001",
    "AAI-S3-002",
    "AAI-S3-006",
    "AAI-S3-007",
  ])("%s fails on a bucket with no companions", (id) => {
    expect(failingRules({ stack: bad, resource: "bare" })).toContain(id);
  });

  test.each([
    ["CKV_AWS_145", "weak"],
    ["CKV2_AWS_6", "weak"],
    ["CKV2_AWS_65", "weak"],
    ["CKV_AWS_300", "weak"],
    ["CKV_AWS_70", "p"],
    ["AAI-S3-001", "a"],
    ["AAI-S3-002", "weak"],
    ["AAI-S3-003", "l"],
    ["AAI-S3-004", "l"],
    ["AAI-S3-005", "weak"],
  ])("%s fails on misconfigured companions (on %s)", (id, resource) => {
    expect(failingRules({ stack: bad, resource })).toContain(id);
  });

  test("the lifecycle rules report what is wrong", () => {
    const reasons = failingRules({ stack: bad, resource: "l", show: "detail" });
    expect(reasons).toContain("AAI-S3-003: rule no-filter has no single filter");
    expect(reasons).toContain("AAI-S3-004: STANDARD_IA at 10 days");
  });
});
