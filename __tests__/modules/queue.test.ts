import { Queue } from "../../modules/queue";
import { evaluate } from "../../policies/engine";
import { RULES } from "../../policies/rules";
import { WAIVERS } from "../../policies/waivers";
import { testPlatform } from "../helpers/fixtures";
import { ServiceRole } from "../../modules/security/service-role";
import {
  stackResource,
  stackLogicalName,
  policyOf,
  ref,
  stackDoc,
  synthAll,
  synthScope,
  unitLogicalName,
  valuesOf,
} from "../helpers/synth";

/*
 * Three layers (design-seams change 7): the Queue construct on its own (synthScope, GIVEN/WHEN/THEN), the
 * committed prod stack against the seed's queue (synthAll), and every environment's committed stack. That
 * the queue settings reach the queue is in config-reach.test.ts. The SQS rules themselves are tested in
 * __tests__/policies/sqs.test.ts; here, that every environment's queues pass them.
 */

// ---- the construct -----------------------------------------------------------------------------

describe("Queue", () => {
  test("grantSend / grantConsume name the queue and key ARNs", () => {
    const stack = synthScope((scope) => {
      // GIVEN a queue and a role
      const queue = new Queue(scope, "q", {
        queueName: "jobs",
        platform: testPlatform(scope),
      });
      const role = new ServiceRole(scope, "role", {
        roleName: "r",
        description: "d",
        servicePrincipal: "ecs-tasks.amazonaws.com",
      });
      // WHEN the role may send and consume
      queue.grantSend(role);
      queue.grantConsume(role);
    });
    // THEN
    const statements = JSON.parse(valuesOf(stack, "aws_iam_role_policy")[0].policy).Statement;
    const queue = ref("aws_sqs_queue", unitLogicalName(stack, "aws_sqs_queue", "q/queue"), "arn");
    const key = ref("aws_kms_key", unitLogicalName(stack, "aws_kms_key", "kms/key"), "arn");
    expect(statements).toEqual([
      {
        Effect: "Allow",
        Action: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        Resource: queue,
      },
      { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: key },
      {
        Effect: "Allow",
        Action: [
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
          "sqs:GetQueueAttributes",
          "sqs:GetQueueUrl",
        ],
        Resource: queue,
      },
      { Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: key },
    ]);
  });

  test.each([
    [{ maxReceiveCount: 0 }, /maxReceiveCount = 0: must be 1-1000/],
    [{ maxReceiveCount: 1001 }, /maxReceiveCount = 1001: must be 1-1000/],
    [{ messageRetentionSeconds: 1209601 }, /messageRetentionSeconds = 1209601: must be 60-1209600/],
    [{ visibilityTimeoutSeconds: 43201 }, /visibilityTimeoutSeconds = 43201: must be 0-43200/],
    [{ receiveWaitTimeSeconds: 21 }, /receiveWaitTimeSeconds = 21: must be 0-20/],
  ])("rejects %j", (props, message) => {
    // WHEN a queue is made with an out-of-range setting
    const make = () =>
      synthScope((scope) => {
        new Queue(scope, "q", {
          queueName: "jobs",
          platform: testPlatform(scope),
          ...props,
        });
      });
    // THEN
    expect(make).toThrow(message);
  });
});

// ---- the committed stacks ----------------------------------------------------------------------

describe("prod stack: seed values", () => {
  const prod = synthAll().prod;
  const queue = stackResource(prod, "aws_sqs_queue", "queue/queue");
  const dlq = stackResource(prod, "aws_sqs_queue", "queue/dlq");
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
      stackResource(prod, "aws_sqs_queue_redrive_allow_policy", "queue/dlq-redrive-allow")
        .redrive_allow_policy,
    );
    expect(allow).toEqual({
      redrivePermission: "byQueue",
      sourceQueueArns: [
        `${"$"}{aws_sqs_queue.${stackLogicalName(prod, "aws_sqs_queue", "queue/queue")}.arn}`,
      ],
    });
  });

  test("both queues have TLS-only queue policies", () => {
    for (const name of ["queue-policy", "dlq-policy"]) {
      const [deny] = policyOf(stackResource(prod, "aws_sqs_queue_policy", `queue/${name}`)).Statement;
      expect(deny).toMatchObject({
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    }
  });

  test("KMS data keys are reused 5 minutes; DLQ long-polls too", () => {
    expect(queue.kms_data_key_reuse_period_seconds).toBe(300);
    expect(dlq.kms_data_key_reuse_period_seconds).toBe(300);
    expect(dlq.receive_wait_time_seconds).toBe(20);
    expect(queue.message_retention_seconds).toBe(345600);
  });

  test("static outputs name the queue and DLQ", () => {
    const q = stackLogicalName(prod, "aws_sqs_queue", "queue/queue");
    const d = stackLogicalName(prod, "aws_sqs_queue", "queue/dlq");
    expect(prod.output.queue_url.value).toBe(ref("aws_sqs_queue", q, "url"));
    expect(prod.output.queue_arn.value).toBe(ref("aws_sqs_queue", q, "arn"));
    expect(prod.output.dlq_url.value).toBe(ref("aws_sqs_queue", d, "url"));
    expect(prod.output.dlq_arn.value).toBe(ref("aws_sqs_queue", d, "arn"));
  });
});

describe("per environment", () => {
  /** The SQS rules: the project's AAI-SQS-* and checkov's encryption rules (CKV_AWS_27, CKV2_AWS_73). */
  const SQS_RULES = RULES.filter((r) => /SQS|_27$|_73$/.test(r.id));

  test("the SQS rules pass on every environment's queues", () => {
    for (const [name, json] of Object.entries(synthAll())) {
      const sqs = evaluate(stackDoc(name, json), SQS_RULES, WAIVERS);
      expect(sqs.filter((f) => f.status !== "passed")).toEqual([]);
      if (name !== "bootstrap") expect(sqs.length).toBeGreaterThanOrEqual(12);
    }
  });
});
