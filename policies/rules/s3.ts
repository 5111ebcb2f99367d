import {
  NOT_APPLICABLE,
  type Rule,
  type StackDoc,
  type TfResource,
  asList,
  blocks,
  parsePolicy,
  references,
  resourcesOf,
} from "../engine";

/**
 * The bucket's companion resources of `type`: those whose `bucket` argument references it. (Other
 * arguments do not count: the logs bucket's policy names the data buckets in a condition, and their
 * logging resources name the logs bucket as target; neither configures the bucket it mentions.)
 */
const companions = (stack: StackDoc, bucket: TfResource, type: string) =>
  resourcesOf(stack, type).filter((c) => references(c.values.bucket, bucket));

function sseRules(stack: StackDoc, bucket: TfResource) {
  return companions(stack, bucket, "aws_s3_bucket_server_side_encryption_configuration").flatMap((c) =>
    blocks(c.values.rule).flatMap((r) => blocks(r.apply_server_side_encryption_by_default)),
  );
}

function isVersioned(stack: StackDoc, bucket: TfResource): boolean {
  return companions(stack, bucket, "aws_s3_bucket_versioning").some((v) =>
    blocks(v.values.versioning_configuration).some((c) => c.status === "Enabled"),
  );
}

function lifecycleRules(stack: StackDoc, bucket: TfResource) {
  return companions(stack, bucket, "aws_s3_bucket_lifecycle_configuration").flatMap((c) =>
    blocks(c.values.rule),
  );
}

const BUCKET = ["aws_s3_bucket"];

/** A check that passes when the bucket has at least one companion resource of `type`. */
const hasCompanion = (type: string) => (bucket: TfResource, stack: StackDoc) =>
  companions(stack, bucket, type).length > 0 || `no ${type}`;

export const s3Rules: Rule[] = [
  {
    id: "CKV_AWS_19",
    description: "S3 bucket has default server-side encryption",
    severity: "HIGH",
    fix: "Use SecureBucket (aws_s3_bucket_server_side_encryption_configuration).",
    resourceTypes: BUCKET,
    check: (b, stack) => sseRules(stack, b).length > 0 || "no server-side encryption configuration",
  },
  {
    id: "CKV_AWS_145",
    controls: ["S3.17"],
    description: "S3 bucket is encrypted with KMS (aws:kms and a key)",
    severity: "MEDIUM",
    fix: "Pass the project CMK to SecureBucket (key).",
    resourceTypes: BUCKET,
    check: (b, stack) =>
      sseRules(stack, b).some((s) => s.sse_algorithm === "aws:kms" && s.kms_master_key_id) ||
      "not SSE-KMS with a CMK",
  },
  {
    id: "CKV_AWS_21",
    controls: ["S3.14"],
    description: "S3 bucket versioning is enabled",
    severity: "MEDIUM",
    fix: "SecureBucket versioned: true (the default).",
    resourceTypes: BUCKET,
    check: (b, stack) => isVersioned(stack, b) || "versioning is not Enabled",
  },
  {
    id: "CKV_AWS_18",
    controls: ["S3.9"],
    description: "S3 bucket has server access logging",
    severity: "LOW",
    fix: "SecureBucket accessLogs: the logs bucket.",
    resourceTypes: BUCKET,
    check: hasCompanion("aws_s3_bucket_logging"),
  },
  {
    id: "CKV2_AWS_6",
    controls: ["S3.8"],
    description: "S3 bucket has a public access block with all four settings true (CKV_AWS_53-56)",
    severity: "HIGH",
    fix: "SecureBucket creates aws_s3_bucket_public_access_block with all four true.",
    resourceTypes: BUCKET,
    check: (b, stack) => {
      const pab = companions(stack, b, "aws_s3_bucket_public_access_block")[0];
      if (!pab) return "no public access block";
      const off = [
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
      ].filter((k) => pab.values[k] !== true);
      return off.length === 0 || `${off.join(", ")} not true`;
    },
  },
  {
    id: "CKV2_AWS_65",
    controls: ["S3.12"],
    description: "S3 bucket ownership is BucketOwnerEnforced (ACLs disabled)",
    severity: "MEDIUM",
    fix: "aws_s3_bucket_ownership_controls with object_ownership = BucketOwnerEnforced.",
    resourceTypes: BUCKET,
    check: (b, stack) =>
      companions(stack, b, "aws_s3_bucket_ownership_controls").some((o) =>
        blocks(o.values.rule).some((r) => r.object_ownership === "BucketOwnerEnforced"),
      ) || "ownership controls are not BucketOwnerEnforced",
  },
  {
    id: "AAI-S3-001",
    description:
      "No S3 ACL resources or acl arguments (new buckets reject ACLs: AccessControlListNotSupported)",
    severity: "HIGH",
    fix: "Remove aws_s3_bucket_acl / acl; use bucket policies.",
    resourceTypes: ["aws_s3_bucket", "aws_s3_bucket_acl"],
    check: (r) => (r.type !== "aws_s3_bucket_acl" && r.values.acl === undefined) || "uses an ACL",
  },
  {
    id: "AAI-S3-002",
    controls: ["S3.5"],
    description: "S3 bucket policy denies requests without TLS",
    severity: "MEDIUM",
    fix: "SecureBucket adds a DenyInsecureTransport statement.",
    resourceTypes: BUCKET,
    check: (b, stack) =>
      companions(stack, b, "aws_s3_bucket_policy").some((p) =>
        (parsePolicy(p.values.policy) ?? []).some(
          (s) =>
            s.Effect === "Deny" &&
            JSON.stringify(s.Condition ?? {}).includes('"aws:SecureTransport":"false"'),
        ),
      ) || "no TLS-only bucket policy",
  },
  {
    id: "CKV_AWS_70",
    description: "S3 bucket policy allows no wildcard principal without a condition",
    severity: "HIGH",
    fix: "Name principals (services with aws:SourceAccount, accounts).",
    resourceTypes: ["aws_s3_bucket_policy"],
    check: (p) => {
      const open = (parsePolicy(p.values.policy) ?? []).find(
        (s) =>
          s.Effect === "Allow" &&
          (s.Principal === "*" || (typeof s.Principal === "object" && asList(s.Principal.AWS).includes("*"))),
      );
      return open ? `statement ${open.Sid ?? ""} allows principal *` : true;
    },
  },
  {
    id: "CKV2_AWS_61",
    controls: ["S3.13"],
    description: "S3 bucket has a lifecycle configuration",
    severity: "LOW",
    fix: "SecureBucket always creates one.",
    resourceTypes: BUCKET,
    check: (b, stack) => lifecycleRules(stack, b).length > 0 || "no lifecycle rules",
  },
  {
    id: "CKV_AWS_300",
    description:
      "S3 lifecycle aborts incomplete multipart uploads in an enabled rule with an empty-prefix filter",
    severity: "LOW",
    fix: 'Add an Enabled rule with filter { prefix = "" } and abort_incomplete_multipart_upload.',
    resourceTypes: BUCKET,
    check: (b, stack) =>
      lifecycleRules(stack, b).some(
        (r) =>
          r.status === "Enabled" &&
          blocks(r.filter).some((f) => f.prefix === "") &&
          blocks(r.abort_incomplete_multipart_upload).length > 0,
      ) || "no rule aborts incomplete multipart uploads",
  },
  {
    id: "AAI-S3-003",
    description:
      "Every lifecycle rule has exactly one filter (a missing filter is deprecated and will be an error)",
    severity: "MEDIUM",
    fix: 'Give each rule filter { prefix = "" } or another single predicate.',
    resourceTypes: ["aws_s3_bucket_lifecycle_configuration"],
    check: (c) => {
      const bad = blocks(c.values.rule).find((r) => blocks(r.filter).length !== 1 || r.prefix !== undefined);
      return bad ? `rule ${bad.id} has no single filter` : true;
    },
  },
  {
    id: "AAI-S3-004",
    description:
      "Lifecycle transitions respect AWS minimums (STANDARD_IA/ONEZONE_IA >= 30 days; GLACIER >= 30 days after IA)",
    severity: "HIGH",
    fix: "Raise the transition days.",
    resourceTypes: ["aws_s3_bucket_lifecycle_configuration"],
    check: (c) => {
      for (const rule of blocks(c.values.rule)) {
        const transitions = blocks(rule.transition).sort((a, b) => a.days - b.days);
        for (const [i, t] of transitions.entries()) {
          if (t.storage_class.endsWith("_IA") && t.days < 30) return `${t.storage_class} at ${t.days} days`;
          const prev = transitions[i - 1];
          if (prev?.storage_class.endsWith("_IA") && t.days < prev.days + 30)
            return `${t.storage_class} at ${t.days} days, < 30 after ${prev.storage_class}`;
        }
      }
      return true;
    },
  },
  {
    id: "AAI-S3-005",
    description: "Versioned buckets expire or transition noncurrent versions",
    severity: "LOW",
    fix: "SecureBucket noncurrentVersionExpirationDays.",
    resourceTypes: BUCKET,
    check: (b, stack) => {
      if (!isVersioned(stack, b)) return NOT_APPLICABLE;
      return (
        lifecycleRules(stack, b).some(
          (r) =>
            blocks(r.noncurrent_version_expiration).length + blocks(r.noncurrent_version_transition).length >
            0,
        ) || "noncurrent versions are kept forever"
      );
    },
  },
  {
    id: "AAI-S3-006",
    description: "Buckets never set force_destroy, and protected environments prevent destroy",
    severity: "HIGH",
    fix: "Set force_destroy = false; protectStatefulResources sets prevent_destroy.",
    resourceTypes: BUCKET,
    check: (b, stack) => {
      if (b.values.force_destroy === true) return "force_destroy is true";
      const dataBucket = /\/(raw-data|processed|state)\/bucket$/.test(b.path);
      if (
        dataBucket &&
        (stack.name === "prod" || stack.name === "bootstrap") &&
        b.values.lifecycle?.prevent_destroy !== true
      )
        return "prevent_destroy is not set on a data bucket";
      return true;
    },
  },
  {
    id: "AAI-S3-007",
    description:
      "Bucket names are valid: 3-63 lower-case letters, digits and hyphens, no dots (trivy AWS-0320)",
    severity: "MEDIUM",
    fix: "Rename the bucket.",
    resourceTypes: BUCKET,
    check: (b) =>
      /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(String(b.values.bucket)) ||
      `invalid bucket name ${b.values.bucket}`,
  },
  {
    id: "CKV2_AWS_62",
    controls: ["S3.11"],
    description: "S3 bucket has event notifications (an aws_s3_bucket_notification)",
    severity: "LOW",
    fix: "Add an aws_s3_bucket_notification (EventBridge, SQS, SNS or Lambda) for a consumer, or waive where nothing consumes object events.",
    resourceTypes: BUCKET,
    check: hasCompanion("aws_s3_bucket_notification"),
  },
  {
    id: "CKV_AWS_144",
    description: "S3 bucket replicates to another region (an aws_s3_bucket_replication_configuration)",
    severity: "LOW",
    fix: "Add an aws_s3_bucket_replication_configuration to a bucket in another region, or waive with the DR decision.",
    resourceTypes: BUCKET,
    check: hasCompanion("aws_s3_bucket_replication_configuration"),
  },
];
