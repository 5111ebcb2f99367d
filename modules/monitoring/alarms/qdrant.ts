import type { AlarmSpec, AlarmTargets, QdrantHostTarget, Thresholds } from "./spec";

/** The CloudWatch-agent metric the Qdrant heartbeat alarm counts (the agent's memory metric). */
export const QDRANT_HEARTBEAT_METRIC = "mem_used_percent";
/** Minutes without a single agent datapoint before the heartbeat alarm fires. */
export const QDRANT_HEARTBEAT_MINUTES = 15;

/** Alarm id prefix of node `index`: "qdrant" for node 0 (the seed's ids), "qdrant-<i>" for the others. */
export function qdrantNodeAlarmPrefix(index: number): string {
  return index === 0 ? "qdrant" : `qdrant-${index}`;
}

/** Alarms of Qdrant: the same host alarms for every node (node 0 keeps the single host's ids). */
export function qdrantAlarms(target: NonNullable<AlarmTargets["qdrant"]>, t: Thresholds): AlarmSpec[] {
  const agent = target.agentNamespace ?? "CWAgent";
  const hosts = [target, ...(target.otherNodes ?? [])];
  return hosts.flatMap((host, index) =>
    hostAlarms(host, {
      t,
      agent,
      prefix: qdrantNodeAlarmPrefix(index),
      label: hosts.length === 1 ? "Qdrant" : `Qdrant node ${index}`,
    }),
  );
}

function hostAlarms(
  q: QdrantHostTarget,
  { t, agent, prefix, label }: { t: Thresholds; agent: string; prefix: string; label: string },
): AlarmSpec[] {
  const specs: AlarmSpec[] = [];
  const instance = { InstanceId: q.instanceId };
  // breaching: EC2 publishes status checks every minute (detailed monitoring); silence means the
  // instance is stopped or gone, which for the only Qdrant host is an outage.
  specs.push({
    family: "qdrant-status",
    id: `${prefix}-status-check-failed`,
    description: `${label} host failed an EC2 status check (system or instance) for 2 of 2 minutes. See docs/monitoring.md#qdrant-status.`,
    comparison: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: "breaching",
    metric: {
      namespace: "AWS/EC2",
      metricName: "StatusCheckFailed",
      dimensions: instance,
      statistic: "Maximum",
    },
  });
  // notBreaching: the status-check alarm owns "host down"; CPU only judges a running host.
  specs.push({
    family: "qdrant-cpu",
    id: `${prefix}-cpu-high`,
    description: `${label} host CPU above ${t.qdrantCpuPercent}% for 10 of 10 minutes (search or indexing load). See docs/monitoring.md#qdrant-cpu.`,
    comparison: "GreaterThanThreshold",
    threshold: t.qdrantCpuPercent,
    evaluationPeriods: 10,
    datapointsToAlarm: 10,
    treatMissingData: "notBreaching",
    metric: {
      namespace: "AWS/EC2",
      metricName: "CPUUtilization",
      dimensions: instance,
      statistic: "Average",
    },
  });
  // missing: a gap keeps the last state (a fresh build or a replaced instance has no datapoints until
  // its agent starts); agent silence is the qdrant-agent-heartbeat alarm's job, not this one's.
  specs.push({
    family: "qdrant-memory",
    id: `${prefix}-memory-high`,
    description: `${label} host memory above ${t.qdrantMemoryPercent}% for 5 of 5 minutes. See docs/monitoring.md#qdrant-memory.`,
    comparison: "GreaterThanThreshold",
    threshold: t.qdrantMemoryPercent,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: "missing",
    metric: {
      namespace: agent,
      metricName: "mem_used_percent",
      dimensions: q.memoryDimensions,
      statistic: "Average",
    },
  });
  // missing: as for memory; the heartbeat below pages when the agent stops, so this one need not.
  specs.push({
    family: "qdrant-disk",
    id: `${prefix}-disk-high`,
    description: `${label} data volume above ${t.qdrantDiskPercent}% used for 5 of 5 minutes. See docs/monitoring.md#qdrant-disk.`,
    comparison: "GreaterThanThreshold",
    threshold: t.qdrantDiskPercent,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: "missing",
    metric: {
      namespace: agent,
      metricName: "disk_used_percent",
      dimensions: q.diskDimensions,
      statistic: "Maximum",
    },
  });
  // breaching: the one alarm where missing data IS the signal. The agent publishes mem_used_percent
  // every 60 s with exactly the memory dimensions (append_dimensions InstanceId); SampleCount < 1 never
  // holds while it reports, so the alarm fires only on silence. 15 of 15 one-minute periods (AAI-MON-003
  // keeps every alarm at 60 s) leave a first boot time to install and start the agent, and ride out
  // late flushes, before it pages.
  specs.push({
    family: "qdrant-agent-heartbeat",
    id: `${prefix}-agent-heartbeat`,
    description: `The CloudWatch agent on the ${label} host sent no ${QDRANT_HEARTBEAT_METRIC} for ${QDRANT_HEARTBEAT_MINUTES} minutes: memory and disk are unwatched. See docs/monitoring.md#qdrant-agent-heartbeat.`,
    comparison: "LessThanThreshold",
    threshold: 1,
    evaluationPeriods: QDRANT_HEARTBEAT_MINUTES,
    datapointsToAlarm: QDRANT_HEARTBEAT_MINUTES,
    treatMissingData: "breaching",
    metric: {
      namespace: agent,
      metricName: QDRANT_HEARTBEAT_METRIC,
      dimensions: q.memoryDimensions,
      statistic: "SampleCount",
    },
  });
  return specs;
}
