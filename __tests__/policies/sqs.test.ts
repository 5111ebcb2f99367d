import { atPath, failingRules, notPassedByCommittedStacks } from "../helpers/policy";
import { sqsRules } from "../../policies/rules/sqs";

/*
 * policies/rules/sqs.ts. Compliant: the committed stacks. Non-compliant: a hand-written stack of three
 * misconfigured queues; each test lists every rule of the pack that fails on one queue, with its reason.
 */

describe("SQS rules", () => {
  test("the committed stacks pass every SQS rule, and each applies to one of them", () => {
    expect(notPassedByCommittedStacks(sqsRules)).toEqual([]);
  });
});

describe("SQS rules on misconfigured queues", () => {
  const bad = {
    resource: {
      aws_sqs_queue: {
        // Unencrypted, no redrive, no policy.
        plain: { ...atPath("prod/x/plain"), name: "plain" },
        // AWS-managed key; redrives after 0 receives to a DLQ that keeps less and admits anyone.
        work: {
          ...atPath("prod/x/work"),
          name: "work",
          kms_master_key_id: "alias/aws/sqs",
          message_retention_seconds: 1209600,
          redrive_policy: JSON.stringify({
            deadLetterTargetArn: "${aws_sqs_queue.dead.arn}",
            maxReceiveCount: 0,
          }),
        },
        // Not named -dlq: recognised as a DLQ because "work" redrives to it.
        dead: { ...atPath("prod/x/dead"), name: "failed-work", message_retention_seconds: 345600 },
      },
      aws_sqs_queue_redrive_allow_policy: {
        a: {
          queue_url: "${aws_sqs_queue.dead.url}",
          redrive_allow_policy: JSON.stringify({ redrivePermission: "allowAll" }),
        },
      },
      aws_sqs_queue_policy: {
        p: {
          queue_url: "${aws_sqs_queue.work.url}",
          policy: JSON.stringify({
            Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*" }],
          }),
        },
      },
    },
  };
  const failed = (queue: string) => failingRules({ stack: bad, resource: queue, show: "detail" });

  test("an unencrypted queue without redrive or policy", () => {
    expect(failed("plain")).toEqual([
      "CKV_AWS_27: not encrypted",
      "CKV2_AWS_73: no CMK",
      "AAI-SQS-001: no redrive_policy",
      "AAI-SQS-003: no TLS-only queue policy",
    ]);
  });

  test("a work queue with the AWS key, maxReceiveCount 0, a shorter-lived DLQ and an open policy", () => {
    expect(failed("work")).toEqual([
      "CKV2_AWS_73: no CMK",
      "AAI-SQS-001: maxReceiveCount 0",
      "AAI-SQS-002: DLQ keeps 345600s < source 1209600s",
      "AAI-SQS-003: allows principal *",
    ]);
  });

  test("a DLQ that admits every source queue", () => {
    expect(failed("dead")).toEqual([
      "CKV_AWS_27: not encrypted",
      "CKV2_AWS_73: no CMK",
      'AAI-SQS-004: redrive_allow_policy {"redrivePermission":"allowAll"} is not byQueue over its source queues',
      "AAI-SQS-003: no TLS-only queue policy",
    ]);
  });
});
