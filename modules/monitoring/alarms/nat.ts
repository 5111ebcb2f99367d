import type { AlarmSpec } from "./spec";

/** One port-allocation alarm per NAT gateway. */
export function natAlarms(natGatewayIds: readonly string[]): AlarmSpec[] {
  const specs: AlarmSpec[] = [];
  natGatewayIds.forEach((natGatewayId, i) => {
    // notBreaching: NAT gateways publish ErrorPortAllocation only while they carry traffic.
    specs.push({
      family: "nat-port-allocation",
      id: `nat-${i + 1}-port-allocation-errors`,
      description:
        "NAT gateway could not allocate a source port (too many concurrent connections to one destination). See docs/monitoring.md#nat-port-allocation.",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/NATGateway",
        metricName: "ErrorPortAllocation",
        dimensions: { NatGatewayId: natGatewayId },
        statistic: "Sum",
      },
    });
  });
  return specs;
}
