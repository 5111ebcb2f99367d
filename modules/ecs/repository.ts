import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { Construct } from "constructs";
import type { IGrantable } from "../../lib/iam";
import type { Platform } from "../platform";

/** ECR lifecycle: untagged images (failed or superseded pushes) expire after this many days. */
export const UNTAGGED_IMAGE_EXPIRY_DAYS = 7;

export interface ContainerRepositoryProps {
  /** The CMK encrypts the images; `protect` sets prevent_destroy (its images are the rollback targets). */
  readonly platform: Platform;
  /** Repository name (lower case, 2-256 chars). */
  readonly name: string;
  /** Tagged images kept; older ones expire (untagged ones after UNTAGGED_IMAGE_EXPIRY_DAYS). */
  readonly keepTaggedImages: number;
}

/** An ECR repository: immutable tags, scan on push, CMK encryption, and a lifecycle policy. */
export class ContainerRepository extends Construct {
  /** `<account>.dkr.ecr.us-east-2.amazonaws.com/<name>`: CI pushes `<repositoryUrl>:<git sha>`. */
  public readonly repositoryUrl: string;
  public readonly repositoryArn: string;
  public readonly repositoryName: string;

  constructor(scope: Construct, id: string, props: ContainerRepositoryProps) {
    super(scope, id);
    const repository = new EcrRepository(this, "repository", {
      name: props.name,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.platform.key.keyArn }],
      forceDelete: false,
      lifecycle: { preventDestroy: props.platform.protect },
    });
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Expire untagged images ${UNTAGGED_IMAGE_EXPIRY_DAYS} days after push`,
            selection: {
              tagStatus: "untagged",
              countType: "sinceImagePushed",
              countUnit: "days",
              countNumber: UNTAGGED_IMAGE_EXPIRY_DAYS,
            },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            description: `Keep the last ${props.keepTaggedImages} tagged images (rollback targets)`,
            selection: {
              tagStatus: "tagged",
              tagPatternList: ["*"],
              countType: "imageCountMoreThan",
              countNumber: props.keepTaggedImages,
            },
            action: { type: "expire" },
          },
        ],
      }),
    });
    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
    this.repositoryName = repository.name;
  }

  /** The image reference of a tag. */
  public imageUri(tag: string): string {
    return `${this.repositoryUrl}:${tag}`;
  }

  /** Lets a role pull images (GetAuthorizationToken has no resource-level permissions; the pull is scoped). */
  public grantPull(grantee: IGrantable): void {
    grantee.addToPolicy({ actions: ["ecr:GetAuthorizationToken"], resources: ["*"] });
    grantee.addToPolicy({
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      resources: [this.repositoryArn],
    });
  }
}
