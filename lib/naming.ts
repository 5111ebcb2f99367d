export const PROJECT = "air-applied-ai";
export const REGION = "us-east-2";

/** Bucket holding every environment's state (created by the bootstrap stack). */
export const STATE_BUCKET = `${PROJECT}-terraform-state`;

/**
 * The state bucket of one account. S3 bucket names are global, so when the environments live in several
 * accounts (account-per-environment), each account's bucket carries its account id:
 * `air-applied-ai-terraform-state-<account>`. With one account (`perAccount` undefined) it is STATE_BUCKET.
 */
export function stateBucketName(perAccount?: string): string {
  return perAccount === undefined ? STATE_BUCKET : `${STATE_BUCKET}-${perAccount}`;
}

/** Key of an environment's state in the state bucket (its lock file is `<key>.tflock`). */
export function stateKey(environment: string): string {
  return `${environment}/terraform.tfstate`;
}

/** Key of the bootstrap stack's own state once it lives in the bucket (environments/bootstrap.ts `state: "s3"`). */
export const BOOTSTRAP_STATE_KEY = stateKey("bootstrap");

/** The environment whose physical names are the seed's, unchanged. */
export const SEED_ENVIRONMENT = "prod";

/**
 * THE naming rule for every physical resource name: `<project>[-<env>]-<component>`.
 * prod keeps the seed's names exactly (air-applied-ai-cluster, air-applied-ai-raw-data, ...); every
 * other environment inserts its name after the project (air-applied-ai-dev-cluster,
 * air-applied-ai-staging-raw-data). Hierarchical names use the prefix as their first segment
 * (`/air-applied-ai-dev/ecs/api`, `air-applied-ai-dev/qdrant-api-key`).
 */
export function namePrefix(environment: string): string {
  return environment === SEED_ENVIRONMENT ? PROJECT : `${PROJECT}-${environment}`;
}

/** `<prefix>-<component>`: the physical name of one resource (see namePrefix). */
export function physicalName(prefix: string, component: string): string {
  return `${prefix}-${component}`;
}

/**
 * The permissions boundary every role of the environment stacks carries: a customer managed policy
 * created by the bootstrap stack (an administrator applies it, so CI can neither create nor change it).
 * The CI deploy roles may create and change roles only with exactly this boundary.
 */
export const WORKLOAD_BOUNDARY_NAME = `${PROJECT}-workload-boundary`;

/** ARN of WORKLOAD_BOUNDARY_NAME in an account. */
export function workloadBoundaryArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:policy/${WORKLOAD_BOUNDARY_NAME}`;
}
