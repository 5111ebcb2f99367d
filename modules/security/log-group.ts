import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import type { IGrantable } from "../../lib/iam";
import type { Platform } from "../platform";
import { CLOUDWATCH_RETENTION_VALUES } from "./log-retention";

export { CLOUDWATCH_RETENTION_VALUES } from "./log-retention";

export interface EncryptedLogGroupProps {
  /** The platform: its CMK encrypts the group (the key policy is extended for CloudWatch Logs) and its logRetentionDays is the retention. */
  readonly platform: Platform;
  /** Log group name, e.g. "/air-applied-ai/vpc-flow-logs". */
  readonly name: string;
}

/**
 * The only way this project creates a CloudWatch log group: always KMS-encrypted with the project CMK
 * and always with the platform's retention (config logging.retentionDays), so no log group can miss
 * either. A baseline security primitive used by every tier (hence modules/security, not monitoring).
 */
export class EncryptedLogGroup extends Construct {
  public readonly logGroupName: string;
  /** ARN without the ":*" suffix (what WAF logging and IAM resource ARNs need). */
  public readonly logGroupArn: string;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    const { key, logRetentionDays } = props.platform;
    if (!(CLOUDWATCH_RETENTION_VALUES as readonly number[]).includes(logRetentionDays))
      throw new Error(
        `EncryptedLogGroup ${props.name}: retentionInDays = ${JSON.stringify(logRetentionDays)}: must be one of the values CloudWatch Logs accepts: ${CLOUDWATCH_RETENTION_VALUES.join(", ")}`,
      );
    key.allowCloudWatchLogs();
    const group = new CloudwatchLogGroup(this, "group", {
      name: props.name,
      retentionInDays: logRetentionDays,
      kmsKeyId: key.keyArn,
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
