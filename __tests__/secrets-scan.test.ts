import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { type SecretFinding, formatFindings, scanFile, scanJson, scanText } from "../tools/secret-scan";
import { synthAll } from "./helpers/synth";

// Fake secret material is assembled at run time, so this file holds nothing that looks like a secret.
const repeat = (chars: string, length: number) =>
  chars.repeat(Math.ceil(length / chars.length)).slice(0, length);
const FAKE = {
  accessKeyId: "AK" + "IA" + repeat("EXAMPLE7", 16),
  sessionKeyId: "AS" + "IA" + repeat("EXAMPLE3", 16),
  secretAccessKey: repeat("wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", 40),
  privateKeyHeader: "-----BEGIN " + "RSA PRIVATE" + " KEY-----",
  opensshKeyHeader: "-----BEGIN " + "OPENSSH PRIVATE" + " KEY-----",
  githubClassic: "gh" + "p_" + repeat("aB3dE5gH7jK9mN1pQ", 36),
  githubOauth: "gh" + "o_" + repeat("Zy8Xw6Vu4Ts2", 36),
  githubFineGrained: "github" + "_pat_" + repeat("11ABCDEFG0_abcdefgh", 82),
  slackBot: "xo" + "xb-" + repeat("1234567890", 12) + "-" + repeat("AbCdEf", 24),
  slackWebhook: "https://hooks.slack" + ".com/services/" + "T0000000/B0000000/" + repeat("XyZ", 24),
  password: "Corr3ct-" + "Horse-Battery",
  randomToken: repeat("q8Fz2LmP0vXc7RtY", 48),
};

const rules = (findings: SecretFinding[]) => [...new Set(findings.map((f) => f.rule))].sort();

describe("scanner detects each kind of secret material", () => {
  test.each([
    ["an AWS access key id (AKIA)", `key id ${FAKE.accessKeyId} here`, "aws-access-key-id"],
    ["an AWS session key id (ASIA)", `"${FAKE.sessionKeyId}"`, "aws-access-key-id"],
    [
      "an AWS secret access key next to aws_secret",
      `aws_secret_access_key = ${FAKE.secretAccessKey}`,
      "aws-secret-access-key",
    ],
    ["an RSA private key", `${FAKE.privateKeyHeader}\nMIIE...`, "private-key"],
    ["an OpenSSH private key", `${FAKE.opensshKeyHeader}\nb3Bl...`, "private-key"],
    ["a GitHub classic token (ghp_)", `token: ${FAKE.githubClassic}`, "github-token"],
    ["a GitHub OAuth token (gho_)", FAKE.githubOauth, "github-token"],
    ["a GitHub fine-grained token (github_pat_)", FAKE.githubFineGrained, "github-fine-grained-token"],
    ["a Slack bot token", `SLACK=${FAKE.slackBot}`, "slack-token"],
    ["a Slack webhook", FAKE.slackWebhook, "slack-webhook"],
    ["credentials in a URL", `rediss://default:${FAKE.password}@cache.local:6379`, "url-credentials"],
    ["a password assignment in a script", `export DB_PASSWORD=${FAKE.password}`, "assigned-secret"],
  ])("%s", (_what, text, rule) => {
    const findings = scanText(text, "fake.txt");
    expect(rules(findings)).toContain(rule);
    // The report masks the secret.
    for (const f of findings) expect(f.excerpt).not.toContain(FAKE.password);
  });

  test("literal values under password/secret/token/api_key keys, anywhere in a JSON document", () => {
    const doc = {
      resource: {
        aws_db_instance: { db: { password: FAKE.password } },
        aws_elasticache_replication_group: { redis: { auth_token: FAKE.randomToken } },
        aws_thing: { x: { settings: { api_key: FAKE.password, client_secret: FAKE.password } } },
      },
    };
    const findings = scanJson(doc, "stack");
    expect(findings.map((f) => f.location).sort()).toEqual([
      "stack.resource.aws_db_instance.db.password",
      "stack.resource.aws_elasticache_replication_group.redis.auth_token",
      "stack.resource.aws_thing.x.settings.api_key",
      "stack.resource.aws_thing.x.settings.client_secret",
    ]);
    // A random token is reported as high entropy.
    expect(findings.find((f) => f.location.endsWith("auth_token"))!.rule).toBe("high-entropy-secret-value");
  });

  test("secrets inside JSON documents embedded in strings, e.g. ECS container environment variables", () => {
    const containerDefinitions = JSON.stringify([
      {
        name: "api",
        environment: [
          { name: "LOG_LEVEL", value: "info-and-above" },
          { name: "QDRANT_API_KEY", value: FAKE.randomToken },
        ],
      },
    ]);
    const findings = scanJson(
      { resource: { aws_ecs_task_definition: { t: { container_definitions: containerDefinitions } } } },
      "stack",
    );
    expect(findings).toHaveLength(1);
    expect(findings[0].location).toBe(
      "stack.resource.aws_ecs_task_definition.t.container_definitions<json>[0].environment[1].value",
    );
  });

  test("pattern rules also fire inside JSON string values and files", () => {
    const file = JSON.stringify({
      resource: { aws_instance: { q: { user_data: `#!/bin/sh\nexport K=${FAKE.accessKeyId}` } } },
    });
    expect(rules(scanFile(file, "cdk.tf.json"))).toEqual(["aws-access-key-id"]);
    const keyed = JSON.stringify({ aws_secret_access_key: FAKE.secretAccessKey });
    expect(rules(scanFile(keyed, "creds.json"))).toEqual([
      "aws-secret-access-key",
      "high-entropy-secret-value",
    ]);
  });
});

describe("scanner allows references to secrets", () => {
  test.each([
    [
      "a secret version data source",
      { auth_token: "${data.aws_secretsmanager_secret_version.x.secret_string}" },
    ],
    [
      "an ephemeral value",
      { secret_string_wo: "${ephemeral.aws_secretsmanager_random_password.p.random_password}" },
    ],
    [
      "a secret ARN under a secret-looking key",
      { secret_arn: "arn:aws:secretsmanager:us-east-2:123456789012:secret:x" },
    ],
    [
      "a container secret taken from Secrets Manager",
      { secrets: [{ name: "REDIS_AUTH_TOKEN", valueFrom: "${aws_secretsmanager_secret.s.arn}" }] },
    ],
    ["a reference with a literal suffix", { api_key: "${aws_secretsmanager_secret.s.arn}:key::" }],
    [
      "IAM condition keys and ARNs that mention tokens and secrets",
      {
        policy: JSON.stringify({
          Statement: [
            {
              Action: "secretsmanager:GetSecretValue",
              Resource: "arn:aws:secretsmanager:us-east-2:123456789012:secret:air-applied-ai/*",
              Condition: {
                StringEquals: {
                  "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                  "token.actions.githubusercontent.com:sub": "repo:example-org/example-repo:environment:prod",
                },
              },
            },
          ],
        }),
      },
    ],
    [
      "settings named like secrets",
      { auth_token_update_strategy: "SET", http_tokens: "required", password_length: 64 },
    ],
    [
      "a shell expansion in a script",
      {
        user_data: 'API_KEY=$(aws secretsmanager get-secret-value --secret-id "$ARN")\nTOKEN=$TOKEN_FROM_ENV',
      },
    ],
  ])("%s", (_what, doc) => {
    expect(formatFindings(scanJson(doc, "doc"))).toBe("");
  });
});

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("synthesized output holds no secret material", () => {
  const stacks = synthAll();

  test.each(Object.keys(stacks))("%s stack", (name) => {
    expect(formatFindings(scanJson(stacks[name], name))).toBe("");
  });

  test("the scan is not vacuous: secrets are wired by reference in the synthesized stacks", () => {
    const prod = JSON.stringify(stacks.prod);
    expect(prod).toMatch(
      /"auth_token":"\$\{data\.aws_secretsmanager_secret_version\.[^"]+\.secret_string\}"/,
    );
    expect(rules(scanJson({ ...stacks.prod, planted: { password: FAKE.password } }, "prod"))).toEqual([
      "literal-secret-value",
    ]);
  });

  // The run's synthesis (global-setup.ts): the same App and stacks as npm run synth, whose synthesize()
  // only moves those files into place (stacks/app.ts, publish).
  test("every file a synth writes (and cdktf.out, if present)", () => {
    const outdir = process.env.AAI_TEST_STACKS_DIR!;
    const dirs = [outdir, ...(existsSync("cdktf.out") ? ["cdktf.out"] : [])];
    const files = dirs.flatMap(filesUnder);
    expect(files.filter((f) => f.endsWith("cdk.tf.json")).length).toBeGreaterThanOrEqual(4);
    const findings = files.flatMap((f) => scanFile(readFileSync(f, "utf8"), relative(outdir, f)));
    expect(formatFindings(findings)).toBe("");
  });
});
