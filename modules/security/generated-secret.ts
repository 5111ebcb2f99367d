import { DataAwsSecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { IGrantable } from "../../lib/iam";
import type { KmsKey } from "./kms-key";

export interface GeneratedSecretProps {
  /** Secrets Manager name, e.g. "air-applied-ai/prod/qdrant-api-key". */
  readonly secretName: string;
  readonly description: string;
  /** CMK that encrypts the secret. */
  readonly key: KmsKey;
  /** Password length. @default 64 */
  readonly length?: number;
  /** Characters never generated. @default '@"/\\' plus space and quote. ElastiCache AUTH tokens need a stricter set (only ! & # $ ^ < > - as specials): modules/cache passes its own. */
  readonly excludeCharacters?: string;
  /** Days a deleted secret can be restored (0 = immediately). @default 30 */
  readonly recoveryWindowInDays?: number;
  /** Bump to generate and store a new value (rotation by deployment). @default 1 */
  readonly version?: number;
}

/**
 * A secret whose value is generated inside AWS and never appears in the synthesized JSON or in the
 * Terraform state: an ephemeral `aws_secretsmanager_random_password` (Terraform >= 1.10) feeds the
 * write-only `secret_string_wo` of the secret version (Terraform >= 1.11). cdktf 0.21 has no class for
 * ephemeral resources, so the block is added with a stack override.
 */
export class GeneratedSecret extends Construct {
  public readonly secretArn: string;
  public readonly secretName: string;
  private readonly key: KmsKey;
  private readonly version: SecretsmanagerSecretVersion;
  private readonly secretId: string;
  private value?: string;

  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    const length = props.length ?? 64;
    if (length < 16 || length > 128)
      throw new Error(`GeneratedSecret ${props.secretName}: length = ${length}: must be 16-128`);
    this.key = props.key;
    props.key.allowService("AllowSecretsManager", "secretsmanager.amazonaws.com", [
      "kms:Decrypt",
      "kms:GenerateDataKey*",
      "kms:DescribeKey",
    ]);

    const secret = new SecretsmanagerSecret(this, "secret", {
      name: props.secretName,
      description: props.description,
      kmsKeyId: props.key.keyArn,
      recoveryWindowInDays: props.recoveryWindowInDays ?? 30,
    });
    const ephemeralName = `${secret.friendlyUniqueId}_value`;
    TerraformStack.of(this).addOverride(`ephemeral.aws_secretsmanager_random_password.${ephemeralName}`, {
      password_length: length,
      exclude_characters: props.excludeCharacters ?? `@"/\\' `,
      require_each_included_type: true,
    });
    this.version = new SecretsmanagerSecretVersion(this, "version", {
      secretId: secret.id,
      secretStringWo: `\${ephemeral.aws_secretsmanager_random_password.${ephemeralName}.random_password}`,
      secretStringWoVersion: props.version ?? 1,
    });
    this.secretArn = secret.arn;
    this.secretName = secret.name;
    this.secretId = secret.id;
  }

  /** Lets a role read the value (GetSecretValue on this secret, and decrypt with its key). */
  public grantRead(grantee: IGrantable): void {
    grantee.addToPolicy({
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      resources: [this.secretArn],
    });
    this.key.grantDecrypt(grantee);
  }

  /**
   * The value, for an AWS argument that must receive it (e.g. ElastiCache auth_token). It is read at
   * apply time through a data source, so it is in the (encrypted) state but never in the JSON.
   */
  public valueForResourceArgument(): string {
    this.value ??= new DataAwsSecretsmanagerSecretVersion(this, "current", {
      secretId: this.secretId,
      dependsOn: [this.version],
    }).secretString;
    return this.value;
  }
}
