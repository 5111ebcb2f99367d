/**
 * A monthly cost budget per environment, notifying the alert topic at 80% and 100% of actual spend and
 * 100% of forecasted spend. Each notification has exactly one SNS subscriber (AWS allows one; e-mail
 * reaches people through the topic's subscriptions, so changing addresses never touches the budget).
 */
import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import { Construct } from "constructs";

/** [type, percent] of every budget notification. */
export const BUDGET_NOTIFICATIONS = [
  ["ACTUAL", 80],
  ["ACTUAL", 100],
  ["FORECASTED", 100],
] as const;

/**
 * The cost allocation tags the provider's default_tags put on every resource. They must be activated
 * once per payer account (Billing console > Cost allocation tags) before budgets or Cost Explorer can
 * filter by them; activation is not retroactive.
 */
export const COST_ALLOCATION_TAGS = ["Project", "Environment", "CostCenter", "Owner"] as const;

export interface CostBudgetProps {
  /** Budget name, e.g. "air-applied-ai-prod-monthly". */
  readonly name: string;
  /** Environment name: the budget counts costs tagged Environment=<environment>. */
  readonly environment: string;
  /** Monthly limit in USD (> 0). */
  readonly monthlyLimitUsd: number;
  /** SNS topic notified (its policy and key must admit budgets.amazonaws.com). */
  readonly topicArn: string;
}

export class CostBudget extends Construct {
  public readonly budgetName: string;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    if (!(props.monthlyLimitUsd > 0))
      throw new Error(
        `CostBudget ${props.name}: monthlyLimitUsd = ${props.monthlyLimitUsd}: must be > 0 USD`,
      );
    const budget = new BudgetsBudget(this, "budget", {
      name: props.name,
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: props.monthlyLimitUsd.toFixed(2),
      limitUnit: "USD",
      // Only this environment's costs: the Environment cost allocation tag (must be activated).
      costFilter: [{ name: "TagKeyValue", values: [`user:Environment$${props.environment}`] }],
      notification: BUDGET_NOTIFICATIONS.map(([notificationType, threshold]) => ({
        comparisonOperator: "GREATER_THAN",
        notificationType,
        threshold,
        thresholdType: "PERCENTAGE",
        subscriberSnsTopicArns: [props.topicArn],
      })),
    });
    this.budgetName = budget.name;
  }
}
