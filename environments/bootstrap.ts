import type { BootstrapInput } from "./schema";

/**
 * The bootstrap stack: which GitHub repository may deploy (its OIDC tokens are trusted only for
 * `repo:<owner>/<repository>:environment:<env>`). Every registered environment (environments/registry.ts)
 * gets CI roles; set `environments: [...]` here only to narrow that list.
 */
export const bootstrap: BootstrapInput = {
  github: { owner: "air-applied-ai", repository: "infrastructure", createOidcProvider: true },
};
