import type { EnvironmentName } from "../environments/schema";

export const PROJECT = "air-applied-ai";
export const REGION = "us-east-2";

/** prod uses the seed's names exactly; other environments append -<env>. */
export function envName(environment: EnvironmentName, base: string): string {
  return environment === "prod" ? base : `${base}-${environment}`;
}
