import type { PolicyStatement } from "../../../lib/iam";
import { ATTACHABLE_MANAGED_POLICIES, PASSABLE_TO_SERVICES } from "../constants";
import type { DeployContext } from "./context";

/** Platform: the workload roles (only with the workload boundary), logs, alarms and dashboards, budgets, Prometheus, Grafana, ECS and its autoscaling. */
export function platformStatements({
  accountId,
  arn,
  iam,
  named,
  withBoundary,
}: DeployContext): PolicyStatement[] {
  return [
    {
      // A role is created, and its permissions written, only with the workload boundary: whatever the
      // inline policy says, the role can do no more than the boundary allows (no IAM, no AssumeRole).
      sid: "WorkloadRolePermissions",
      actions: [
        "iam:CreateRole",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
      ],
      resources: [iam(`role/${named}`)],
      conditions: withBoundary,
    },
    {
      // These actions have no iam:PermissionsBoundary condition key. None adds permissions to a role;
      // UpdateAssumeRolePolicy changes who may assume it, but every air-applied-ai* role it can reach
      // (guard-rails.ts denies the CI roles) carries the boundary, and this role may not assume roles.
      sid: "WorkloadRoleLifecycle",
      actions: [
        "iam:DeleteRole",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:CreateInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:TagInstanceProfile",
        "iam:UntagInstanceProfile",
      ],
      resources: [iam(`role/${named}`), iam(`instance-profile/${named}`)],
    },
    {
      sid: "AttachKnownManagedPolicies",
      actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
      resources: [iam(`role/${named}`)],
      conditions: { ArnEquals: { "iam:PolicyARN": ATTACHABLE_MANAGED_POLICIES }, ...withBoundary },
    },
    {
      sid: "PassWorkloadRoles",
      actions: ["iam:PassRole"],
      resources: [iam(`role/${named}`)],
      conditions: { StringEquals: { "iam:PassedToService": PASSABLE_TO_SERVICES } },
    },
    {
      sid: "ServiceLinkedRoles",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [iam("role/aws-service-role/*")],
      conditions: {
        StringEquals: {
          "iam:AWSServiceName": [
            "elasticache.amazonaws.com",
            "elasticloadbalancing.amazonaws.com",
            "ecs.amazonaws.com",
            "ecs.application-autoscaling.amazonaws.com",
            "backup.amazonaws.com",
            "grafana.amazonaws.com",
          ],
        },
      },
    },
    {
      sid: "LogGroups",
      actions: [
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:AssociateKmsKey",
        "logs:DisassociateKmsKey",
        "logs:TagResource",
        "logs:UntagResource",
      ],
      resources: [
        arn("logs", `log-group:/${named}`),
        arn("logs", `log-group:aws-waf-logs-${named}`),
        arn("logs", `log-group:/aws/vendedlogs/${named}`),
        arn("logs", `log-group:/aws/vendedlogs/prometheus/${named}`),
      ],
    },
    {
      sid: "LogDeliveryAndResourcePolicies",
      actions: [
        "logs:PutResourcePolicy",
        "logs:DeleteResourcePolicy",
        "logs:CreateLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
      ],
      resources: ["*"],
    },
    {
      sid: "AlarmsAndDashboards",
      actions: [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:PutCompositeAlarm",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:PutDashboard",
        "cloudwatch:DeleteDashboards",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
      ],
      resources: [arn("cloudwatch", `alarm:${named}`), `arn:aws:cloudwatch::${accountId}:dashboard/${named}`],
    },
    {
      // Event alerts (Monitoring eventAlerts): rules on the default bus that target the alert topic.
      sid: "EventAlertRules",
      actions: [
        "events:PutRule",
        "events:DeleteRule",
        "events:EnableRule",
        "events:DisableRule",
        "events:PutTargets",
        "events:RemoveTargets",
        "events:TagResource",
        "events:UntagResource",
      ],
      resources: [arn("events", `rule/${named}`)],
    },
    {
      // Application Auto Scaling creates and deletes a target tracking policy's alarms itself (its
      // service-linked role, ServiceLinkedRoles above), but PutScalingPolicy and DeleteScalingPolicy
      // first check that the caller holds cloudwatch:PutMetricAlarm / DeleteAlarms / DescribeAlarms
      // (Application Auto Scaling User Guide, "Identity-based policy examples" > "Permissions required
      // for API actions on target services and CloudWatch" > ECS services; DescribeAlarms comes from
      // ReadOnlyAccess). Their names are `TargetTracking-service/<cluster>/<service>-AlarmHigh|Low-<id>`:
      // exactly those alarms of air-applied-ai* services in air-applied-ai* clusters.
      sid: "TargetTrackingAlarms",
      actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
      resources: [arn("cloudwatch", `alarm:TargetTracking-service/${named}/${named}`)],
    },
    {
      sid: "Budgets",
      actions: ["budgets:ModifyBudget", "budgets:TagResource", "budgets:UntagResource"],
      resources: [`arn:aws:budgets::${accountId}:budget/${named}`],
    },
    {
      sid: "Prometheus",
      actions: [
        "aps:CreateWorkspace",
        "aps:DeleteWorkspace",
        "aps:UpdateWorkspaceAlias",
        "aps:CreateLoggingConfiguration",
        "aps:UpdateLoggingConfiguration",
        "aps:DeleteLoggingConfiguration",
        "aps:TagResource",
        "aps:UntagResource",
      ],
      resources: [arn("aps", "workspace/*")],
    },
    {
      sid: "Grafana",
      actions: [
        "grafana:CreateWorkspace",
        "grafana:DeleteWorkspace",
        "grafana:UpdateWorkspace",
        "grafana:UpdateWorkspaceAuthentication",
        "grafana:UpdateWorkspaceConfiguration",
        "grafana:TagResource",
        "grafana:UntagResource",
      ],
      resources: [arn("grafana", "/workspaces/*")],
    },
    {
      sid: "GrafanaIdentityCenter",
      actions: [
        "sso:CreateManagedApplicationInstance",
        "sso:DeleteManagedApplicationInstance",
        "sso:DescribeRegisteredRegions",
        "sso:GetSharedSsoConfiguration",
      ],
      resources: ["*"],
    },
    {
      sid: "Containers",
      actions: [
        "ecs:CreateCluster",
        "ecs:UpdateCluster",
        "ecs:DeleteCluster",
        "ecs:PutClusterCapacityProviders",
        "ecs:CreateService",
        "ecs:UpdateService",
        "ecs:DeleteService",
        "ecs:TagResource",
        "ecs:UntagResource",
      ],
      resources: [arn("ecs", "*")],
    },
    {
      sid: "TaskDefinitions",
      actions: ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition"],
      resources: ["*"],
    },
    {
      sid: "Autoscaling",
      actions: [
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:DeregisterScalableTarget",
        "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:DeleteScalingPolicy",
        "application-autoscaling:PutScheduledAction",
        "application-autoscaling:DeleteScheduledAction",
        "application-autoscaling:TagResource",
        "application-autoscaling:UntagResource",
      ],
      resources: [arn("application-autoscaling", "scalable-target/*")],
    },
  ];
}
