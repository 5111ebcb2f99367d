import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import type { IGrantable } from "../../lib/iam";
import type { KmsKey } from "../security/kms-key";

/** The one retention every log group in the project uses (the seed: 30 days). */
export const LOG_RETENTION_DAYS = 30;

export interface EncryptedLogGroupProps {
  /** Log group name, e.g. "/air-applied-ai/prod/vpc-flow-logs". */
  readonly name: string;
  /** CMK that encrypts the group; its policy is extended to admit CloudWatch Logs. */
  readonly key: KmsKey;
  /** @default LOG_RETENTION_DAYS (30) */
  readonly retentionInDays?: number;
}

/**
 * The only way this project creates a CloudWatch log group: always KMS-encrypted with the project CMK
 * and always with a retention, so no log group can be created without them.
 */
export class EncryptedLogGroup extends Construct {
  public readonly logGroupName: string;
  /** ARN without the ":*" suffix (what WAF logging and IAM resource ARNs need). */
  public readonly logGroupArn: string;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    props.key.allowCloudWatchLogs();
    const group = new CloudwatchLogGroup(this, "group", {
      name: props.name,
      retentionInDays: props.retentionInDays ?? LOG_RETENTION_DAYS,
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
