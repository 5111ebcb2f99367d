import { type Rule, asList, blocks, parsePolicy, references, resourcesOf } from "../engine";

const REPOSITORY = ["aws_ecr_repository"];

export const ecrRules: Rule[] = [
  {
    id: "CKV_AWS_136",
    description: "ECR repositories are encrypted with a KMS key",
    severity: "MEDIUM",
    fix: 'Set encryption_configuration { encryption_type = "KMS", kms_key = <CMK ARN> }.',
    resourceTypes: REPOSITORY,
    check: (r) => {
      const enc = blocks(r.values.encryption_configuration)[0];
      if (enc?.encryption_type !== "KMS")
        return `encryption_type ${enc?.encryption_type ?? "AES256 (default)"}`;
      return !!enc.kms_key || "KMS encryption with the AWS managed key, not a CMK";
    },
  },
  {
    id: "CKV_AWS_51",
    description: "ECR image tags are immutable",
    severity: "MEDIUM",
    fix: 'Set image_tag_mutability = "IMMUTABLE" (CI tags images with the git SHA).',
    resourceTypes: REPOSITORY,
    check: (r) =>
      r.values.image_tag_mutability === "IMMUTABLE" ||
      `image_tag_mutability ${r.values.image_tag_mutability ?? "MUTABLE (default)"}`,
  },
  {
    id: "CKV_AWS_163",
    description: "ECR repositories scan images on push",
    severity: "MEDIUM",
    fix: "Set image_scanning_configuration { scan_on_push = true }.",
    resourceTypes: REPOSITORY,
    check: (r) =>
      blocks(r.values.image_scanning_configuration).some((c) => c.scan_on_push === true) ||
      "scan_on_push is not enabled",
  },
  {
    id: "AAI-ECR-001",
    description: "ECR repositories have a lifecycle policy and are not force-deleted with their images",
    severity: "LOW",
    fix: "Add an aws_ecr_lifecycle_policy (expire untagged, keep the last N tagged) and leave force_delete false.",
    resourceTypes: REPOSITORY,
    check: (r, stack) => {
      if (r.values.force_delete === true) return "force_delete = true";
      const policies = resourcesOf(stack, "aws_ecr_lifecycle_policy").filter((p) =>
        references(p.values.repository, r),
      );
      if (policies.length === 0) return "no aws_ecr_lifecycle_policy";
      try {
        const rules = asList<Record<string, any>>(JSON.parse(policies[0].values.policy).rules);
        return (
          rules.some((x) => x.selection?.tagStatus === "untagged") ||
          "lifecycle policy never expires untagged images"
        );
      } catch {
        return "lifecycle policy is not plain JSON";
      }
    },
  },
  {
    id: "CKV_AWS_32",
    description: "ECR repository policies do not grant access to every principal",
    severity: "HIGH",
    fix: "Name account or role principals, or add a condition (aws:PrincipalOrgID).",
    resourceTypes: ["aws_ecr_repository_policy"],
    check: (p) => {
      const open = (parsePolicy(p.values.policy) ?? []).find(
        (s) =>
          s.Effect === "Allow" &&
          !s.Condition &&
          (s.Principal === "*" || (typeof s.Principal === "object" && asList(s.Principal.AWS).includes("*"))),
      );
      return open ? "allows principal * without a condition" : true;
    },
  },
];
