import type { PolicyStatement } from "../../../lib/iam";
import { WORKLOAD_BOUNDARY_NAME, workloadBoundaryArn } from "../../../lib/naming";
import { CI_ROLE_PREFIX, BOUNDARY_CONDITIONED_ROLE_ACTIONS } from "../constants";
import type { DeployContext } from "./context";

/** Explicit denies on every deploy role (inline, so no managed-policy detachment removes them): no change to the CI roles, their policies or the OIDC provider; no role write without the workload boundary, no change to the boundary; no change to the state buckets' configuration; no sts:AssumeRole. */
export function guardRailStatements({ accountId, stateBucketArn, iam }: DeployContext): PolicyStatement[] {
  return [
    {
      sid: "DenyChangingCiIdentity",
      effect: "Deny",
      actions: [
        "iam:Create*",
        "iam:Delete*",
        "iam:Update*",
        "iam:Put*",
        "iam:Attach*",
        "iam:Detach*",
        "iam:Tag*",
        "iam:Untag*",
        "iam:SetDefaultPolicyVersion",
        "iam:AddClientIDToOpenIDConnectProvider",
        "iam:RemoveClientIDFromOpenIDConnectProvider",
        "iam:PassRole",
      ],
      resources: [iam(`role/${CI_ROLE_PREFIX}*`), iam(`policy/${CI_ROLE_PREFIX}*`), iam("oidc-provider/*")],
    },
    {
      // Belt and braces for the conditioned Allows (platform.ts): no role is created or has its permissions
      // changed without the workload boundary, whatever other policy might allow it.
      sid: "DenyRoleWritesWithoutWorkloadBoundary",
      effect: "Deny",
      actions: [...BOUNDARY_CONDITIONED_ROLE_ACTIONS],
      resources: [iam("role/*")],
      conditions: { StringNotEquals: { "iam:PermissionsBoundary": workloadBoundaryArn(accountId) } },
    },
    {
      sid: "DenyRemovingOrChangingWorkloadBoundary",
      effect: "Deny",
      actions: [
        "iam:DeleteRolePermissionsBoundary",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:TagPolicy",
        "iam:UntagPolicy",
      ],
      resources: [iam("role/*"), iam(`policy/${WORKLOAD_BOUNDARY_NAME}`)],
    },
    {
      sid: "DenyStateBucketConfiguration",
      effect: "Deny",
      actions: [
        "s3:DeleteBucket",
        "s3:PutBucket*",
        "s3:DeleteBucketPolicy",
        "s3:PutLifecycleConfiguration",
        "s3:PutEncryptionConfiguration",
      ],
      resources: [stateBucketArn, `${stateBucketArn}-*`],
    },
    { sid: "DenyAssumingRoles", effect: "Deny", actions: ["sts:AssumeRole"], resources: ["*"] },
  ];
}
