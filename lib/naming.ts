import type { EnvironmentName } from "../environments/schema";

export const PROJECT = "air-applied-ai";
export const REGION = "us-east-2";

/** prod uses the seed's names exactly; other environments append -<env>. */
export function envName(environment: EnvironmentName, base: string): string {
  return environment === "prod" ? base : `${base}-${environment}`;
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
