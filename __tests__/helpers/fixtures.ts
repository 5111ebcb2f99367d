import type { IConstruct } from "constructs";
import type { INetwork } from "../../modules/networking/network";
import { Platform, type PlatformProps, StackContext } from "../../modules/platform";
import { KmsKey } from "../../modules/security/kms-key";

/** The account unit tests register on their test stack (StackContext.of(scope).accountId). */
export const ACCOUNT = "123456789012";

/** Registers ACCOUNT as the account of `scope`'s stack (what BaseStack does with its caller identity). */
export function testAccount(scope: IConstruct): void {
  StackContext.register(scope, { accountId: ACCOUNT });
}

/** A project CMK in `scope` (alias "test"), in a stack whose account is ACCOUNT. */
export function testKey(scope: IConstruct, id = "kms"): KmsKey {
  testAccount(scope);
  return new KmsKey(scope as never, id, { alias: "test", description: "test" });
}

/** A Platform like prod's (namePrefix "air-applied-ai", 30-day logs, unprotected), with its own key. */
export function testPlatform(scope: IConstruct, overrides: Partial<PlatformProps> = {}): Platform {
  return new Platform({
    namePrefix: "air-applied-ai",
    logRetentionDays: 30,
    protect: false,
    ...overrides,
    key: overrides.key ?? testKey(scope),
  });
}

/** Two AZs of subnets and a VPC, as literal ids. */
export const TEST_NETWORK: INetwork = {
  vpcId: "vpc-0123",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-0aaa", "subnet-0bbb"],
  availabilityZones: ["us-east-2a", "us-east-2b"],
};
