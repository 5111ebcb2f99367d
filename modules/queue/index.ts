import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { Construct } from "constructs";
import { type IGrantable, denyInsecureTransport, policyDocument } from "../../lib/iam";
import type { Platform, TierOutputs } from "../platform";
import type { KmsKey } from "../security/kms-key";

/** SQS's maximum retention: the DLQ keeps failed messages as long as possible. */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

export interface QueueProps {
  /** Names and the CMK for server-side encryption of both queues. */
  readonly platform: Platform;
  /** Queue name; the DLQ is "<name>-dlq". @default platform.name("jobs") */
  readonly queueName?: string;
  /** Seconds a received message stays invisible (0-43200); longer than a worker's processing. @default 300 */
  readonly visibilityTimeoutSeconds?: number;
  /** Work-queue retention (60-1209600 s). @default 345600 (4 days) */
  readonly messageRetentionSeconds?: number;
  /** Receives before a message moves to the DLQ (1-1000). @default 5 */
  readonly maxReceiveCount?: number;
  /** Long-polling wait (0-20 s; 0 turns long polling off). @default 20 */
  readonly receiveWaitTimeSeconds?: number;
}

/**
 * The seed's message queue: an encrypted SQS work queue with a dead-letter queue (redrive after
 * maxReceiveCount receives, DLQ accepts only this source, keeps 14 days), long polling and TLS-only
 * queue policies. Producers and consumers get access through grantSend / grantConsume.
 */
export class Queue extends Construct {
  public readonly queueName: string;
  public readonly queueArn: string;
  public readonly queueUrl: string;
  public readonly dlqName: string;
  public readonly dlqArn: string;
  public readonly dlqUrl: string;
  /** What the alarms watch: the work queue and the DLQ (the QueueName dimension). */
  public readonly alarmTargets: { readonly queueName: string; readonly dlqName: string };
  /** Root outputs: queue_url, dlq_url, queue_arn, dlq_arn. */
  public readonly outputs: TierOutputs;
  private readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: QueueProps) {
    super(scope, id);
    const queueName = props.queueName ?? props.platform.name("jobs");
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    const retention = props.messageRetentionSeconds ?? 345600;
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000)
      throw new Error(`Queue ${queueName}: maxReceiveCount = ${maxReceiveCount}: must be 1-1000`);
    const visibility = props.visibilityTimeoutSeconds ?? 300;
    const receiveWaitTimeSeconds = props.receiveWaitTimeSeconds ?? 20;
    if (!Number.isInteger(visibility) || visibility < 0 || visibility > 43200)
      throw new Error(`Queue ${queueName}: visibilityTimeoutSeconds = ${visibility}: must be 0-43200`);
    if (
      !Number.isInteger(receiveWaitTimeSeconds) ||
      receiveWaitTimeSeconds < 0 ||
      receiveWaitTimeSeconds > 20
    )
      throw new Error(`Queue ${queueName}: receiveWaitTimeSeconds = ${receiveWaitTimeSeconds}: must be 0-20`);
    if (retention < 60 || retention > DLQ_RETENTION_SECONDS)
      throw new Error(
        `Queue ${queueName}: messageRetentionSeconds = ${retention}: must be 60-${DLQ_RETENTION_SECONDS}`,
      );
    this.key = props.platform.key;
    const encryption = { kmsMasterKeyId: this.key.keyArn, kmsDataKeyReusePeriodSeconds: 300 };

    const dlq = new SqsQueue(this, "dlq", {
      name: `${queueName}-dlq`,
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      receiveWaitTimeSeconds,
      ...encryption,
    });
    const queue = new SqsQueue(this, "queue", {
      name: queueName,
      visibilityTimeoutSeconds: visibility,
      messageRetentionSeconds: retention,
      receiveWaitTimeSeconds,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }),
      ...encryption,
    });
    new SqsQueueRedriveAllowPolicy(this, "dlq-redrive-allow", {
      queueUrl: dlq.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queue.arn] }),
    });
    for (const [name, q] of [
      ["queue-policy", queue],
      ["dlq-policy", dlq],
    ] as const) {
      new SqsQueuePolicy(this, name, {
        queueUrl: q.url,
        policy: policyDocument([denyInsecureTransport("sqs", [q.arn])]),
      });
    }

    this.queueName = queue.name;
    this.queueArn = queue.arn;
    this.queueUrl = queue.url;
    this.dlqName = dlq.name;
    this.dlqArn = dlq.arn;
    this.dlqUrl = dlq.url;
    this.alarmTargets = { queueName: this.queueName, dlqName: this.dlqName };
    this.outputs = {
      queue_url: { value: this.queueUrl, description: "SQS work queue URL" },
      dlq_url: { value: this.dlqUrl, description: "SQS dead-letter queue URL" },
      queue_arn: { value: this.queueArn, description: "SQS work queue ARN" },
      dlq_arn: { value: this.dlqArn, description: "SQS dead-letter queue ARN (source of a DLQ redrive)" },
    };
  }

  /** Producers: send messages (encrypting with the CMK). */
  public grantSend(grantee: IGrantable): void {
    grantee.addToPolicy({
      actions: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
      resources: [this.queueArn],
    });
    grantee.addToPolicy({ actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [this.key.keyArn] });
  }

  /** Consumers: receive, delete and extend visibility (decrypting with the CMK). */
  public grantConsume(grantee: IGrantable): void {
    grantee.addToPolicy({
      actions: [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
      ],
      resources: [this.queueArn],
    });
    this.key.grantDecrypt(grantee);
  }
}
