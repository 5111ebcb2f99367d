/**
 * Cost Explorer anomaly detection for one environment: a CUSTOM monitor over the costs tagged
 * Environment=<env> and an IMMEDIATE subscription that publishes to the alert topic, so an unusual
 * spend pattern pages within hours instead of when the monthly budget's 80 % is crossed.
 */
import { CeAnomalyMonitor } from "@cdktf/provider-aws/lib/ce-anomaly-monitor";
import { CeAnomalySubscription } from "@cdktf/provider-aws/lib/ce-anomaly-subscription";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** The service principal that publishes anomaly alerts to SNS (its topic policy and key must admit it). */
export const COST_ANOMALY_PUBLISHER = "costalerts.amazonaws.com";
/** An anomaly alerts when its total impact reaches this share of the monthly budget ... */
export const ANOMALY_IMPACT_SHARE_OF_BUDGET = 0.02;
/** ... but never below this many USD (smaller anomalies are noise). */
export const MIN_ANOMALY_IMPACT_USD = 10;

/** The total-impact threshold (USD) of an environment's anomaly alerts, from its monthly budget. */
export function anomalyThresholdUsd(monthlyBudgetUsd: number): number {
  return Math.max(MIN_ANOMALY_IMPACT_USD, Math.round(monthlyBudgetUsd * ANOMALY_IMPACT_SHARE_OF_BUDGET));
}

/**
 * The monitor's Cost Explorer expression: costs with the cost allocation tag `tagKey` = `tagValue`.
 * Every field is spelled out (null where unused): the API returns it that way, and a shorter document
 * would show a change on every plan.
 */
export function tagMonitorSpecification(tagKey: string, tagValue: string): string {
  return JSON.stringify({
    And: null,
    CostCategories: null,
    Dimensions: null,
    Not: null,
    Or: null,
    Tags: { Key: tagKey, MatchOptions: null, Values: [tagValue] },
  });
}

export interface CostAnomalyDetectionProps {
  /** Monitor and subscription name, e.g. "air-applied-ai-prod-cost-anomalies". */
  readonly name: string;
  /**
   * Environment name: the monitor covers costs tagged Environment=<environment> (AWS takes one tag key
   * per custom monitor; the tag must be an activated cost allocation tag).
   */
  readonly environment: string;
  /** Monthly budget (USD): sets the alert threshold (anomalyThresholdUsd). */
  readonly monthlyBudgetUsd: number;
  /** SNS topic alerted (its policy and key must admit costalerts.amazonaws.com). */
  readonly topicArn: string;
  /** What must exist before the subscription (the topic policy that lets the service publish). */
  readonly dependsOn?: ITerraformDependable[];
}

export class CostAnomalyDetection extends Construct {
  public readonly monitorArn: string;
  public readonly thresholdUsd: number;

  constructor(scope: Construct, id: string, props: CostAnomalyDetectionProps) {
    super(scope, id);
    this.thresholdUsd = anomalyThresholdUsd(props.monthlyBudgetUsd);
    const monitor = new CeAnomalyMonitor(this, "monitor", {
      name: props.name,
      monitorType: "CUSTOM",
      monitorSpecification: tagMonitorSpecification("Environment", props.environment),
    });
    new CeAnomalySubscription(this, "subscription", {
      name: props.name,
      dependsOn: props.dependsOn,
      monitorArnList: [monitor.arn],
      // SNS subscribers require IMMEDIATE (DAILY and WEEKLY are e-mail digests only).
      frequency: "IMMEDIATE",
      subscriber: [{ type: "SNS", address: props.topicArn }],
      thresholdExpression: {
        dimension: {
          key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
          matchOptions: ["GREATER_THAN_OR_EQUAL"],
          values: [String(this.thresholdUsd)],
        },
      },
    });
    this.monitorArn = monitor.arn;
  }
}
