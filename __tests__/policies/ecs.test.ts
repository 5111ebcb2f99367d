import { ecsRules } from "../../policies/rules/ecs";
import { failingRules, notPassedByCommittedStacks } from "../helpers/policy";
import type { StackJson } from "../helpers/synth";

/*
 * policies/rules/ecs.ts: the apply-time constraints of ECS services, task definitions and scaling.
 * Compliant: the committed stacks. Non-compliant: prod changed one setting at a time.
 */

/** The first resource of `type` under prod's application tier. */
const first = (json: StackJson, type: string, path = "application/") =>
  Object.values(json.resource[type] as Record<string, any>).find((v) =>
    String(v["//"]?.metadata?.path).includes(path),
  );
/** The application's container definitions, and `save` to write them back. */
const container = (json: StackJson) => {
  const task = first(json, "aws_ecs_task_definition");
  const defs = JSON.parse(task.container_definitions);
  return { defs, save: () => (task.container_definitions = JSON.stringify(defs)) };
};

describe("ECS rules catch the apply-time constraints", () => {
  test("the committed stacks pass every ECS rule, and each applies to one of them", () => {
    expect(notPassedByCommittedStacks(ecsRules)).toEqual([]);
    expect(failingRules({ rules: ecsRules, waivers: [] })).toEqual([]);
  });

  test.each<[string, string, (json: StackJson) => void]>([
    [
      "AAI-ECS-001",
      "capacity_providers on the cluster (constraint 1)",
      (j) => (first(j, "aws_ecs_cluster").capacity_providers = ["FARGATE"]),
    ],
    [
      "AAI-ECS-002",
      "launch_type with a strategy (constraint 22)",
      (j) => (first(j, "aws_ecs_service").launch_type = "FARGATE"),
    ],
    [
      "AAI-ECS-003",
      "no dependency on the association (constraint 23)",
      (j) => {
        const s = first(j, "aws_ecs_service");
        s.depends_on = s.depends_on.filter(
          (d: string) => !d.startsWith("aws_ecs_cluster_capacity_providers."),
        );
      },
    ],
    [
      "AAI-ECS-003",
      "a provider missing from the association (constraint 23)",
      (j) => {
        first(j, "aws_ecs_cluster_capacity_providers").capacity_providers = ["FARGATE"];
      },
    ],
    [
      "AAI-ECS-004",
      "iam_role with awsvpc (constraint 26)",
      (j) => (first(j, "aws_ecs_service").iam_role = "arn:aws:iam::1:role/x"),
    ],
    [
      "AAI-ECS-005",
      "desired_count not ignored (constraint 27)",
      (j) => delete first(j, "aws_ecs_service").lifecycle,
    ],
    [
      "AAI-ECS-006",
      "no circuit breaker rollback",
      (j) => (first(j, "aws_ecs_service").deployment_circuit_breaker.rollback = false),
    ],
    [
      "AAI-ECS-007",
      "CANARY without advanced_configuration",
      (j) => delete first(j, "aws_ecs_service").load_balancer[0].advanced_configuration,
    ],
    [
      "AAI-ECS-008",
      "an invalid Fargate pair (constraint 24)",
      (j) => (first(j, "aws_ecs_task_definition").memory = "512"),
    ],
    [
      "AAI-ECS-008",
      "bridge networking (constraint 24)",
      (j) => (first(j, "aws_ecs_task_definition").network_mode = "bridge"),
    ],
    [
      "AAI-ECS-009",
      "a service ARN in resource_id (constraint 28)",
      (j) => {
        const t = first(j, "aws_appautoscaling_target");
        t.resource_id = t.resource_id.replace(/\.name\}$/, ".id}");
      },
    ],
    [
      "AAI-ECS-009",
      "a wrong scalable dimension (constraint 28)",
      (j) => (first(j, "aws_appautoscaling_target").scalable_dimension = "ecs:service:Count"),
    ],
    [
      "AAI-ECS-010",
      "a policy detached from its target (constraint 28)",
      (j) => (first(j, "aws_appautoscaling_policy").resource_id = "service/c/s"),
    ],
    [
      "AAI-ECS-010",
      "target tracking without explicit cooldowns",
      (j) =>
        delete first(j, "aws_appautoscaling_policy").target_tracking_scaling_policy_configuration
          .scale_in_cooldown,
    ],
    [
      "CKV_AWS_65",
      "Container Insights off",
      (j) => (first(j, "aws_ecs_cluster").setting = [{ name: "containerInsights", value: "disabled" }]),
    ],
    [
      "CKV_AWS_223",
      "exec logging NONE",
      (j) => (first(j, "aws_ecs_cluster").configuration.execute_command_configuration.logging = "NONE"),
    ],
    [
      "CKV_AWS_224",
      "exec without a CMK",
      (j) => delete first(j, "aws_ecs_cluster").configuration.execute_command_configuration.kms_key_id,
    ],
    [
      "CKV_AWS_333",
      "a public IP",
      (j) => (first(j, "aws_ecs_service").network_configuration.assign_public_ip = true),
    ],
    ["CKV_AWS_332", "a pinned old platform", (j) => (first(j, "aws_ecs_service").platform_version = "1.3.0")],
    [
      "CKV_AWS_249",
      "one role for both",
      (j) => {
        const t = first(j, "aws_ecs_task_definition");
        t.task_role_arn = t.execution_role_arn;
      },
    ],
    ["CKV_AWS_335", "host PID namespace", (j) => (first(j, "aws_ecs_task_definition").pid_mode = "host")],
    [
      "CKV_AWS_336",
      "a writable root filesystem",
      (j) => {
        const c = container(j);
        c.defs[0].readonlyRootFilesystem = false;
        c.save();
      },
    ],
    [
      "CKV_AWS_334",
      "a privileged container",
      (j) => {
        const c = container(j);
        c.defs[0].privileged = true;
        c.save();
      },
    ],
    [
      "AWS-0036",
      "a secret-looking environment variable",
      (j) => {
        const c = container(j);
        c.defs[0].environment.push({ name: "OPENAI_API_KEY", value: "sk-live-0123456789" });
        c.save();
      },
    ],
  ])("%s fails on %s", (id, _, mutate) => {
    expect(failingRules({ rules: ecsRules, mutate })).toContain(id);
  });
});
