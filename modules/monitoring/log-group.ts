import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import { LOG_RETENTION_DAYS } from "../../environments/schema";
import type { IGrantable } from "../../lib/iam";
import type { KmsKey } from "../security/kms-key";

/**
 * Retention of modules whose `logRetentionDays` prop is optional when used on their own (the seed: 30
 * days). Environment stacks always pass the config's `logging.retentionDays` to every module.
 */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

export interface EncryptedLogGroupProps {
  /** Log group name, e.g. "/air-applied-ai/prod/vpc-flow-logs". */
  readonly name: string;
  /** CMK that encrypts the group; its policy is extended to admit CloudWatch Logs. */
  readonly key: KmsKey;
  /**
   * Retention in days, one of the values CloudWatch Logs accepts (LOG_RETENTION_DAYS). Required, with no
   * default: the creating module passes its `logRetentionDays` prop, which the stack fills from the
   * environment's `logging.retentionDays`, so no log group can miss that setting.
   */
  readonly retentionInDays: number;
}

/**
 * The only way this project creates a CloudWatch log group: always KMS-encrypted with the project CMK
 * and always with an explicit retention, so no log group can be created without them.
 */
export class EncryptedLogGroup extends Construct {
  public readonly logGroupName: string;
  /** ARN without the ":*" suffix (what WAF logging and IAM resource ARNs need). */
  public readonly logGroupArn: string;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(props.retentionInDays))
      throw new Error(
        `EncryptedLogGroup ${props.name}: retentionInDays = ${JSON.stringify(props.retentionInDays)}: must be one of the values CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
      );
    props.key.allowCloudWatchLogs();
    const group = new CloudwatchLogGroup(this, "group", {
      name: props.name,
      retentionInDays: props.retentionInDays,
      kmsKeyId: props.key.keyArn,
    });
    this.logGroupName = group.name;
    this.logGroupArn = group.arn;
  }

  /** Lets a role create streams and write events to this group. */
  public grantWrite(grantee: IGrantable): void {
    grantee.addToPolicy({
      actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      resources: [this.logGroupArn, `${this.logGroupArn}:log-stream:*`],
    });
  }
}
