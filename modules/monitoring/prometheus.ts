/**
 * Amazon Managed Service for Prometheus: the workspace (CMK, logging to an encrypted log group). The
 * ADOT collector that fills it is in collector.ts.
 */
import { PrometheusWorkspace as AmpWorkspace } from "@cdktf/provider-aws/lib/prometheus-workspace";
import { Construct } from "constructs";
import type { IGrantable } from "../../lib/iam";
import type { Platform } from "../platform";
import { EncryptedLogGroup } from "../security/log-group";

export {
  AdotCollector,
  type AdotCollectorProps,
  type CollectorTargets,
  renderCollectorConfig,
} from "./collector";

export interface PrometheusWorkspaceProps {
  /** Workspace alias and log-group name stem (namePrefix), the CMK of its data and log group, retention. */
  readonly platform: Platform;
}

/** The AMP workspace, encrypted with the CMK, logging rule/alert-manager events to an encrypted group. */
export class PrometheusWorkspace extends Construct {
  public readonly workspaceArn: string;
  public readonly workspaceId: string;
  /** e.g. https://aps-workspaces.us-east-2.amazonaws.com/workspaces/ws-.../ (ends with "/"). */
  public readonly prometheusEndpoint: string;
  public readonly remoteWriteUrl: string;
  public readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: PrometheusWorkspaceProps) {
    super(scope, id);
    // /aws/vendedlogs/ keeps the account's CloudWatch Logs resource policy small (vended-log delivery).
    const { platform } = props;
    const logs = new EncryptedLogGroup(this, "logs", {
      platform,
      name: `/aws/vendedlogs/prometheus/${platform.namePrefix}`,
    });
    const workspace = new AmpWorkspace(this, "workspace", {
      alias: platform.namePrefix,
      kmsKeyArn: platform.key.keyArn,
      // The API wants the ARN of the group's streams: it must end with ":*" (TPA PR#27213).
      loggingConfiguration: { logGroupArn: `${logs.logGroupArn}:*` },
    });
    this.workspaceArn = workspace.arn;
    this.workspaceId = workspace.id;
    this.prometheusEndpoint = workspace.prometheusEndpoint;
    this.remoteWriteUrl = `${workspace.prometheusEndpoint}api/v1/remote_write`;
    this.logGroupName = logs.logGroupName;
  }

  /** Lets a role write samples to this workspace (the collector). */
  public grantRemoteWrite(grantee: IGrantable): void {
    grantee.addToPolicy({ actions: ["aps:RemoteWrite"], resources: [this.workspaceArn] });
  }

  /** Lets a role query this workspace (Grafana). */
  public grantQuery(grantee: IGrantable): void {
    grantee.addToPolicy({
      actions: [
        "aps:QueryMetrics",
        "aps:GetSeries",
        "aps:GetLabels",
        "aps:GetMetricMetadata",
        "aps:DescribeWorkspace",
      ],
      resources: [this.workspaceArn],
    });
  }
}
