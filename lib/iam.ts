/**
 * IAM policy documents as plain JSON strings (not Fn.jsonencode), so checkov and our policy pack can
 * read them in the synthesized JSON.
 */
export type Conditions = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  readonly sid?: string;
  /** @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** Resource policies only: { Service: [...] } or { AWS: [...] } or "*". */
  readonly principals?: Record<string, string | readonly string[]> | "*";
  readonly conditions?: Conditions;
}

/** Something IAM permissions can be granted to (a role). Grant methods on resources take one. */
export interface IGrantable {
  addToPolicy(statement: PolicyStatement): void;
}

/**
 * A secret a client reads at start: the environment variable it lands in, where it lives, and the grant
 * that lets a role read exactly it. Data tiers offer one (`cache.clientSecret`); the service takes a list.
 */
export interface SecretBinding {
  /** Environment variable name inside the container, e.g. REDIS_AUTH_TOKEN. */
  readonly name: string;
  /** Secrets Manager secret ARN (optionally `:<json-key>::`) or SSM parameter ARN. */
  readonly valueFrom: string;
  /** Grants a role read access to exactly this secret. */
  readonly grantRead: (grantee: IGrantable) => void;
}

function one<T>(values: readonly T[]): T | readonly T[] {
  return values.length === 1 ? values[0] : values;
}

export function renderStatement(s: PolicyStatement): Record<string, unknown> {
  return {
    ...(s.sid ? { Sid: s.sid } : {}),
    Effect: s.effect ?? "Allow",
    ...(s.principals
      ? {
          Principal:
            s.principals === "*"
              ? "*"
              : Object.fromEntries(
                  Object.entries(s.principals).map(([k, v]) => [k, typeof v === "string" ? v : one(v)]),
                ),
        }
      : {}),
    Action: one(s.actions),
    Resource: one(s.resources),
    ...(s.conditions ? { Condition: s.conditions } : {}),
  };
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements.map(renderStatement) });
}

/** Trust policy for an AWS service principal, confined to our account (confused-deputy guard). */
export function serviceTrustPolicy(service: string, accountId: string): string {
  return policyDocument([
    {
      actions: ["sts:AssumeRole"],
      resources: [],
      principals: { Service: service },
      conditions: { StringEquals: { "aws:SourceAccount": accountId } },
    },
  ]).replace(/,"Resource":\[\]/g, "");
}

/**
 * Trust for an AWS service without source conditions: EC2 (instance profiles), AWS Backup and the ECS
 * infrastructure role are assumed without aws:SourceAccount/SourceArn context, so those conditions
 * would break them.
 */
export function plainServiceTrustPolicy(service: string): string {
  return policyDocument([
    { actions: ["sts:AssumeRole"], resources: [], principals: { Service: service } },
  ]).replace(/,"Resource":\[\]/g, "");
}

/** Deny any request that does not use TLS (S3 bucket / SQS queue policies). */
export function denyInsecureTransport(actionPrefix: string, resources: readonly string[]): PolicyStatement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    principals: "*",
    actions: [`${actionPrefix}:*`],
    resources,
    conditions: { Bool: { "aws:SecureTransport": "false" } },
  };
}
