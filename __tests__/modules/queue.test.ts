import { Queue } from "../../modules/queue";
import { KmsKey } from "../../modules/security/kms-key";
import { ServiceRole } from "../../modules/security/service-role";
import {
  byPath,
  logicalName,
  policyOf,
  synthAll,
  synthEnvironment,
  synthScope,
  valuesOf,
} from "../helpers/synth";

describe("prod queue", () => {
  const prod = synthAll().prod;
  const queue = byPath(prod, "aws_sqs_queue", "queue/queue");
  const dlq = byPath(prod, "aws_sqs_queue", "queue/dlq");

  test("work queue redrives to the DLQ after 5 receives; long polling; visibility from config; KMS", () => {
    expect(queue.name).toBe("air-applied-ai-jobs");
    expect(JSON.parse(queue.redrive_policy)).toEqual({
      deadLetterTargetArn: expect.stringMatching(/^\$\{aws_sqs_queue\.queue_dlq_.+\.arn\}$/),
      maxReceiveCount: 5,
    });
    expect(queue.receive_wait_time_seconds).toBe(20);
    expect(queue.visibility_timeout_seconds).toBe(300);
    expect(queue.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
  });

  test("DLQ keeps 14 days (>= the source), is encrypted and only accepts the work queue", () => {
    expect(dlq.name).toBe("air-applied-ai-jobs-dlq");
    expect(dlq.message_retention_seconds).toBe(1209600);
    expect(dlq.message_retention_seconds).toBeGreaterThanOrEqual(queue.message_retention_seconds);
    expect(dlq.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
    const allow = JSON.parse(
      byPath(prod, "aws_sqs_queue_redrive_allow_policy", "queue/dlq-redrive-allow").redrive_allow_policy,
    );
    expect(allow).toEqual({
      redrivePermission: "byQueue",
      sourceQueueArns: [`${"$"}{aws_sqs_queue.${logicalName(prod, "aws_sqs_queue", "queue/queue")}.arn}`],
    });
  });

  test("both queues have TLS-only queue policies", () => {
    for (const name of ["queue-policy", "dlq-policy"]) {
      const [deny] = policyOf(byPath(prod, "aws_sqs_queue_policy", `queue/${name}`)).Statement;
      expect(deny).toMatchObject({
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    }
  });

  test("maxReceiveCount and visibility come from config", () => {
    const dev = synthEnvironment("dev", (c) => ({
      ...c,
      queue: { maxReceiveCount: 3, visibilityTimeoutSeconds: 900 },
    }));
    const q = byPath(dev, "aws_sqs_queue", "queue/queue");
    expect(q.name).toBe("air-applied-ai-dev-jobs");
    expect(JSON.parse(q.redrive_policy).maxReceiveCount).toBe(3);
    expect(q.visibility_timeout_seconds).toBe(900);
  });
});

test("grantSend / grantConsume name the queue and key ARNs", () => {
  const stack = synthScope((scope) => {
    const key = new KmsKey(scope, "kms", { alias: "k", description: "d", accountId: "123456789012" });
    const queue = new Queue(scope, "q", { queueName: "jobs", key });
    const role = new ServiceRole(scope, "role", {
      roleName: "r",
      description: "d",
      servicePrincipal: "ecs-tasks.amazonaws.com",
      accountId: "123456789012",
    });
    queue.grantSend(role);
    queue.grantConsume(role);
  });
  const statements = JSON.parse(valuesOf(stack, "aws_iam_role_policy")[0].policy).Statement;
  expect(statements.map((s: { Action: string[] }) => s.Action[0])).toEqual([
    "sqs:SendMessage",
    "kms:GenerateDataKey",
    "sqs:ReceiveMessage",
    "kms:Decrypt",
  ]);
  for (const s of statements) expect(s.Resource).toMatch(/^\$\{aws_(sqs_queue|kms_key)\..+\.arn\}$/);
});

test("Queue rejects maxReceiveCount outside 1-1000", () => {
  expect(() =>
    synthScope((scope) => {
      const key = new KmsKey(scope, "kms", { alias: "k", description: "d", accountId: "1" });
      new Queue(scope, "q", { queueName: "jobs", key, maxReceiveCount: 0 });
    }),
  ).toThrow(/maxReceiveCount = 0: must be 1-1000/);
});
