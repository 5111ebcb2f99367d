import type { PolicyStatement } from "../../../lib/iam";
import { type DeployContext, deployContext } from "./context";
import { dataStatements } from "./data";
import { guardRailStatements } from "./guard-rails";
import { networkStatements } from "./network";
import { platformStatements } from "./platform";

export { type DeployContext, deployContext } from "./context";
export { guardRailStatements } from "./guard-rails";

/**
 * The deploy roles' service permissions: write actions of exactly the services the environment stacks
 * manage (reads come from ReadOnlyAccess), in this account and region, and by the name prefix
 * `air-applied-ai*` where the service's ARNs carry names. Each group is one customer managed policy
 * `air-applied-ai-ci-deploy-<group>`, shared by every environment's deploy role (a managed policy holds
 * 6,144 characters, an inline role policy 10,240, so the catalog is split). A statement belongs to its
 * group by where it is written: a new resource type means adding its statement to one group's file
 * (`__tests__/stacks/bootstrap-ci.test.ts` fails when a resource type of the stacks has no service here).
 */
export const DEPLOY_PERMISSIONS = {
  network: networkStatements,
  data: dataStatements,
  platform: platformStatements,
} as const satisfies Record<string, (context: DeployContext) => PolicyStatement[]>;

/** The managed deploy policies: `air-applied-ai-ci-deploy-<group>`. */
export type DeployPolicyGroup = keyof typeof DEPLOY_PERMISSIONS;

/** The Allow statements of one group (its managed policy's document). */
export function deployPolicyStatements(group: DeployPolicyGroup, context: DeployContext): PolicyStatement[] {
  return DEPLOY_PERMISSIONS[group](context);
}

/**
 * Everything a deploy role is given besides ReadOnlyAccess and its state: every group's Allows, then the
 * guard rails (explicit denies, inline on each deploy role). Every role it creates or whose permissions it
 * changes must carry the workload permissions boundary (iam:PermissionsBoundary), which it can neither
 * remove nor change.
 */
export function deployStatements(accountId: string, stateBucketArn: string): PolicyStatement[] {
  const context = deployContext(accountId, stateBucketArn);
  return [
    ...Object.values(DEPLOY_PERMISSIONS).flatMap((statements) => statements(context)),
    ...guardRailStatements(context),
  ];
}
