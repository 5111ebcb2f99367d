import type { BootstrapInput } from "./schema";

/**
 * The bootstrap stack: which GitHub repository may deploy (its OIDC tokens are trusted only for
 * `repo:<owner>/<repository>:environment:<env>`), and the environments that get CI roles.
 */
export const bootstrap: BootstrapInput = {
  github: { owner: "air-applied-ai", repository: "infrastructure", createOidcProvider: true },
  environments: ["dev", "staging", "prod"],
};
