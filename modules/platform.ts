/**
 * The cross-cutting context every tier needs: one Platform object instead of namePrefix, key,
 * logRetentionDays and protect passed by hand to each construct, and StackContext.of(scope) for the
 * account and region (aws-cdk-lib's `Stack.of(this).account` / `.region`), never a prop.
 */
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { REGION, physicalName } from "../lib/naming";
import type { KmsKey } from "./security/kms-key";

export interface PlatformProps {
  /** First segment of every physical name: "air-applied-ai" (prod, the seed) or "air-applied-ai-<env>" (lib/naming namePrefix). */
  readonly namePrefix: string;
  /** The project CMK: log groups, data stores, queues, secrets and alerts. */
  readonly key: KmsKey;
  /** Retention (days) of EVERY CloudWatch log group the tiers create (config logging.retentionDays). */
  readonly logRetentionDays: number;
  /** Protect stateful resources: prevent_destroy, final snapshots, recovery windows. @default false */
  readonly protect?: boolean;
}

/** What every tier shares. EncryptedLogGroup reads its key and retention from here, so no group can miss them. */
export class Platform {
  public readonly namePrefix: string;
  public readonly key: KmsKey;
  public readonly logRetentionDays: number;
  public readonly protect: boolean;

  constructor(props: PlatformProps) {
    this.namePrefix = props.namePrefix;
    this.key = props.key;
    this.logRetentionDays = props.logRetentionDays;
    this.protect = props.protect ?? false;
  }

  /** The physical name of a component: `<namePrefix>-<component>` (the one naming rule, lib/naming.ts). */
  public name(component: string): string {
    return physicalName(this.namePrefix, component);
  }
}

/** Account and region of the stack a construct lives in. */
export interface AwsEnvironment {
  readonly accountId: string;
  readonly region: string;
}

const registered = new WeakMap<TerraformStack, AwsEnvironment>();

/**
 * `StackContext.of(this).accountId` (the CDK's `Stack.of(this).account`). The environment stacks
 * register their caller-identity account (stacks/base-stack.ts); a stack that registered nothing gets
 * a `data.aws_caller_identity.current` on first use. Tests may register a literal account.
 */
export class StackContext {
  public static of(scope: IConstruct): AwsEnvironment {
    const stack = TerraformStack.of(scope);
    let env = registered.get(stack);
    if (!env) {
      const existing = stack.node.tryFindChild("current");
      const identity =
        existing instanceof DataAwsCallerIdentity ? existing : new DataAwsCallerIdentity(stack, "current");
      env = { accountId: identity.accountId, region: REGION };
      registered.set(stack, env);
    }
    return env;
  }

  /** Declares the account (and region) of a stack, before any construct asks for it. */
  public static register(scope: IConstruct, env: Partial<AwsEnvironment> & { accountId: string }): void {
    registered.set(TerraformStack.of(scope), { region: REGION, ...env });
  }
}

/** One root-level Terraform output a tier offers (BaseStack.addOutputs gives it a static id = its key). */
export interface TierOutput {
  readonly value: unknown;
  readonly description: string;
  /** @default false */
  readonly sensitive?: boolean;
}

/** A tier's typed outputs by output name (the TAM `outputs.tf`, TerraConstructs' `queueOutputs`). */
export type TierOutputs = Readonly<Record<string, TierOutput>>;
