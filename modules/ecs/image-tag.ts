import { TerraformVariable } from "cdktf";
import type { Construct } from "constructs";

/** An ECR image tag: 1-128 of A-Z a-z 0-9 _ . -, not starting with . or -. */
export const IMAGE_TAG_PATTERN = "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$";

/** What makes a tag deployable, in words (the variable's validation and the construct's check say it). */
export const IMAGE_TAG_RULE =
  'must be an ECR tag (1-128 of A-Z a-z 0-9 _ . -, not starting with . or -) other than "latest"';

/** True when `tag` is a deployable image tag: an ECR tag other than "latest". */
export function isDeployableImageTag(tag: string): boolean {
  return new RegExp(IMAGE_TAG_PATTERN).test(tag) && tag !== "latest";
}

/**
 * The stack's Terraform variable `image_tag`: the one input that changes per release. CI pushes
 * <ecr_repository_url>:<git sha> and applies with `-var image_tag=<git sha>`. No default, so a plan
 * without it fails instead of silently deploying some other image; "latest" is refused because the
 * repository's tags are immutable and a moving tag would hide which image runs.
 */
export function imageTagVariable(scope: Construct): TerraformVariable {
  const variable = new TerraformVariable(scope, "image-tag-variable", {
    type: "string",
    nullable: false,
    description: "API image tag in ecr_repository_url to run (CI sets the git SHA it pushed)",
    validation: [
      {
        condition: `\${can(regex("${IMAGE_TAG_PATTERN}", var.image_tag)) && var.image_tag != "latest"}`,
        errorMessage: `The image_tag ${IMAGE_TAG_RULE}.`,
      },
    ],
  });
  variable.overrideLogicalId("image_tag");
  return variable;
}
