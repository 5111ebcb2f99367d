/**
 * Amazon Managed Grafana: one workspace per environment with the Prometheus (AMP) and CloudWatch data
 * sources. With SERVICE_MANAGED permissions the API does not create the service role (TPA#24342), so
 * the workspace gets an explicit role trusted by grafana.amazonaws.com that may query this AMP
 * workspace, read CloudWatch metrics/alarms/logs and publish to the alert topic.
 * The dashboards are JSON files in ./dashboards, provisioned by scripts/provision-grafana.mjs.
 */
import { GrafanaWorkspace as GrafanaWorkspaceResource } from "@cdktf/provider-aws/lib/grafana-workspace";
import { Construct } from "constructs";
import { REGION } from "../../lib/naming";
import { type Platform, StackContext } from "../platform";
import { ServiceRole } from "../security/service-role";
import type { PrometheusWorkspace } from "./prometheus";

export const GRAFANA_AUTHENTICATION_PROVIDERS = ["AWS_SSO", "SAML"] as const;
export type GrafanaAuthentication = (typeof GRAFANA_AUTHENTICATION_PROVIDERS)[number];

/**
 * Read actions of the CloudWatch data source that have no resource-level permissions in IAM (the
 * Service Authorization Reference lists no resource type), so "*" is their only valid Resource.
 */
const CLOUDWATCH_READ_UNSCOPED = [
  "cloudwatch:DescribeAlarmsForMetric",
  "cloudwatch:ListMetrics",
  "cloudwatch:GetMetricData",
  "logs:DescribeLogGroups",
  "logs:StopQuery",
  "ec2:DescribeTags",
  "ec2:DescribeInstances",
  "ec2:DescribeRegions",
  "tag:GetResources",
  "aps:ListWorkspaces",
];

/** Read actions that take resource ARNs (checkov CKV_AWS_355), with the ARN pattern each accepts. */
function cloudwatchReadScoped(accountId: string): { actions: string[]; resources: string[] }[] {
  return [
    {
      actions: ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"],
      resources: [`arn:aws:cloudwatch:${REGION}:${accountId}:alarm:*`],
    },
    {
      actions: ["cloudwatch:GetInsightRuleReport"],
      resources: [`arn:aws:cloudwatch:${REGION}:${accountId}:insight-rule/*`],
    },
  ];
}

export interface GrafanaProps {
  /** Workspace and role names (namePrefix), and the CMK of the alert topic and the AMP workspace. */
  readonly platform: Platform;
  /** "AWS_SSO" needs IAM Identity Center enabled in the account; "SAML" needs a SAML configuration. */
  readonly authentication: GrafanaAuthentication;
  readonly prometheus: PrometheusWorkspace;
  /** Alert topic (Grafana alerting's SNS contact point), encrypted with the platform key. */
  readonly alertTopicArn: string;
}

export class Grafana extends Construct {
  public readonly workspaceId: string;
  /** e.g. g-abc123.grafana-workspace.us-east-2.amazonaws.com */
  public readonly endpoint: string;
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    if (!GRAFANA_AUTHENTICATION_PROVIDERS.includes(props.authentication))
      throw new Error(
        `Grafana: authentication = "${props.authentication}": must be one of ${GRAFANA_AUTHENTICATION_PROVIDERS.join(", ")}`,
      );
    const { platform } = props;
    const accountId = StackContext.of(this).accountId;
    const role = new ServiceRole(this, "role", {
      roleName: platform.name("grafana"),
      description: "Managed Grafana: query AMP, read CloudWatch, publish alerts",
      servicePrincipal: "grafana.amazonaws.com",
    });
    props.prometheus.grantQuery(role);
    role.addToPolicy({
      actions: ["kms:Decrypt"],
      resources: [platform.key.keyArn],
      conditions: { StringEquals: { "kms:ViaService": `aps.${REGION}.amazonaws.com` } },
    });
    role.addToPolicy({ actions: CLOUDWATCH_READ_UNSCOPED, resources: ["*"] });
    for (const statement of cloudwatchReadScoped(accountId)) role.addToPolicy(statement);
    role.addToPolicy({
      actions: ["logs:StartQuery", "logs:GetQueryResults", "logs:GetLogGroupFields", "logs:GetLogEvents"],
      resources: [`arn:aws:logs:${REGION}:${accountId}:log-group:*`],
    });
    role.addToPolicy({ actions: ["sns:Publish"], resources: [props.alertTopicArn] });
    role.addToPolicy({ actions: ["kms:GenerateDataKey*", "kms:Decrypt"], resources: [platform.key.keyArn] });

    const workspace = new GrafanaWorkspaceResource(this, "workspace", {
      name: platform.namePrefix,
      description: `${platform.namePrefix}: API, vector search, cache and resource dashboards`,
      accountAccessType: "CURRENT_ACCOUNT",
      authenticationProviders: [props.authentication],
      permissionType: "SERVICE_MANAGED",
      roleArn: role.roleArn,
      dataSources: ["PROMETHEUS", "CLOUDWATCH"],
      notificationDestinations: ["SNS"],
    });
    this.workspaceId = workspace.id;
    this.endpoint = workspace.endpoint;
    this.roleArn = role.roleArn;
  }
}
