import type { AlarmSpec, AlarmTargets, Thresholds } from "./spec";

/** Alarms of the ecs. */
export function ecsAlarms(target: NonNullable<AlarmTargets["ecs"]>, t: Thresholds): AlarmSpec[] {
  const specs: AlarmSpec[] = [];
  const dimensions = { ClusterName: target.clusterName, ServiceName: target.serviceName };
  // notBreaching: no utilization data means no running tasks (or a deploy gap); the ALB host and
  // 5xx alarms page for an outage, a utilization alarm must not flap on it.
  specs.push({
    family: "ecs-cpu",
    id: "ecs-cpu-high",
    description: `ECS service CPU above ${t.ecsCpuPercent}% for 5 of 5 minutes: autoscaling is at its limit or a task is spinning. See docs/monitoring.md#ecs-cpu.`,
    comparison: "GreaterThanThreshold",
    threshold: t.ecsCpuPercent,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: "notBreaching",
    metric: { namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions, statistic: "Average" },
  });
  specs.push({
    family: "ecs-memory",
    id: "ecs-memory-high",
    description: `ECS service memory above ${t.ecsMemoryPercent}% for 5 of 5 minutes: tasks risk OOM kills. See docs/monitoring.md#ecs-memory.`,
    comparison: "GreaterThanThreshold",
    threshold: t.ecsMemoryPercent,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: "notBreaching",
    metric: { namespace: "AWS/ECS", metricName: "MemoryUtilization", dimensions, statistic: "Average" },
  });
  return specs;
}
