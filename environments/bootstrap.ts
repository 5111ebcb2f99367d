import type { BootstrapInput } from "./schema";

/**
 * The bootstrap stack: which GitHub repository may plan and deploy (its OIDC tokens are trusted only for
 * `repo:<owner>/<repository>:environment:<env>-plan` (plan roles) and `...:environment:<env>` (deploy
 * roles)). Every registered environment (environments/registry.ts) of this account gets CI roles; set
 * `environments: [...]` here only to narrow that list. docs/deploy.md describes each setting.
 */
export const bootstrap: BootstrapInput = {
  github: { owner: "air-applied-ai", repository: "infrastructure", createOidcProvider: true },
  // "local" for the first apply (the bucket does not exist yet), then "s3" and
  // `terraform init -migrate-state` (docs/deploy.md, "Keep the bootstrap state safe").
  state: "local",
  // One bootstrap per account when the environments pin several accounts (docs/deploy.md):
  // awsAccountId: "<12-digit account id>",
};
