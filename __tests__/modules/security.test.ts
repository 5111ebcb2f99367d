import { Construct } from "constructs";
import { KmsKey as KmsKeyResource } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKey } from "../../modules/security/kms-key";
import { GeneratedSecret } from "../../modules/security/generated-secret";
import { SecurityGroup } from "../../modules/security/security-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { PermissionsBoundary, ServiceRole } from "../../modules/security/service-role";
import { evaluate } from "../../policies/engine";
import { kmsRules } from "../../policies/rules/kms";
import { testAccount } from "../helpers/fixtures";
import { stackDoc, synthScope, valuesOf } from "../helpers/synth";

/*
 * The construct layer only (design-seams change 7: synthScope, GIVEN/WHEN/THEN). The project key as each
 * environment configures it is pinned on the committed stacks in __tests__/stacks/environment.test.ts
 * (rotation, deletion window, prevent_destroy per environment) and __tests__/destroy-protection.test.ts,
 * and the roles' permissions boundary in __tests__/stacks/bootstrap-ci.test.ts, so no prod or
 * per-environment layer repeats them here.
 */

describe("KmsKey", () => {
  const stack = synthScope((scope) => {
    // GIVEN a stack in ACCOUNT and a role
    testAccount(scope);
    const role = new ServiceRole(scope, "role", {
      roleName: "r",
      description: "d",
      servicePrincipal: "ecs-tasks.amazonaws.com",
    });
    // WHEN a protected key admits CloudWatch Logs (twice) and SNS, and grants the role Decrypt
    const key = new KmsKey(scope, "kms", {
      alias: "app",
      description: "d",
      preventDestroy: true,
    });
    key.allowCloudWatchLogs();
    key.allowCloudWatchLogs(); // idempotent
    key.allowService("AllowSns", "sns.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey*"]);
    key.grantDecrypt(role);
  });
  const key = valuesOf(stack, "aws_kms_key")[0];
  const statements = JSON.parse(key.policy).Statement;

  test("rotation, deletion window, alias and prevent_destroy", () => {
    // THEN
    expect(JSON.stringify(stack)).toHaveResourceWithProperties(KmsKeyResource, {
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
    expect(key.lifecycle).toEqual({ prevent_destroy: true });
    expect(valuesOf(stack, "aws_kms_alias")[0].name).toBe("alias/app");
  });

  test("policy admits the account root and exactly the registered service principals", () => {
    // THEN
    expect(statements.map((s: { Sid: string }) => s.Sid)).toEqual([
      "AccountRootAdministers",
      "AllowCloudWatchLogs",
      "AllowSns",
    ]);
    expect(statements[0].Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
    expect(statements[1].Principal).toEqual({ Service: "logs.us-east-2.amazonaws.com" });
    expect(statements[1].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toBe(
      "arn:aws:logs:us-east-2:123456789012:log-group:*",
    );
    expect(statements.some((s: { Principal: unknown }) => s.Principal === "*")).toBe(false);
  });

  test("service statements are confined to the account: aws:SourceAccount by default, the logs ARN context for logs", () => {
    // THEN
    expect(statements[2].Principal).toEqual({ Service: "sns.amazonaws.com" });
    expect(statements[2].Condition).toEqual({ StringEquals: { "aws:SourceAccount": "123456789012" } });
    for (const s of statements.filter((x: any) => x.Principal.Service))
      expect([s.Sid, Object.keys(s.Condition ?? {}).length > 0]).toEqual([s.Sid, true]);
    const findings = evaluate(stackDoc("test", stack), kmsRules, []).filter(
      (f) => f.rule.id === "AAI-KMS-003",
    );
    expect(findings.map((f) => f.status)).toEqual(["passed"]);
  });

  test("allowService refuses empty conditions", () => {
    // GIVEN a key
    // WHEN it admits a service with no conditions
    const open = () =>
      synthScope((scope) =>
        new KmsKey(scope, "k", { alias: "a", description: "d" }).allowService(
          "Open",
          "sns.amazonaws.com",
          ["kms:Decrypt"],
          {},
        ),
      );
    // THEN
    expect(open).toThrow(/allowService\("Open", "sns.amazonaws.com"\): conditions must not be empty/);
  });

  test("grants name the key ARN, not *", () => {
    // THEN
    const policy = JSON.parse(valuesOf(stack, "aws_iam_role_policy")[0].policy);
    expect(policy.Statement[0].Resource).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
  });

  test("rejects a deletion window outside 7-30 days", () => {
    // GIVEN a stack
    // WHEN a key asks for a 3-day window
    const short = () =>
      synthScope((s) => new KmsKey(s, "k", { alias: "a", description: "d", deletionWindowInDays: 3 }));
    // THEN
    expect(short).toThrow(/7-30/);
  });
});

describe("ServiceRole", () => {
  test("trust policy confines the service to the account; no policy until something is granted", () => {
    const stack = synthScope((scope) => {
      // GIVEN a stack in ACCOUNT
      testAccount(scope);
      // WHEN a role for a service is made and granted nothing
      new ServiceRole(scope, "role", {
        roleName: "r",
        description: "d",
        servicePrincipal: "vpc-flow-logs.amazonaws.com",
      });
    });
    // THEN
    const trust = JSON.parse(valuesOf(stack, "aws_iam_role")[0].assume_role_policy);
    expect(trust.Statement[0]).toEqual({
      Effect: "Allow",
      Principal: { Service: "vpc-flow-logs.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
    expect(valuesOf(stack, "aws_iam_role_policy")).toHaveLength(0);
  });

  test("rejects statements without resources and over-long names", () => {
    // GIVEN a stack
    // WHEN a role is granted a statement without resources, or a role is named with 65 characters
    const noResources = () =>
      synthScope((scope) => {
        const role = new ServiceRole(scope, "role", {
          roleName: "r",
          description: "d",
          servicePrincipal: "x",
        });
        role.addToPolicy({ actions: ["s3:GetObject"], resources: [] });
      });
    const longName = () =>
      synthScope(
        (s) =>
          new ServiceRole(s, "r", {
            roleName: "x".repeat(65),
            description: "d",
            servicePrincipal: "x",
          }),
      );
    // THEN
    expect(noResources).toThrow(/name its resources/);
    expect(longName).toThrow(/64/);
  });

  test("permissionsBoundary: none by default; the prop, or PermissionsBoundary.of(scope), sets it on every role", () => {
    // GIVEN
    const BOUNDARY = "arn:aws:iam::123456789012:policy/air-applied-ai-workload-boundary";
    const role = (scope: Construct, id: string, permissionsBoundary?: string) =>
      new ServiceRole(scope, id, {
        roleName: id,
        description: "d",
        servicePrincipal: "ecs-tasks.amazonaws.com",
        permissionsBoundary,
      });
    // WHEN a role is made without a boundary, and roles are made in a scope with one
    const plain = synthScope((scope) => role(scope, "plain"));
    const bounded = synthScope((scope) => {
      PermissionsBoundary.of(scope).apply(BOUNDARY);
      role(scope, "a");
      role(new Construct(scope, "nested"), "b"); // roles deep inside modules too
      new IamRole(scope, "raw", { name: "raw", assumeRolePolicy: "{}" }); // and roles not made by ServiceRole
      role(scope, "explicit", "arn:aws:iam::123456789012:policy/other"); // an explicit boundary is kept
    });
    // THEN
    expect(valuesOf(plain, "aws_iam_role")[0].permissions_boundary).toBeUndefined();
    expect(
      Object.fromEntries(valuesOf(bounded, "aws_iam_role").map((r) => [r.name, r.permissions_boundary])),
    ).toEqual({
      a: BOUNDARY,
      b: BOUNDARY,
      raw: BOUNDARY,
      explicit: "arn:aws:iam::123456789012:policy/other",
    });
  });
});

describe("GeneratedSecret", () => {
  const stack = synthScope((scope) => {
    // GIVEN a key
    const key = new KmsKey(scope, "kms", { alias: "k", description: "d" });
    // WHEN a secret is generated under it
    new GeneratedSecret(scope, "api-key", { secretName: "app/api-key", description: "d", key });
  });

  test("the value is generated by an ephemeral resource into the write-only attribute, never as a literal", () => {
    // THEN
    const [generator] = Object.values(stack.ephemeral.aws_secretsmanager_random_password) as any[];
    const version = valuesOf(stack, "aws_secretsmanager_secret_version")[0];
    expect(version.secret_string).toBeUndefined();
    expect(version.secret_string_wo).toMatch(
      /^\$\{ephemeral\.aws_secretsmanager_random_password\..+\.random_password\}$/,
    );
    expect(version.secret_string_wo_version).toBe(1);
    expect(generator.password_length).toBe(64);
  });

  test("adds no Secrets Manager service statement to the key policy (it uses the caller's credentials)", () => {
    // THEN
    const statements = JSON.parse(valuesOf(stack, "aws_kms_key")[0].policy).Statement;
    expect(statements.map((s: { Sid: string }) => s.Sid)).toEqual(["AccountRootAdministers"]);
    expect(JSON.stringify(statements)).not.toContain("secretsmanager.amazonaws.com");
  });

  test("by default never generates characters that templating, shells or URLs would mangle ($ { } % ` quotes)", () => {
    // THEN
    const [generator] = Object.values(stack.ephemeral.aws_secretsmanager_random_password) as any[];
    for (const c of ["$", "{", "}", "%", "`", '"', "'", "@", "/", "\\", " "])
      expect(generator.exclude_characters).toContain(c);
  });
});

describe("SecurityGroup connections", () => {
  const group = (scope: Construct, id: string, peerName: string, defaultPorts: number[] = []) =>
    new SecurityGroup(scope, id, { vpcId: "vpc-1", name: id, description: id, peerName, defaultPorts });
  const ruleIds = (stack: any, type: string) => Object.keys(stack.resource[type] ?? {}).sort();

  test("allowTo writes egress on one side and ingress on the other, with ids from peer and port", () => {
    // GIVEN
    const stack = synthScope((scope) => {
      const app = group(scope, "app", "api");
      const db = group(scope, "db", "qdrant", [6333, 6334]);
      // WHEN
      app.connections.allowTo(db);
    });
    // THEN
    expect(ruleIds(stack, "aws_vpc_security_group_egress_rule")).toEqual([
      expect.stringMatching(/^app_to-qdrant-6333_/),
      expect.stringMatching(/^app_to-qdrant-6334_/),
    ]);
    expect(ruleIds(stack, "aws_vpc_security_group_ingress_rule")).toEqual([
      expect.stringMatching(/^db_from-api-6333_/),
      expect.stringMatching(/^db_from-api-6334_/),
    ]);
  });

  test("repeated and reordered calls create the same rules (idempotent, order-independent)", () => {
    const build = (order: "ab" | "ba") =>
      synthScope((scope) => {
        // GIVEN three groups
        const a = group(scope, "a", "alb");
        const b = group(scope, "b", "api", [8000]);
        const c = group(scope, "c", "collector");
        // WHEN each connection is made twice, in either order, and one ingress is allowed twice
        const calls = [() => a.connections.allowTo(b), () => c.connections.allowTo(b, [8000])];
        for (const call of order === "ab" ? calls : [...calls].reverse()) {
          call();
          call();
        }
        b.allowIngress({ cidr: "0.0.0.0/0" }, 443, "HTTPS");
        b.allowIngress({ cidr: "0.0.0.0/0" }, 443, "HTTPS again");
      });
    const ab = build("ab");
    // THEN
    expect(ruleIds(ab, "aws_vpc_security_group_ingress_rule")).toEqual(
      ruleIds(build("ba"), "aws_vpc_security_group_ingress_rule"),
    );
    expect(ruleIds(ab, "aws_vpc_security_group_ingress_rule")).toEqual([
      expect.stringMatching(/^b_from-alb-8000_/),
      expect.stringMatching(/^b_from-anywhere-443_/),
      expect.stringMatching(/^b_from-collector-8000_/),
    ]);
  });
});
