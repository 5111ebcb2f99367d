import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Aspects, type IAspect, Lazy } from "cdktf";
import { Construct, type IConstruct } from "constructs";
import { StackContext } from "../platform";
import { type IGrantable, type PolicyStatement, policyDocument, serviceTrustPolicy } from "../../lib/iam";

export interface ServiceRoleProps {
  /** IAM role name (<= 64 chars). */
  readonly roleName: string;
  readonly description: string;
  /** Service principal that assumes the role, e.g. "ecs-tasks.amazonaws.com". */
  readonly servicePrincipal?: string;
  /** A full trust policy instead of servicePrincipal (e.g. OIDC web identity). */
  readonly assumeRolePolicy?: string;
  /** AWS managed policies to attach (ARNs). @default none */
  readonly managedPolicyArns?: readonly string[];
  /**
   * ARN of the managed policy that caps the role's permissions (its permissions boundary).
   * @default none here; the environment stacks set the project's boundary on every role in them with
   * PermissionsBoundary.of(stack).apply(arn)
   */
  readonly permissionsBoundary?: string;
}

/**
 * An IAM role whose inline policy is the sum of the grants made to it (`bucket.grantRead(role)`),
 * rendered once at synth time: least privilege lives next to each resource, not in one big policy.
 */
export class ServiceRole extends Construct implements IGrantable {
  public readonly roleArn: string;
  public readonly roleName: string;
  private readonly statements: PolicyStatement[] = [];
  private readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    if (props.roleName.length > 64)
      throw new Error(`ServiceRole ${props.roleName}: roleName must be <= 64 characters`);
    if (!props.assumeRolePolicy === !props.servicePrincipal)
      throw new Error(
        `ServiceRole ${props.roleName}: give exactly one of servicePrincipal or assumeRolePolicy`,
      );
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy:
        props.assumeRolePolicy ??
        // Confined to this stack's account (StackContext.of: the CDK's Stack.of(this).account).
        serviceTrustPolicy(props.servicePrincipal!, StackContext.of(this).accountId),
      permissionsBoundary: props.permissionsBoundary,
    });
    (props.managedPolicyArns ?? []).forEach((policyArn, i) => {
      new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn });
    });
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
  }

  public addToPolicy(statement: PolicyStatement): void {
    if (statement.resources.length === 0)
      throw new Error(`ServiceRole ${this.node.path}: a statement must name its resources`);
    if (this.statements.length === 0) {
      new IamRolePolicy(this, "policy", {
        name: "least-privilege",
        role: this.role.id,
        policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
      });
    }
    this.statements.push(statement);
  }
}

/**
 * Sets a permissions boundary on every IAM role in a scope that has none (aws-cdk-lib's
 * `PermissionsBoundary.of(scope).apply(policy)`): `PermissionsBoundary.of(stack).apply(arn)`. An aspect,
 * so it reaches every role, including those that modules create internally and roles added later.
 */
export class PermissionsBoundary {
  public static of(scope: IConstruct): PermissionsBoundary {
    return new PermissionsBoundary(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /** Applies the managed policy `policyArn` as the boundary of every role in the scope without one. */
  public apply(policyArn: string): void {
    const aspect: IAspect = {
      visit(node: IConstruct) {
        if (node instanceof IamRole && node.permissionsBoundaryInput === undefined)
          node.permissionsBoundary = policyArn;
      },
    };
    Aspects.of(this.scope).add(aspect);
  }
}
