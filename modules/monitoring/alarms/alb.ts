import type { AlarmSpec, AlarmTargets, Thresholds } from "./spec";

/** Alarms of the alb. */
export function albAlarms(target: NonNullable<AlarmTargets["alb"]>, t: Thresholds): AlarmSpec[] {
  const specs: AlarmSpec[] = [];
  const lb = { LoadBalancer: target.arnSuffix };
  const tg = { ...lb, TargetGroup: target.targetGroupArnSuffix };
  const alternate = target.alternateTargetGroupArnSuffix;
  // With two target groups ECS moves the live tasks between them on every deployment: a metric on the
  // primary group alone goes silent (notBreaching) half the time. Latency is then taken for the whole
  // ALB (it only fronts the API), unhealthy hosts as the maximum over both groups.
  const latencyDimensions = alternate ? lb : tg;
  for (const [p, threshold] of [
    ["p95", t.latencyP95Seconds],
    ["p99", t.latencyP99Seconds],
  ] as const) {
    // notBreaching: no requests means no latency datapoints; idle minutes (dev at night) are healthy.
    specs.push({
      family: `latency-${p}`,
      id: `api-latency-${p}`,
      description: `API latency ${p} (ALB TargetResponseTime) above ${threshold}s for 3 of 5 minutes. See docs/monitoring.md#api-latency.`,
      comparison: "GreaterThanThreshold",
      threshold,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/ApplicationELB",
        metricName: "TargetResponseTime",
        dimensions: latencyDimensions,
        statistic: p,
      },
    });
  }
  // One expression for target and ALB 5xx, so one incident pages once; the dashboards split them.
  // FILL(...,0): the ALB publishes HTTPCode_* only for minutes that had such responses.
  // notBreaching: without requests there is no error rate to judge.
  specs.push({
    family: "error-rate",
    id: "api-5xx-rate",
    description: `5xx responses (targets + ALB) above ${t.errorRatePercent}% of requests for 3 of 5 minutes. See docs/monitoring.md#api-5xx-rate.`,
    comparison: "GreaterThanThreshold",
    threshold: t.errorRatePercent,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: "notBreaching",
    math: {
      expression: "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests",
      label: "5xx error rate (%)",
      metrics: [
        {
          id: "target5xx",
          namespace: "AWS/ApplicationELB",
          metricName: "HTTPCode_Target_5XX_Count",
          dimensions: lb,
          stat: "Sum",
        },
        {
          id: "elb5xx",
          namespace: "AWS/ApplicationELB",
          metricName: "HTTPCode_ELB_5XX_Count",
          dimensions: lb,
          stat: "Sum",
        },
        {
          id: "requests",
          namespace: "AWS/ApplicationELB",
          metricName: "RequestCount",
          dimensions: lb,
          stat: "Sum",
        },
      ],
    },
  });
  // notBreaching: no datapoints = no registered targets (a fresh build before the first task, or the idle
  // group of a blue/green pair); "no healthy target" with traffic is caught by api-5xx-rate (ALB 503s).
  specs.push({
    family: "unhealthy-hosts",
    id: "api-unhealthy-hosts",
    description:
      "At least one API target failed ALB health checks for 3 of 3 minutes. See docs/monitoring.md#api-unhealthy-hosts.",
    comparison: "GreaterThanThreshold",
    threshold: 0,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: "notBreaching",
    ...(alternate
      ? {
          math: {
            expression: "MAX([primary, alternate])",
            label: "Unhealthy targets (both target groups)",
            metrics: [
              {
                id: "primary",
                namespace: "AWS/ApplicationELB",
                metricName: "UnHealthyHostCount",
                dimensions: tg,
                stat: "Maximum",
              },
              {
                id: "alternate",
                namespace: "AWS/ApplicationELB",
                metricName: "UnHealthyHostCount",
                dimensions: { ...lb, TargetGroup: alternate },
                stat: "Maximum",
              },
            ],
          },
        }
      : {
          metric: {
            namespace: "AWS/ApplicationELB",
            metricName: "UnHealthyHostCount",
            dimensions: tg,
            statistic: "Maximum",
          },
        }),
  });
  return specs;
}
