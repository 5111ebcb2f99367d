/** Shapes shared by the cost estimator (tools/cost/): prices, usage assumptions, line items. */

/** One price of the dated price table (cost/prices-us-east-2.json). */
export interface Price {
  readonly usd: number;
  readonly unit: string;
  /** Where the figure comes from: the AWS pricing page, or the Price List file that overrode it. */
  readonly source: string;
  readonly note?: string;
}

export interface PriceTable {
  readonly region: string;
  /** The day the figures were read (YYYY-MM-DD). */
  readonly date: string;
  readonly prices: Readonly<Record<string, Price>>;
}

/** S3 storage in GB by storage class (STANDARD, STANDARD_IA, GLACIER, ...). */
export type StorageByClass = Readonly<Record<string, number>>;

/** Monthly usage assumptions of one environment (cost/usage/defaults.json, overridden per stack). */
export interface Usage {
  readonly hoursPerMonth: number;
  /** Average running tasks by service component (construct path in the stack, e.g. "application/service"); default: the service's desired_count. */
  readonly fargate: { readonly averageTasks: Readonly<Record<string, number>> };
  readonly alb: { readonly averageLcu: number; readonly internetEgressGb: number };
  readonly nat: { readonly gbProcessed: number };
  readonly vpcEndpoints: { readonly gbProcessed: number };
  readonly waf: { readonly requestsMillions: number };
  readonly cloudwatch: { readonly logsGbIngested: number; readonly customMetrics: number };
  readonly prometheus: {
    readonly activeSeries: number;
    readonly scrapeIntervalSeconds: number;
    readonly storageGb: number;
    readonly querySamplesBillions: number;
  };
  readonly grafana: { readonly editors: number; readonly viewers: number };
  /** `buckets` by component (e.g. "storage/raw-data"); other buckets get `defaultGb`. */
  readonly s3: {
    readonly defaultGb: StorageByClass;
    readonly buckets: Readonly<Record<string, StorageByClass>>;
  };
  /** Backup storage per GB of the EBS volumes a backup selection names. */
  readonly backup: { readonly storedGbPerProvisionedGb: number };
  readonly route53: { readonly queriesMillions: number };
  readonly kms: { readonly requestsTenThousands: number };
  readonly secretsManager: { readonly apiCallsTenThousands: number };
  readonly ecr: { readonly gbStored: number };
  readonly sqs: { readonly requestsMillions: number };
}

/** One row of an estimate: what is billed, how much of it, at which price. */
export interface LineItem {
  /** The AWS service, e.g. "EC2", "Fargate", "CloudWatch". */
  readonly service: string;
  /** What is billed, e.g. "r6g.2xlarge instance-hours". Unique within a stack's estimate. */
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitUsd: number;
  readonly monthlyUsd: number;
  /** The price table key the unit price comes from. */
  readonly priceId: string;
  /** Terraform addresses of the resources it prices. */
  readonly addresses: readonly string[];
}

/** The monthly estimate of one synthesized stack. */
export interface StackEstimate {
  readonly stack: string;
  readonly items: readonly LineItem[];
  readonly totalUsd: number;
  /** The stack's monthly budget (aws_budgets_budget limit_amount), if it has one. */
  readonly budgetUsd?: number;
  /** Assumptions made while pricing (e.g. a count expression taken as 1). */
  readonly notes: readonly string[];
}
