import type { AlarmSpec, AlarmTargets, Thresholds } from "./spec";

/** Alarms of the queue. */
export function queueAlarms(target: NonNullable<AlarmTargets["queue"]>, t: Thresholds): AlarmSpec[] {
  const specs: AlarmSpec[] = [];
  // notBreaching: SQS stops publishing metrics for a queue idle for 6 hours; idle is healthy.
  specs.push({
    family: "dlq-depth",
    id: "dlq-messages",
    description: `More than ${t.dlqMessages} messages in the dead-letter queue: work failed maxReceiveCount times. See docs/monitoring.md#dlq-messages.`,
    comparison: "GreaterThanThreshold",
    threshold: t.dlqMessages,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: "notBreaching",
    metric: {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: target.dlqName },
      statistic: "Maximum",
    },
  });
  specs.push({
    family: "queue-age",
    id: "queue-oldest-message",
    description: `Oldest work-queue message older than ${t.queueOldestMessageSeconds}s for 5 of 5 minutes: workers are stuck or too few. See docs/monitoring.md#queue-oldest-message.`,
    comparison: "GreaterThanThreshold",
    threshold: t.queueOldestMessageSeconds,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: "notBreaching",
    metric: {
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: target.queueName },
      statistic: "Maximum",
    },
  });
  return specs;
}
