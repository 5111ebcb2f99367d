import { FARGATE_CPU_VALUES, fargateMemoryFor } from "../../lib/fargate";
import {
  NOT_APPLICABLE,
  type Rule,
  type StackDoc,
  type TfResource,
  asList,
  blocks,
  references,
  resourcesOf,
} from "../engine";
import { resolveRef } from "./alb";

const CLUSTER = ["aws_ecs_cluster"];
const SERVICE = ["aws_ecs_service"];
const TASK = ["aws_ecs_task_definition"];

/** Container definitions of a task definition (plain JSON string); undefined when not parseable. */
function containersOf(task: TfResource): Record<string, any>[] | undefined {
  try {
    const parsed = JSON.parse(task.values.container_definitions);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A check over every container of a task definition: the first failure, or true. */
function everyContainer(task: TfResource, check: (c: Record<string, any>) => true | string): true | string {
  const containers = containersOf(task);
  if (!containers) return "container_definitions is not plain JSON";
  for (const c of containers) {
    const result = check(c);
    if (result !== true) return `container ${c.name}: ${result}`;
  }
  return true;
}

function execConfig(cluster: TfResource): Record<string, any> | undefined {
  return blocks(cluster.values.configuration).flatMap((c) => blocks(c.execute_command_configuration))[0];
}

/** Environment variable names trivy AWS-0036 treats as credentials. */
const SECRET_LIKE_NAME =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
/** Values that are credentials whatever their name. */
const SECRET_LIKE_VALUE =
  /(\b(AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----|[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@$]+@)/;

/** The aws_ecs_cluster a service's `cluster` argument references. */
function clusterOf(stack: StackDoc, service: TfResource): TfResource | undefined {
  return resolveRef(stack, service.values.cluster, "aws_ecs_cluster");
}

const TRAFFIC_SHIFTING = ["BLUE_GREEN", "CANARY", "LINEAR"];

export const ecsRules: Rule[] = [
  {
    id: "CKV_AWS_65",
    controls: ["ECS.12"],
    description: "ECS clusters have Container Insights enabled",
    severity: "LOW",
    fix: 'Add setting { name = "containerInsights", value = "enabled" } (or "enhanced").',
    resourceTypes: CLUSTER,
    check: (c) =>
      blocks(c.values.setting).some(
        (s) => s.name === "containerInsights" && ["enabled", "enhanced"].includes(s.value),
      ) || "containerInsights is not enabled",
  },
  {
    id: "CKV_AWS_223",
    description: "ECS Exec logging is not disabled",
    severity: "MEDIUM",
    fix: 'Set execute_command_configuration.logging = "OVERRIDE" with a log_configuration.',
    resourceTypes: CLUSTER,
    check: (c) => execConfig(c)?.logging !== "NONE" || 'execute_command_configuration.logging = "NONE"',
  },
  {
    id: "CKV_AWS_224",
    description: "ECS Exec sessions are encrypted with a CMK and logged to an encrypted destination",
    severity: "MEDIUM",
    fix: "Give execute_command_configuration a kms_key_id, logging OVERRIDE and log_configuration.cloud_watch_encryption_enabled = true.",
    resourceTypes: CLUSTER,
    check: (c) => {
      const exec = execConfig(c);
      if (!exec) return "no execute_command_configuration";
      if (!exec.kms_key_id) return "execute_command_configuration has no kms_key_id";
      if (exec.logging !== "OVERRIDE") return `logging = ${exec.logging ?? "DEFAULT"}, not OVERRIDE`;
      const log = blocks(exec.log_configuration)[0] ?? {};
      if (log.cloud_watch_log_group_name && log.cloud_watch_encryption_enabled !== true)
        return "CloudWatch exec logs without cloud_watch_encryption_enabled";
      if (log.s3_bucket_name && log.s3_bucket_encryption_enabled !== true)
        return "S3 exec logs without s3_bucket_encryption_enabled";
      return (
        !!(log.cloud_watch_log_group_name || log.s3_bucket_name) || "log_configuration names no destination"
      );
    },
  },
  {
    id: "AAI-ECS-001",
    description:
      "ECS clusters do not use the removed capacity_providers / default_capacity_provider_strategy arguments (aws-constraints 1)",
    severity: "HIGH",
    fix: "Declare aws_ecs_cluster_capacity_providers for the cluster instead.",
    resourceTypes: CLUSTER,
    check: (c) =>
      (c.values.capacity_providers === undefined &&
        c.values.default_capacity_provider_strategy === undefined) ||
      "capacity_providers on aws_ecs_cluster (removed in provider v5)",
  },
  {
    id: "CKV_AWS_333",
    controls: ["ECS.2"],
    description: "ECS services do not assign public IPs to tasks",
    severity: "HIGH",
    fix: "Set network_configuration.assign_public_ip = false and run tasks in private subnets.",
    resourceTypes: SERVICE,
    check: (s) =>
      !blocks(s.values.network_configuration).some((n) => n.assign_public_ip === true) ||
      "assign_public_ip = true",
  },
  {
    id: "CKV_AWS_332",
    controls: ["ECS.10"],
    description: "Fargate services run the LATEST platform version",
    severity: "MEDIUM",
    fix: 'Set platform_version = "LATEST" (or omit it).',
    resourceTypes: SERVICE,
    check: (s) =>
      s.values.platform_version === undefined ||
      s.values.platform_version === "LATEST" ||
      `platform_version = ${s.values.platform_version}`,
  },
  {
    id: "AAI-ECS-002",
    description:
      "ECS services set either launch_type or capacity_provider_strategy, never both (aws-constraints 22)",
    severity: "HIGH",
    fix: "Remove launch_type when the service has a capacity_provider_strategy.",
    resourceTypes: SERVICE,
    check: (s) =>
      !(s.values.launch_type !== undefined && blocks(s.values.capacity_provider_strategy).length > 0) ||
      `launch_type ${s.values.launch_type} together with a capacity_provider_strategy`,
  },
  {
    id: "AAI-ECS-003",
    description:
      "ECS services with a capacity-provider strategy depend on their cluster's capacity-provider association, which lists every provider they use (aws-constraints 23)",
    severity: "HIGH",
    fix: "Add depends_on the aws_ecs_cluster_capacity_providers of the service's cluster.",
    resourceTypes: SERVICE,
    check: (s, stack) => {
      const used = blocks(s.values.capacity_provider_strategy).map((i) => i.capacity_provider as string);
      if (used.length === 0) return NOT_APPLICABLE;
      const cluster = clusterOf(stack, s);
      const associations = resourcesOf(stack, "aws_ecs_cluster_capacity_providers").filter(
        (a) =>
          asList<string>(s.values.depends_on).includes(a.address) &&
          (!cluster || references(a.values.cluster_name, cluster)),
      );
      if (associations.length === 0)
        return "does not depend on its cluster's aws_ecs_cluster_capacity_providers";
      const provided = new Set(associations.flatMap((a) => asList<string>(a.values.capacity_providers)));
      const missing = used.filter((p) => !provided.has(p));
      return (
        missing.length === 0 || `capacity providers not associated with the cluster: ${missing.join(", ")}`
      );
    },
  },
  {
    id: "AAI-ECS-004",
    description:
      "awsvpc services set no iam_role, and a health-check grace period only with a load balancer (aws-constraints 26)",
    severity: "HIGH",
    fix: "Remove iam_role (awsvpc services use the ECS service-linked role); drop health_check_grace_period_seconds without load_balancer.",
    resourceTypes: SERVICE,
    check: (s) => {
      if (s.values.iam_role !== undefined && blocks(s.values.network_configuration).length > 0)
        return "iam_role with awsvpc networking";
      if (
        s.values.health_check_grace_period_seconds !== undefined &&
        blocks(s.values.load_balancer).length === 0
      )
        return "health_check_grace_period_seconds without a load_balancer";
      return true;
    },
  },
  {
    id: "AAI-ECS-005",
    description: "Autoscaled ECS services ignore desired_count after creation (aws-constraints 27)",
    severity: "MEDIUM",
    fix: 'Add lifecycle { ignore_changes = ["desired_count"] } to the service.',
    resourceTypes: SERVICE,
    check: (s, stack) => {
      const scaled = resourcesOf(stack, "aws_appautoscaling_target").some((t) =>
        references(t.values.resource_id, s),
      );
      if (!scaled) return NOT_APPLICABLE;
      return (
        asList<string>(s.values.lifecycle?.ignore_changes).includes("desired_count") ||
        "autoscaled, but an apply would reset desired_count"
      );
    },
  },
  {
    id: "AAI-ECS-006",
    description: "ECS services roll back failed deployments (deployment circuit breaker with rollback)",
    severity: "MEDIUM",
    fix: "Set deployment_circuit_breaker { enable = true, rollback = true }.",
    resourceTypes: SERVICE,
    check: (s) =>
      blocks(s.values.deployment_circuit_breaker).some((b) => b.enable === true && b.rollback === true) ||
      "no deployment circuit breaker with rollback",
  },
  {
    id: "AAI-ECS-007",
    description:
      "BLUE_GREEN, CANARY and LINEAR services give ECS an alternate target group, the production listener rule and a role",
    severity: "HIGH",
    fix: "Add load_balancer.advanced_configuration { alternate_target_group_arn, production_listener_rule, role_arn }.",
    resourceTypes: SERVICE,
    check: (s) => {
      const strategy = blocks(s.values.deployment_configuration)[0]?.strategy ?? "ROLLING";
      if (!TRAFFIC_SHIFTING.includes(strategy)) return NOT_APPLICABLE;
      const advanced = blocks(s.values.load_balancer).flatMap((lb) => blocks(lb.advanced_configuration));
      const complete = advanced.some(
        (a) => a.alternate_target_group_arn && a.production_listener_rule && a.role_arn,
      );
      return complete || `strategy ${strategy} without a complete load_balancer.advanced_configuration`;
    },
  },
  {
    id: "CKV_AWS_249",
    description: "ECS task definitions use different execution and task roles",
    severity: "MEDIUM",
    fix: "Give the task its own role; the execution role only pulls images, writes logs and reads secrets.",
    resourceTypes: TASK,
    check: (t) =>
      !t.values.execution_role_arn
        ? NOT_APPLICABLE
        : t.values.execution_role_arn !== t.values.task_role_arn || "execution_role_arn equals task_role_arn",
  },
  {
    id: "CKV_AWS_335",
    controls: ["ECS.3"],
    description: "ECS task definitions do not share the host's process namespace",
    severity: "HIGH",
    fix: 'Remove pid_mode = "host".',
    resourceTypes: TASK,
    check: (t) => t.values.pid_mode !== "host" || 'pid_mode = "host"',
  },
  {
    id: "CKV_AWS_336",
    controls: ["ECS.5"],
    description: "ECS containers have read-only root filesystems",
    severity: "HIGH",
    fix: "Set readonlyRootFilesystem: true and mount task volumes where the container must write (/tmp).",
    resourceTypes: TASK,
    check: (t) =>
      everyContainer(t, (c) => c.readonlyRootFilesystem === true || "readonlyRootFilesystem is not true"),
  },
  {
    // checkov's CKV_AWS_334 looks for a "privilege" key, so `privileged: true` slips through it; ours reads the real key.
    id: "CKV_AWS_334",
    controls: ["ECS.4"],
    description: "ECS containers do not run privileged",
    severity: "HIGH",
    fix: "Set privileged: false (or omit it).",
    resourceTypes: TASK,
    check: (t) => everyContainer(t, (c) => c.privileged !== true || "privileged: true"),
  },
  {
    id: "AWS-0036",
    controls: ["ECS.8"],
    description: "ECS container environment variables carry no credentials (use secrets with valueFrom)",
    severity: "CRITICAL",
    fix: "Move the variable to the container's secrets (Secrets Manager ARN in valueFrom).",
    resourceTypes: TASK,
    check: (t) =>
      everyContainer(t, (c) => {
        for (const e of asList<Record<string, string>>(c.environment)) {
          if (SECRET_LIKE_NAME.test(e.name)) return `environment ${e.name} looks like a credential`;
          if (SECRET_LIKE_VALUE.test(String(e.value)))
            return `environment ${e.name} has a credential-like value`;
        }
        return true;
      }),
  },
  {
    id: "AAI-ECS-008",
    description:
      "Fargate task definitions use awsvpc and a valid task cpu/memory pair; containers fit in the task (aws-constraints 24)",
    severity: "HIGH",
    fix: 'Set network_mode = "awsvpc" and a cpu/memory pair from the Fargate table (lib/fargate.ts).',
    resourceTypes: TASK,
    check: (t) => {
      if (!asList<string>(t.values.requires_compatibilities).includes("FARGATE")) return NOT_APPLICABLE;
      if (t.values.network_mode !== "awsvpc") return `network_mode ${t.values.network_mode}, not awsvpc`;
      const cpu = Number(t.values.cpu);
      const memory = Number(t.values.memory);
      if (!FARGATE_CPU_VALUES.includes(cpu)) return `task cpu ${t.values.cpu} is not a Fargate value`;
      if (!fargateMemoryFor(cpu).includes(memory))
        return `no Fargate configuration for ${cpu} CPU, ${memory} memory`;
      return everyContainer(
        t,
        (c) =>
          c.memory === undefined || c.memory <= memory || `memory ${c.memory} exceeds the task's ${memory}`,
      );
    },
  },
  {
    id: "AAI-ECS-009",
    description:
      "ECS scalable targets use resource_id service/<cluster name>/<service name>, the DesiredCount dimension and the ecs namespace (aws-constraints 28)",
    severity: "HIGH",
    fix: 'resource_id = "service/${cluster.name}/${service.name}" (names, not ARNs), scalable_dimension = "ecs:service:DesiredCount".',
    resourceTypes: ["aws_appautoscaling_target"],
    appliesTo: (stack) =>
      resourcesOf(stack, "aws_appautoscaling_target").some((t) => t.values.service_namespace === "ecs"),
    check: (t) => {
      if (t.values.service_namespace !== "ecs") return NOT_APPLICABLE;
      if (t.values.scalable_dimension !== "ecs:service:DesiredCount")
        return `scalable_dimension ${t.values.scalable_dimension}`;
      const id = String(t.values.resource_id ?? "");
      const parts = /^service\/(\$\{[^}]+\}|[A-Za-z0-9_-]+)\/(\$\{[^}]+\}|[A-Za-z0-9_-]+)$/.exec(id);
      if (!parts) return `resource_id ${id} is not service/<cluster>/<service>`;
      const refs = [parts[1], parts[2]].filter((p) => p.startsWith("${"));
      const notName = refs.find((r) => !/^\$\{aws_ecs_(cluster|service)\.[\w-]+\.name\}$/.test(r));
      return !notName || `resource_id segment ${notName} is not a cluster or service name`;
    },
  },
  {
    id: "AAI-ECS-010",
    description: "ECS scaling policies reference their scalable target (created after it)",
    severity: "MEDIUM",
    fix: "Take resource_id, scalable_dimension and service_namespace from the aws_appautoscaling_target.",
    resourceTypes: ["aws_appautoscaling_policy"],
    check: (p, stack) => {
      const target = resourcesOf(stack, "aws_appautoscaling_target").find(
        (t) => references(p.values.resource_id, t) || asList<string>(p.values.depends_on).includes(t.address),
      );
      if (!target) return "references no aws_appautoscaling_target";
      if (target.values.service_namespace !== "ecs") return NOT_APPLICABLE;
      const tracking = blocks(p.values.target_tracking_scaling_policy_configuration)[0];
      const metric = blocks(tracking?.predefined_metric_specification)[0]?.predefined_metric_type;
      if (tracking && metric && !String(metric).startsWith("ECSService"))
        return `predefined metric ${metric} is not an ECS service metric`;
      if (tracking && (tracking.scale_in_cooldown === undefined || tracking.scale_out_cooldown === undefined))
        return "target tracking without explicit scale_in_cooldown and scale_out_cooldown";
      return true;
    },
  },
];
