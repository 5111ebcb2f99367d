import { KmsKey as KmsKeyResource } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKey } from "../../modules/security/kms-key";
import { ServiceRole } from "../../modules/security/service-role";
import { synthScope, valuesOf } from "../helpers/synth";

describe("KmsKey", () => {
  const stack = synthScope((scope) => {
    const key = new KmsKey(scope, "kms", {
      alias: "app",
      description: "d",
      accountId: "123456789012",
      preventDestroy: true,
    });
    key.allowCloudWatchLogs();
    key.allowCloudWatchLogs(); // idempotent
    key.allowService("AllowSns", "sns.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey*"]);
    const role = new ServiceRole(scope, "role", {
      roleName: "r",
      description: "d",
      servicePrincipal: "ecs-tasks.amazonaws.com",
      accountId: "123456789012",
    });
    key.grantDecrypt(role);
  });
  const key = valuesOf(stack, "aws_kms_key")[0];
  const statements = JSON.parse(key.policy).Statement;

  test("rotation, deletion window, alias and prevent_destroy", () => {
    expect(JSON.stringify(stack)).toHaveResourceWithProperties(KmsKeyResource, {
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
    expect(key.lifecycle).toEqual({ prevent_destroy: true });
    expect(valuesOf(stack, "aws_kms_alias")[0].name).toBe("alias/app");
  });

  test("policy admits the account root and exactly the registered service principals", () => {
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

  test("grants name the key ARN, not *", () => {
    const policy = JSON.parse(valuesOf(stack, "aws_iam_role_policy")[0].policy);
    expect(policy.Statement[0].Resource).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
  });

  test("rejects a deletion window outside 7-30 days", () => {
    expect(() =>
      synthScope(
        (s) => new KmsKey(s, "k", { alias: "a", description: "d", accountId: "1", deletionWindowInDays: 3 }),
      ),
    ).toThrow(/7-30/);
  });
});

describe("ServiceRole", () => {
  test("trust policy confines the service to the account; no policy until something is granted", () => {
    const stack = synthScope((scope) => {
      new ServiceRole(scope, "role", {
        roleName: "r",
        description: "d",
        servicePrincipal: "vpc-flow-logs.amazonaws.com",
        accountId: "123456789012",
      });
    });
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
    expect(() =>
      synthScope((scope) => {
        const role = new ServiceRole(scope, "role", {
          roleName: "r",
          description: "d",
          servicePrincipal: "x",
          accountId: "1",
        });
        role.addToPolicy({ actions: ["s3:GetObject"], resources: [] });
      }),
    ).toThrow(/name its resources/);
    expect(() =>
      synthScope(
        (s) =>
          new ServiceRole(s, "r", {
            roleName: "x".repeat(65),
            description: "d",
            servicePrincipal: "x",
            accountId: "1",
          }),
      ),
    ).toThrow(/64/);
  });
});
