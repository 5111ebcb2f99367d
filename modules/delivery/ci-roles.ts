import type { PolicyStatement } from "../../lib/iam";
import { BOOTSTRAP_STATE_KEY, REGION, namePrefix, stateKey } from "../../lib/naming";
import { GITHUB_OIDC_HOST, STS_AUDIENCE } from "./constants";

/** Web-identity trust: exactly one repository and GitHub environment, audience sts.amazonaws.com. */
export function githubTrustPolicy(
  providerArn: string,
  owner: string,
  repository: string,
  environment: string,
): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GithubActionsEnvironment",
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: `repo:${owner}/${repository}:environment:${environment}`,
          },
        },
      },
    ],
  });
}

/**
 * What a plan needs beyond ReadOnlyAccess: the environment's secrets that the stack reads at plan time
 * (the Redis AUTH token data source) and the random-password ephemeral resources, which Terraform opens
 * during plan. Secrets are limited to this environment's `<prefix>/` names.
 */
export function planStatements(accountId: string, environment: string): PolicyStatement[] {
  const prefix = namePrefix(environment);
  return [
    {
      sid: "ReadEnvironmentSecrets",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [`arn:aws:secretsmanager:${REGION}:${accountId}:secret:${prefix}/*`],
    },
    {
      sid: "DecryptSecretsThroughSecretsManager",
      actions: ["kms:Decrypt"],
      resources: [`arn:aws:kms:${REGION}:${accountId}:key/*`],
      conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` } },
    },
    { sid: "GenerateRandomPasswords", actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] },
  ];
}

/**
 * ReadOnlyAccess reads every S3 object and the CI roles may use the state key, so without this deny a
 * role could read the bootstrap stack's state and the other environments' (and must never write them):
 * every state key in the bucket but `environment`'s own, with its lock file, is denied outright.
 */
export function otherStatesDeny(
  stateBucketArn: string,
  environment: string,
  environments: readonly string[],
): PolicyStatement {
  const others = [BOOTSTRAP_STATE_KEY, ...environments.filter((e) => e !== environment).map(stateKey)];
  return {
    sid: "DenyOtherStates",
    effect: "Deny",
    actions: ["s3:*"],
    resources: others.map((key) => `${stateBucketArn}/${key}*`),
  };
}
