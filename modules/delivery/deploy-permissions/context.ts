import { PROJECT, REGION, workloadBoundaryArn } from "../../../lib/naming";

/** What every group of deploy permissions is scoped by: the account, its ARNs and the project's names. */
export interface DeployContext {
  /** Account the environment stacks deploy to. */
  readonly accountId: string;
  /** The Terraform state bucket (its configuration is denied; `<arn>-*` covers its access-log bucket). */
  readonly stateBucketArn: string;
  /** `arn:aws:<service>:<region>:<account>:<resource>`, region us-east-2 unless given. */
  readonly arn: (service: string, resource: string, region?: string) => string;
  /** `arn:aws:iam::<account>:<resource>`. */
  readonly iam: (resource: string) => string;
  /** `air-applied-ai*`: every physical name of the stacks starts with it (lib/naming). */
  readonly named: string;
  /** Condition: the role carries exactly the workload permissions boundary. */
  readonly withBoundary: { StringEquals: { "iam:PermissionsBoundary": string } };
}

export function deployContext(accountId: string, stateBucketArn: string): DeployContext {
  return {
    accountId,
    stateBucketArn,
    arn: (service, resource, region = REGION) => `arn:aws:${service}:${region}:${accountId}:${resource}`,
    iam: (resource) => `arn:aws:iam::${accountId}:${resource}`,
    named: `${PROJECT}*`,
    withBoundary: { StringEquals: { "iam:PermissionsBoundary": workloadBoundaryArn(accountId) } },
  };
}
