import {
  NOT_APPLICABLE,
  type IamStatement,
  type Rule,
  type StackDoc,
  type TfResource,
  asList,
  blocks,
  parsePolicy,
} from "../engine";

/** GitHub Actions' OIDC issuer host: the prefix of its condition keys. */
const GITHUB = "token.actions.githubusercontent.com";
const SUB = `${GITHUB}:sub`;
const AUD = `${GITHUB}:aud`;
/** Claims a sub condition must not start with (checkov CKV_AWS_358 / CKV_AWS_393). */
const UNSCOPED_CLAIMS = ["workflow", "environment", "ref", "context", "head_ref", "base_ref"];
/** `repo:<owner>/<repository>:environment:<name>`, no wildcards. */
const PINNED_SUB = /^repo:[A-Za-z0-9-]+\/[A-Za-z0-9._-]+:environment:[A-Za-z0-9._-]+$/;
/** AWS managed policies that grant administrator-equivalent access. */
const ADMIN_POLICIES = [
  "arn:aws:iam::aws:policy/AdministratorAccess",
  "arn:aws:iam::aws:policy/IAMFullAccess",
  "arn:aws:iam::aws:policy/PowerUserAccess",
];

/** True when `principal` names GitHub's OIDC provider: literally, or by a reference to one in the stack. */
function isGithubProvider(principal: string, stack: StackDoc): boolean {
  if (principal.includes(GITHUB)) return true;
  return stack.resources.some(
    (r) =>
      r.type === "aws_iam_openid_connect_provider" && // a resource or a data source of that type
      String(r.values.url ?? "").includes(GITHUB) &&
      principal.includes(`${r.address}.arn`),
  );
}

/** Web-identity statements of a trust policy that admit GitHub Actions tokens. */
function githubStatements(role: TfResource, stack: StackDoc): IamStatement[] {
  return (parsePolicy(role.values.assume_role_policy) ?? []).filter(
    (s) =>
      s.Effect === "Allow" &&
      asList(s.Action).includes("sts:AssumeRoleWithWebIdentity") &&
      typeof s.Principal === "object" &&
      asList(s.Principal.Federated).some((p) => isGithubProvider(p, stack)),
  );
}

/** Values of a condition key across every operator, with the operators that carry it. */
function conditionValues(s: IamStatement, key: string): { operator: string; values: string[] }[] {
  return Object.entries(s.Condition ?? {})
    .filter(([, byKey]) => key in byKey)
    .map(([operator, byKey]) => ({ operator, values: asList(byKey[key]) }));
}

/** checkov's test of a GitHub `sub` value: scoped to a repository, not a wildcard. */
export function subProblem(value: string): string | undefined {
  if (value === "*") return `sub "${value}" admits every repository`;
  if (!value.includes(":")) return `sub "${value}" has no claim (expected repo:<owner>/<repo>:...)`;
  if (/^[^:]+:\*$/.test(value)) return `sub "${value}" admits every value of its claim`;
  const claim = value.split(":")[0];
  if (UNSCOPED_CLAIMS.includes(claim))
    return `sub "${value}" starts with "${claim}", which any repository's token can carry`;
  if (claim === "repo" && !/^repo:[^/:]+\/[^/:]+/.test(value))
    return `sub "${value}" does not name an owner/repository`;
  return undefined;
}

function checkSub(statements: IamStatement[]): true | string {
  for (const s of statements) {
    const subs = conditionValues(s, SUB);
    if (subs.length === 0) return `no condition on ${SUB}: any GitHub repository could assume the role`;
    for (const value of subs.flatMap((c) => c.values)) {
      const problem = subProblem(value);
      if (problem) return problem;
    }
  }
  return true;
}

const TRUST_ROLE = ["aws_iam_role"];

export const oidcRules: Rule[] = [
  {
    id: "CKV_AWS_393",
    description:
      "Roles trusting GitHub Actions' OIDC provider restrict token.actions.githubusercontent.com:sub to a repository",
    severity: "CRITICAL",
    fix: 'Add Condition StringEquals "token.actions.githubusercontent.com:sub": "repo:<owner>/<repo>:environment:<env>".',
    resourceTypes: TRUST_ROLE,
    check: (role, stack) => {
      const statements = githubStatements(role, stack);
      return statements.length === 0 ? NOT_APPLICABLE : checkSub(statements);
    },
  },
  {
    id: "CKV_AWS_358",
    description:
      "IAM policy documents trusting GitHub Actions' OIDC provider restrict the sub claim to a repository",
    severity: "CRITICAL",
    fix: 'Add a condition on "token.actions.githubusercontent.com:sub" with repo:<owner>/<repo>:... values.',
    resourceTypes: ["aws_iam_policy_document"],
    check: (doc) => {
      for (const st of blocks(doc.values.statement)) {
        const federated = blocks(st.principals).some(
          (p) => p.type === "Federated" && JSON.stringify(p.identifiers ?? "").includes("oidc-provider"),
        );
        if (!federated || !asList(st.actions).includes("sts:AssumeRoleWithWebIdentity")) continue;
        const subs = blocks(st.condition).filter((c) => c.variable === SUB);
        if (subs.length === 0) return `no condition on ${SUB}`;
        for (const value of subs.flatMap((c) => asList<string>(c.values))) {
          const problem = subProblem(value);
          if (problem) return problem;
        }
      }
      return true;
    },
  },
  {
    id: "AAI-OIDC-001",
    description: "GitHub OIDC trust requires the audience sts.amazonaws.com (StringEquals on :aud)",
    severity: "HIGH",
    fix: 'Add Condition StringEquals "token.actions.githubusercontent.com:aud": "sts.amazonaws.com".',
    resourceTypes: TRUST_ROLE,
    check: (role, stack) => {
      const statements = githubStatements(role, stack);
      if (statements.length === 0) return NOT_APPLICABLE;
      for (const s of statements) {
        const aud = conditionValues(s, AUD);
        const exact = aud.some(
          (c) =>
            c.operator === "StringEquals" && c.values.length === 1 && c.values[0] === "sts.amazonaws.com",
        );
        if (!exact) return `aud is ${JSON.stringify(aud)}, not StringEquals sts.amazonaws.com`;
      }
      return true;
    },
  },
  {
    id: "AAI-OIDC-002",
    description:
      "GitHub OIDC trust pins one repository and one GitHub environment exactly (StringEquals, no wildcards)",
    severity: "HIGH",
    fix: "Trust StringEquals sub = repo:<owner>/<repo>:environment:<env> only (modules/delivery githubTrustPolicy).",
    resourceTypes: TRUST_ROLE,
    check: (role, stack) => {
      const statements = githubStatements(role, stack);
      if (statements.length === 0) return NOT_APPLICABLE;
      for (const s of statements) {
        for (const { operator, values } of conditionValues(s, SUB)) {
          if (operator !== "StringEquals") return `sub is matched with ${operator}, not StringEquals`;
          const loose = values.find((v) => !PINNED_SUB.test(v));
          if (loose) return `sub "${loose}" is not repo:<owner>/<repo>:environment:<env>`;
        }
      }
      return true;
    },
  },
  {
    id: "AAI-OIDC-003",
    description:
      "The GitHub OIDC provider is https://token.actions.githubusercontent.com with client id sts.amazonaws.com only",
    severity: "MEDIUM",
    fix: 'url = "https://token.actions.githubusercontent.com", client_id_list = ["sts.amazonaws.com"].',
    resourceTypes: ["aws_iam_openid_connect_provider"],
    check: (p) => {
      if (p.mode === "data" || !String(p.values.url ?? "").includes(GITHUB)) return NOT_APPLICABLE;
      if (p.values.url !== `https://${GITHUB}`) return `url is ${p.values.url}`;
      const ids = asList<string>(p.values.client_id_list);
      return (
        (ids.length === 1 && ids[0] === "sts.amazonaws.com") || `client_id_list is ${JSON.stringify(ids)}`
      );
    },
  },
  {
    id: "CKV_AWS_274",
    controls: ["IAM.1"],
    description:
      "No role, user or group has AdministratorAccess (or IAMFullAccess / PowerUserAccess) attached",
    severity: "CRITICAL",
    fix: "Grant the actions the role needs (modules/delivery scopes the CI deploy roles by service and name).",
    resourceTypes: [
      "aws_iam_role_policy_attachment",
      "aws_iam_user_policy_attachment",
      "aws_iam_group_policy_attachment",
      "aws_iam_policy_attachment",
    ],
    check: (a) => (ADMIN_POLICIES.includes(a.values.policy_arn) ? `attaches ${a.values.policy_arn}` : true),
  },
];
