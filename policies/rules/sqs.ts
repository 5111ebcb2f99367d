import { type Rule, type StackDoc, type TfResource, parsePolicy, resourcesOf } from "../engine";

const QUEUE = ["aws_sqs_queue"];

function redriveOf(
  queue: TfResource,
): { deadLetterTargetArn?: string; maxReceiveCount?: number } | undefined {
  try {
    return queue.values.redrive_policy ? JSON.parse(queue.values.redrive_policy) : undefined;
  } catch {
    return undefined;
  }
}

function dlqOf(stack: StackDoc, queue: TfResource): TfResource | undefined {
  const target = redriveOf(queue)?.deadLetterTargetArn ?? "";
  return resourcesOf(stack, "aws_sqs_queue").find((q) => target === `\${${q.address}.arn}`);
}

/** True when another queue of the stack redrives to `queue` (it is a dead-letter queue). */
function isDeadLetterQueue(stack: StackDoc, queue: TfResource): boolean {
  return resourcesOf(stack, "aws_sqs_queue").some(
    (q) => q !== queue && redriveOf(q)?.deadLetterTargetArn === `\${${queue.address}.arn}`,
  );
}

export const sqsRules: Rule[] = [
  {
    id: "CKV_AWS_27",
    controls: ["SQS.1"],
    description: "SQS queue is encrypted at rest",
    severity: "MEDIUM",
    fix: "Set kms_master_key_id to the project CMK.",
    resourceTypes: QUEUE,
    check: (q) =>
      !!q.values.kms_master_key_id || q.values.sqs_managed_sse_enabled === true || "not encrypted",
  },
  {
    id: "CKV2_AWS_73",
    description: "SQS queue uses a customer-managed key, not alias/aws/sqs",
    severity: "LOW",
    fix: "Set kms_master_key_id to the project CMK ARN.",
    resourceTypes: QUEUE,
    check: (q) =>
      (!!q.values.kms_master_key_id && q.values.kms_master_key_id !== "alias/aws/sqs") || "no CMK",
  },
  {
    id: "AAI-SQS-001",
    description: "Work queues redrive to a dead-letter queue after 1-1000 receives",
    severity: "MEDIUM",
    fix: "Queue construct: redrive_policy with maxReceiveCount (queue.maxReceiveCount).",
    resourceTypes: QUEUE,
    check: (q, stack) => {
      if (isDeadLetterQueue(stack, q)) return true;
      const redrive = redriveOf(q);
      if (!redrive) return "no redrive_policy";
      if (!redrive.maxReceiveCount || redrive.maxReceiveCount < 1 || redrive.maxReceiveCount > 1000)
        return `maxReceiveCount ${redrive.maxReceiveCount}`;
      return !!dlqOf(stack, q) || "redrive target is not a queue of this stack";
    },
  },
  {
    id: "AAI-SQS-002",
    description: "A dead-letter queue keeps messages at least as long as its source queue",
    severity: "MEDIUM",
    fix: "DLQ message_retention_seconds = 1209600 (14 days).",
    resourceTypes: QUEUE,
    check: (q, stack) => {
      const dlq = dlqOf(stack, q);
      if (!dlq) return true;
      const source = q.values.message_retention_seconds ?? 345600;
      const kept = dlq.values.message_retention_seconds ?? 345600;
      return kept >= source || `DLQ keeps ${kept}s < source ${source}s`;
    },
  },
  {
    id: "AAI-SQS-004",
    description:
      "A dead-letter queue admits only its own source queues (redrive_allow_policy byQueue naming them)",
    severity: "LOW",
    fix: "aws_sqs_queue_redrive_allow_policy { redrivePermission = byQueue, sourceQueueArns = [source] }.",
    resourceTypes: QUEUE,
    check: (q, stack) => {
      if (!isDeadLetterQueue(stack, q)) return true;
      const allow = resourcesOf(stack, "aws_sqs_queue_redrive_allow_policy")
        .filter((p) => p.values.queue_url === `\${${q.address}.url}`)
        .map((p) => {
          try {
            return JSON.parse(p.values.redrive_allow_policy);
          } catch {
            return undefined;
          }
        })
        .find(Boolean);
      if (!allow) return "no redrive_allow_policy";
      const sources = resourcesOf(stack, "aws_sqs_queue")
        .filter((s) => redriveOf(s)?.deadLetterTargetArn === `\${${q.address}.arn}`)
        .map((s) => `\${${s.address}.arn}`);
      return (
        (allow.redrivePermission === "byQueue" &&
          Array.isArray(allow.sourceQueueArns) &&
          allow.sourceQueueArns.length > 0 &&
          allow.sourceQueueArns.every((a: string) => sources.includes(a))) ||
        `redrive_allow_policy ${JSON.stringify(allow)} is not byQueue over its source queues`
      );
    },
  },
  {
    id: "AAI-SQS-003",
    description: "Every queue has a TLS-only queue policy and allows no wildcard principal (CKV_AWS_72)",
    severity: "MEDIUM",
    fix: "aws_sqs_queue_policy with a DenyInsecureTransport statement.",
    resourceTypes: QUEUE,
    check: (q, stack) => {
      const policies = resourcesOf(stack, "aws_sqs_queue_policy").filter(
        (p) => p.values.queue_url === `\${${q.address}.url}`,
      );
      const statements = policies.flatMap((p) => parsePolicy(p.values.policy) ?? []);
      if (statements.some((s) => s.Effect === "Allow" && s.Principal === "*")) return "allows principal *";
      return (
        statements.some(
          (s) =>
            s.Effect === "Deny" &&
            JSON.stringify(s.Condition ?? {}).includes('"aws:SecureTransport":"false"'),
        ) || "no TLS-only queue policy"
      );
    },
  },
];
