import { TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { loadEnvironments } from "../../environments";
import { ENVIRONMENT_NAMES, type EnvironmentName } from "../../environments/schema";
import { namePrefix, physicalName } from "../../lib/naming";
import { importedSecurityGroup } from "../../modules/security/connections";
import { TEST_NETWORK, testPlatform } from "../helpers/fixtures";
import {
  Application,
  type ApplicationProps,
  CONTAINER_NAME,
  ECS_EXEC_SSM_ACTIONS,
  ELB_DESCRIBE_ACTIONS,
  type ServiceSettings as EcsSettings,
  STOP_TIMEOUT_SECONDS,
  deploymentConfiguration,
  pythonHealthCheck,
} from "../../modules/ecs";
import { evaluate } from "../../policies/engine";
import { ecrRules } from "../../policies/rules/ecr";
import { ecsRules } from "../../policies/rules/ecs";
import { WAIVERS } from "../../policies/waivers";
import {
  type StackJson,
  stackResource,
  stackLogicalName,
  policyOf,
  ref,
  resourcesOf,
  stackDoc,
  synthAll,
  unitLogicalName,
  unitResource,
  synthScope,
  valuesOf,
} from "../helpers/synth";

const configs = Object.fromEntries(loadEnvironments().map((c) => [c.name, c])) as Record<
  EnvironmentName,
  ReturnType<typeof loadEnvironments>[number]
>;
const PROD_ECS = configs.prod.ecs;

/*
 * Three layers (design-seams change 7): the Application construct on its own (synthScope,
 * GIVEN/WHEN/THEN), the committed prod stack against the seed's numbers (synthAll), and what dev and
 * staging do differently (synthAll). The ECS and ECR rules themselves are tested in
 * __tests__/policies/ecs.test.ts and ecr.test.ts; here, that every environment's application passes them.
 */

// ---- helpers -----------------------------------------------------------------------------------

/** The container definitions of a task definition (a plain JSON string in the synthesized JSON). */
const containersOf = (task: Record<string, any>): Record<string, any>[] =>
  JSON.parse(task.container_definitions);
const statementsOf = (stack: StackJson, rolePath: string): Record<string, any>[] =>
  policyOf(stackResource(stack, "aws_iam_role_policy", `${rolePath}/policy`)).Statement;
const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v as string]);
/** The resources of the statements that grant `action`. */
const resourcesFor = (statements: Record<string, any>[], action: string): string[] =>
  statements.filter((s) => asList(s.Action).includes(action)).flatMap((s) => asList(s.Resource));
/** True for "${<type>.<name>.<attr>}" references, optionally followed by a suffix such as "/*". */
const isReference = (r: string) =>
  /^\$\{(aws_|data\.aws_)[\w-]+\.[\w-]+\.[\w]+\}(\/\*|:log-stream:\*)?$/.test(r);

const LB = {
  targetGroupArn: "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/api-1/0123456789abcdef",
  connections: importedSecurityGroup("sg-alb", { peerName: "alb", peerDescription: "the ALB" }).connections,
  alternateTargetGroupArn:
    "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/alt-1/fedcba9876543210",
  productionListenerRuleArn:
    "arn:aws:elasticloadbalancing:us-east-2:123456789012:listener-rule/app/alb/1/2/3",
  listenerArn: "arn:aws:elasticloadbalancing:us-east-2:123456789012:listener/app/alb/1/2",
};

/** Application props without the platform (built per test stack) and the image tag. */
type TestProps = Omit<ApplicationProps, "platform" | "imageTag"> & { readonly namePrefix?: string };

function baseProps(settings: Partial<EcsSettings> = {}): TestProps {
  return {
    network: TEST_NETWORK,
    settings: { ...PROD_ECS, ...settings },
    loadBalancing: { ...LB, listenerDependencies: [] },
    environment: { RAW_DATA_BUCKET: "air-applied-ai-raw-data" },
    secrets: [
      {
        name: "REDIS_AUTH_TOKEN",
        valueFrom: "arn:aws:secretsmanager:us-east-2:123456789012:secret:redis-AbCdEf",
        grantRead: (role) =>
          role.addToPolicy({
            actions: ["secretsmanager:GetSecretValue"],
            resources: ["arn:aws:secretsmanager:us-east-2:123456789012:secret:redis-AbCdEf"],
          }),
      },
    ],
  };
}

/**
 * GIVEN a test stack with a prod-like platform ("air-applied-ai", 30-day logs) and the image tag as a
 * Terraform variable (as in the stacks); WHEN the Application is made with `over` and prod's settings
 * changed by `settings`.
 */
function build(over: Partial<TestProps> = {}, settings: Partial<EcsSettings> = {}) {
  return (scope: Construct) => {
    const { namePrefix: prefix, ...props } = { ...baseProps(settings), ...over };
    const platform = testPlatform(scope, { namePrefix: prefix ?? "air-applied-ai" });
    const tag = new TerraformVariable(scope, "image_tag", { type: "string" });
    return new Application(scope, "app", { ...props, platform, imageTag: tag.stringValue });
  };
}

/** Construction errors (validation happens in the constructor). */
function buildError(
  over: Partial<TestProps> & Pick<Partial<ApplicationProps>, "imageTag"> = {},
  settings: Partial<EcsSettings> = {},
): string {
  try {
    synthScope((scope) => {
      const { namePrefix: prefix, ...props } = { ...baseProps(settings), imageTag: "abc123", ...over };
      new Application(scope, "app", {
        ...props,
        platform: testPlatform(scope, { namePrefix: prefix ?? "air-applied-ai" }),
      });
    });
  } catch (error) {
    return (error as Error).message;
  }
  return "no error";
}

// ---- the construct -----------------------------------------------------------------------------

describe("Application", () => {
  const stack = synthScope((scope) => {
    // GIVEN a test stack with a prod-like platform (build) and an imported Redis group
    const redis = importedSecurityGroup("sg-redis", { peerName: "redis", defaultPorts: [6379] });
    // WHEN an Application with prod's settings but LINEAR deployments (25 % steps every 3 minutes)
    // connects to Redis twice and admits the ALB a second time
    const app = build(
      {},
      { deploymentStrategy: "LINEAR", trafficShiftPercent: 25, bakeTimeMinutes: 3 },
    )(scope);
    app.connections.allowTo(redis);
    app.connections.allowTo(redis);
    app.connections.allowFrom(LB); // the ALB again
  });

  test("LINEAR: step configuration and the infrastructure role on the alternate target group", () => {
    // THEN
    const service = valuesOf(stack, "aws_ecs_service")[0];
    expect(service.deployment_configuration).toEqual({
      strategy: "LINEAR",
      bake_time_in_minutes: "3",
      linear_configuration: { step_percent: 25, step_bake_time_in_minutes: "3" },
    });
    expect(service.load_balancer[0].advanced_configuration).toEqual({
      alternate_target_group_arn: LB.alternateTargetGroupArn,
      production_listener_rule: LB.productionListenerRuleArn,
      role_arn: ref(
        "aws_iam_role",
        unitLogicalName(stack, "aws_iam_role", "app/service/infrastructure-role"),
        "arn",
      ),
    });
  });

  test("deploymentConfiguration: LINEAR shifts trafficShiftPercent per step every bakeTimeMinutes", () => {
    // WHEN prod's settings with LINEAR 20 % steps every 5 minutes
    const configuration = deploymentConfiguration({
      ...PROD_ECS,
      deploymentStrategy: "LINEAR",
      trafficShiftPercent: 20,
      bakeTimeMinutes: 5,
    });
    // THEN
    expect(configuration).toEqual({
      strategy: "LINEAR",
      bakeTimeInMinutes: "5",
      linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: "5" },
    });
  });

  test("the execution role is granted exactly the secrets it injects", () => {
    // THEN
    const statements = policyOf(
      unitResource(stack, "aws_iam_role_policy", "app/service/execution-role/policy"),
    ).Statement;
    expect(statements.filter((s: any) => String(s.Action).includes("secretsmanager"))).toEqual([
      {
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: "arn:aws:secretsmanager:us-east-2:123456789012:secret:redis-AbCdEf",
      },
    ]);
    const [container] = containersOf(valuesOf(stack, "aws_ecs_task_definition")[0]);
    expect(container.secrets).toEqual([
      {
        name: "REDIS_AUTH_TOKEN",
        valueFrom: "arn:aws:secretsmanager:us-east-2:123456789012:secret:redis-AbCdEf",
      },
    ]);
  });

  test("connections.allowTo and allowFrom are idempotent", () => {
    // THEN
    expect(
      valuesOf(stack, "aws_vpc_security_group_egress_rule").filter(
        (r) => r.referenced_security_group_id === "sg-redis",
      ),
    ).toHaveLength(1);
    expect(valuesOf(stack, "aws_vpc_security_group_ingress_rule")).toHaveLength(1);
  });

  test.each<
    [string, Partial<TestProps> & Pick<Partial<ApplicationProps>, "imageTag">, Partial<EcsSettings>, RegExp]
  >([
    [
      "traffic shifting without the alternate target group",
      {
        loadBalancing: {
          targetGroupArn: LB.targetGroupArn,
          connections: LB.connections,
          listenerDependencies: [],
        },
      },
      { deploymentStrategy: "CANARY" },
      /loadBalancing\.alternateTargetGroupArn = null: is required with deploymentStrategy CANARY/,
    ],
    [
      "a credential in plain environment",
      { environment: { DB_PASSWORD: "hunter2hunter2" } },
      {},
      /environment = "DB_PASSWORD": looks like a credential: pass it in secrets/,
    ],
    [
      "an AWS access key as a value",
      { environment: { UPSTREAM: "AKIAIOSFODNN7EXAMPLE" } },
      {},
      /environment = "UPSTREAM": has a credential-like value/,
    ],
    [
      "the latest tag",
      { imageTag: "latest" },
      {},
      /imageTag = "latest": must be an ECR tag .* other than "latest"/,
    ],
    [
      "a bad Fargate pair",
      {},
      { taskMemory: 1024 },
      /settings\.taskMemory = 1024: must be a Fargate memory value for cpu 1024: 2048-8192 MiB/,
    ],
    [
      "min > max",
      {},
      { minCapacity: 11 },
      /settings\.minCapacity = 11: must be <= settings\.maxCapacity \(10\)/,
    ],
    ["both weights zero", {}, { onDemandWeight: 0, spotWeight: 0 }, /settings\.spotWeight = 0: must be > 0/],
    [
      "a LINEAR step under 3 %",
      {},
      { deploymentStrategy: "LINEAR", trafficShiftPercent: 2 },
      /settings\.trafficShiftPercent = 2: must be 3-100/,
    ],
    [
      "an upper-case repository (from the name prefix)",
      { namePrefix: "Air" },
      {},
      /repositoryName = "Air-api": must be 2-256 lower-case/,
    ],
  ])("rejects %s", (_, over, settings, message) => {
    // WHEN an Application is made with the invalid props or settings
    const error = buildError(over, settings);
    // THEN
    expect(error).toMatch(message);
  });
});

// ---- the committed stacks ----------------------------------------------------------------------

describe("prod stack: seed values", () => {
  const prod = synthAll().prod;
  /** The logical name of prod's `type` resource at construct path `path`. */
  const name = (type: string, path: string) => stackLogicalName(prod, type, path);
  /** "${<type>.<logical name>.<attribute>}" for prod's `type` resource at `path`. */
  const refTo = (type: string, path: string, attribute = "id") => ref(type, name(type, path), attribute);
  const REPOSITORY = "application/repository/repository";
  const keyArn = refTo("aws_kms_key", "kms/key", "arn");
  const cluster = stackResource(prod, "aws_ecs_cluster", "application/cluster/cluster");
  const clusterName = name("aws_ecs_cluster", "application/cluster/cluster");
  const providers = stackResource(
    prod,
    "aws_ecs_cluster_capacity_providers",
    "application/cluster/capacity-providers",
  );
  const service = stackResource(prod, "aws_ecs_service", "application/service/service");
  const serviceName = name("aws_ecs_service", "application/service/service");
  const task = stackResource(prod, "aws_ecs_task_definition", "application/service/task-definition");
  const [container] = containersOf(task);

  test("cluster air-applied-ai-cluster with Container Insights", () => {
    expect(cluster.name).toBe("air-applied-ai-cluster");
    expect(cluster.setting).toEqual([{ name: "containerInsights", value: "enabled" }]);
    // constraint 1: the removed v4 arguments are absent
    expect(cluster.capacity_providers).toBeUndefined();
    expect(cluster.default_capacity_provider_strategy).toBeUndefined();
  });

  test("ECS Exec: sessions encrypted with the CMK, logged (OVERRIDE) to the encrypted exec log group", () => {
    const execGroup = name("aws_cloudwatch_log_group", "application/cluster/exec-logs/group");
    expect(cluster.configuration.execute_command_configuration).toEqual({
      kms_key_id: keyArn,
      logging: "OVERRIDE",
      log_configuration: {
        cloud_watch_encryption_enabled: true,
        cloud_watch_log_group_name: ref("aws_cloudwatch_log_group", execGroup, "name"),
      },
    });
    expect(prod.resource.aws_cloudwatch_log_group[execGroup]).toMatchObject({
      name: "/air-applied-ai/ecs/exec",
      retention_in_days: 30,
    });
    expect(service.enable_execute_command).toBe(true);
  });

  test("FARGATE + FARGATE_SPOT: on-demand base 2 (>= min capacity), the rest weighted to Spot", () => {
    expect(providers.cluster_name).toBe(ref("aws_ecs_cluster", clusterName, "name"));
    expect(providers.capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT"]);
    const strategy = [
      { capacity_provider: "FARGATE", base: 2, weight: 1 },
      { capacity_provider: "FARGATE_SPOT", base: 0, weight: 3 },
    ];
    expect(providers.default_capacity_provider_strategy).toEqual(strategy);
    expect(service.capacity_provider_strategy).toEqual(strategy);
    expect(strategy[0].base).toBeGreaterThanOrEqual(PROD_ECS.minCapacity);
  });

  test("autoscaling 2..10 on service/<cluster name>/<service name>, CPU 70 % and memory 80 %", () => {
    const target = stackResource(prod, "aws_appautoscaling_target", "application/service/scaling-target");
    const targetName = name("aws_appautoscaling_target", "application/service/scaling-target");
    expect(target).toMatchObject({
      min_capacity: 2,
      max_capacity: 10,
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      resource_id: `service/${ref("aws_ecs_cluster", clusterName, "name")}/${ref("aws_ecs_service", serviceName, "name")}`,
    });
    const policies = valuesOf(prod, "aws_appautoscaling_policy").filter((p) =>
      String(p.resource_id).includes(targetName),
    );
    const byMetric = Object.fromEntries(
      policies.map((p) => [
        p.target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type,
        p,
      ]),
    );
    expect(Object.keys(byMetric).sort()).toEqual([
      "ECSServiceAverageCPUUtilization",
      "ECSServiceAverageMemoryUtilization",
    ]);
    for (const [metric, value] of [
      ["ECSServiceAverageCPUUtilization", 70],
      ["ECSServiceAverageMemoryUtilization", 80],
    ] as const) {
      const p = byMetric[metric];
      expect(p.policy_type).toBe("TargetTrackingScaling");
      expect(p.target_tracking_scaling_policy_configuration).toMatchObject({
        target_value: value,
        scale_out_cooldown: 60,
        scale_in_cooldown: 300,
      });
      // every policy takes its identifiers from the target, so Terraform creates the target first
      expect(p.resource_id).toBe(ref("aws_appautoscaling_target", targetName, "resource_id"));
      expect(p.scalable_dimension).toBe(ref("aws_appautoscaling_target", targetName, "scalable_dimension"));
      expect(p.service_namespace).toBe(ref("aws_appautoscaling_target", targetName, "service_namespace"));
    }
  });

  test("service: created at min capacity, desired_count then owned by autoscaling, no launch_type or iam_role", () => {
    expect(service.name).toBe("air-applied-ai-api");
    expect(service.desired_count).toBe(PROD_ECS.minCapacity);
    expect(service.lifecycle).toEqual({ ignore_changes: ["desired_count"] });
    expect(service.launch_type).toBeUndefined();
    expect(service.iam_role).toBeUndefined();
    expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    expect(service.health_check_grace_period_seconds).toBe(PROD_ECS.healthCheckGracePeriodSeconds);
    expect(service.propagate_tags).toBe("SERVICE");
    expect(service.deployment_controller).toEqual({ type: "ECS" });
  });

  test("service: private subnets, no public IP, its own security group", () => {
    expect(service.network_configuration).toEqual({
      subnets: [0, 1].map((i) => refTo("aws_subnet", `networking/private-${i}`)),
      security_groups: [refTo("aws_security_group", "application/service/security-group/group")],
      assign_public_ip: false,
    });
  });

  test("service depends on the HTTPS listener, the forward rule and the capacity-provider association", () => {
    const address = (type: string, path: string) => `${type}.${name(type, path)}`;
    expect(service.depends_on).toEqual(
      expect.arrayContaining([
        address("aws_lb_listener", "load-balancer/https"),
        address("aws_lb_listener_rule", "load-balancer/forward"),
        address("aws_ecs_cluster_capacity_providers", "application/cluster/capacity-providers"),
        address("aws_iam_role_policy", "application/service/execution-role/policy"),
      ]),
    );
    expect(service.load_balancer[0]).toMatchObject({
      target_group_arn: refTo("aws_lb_target_group", "load-balancer/target-group", "arn"),
      container_name: CONTAINER_NAME,
      container_port: PROD_ECS.containerPort,
    });
  });

  test("task definition: awsvpc, FARGATE, the config's cpu/memory pair, X86_64 Linux", () => {
    expect(task).toMatchObject({
      family: "air-applied-ai-api",
      network_mode: "awsvpc",
      requires_compatibilities: ["FARGATE"],
      cpu: "1024",
      memory: "2048",
      runtime_platform: { cpu_architecture: "X86_64", operating_system_family: "LINUX" },
    });
    expect(task.pid_mode).toBeUndefined();
    expect(task.execution_role_arn).not.toEqual(task.task_role_arn);
  });

  test("image = <ECR repository URL>:<var.image_tag>; the variable is declared at stack level with no default", () => {
    expect(container.image).toBe(
      `${refTo("aws_ecr_repository", REPOSITORY, "repository_url")}:\${var.image_tag}`,
    );
    expect(prod.variable.image_tag).toMatchObject({ type: "string", nullable: false });
    expect(prod.variable.image_tag.default).toBeUndefined();
    expect(prod.variable.image_tag.validation[0].condition).toContain('var.image_tag != "latest"');
    expect(Object.keys(prod.variable)).toEqual(["image_tag"]);
  });

  test("container: essential, read-only root with writable /tmp, health check on the config path, Spot-aware stop timeout", () => {
    expect(container).toMatchObject({
      name: "api",
      essential: true,
      readonlyRootFilesystem: true,
      privileged: false,
      stopTimeout: STOP_TIMEOUT_SECONDS,
      portMappings: [{ containerPort: 8000, hostPort: 8000, protocol: "tcp", name: "http" }],
      linuxParameters: { initProcessEnabled: true },
    });
    expect(STOP_TIMEOUT_SECONDS).toBeLessThan(120);
    const tmp = container.mountPoints.find((m: any) => m.containerPath === "/tmp");
    expect(tmp.readOnly).toBe(false);
    // every mount point is backed by a task volume
    const volumes = task.volume.map((v: any) => v.name);
    for (const m of container.mountPoints) expect(volumes).toContain(m.sourceVolume);
    expect(container.healthCheck.command).toEqual(pythonHealthCheck(8000, "/health"));
    expect(container.healthCheck.command.join(" ")).toContain("http://127.0.0.1:8000/health");
    expect(container.healthCheck.startPeriod).toBe(60);
  });

  test("container logs: awslogs to the KMS-encrypted 30-day application log group", () => {
    const group = name("aws_cloudwatch_log_group", "application/service/logs/group");
    expect(container.logConfiguration).toMatchObject({
      logDriver: "awslogs",
      options: {
        "awslogs-group": ref("aws_cloudwatch_log_group", group, "name"),
        "awslogs-region": "us-east-2",
        "awslogs-stream-prefix": "api",
      },
    });
    expect(prod.resource.aws_cloudwatch_log_group[group]).toMatchObject({
      name: "/air-applied-ai/ecs/api",
      retention_in_days: 30,
      kms_key_id: keyArn,
    });
  });

  test("environment points at the buckets, queue, Redis and Qdrant; credentials only through valueFrom", () => {
    const env = Object.fromEntries(container.environment.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      ENVIRONMENT: "prod",
      RAW_DATA_BUCKET: refTo("aws_s3_bucket", "storage/raw-data/bucket", "bucket"),
      PROCESSED_BUCKET: refTo("aws_s3_bucket", "storage/processed/bucket", "bucket"),
      QUEUE_URL: refTo("aws_sqs_queue", "queue/queue", "url"),
      REDIS_HOST: refTo(
        "aws_elasticache_replication_group",
        "cache/replication-group",
        "primary_endpoint_address",
      ),
      REDIS_PORT: "6379",
      REDIS_TLS: "true",
      QDRANT_URL: "http://qdrant.prod.air-applied-ai.internal:6333",
    });
    const secret = (path: string) => refTo("aws_secretsmanager_secret", `${path}/secret`, "arn");
    expect(container.secrets).toEqual([
      { name: "QDRANT_API_KEY", valueFrom: secret("database/api-key") },
      { name: "REDIS_AUTH_TOKEN", valueFrom: secret("cache/auth-token") },
    ]);
    for (const e of container.environment) expect(e.name).not.toMatch(/TOKEN|KEY|SECRET|PASSWORD/);
  });

  test("ECR: immutable tags, scan on push, the CMK, never force-deleted, protected, lifecycle for old images", () => {
    const repo = stackResource(prod, "aws_ecr_repository", REPOSITORY);
    expect(repo).toMatchObject({
      name: "air-applied-ai-api",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "KMS", kms_key: keyArn }],
      force_delete: false,
      lifecycle: { prevent_destroy: true },
    });
    const lifecycle = stackResource(prod, "aws_ecr_lifecycle_policy", "application/repository/lifecycle");
    expect(lifecycle.repository).toBe(refTo("aws_ecr_repository", REPOSITORY, "name"));
    const rules = JSON.parse(lifecycle.policy).rules;
    expect(rules.map((r: any) => [r.rulePriority, r.selection])).toEqual([
      [1, { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }],
      [2, { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 30 }],
    ]);
  });

  test("static outputs: cluster, service, ECR repository URL, the running image tag", () => {
    expect(prod.output.image_tag.value).toBe("${var.image_tag}");
    expect(prod.output.ecs_cluster_name.value).toBe(ref("aws_ecs_cluster", clusterName, "name"));
    expect(prod.output.ecs_service_name.value).toBe(ref("aws_ecs_service", serviceName, "name"));
    expect(prod.output.ecr_repository_url.value).toBe(
      refTo("aws_ecr_repository", REPOSITORY, "repository_url"),
    );
  });

  describe("IAM names specific ARNs", () => {
    /** Actions that have no resource-level permissions: the only ones allowed on "*". */
    const WILDCARD_ONLY = new Set<string>([
      "ecr:GetAuthorizationToken",
      "logs:DescribeLogGroups",
      ...ECS_EXEC_SSM_ACTIONS,
      ...ELB_DESCRIBE_ACTIONS,
    ]);

    test.each(["execution-role", "task-role", "infrastructure-role"])(
      '%s: every statement names resource ARNs, except the documented "*"-only actions',
      (role) => {
        for (const s of statementsOf(prod, `application/service/${role}`)) {
          for (const resource of asList(s.Resource)) {
            if (resource === "*")
              for (const action of asList(s.Action)) expect(WILDCARD_ONLY).toContain(action);
            else expect([resource, isReference(resource)]).toEqual([resource, true]);
          }
        }
      },
    );

    test("execution role: pull from its repository, write its log group, read exactly its two secrets", () => {
      const statements = statementsOf(prod, "application/service/execution-role");
      expect(resourcesFor(statements, "ecr:BatchGetImage")).toEqual([
        refTo("aws_ecr_repository", REPOSITORY, "arn"),
      ]);
      const logGroup = refTo("aws_cloudwatch_log_group", "application/service/logs/group", "arn");
      expect(resourcesFor(statements, "logs:PutLogEvents")).toEqual([logGroup, `${logGroup}:log-stream:*`]);
      expect(resourcesFor(statements, "secretsmanager:GetSecretValue").sort()).toEqual(
        ["cache/auth-token", "database/api-key"]
          .map((p) => refTo("aws_secretsmanager_secret", `${p}/secret`, "arn"))
          .sort(),
      );
      expect(new Set(resourcesFor(statements, "kms:Decrypt"))).toEqual(new Set([keyArn]));
      // nothing of the application's data
      expect(JSON.stringify(statements)).not.toMatch(/s3:|sqs:/);
    });

    test("task role: exactly the two data buckets and the queue, ECS Exec; no secrets, no image pull", () => {
      const statements = statementsOf(prod, "application/service/task-role");
      const text = JSON.stringify(statements);
      /** The resources of the statements with an action of `service` (e.g. "s3:"). */
      const resourcesOfService = (service: string) =>
        statements
          .filter((s) => asList(s.Action).some((a) => a.startsWith(service)))
          .flatMap((s) => asList(s.Resource));
      const buckets = ["storage/raw-data/bucket", "storage/processed/bucket"].map((p) =>
        refTo("aws_s3_bucket", p, "arn"),
      );
      expect(new Set(resourcesOfService("s3:"))).toEqual(
        new Set([...buckets, ...buckets.map((b) => `${b}/*`)]),
      );
      expect(new Set(resourcesOfService("sqs:"))).toEqual(
        new Set([refTo("aws_sqs_queue", "queue/queue", "arn")]),
      );
      expect(
        statements.find(
          (s) => s.Resource === "*" && asList(s.Action).includes("ssmmessages:OpenDataChannel"),
        ),
      ).toBeDefined();
      expect(text).toContain(refTo("aws_cloudwatch_log_group", "application/cluster/exec-logs/group", "arn"));
      expect(text).not.toMatch(/secretsmanager:|ecr:/);
    });

    test("infrastructure role (prod CANARY): ECS may modify only our forward rule, listener and two target groups", () => {
      const statements = statementsOf(prod, "application/service/infrastructure-role");
      expect(resourcesFor(statements, "elasticloadbalancing:ModifyRule")).toEqual([
        refTo("aws_lb_listener_rule", "load-balancer/forward", "arn"),
      ]);
      expect(resourcesFor(statements, "elasticloadbalancing:ModifyListener")).toEqual([
        refTo("aws_lb_listener", "load-balancer/https", "arn"),
      ]);
      expect(resourcesFor(statements, "elasticloadbalancing:RegisterTargets")).toEqual(
        ["load-balancer/target-group", "load-balancer/alternate-target-group"].map((p) =>
          refTo("aws_lb_target_group", p, "arn"),
        ),
      );
      const trust = JSON.parse(
        stackResource(prod, "aws_iam_role", "application/service/infrastructure-role/role")
          .assume_role_policy,
      );
      expect(trust.Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "ecs.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    });

    test("task and execution roles trust ecs-tasks.amazonaws.com from our account only", () => {
      for (const role of ["execution-role", "task-role"]) {
        const trust = JSON.parse(
          stackResource(prod, "aws_iam_role", `application/service/${role}/role`).assume_role_policy,
        );
        expect(trust.Statement[0]).toMatchObject({
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Condition: {
            StringEquals: { "aws:SourceAccount": "${data.aws_caller_identity.current.account_id}" },
          },
        });
      }
    });
  });

  describe("network paths", () => {
    const sg = (path: string) => refTo("aws_security_group", `${path}/group`);
    const app = sg("application/service/security-group");
    const rulesOf = (type: string, group: string) =>
      valuesOf(prod, type)
        .filter((r) => r.security_group_id === group)
        .map((r) => [r.from_port, r.referenced_security_group_id ?? r.cidr_ipv4 ?? r.prefix_list_id])
        // Rule ids come from peer and port, so the set matters, not the order of the calls.
        .sort((a, b) => a[0] - b[0] || String(a[1]).localeCompare(String(b[1])));

    test("ingress to the tasks: the container port, from the ALB (and the metrics collector) only", () => {
      expect(rulesOf("aws_vpc_security_group_ingress_rule", app)).toEqual([
        [8000, sg("load-balancer/security-group")],
        [8000, sg("monitoring/collector/security-group")],
      ]);
    });

    test("egress from the tasks: HTTPS, S3 through its prefix list, Redis 6379 and Qdrant 6333/6334 by group", () => {
      expect(rulesOf("aws_vpc_security_group_egress_rule", app)).toEqual([
        [443, refTo("aws_vpc_endpoint", "networking/s3-endpoint", "prefix_list_id")],
        [443, "0.0.0.0/0"],
        [6333, sg("database/sg")],
        [6334, sg("database/sg")],
        [6379, sg("cache/sg")],
      ]);
    });

    test("the other ends: ALB egress to the tasks, Redis and Qdrant admit the tasks", () => {
      expect(
        rulesOf("aws_vpc_security_group_egress_rule", sg("load-balancer/security-group")),
      ).toContainEqual([8000, app]);
      expect(rulesOf("aws_vpc_security_group_ingress_rule", sg("cache/sg"))).toContainEqual([6379, app]);
      expect(rulesOf("aws_vpc_security_group_ingress_rule", sg("database/sg"))).toEqual(
        expect.arrayContaining([
          [6333, app],
          [6334, app],
        ]),
      );
    });
  });
});

describe("per environment: dev and staging differ from prod", () => {
  const stacks = synthAll();

  test.each(ENVIRONMENT_NAMES)(
    "%s: cluster, service and repository named by the naming rule; tasks and sizes from config",
    (env) => {
      const s = stacks[env];
      const cluster = physicalName(namePrefix(env), "cluster");
      const svc = physicalName(namePrefix(env), "api");
      const { minCapacity: min, maxCapacity: max } = configs[env].ecs;
      const [cpu, memory] = [String(configs[env].ecs.taskCpu), String(configs[env].ecs.taskMemory)];
      expect(stackResource(s, "aws_ecs_cluster", "application/cluster/cluster").name).toBe(cluster);
      expect(stackResource(s, "aws_ecs_service", "application/service/service").name).toBe(svc);
      expect(stackResource(s, "aws_ecr_repository", "application/repository/repository").name).toBe(svc);
      expect(
        stackResource(s, "aws_appautoscaling_target", "application/service/scaling-target"),
      ).toMatchObject({
        min_capacity: min,
        max_capacity: max,
      });
      expect(
        stackResource(s, "aws_ecs_task_definition", "application/service/task-definition"),
      ).toMatchObject({
        cpu,
        memory,
      });
    },
  );

  test("dev: ROLLING, no alternate target group, no infrastructure role", () => {
    const service = stackResource(stacks.dev, "aws_ecs_service", "application/service/service");
    expect(service.deployment_configuration).toEqual({ strategy: "ROLLING" });
    expect(service.load_balancer[0].advanced_configuration).toBeUndefined();
    expect(resourcesOf(stacks.dev, "aws_iam_role").some(([n]) => n.includes("infrastructure-role"))).toBe(
      false,
    );
    // Spot-first: no on-demand base, everything on FARGATE_SPOT by weight
    expect(service.capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", base: 0, weight: 0 },
      { capacity_provider: "FARGATE_SPOT", base: 0, weight: 1 },
    ]);
  });

  test.each([
    ["staging", { strategy: "BLUE_GREEN", bake_time_in_minutes: "5" }],
    [
      "prod",
      {
        strategy: "CANARY",
        bake_time_in_minutes: "15",
        canary_configuration: { canary_percent: 10, canary_bake_time_in_minutes: "15" },
      },
    ],
  ])(
    "%s: ECS-native %o, ECS shifts traffic between the two target groups of the forward rule",
    (env, expected) => {
      const s = stacks[env];
      const service = stackResource(s, "aws_ecs_service", "application/service/service");
      expect(service.deployment_configuration).toEqual(expected);
      const tg = (path: string) =>
        ref("aws_lb_target_group", stackLogicalName(s, "aws_lb_target_group", path), "arn");
      const rule = ref(
        "aws_lb_listener_rule",
        stackLogicalName(s, "aws_lb_listener_rule", "load-balancer/forward"),
        "arn",
      );
      expect(service.load_balancer).toEqual([
        {
          target_group_arn: tg("load-balancer/target-group"),
          container_name: "api",
          container_port: 8000,
          advanced_configuration: {
            alternate_target_group_arn: tg("load-balancer/alternate-target-group"),
            production_listener_rule: rule,
            role_arn: ref(
              "aws_iam_role",
              stackLogicalName(s, "aws_iam_role", "application/service/infrastructure-role/role"),
              "arn",
            ),
          },
        },
      ]);
      // the forward rule carries both target groups (production 100, alternate 0) and ECS owns its weights
      const forward = stackResource(s, "aws_lb_listener_rule", "load-balancer/forward");
      expect(forward.action[0].forward.target_group.map((t: any) => t.arn)).toEqual([
        tg("load-balancer/target-group"),
        tg("load-balancer/alternate-target-group"),
      ]);
      expect(forward.lifecycle.ignore_changes).toEqual(["action"]);
    },
  );

  test.each(["dev", "staging", "prod"])("%s: the ECS and ECR rules pass", (env) => {
    const failed = evaluate(stackDoc(env, stacks[env]), [...ecsRules, ...ecrRules], WAIVERS).filter(
      (f) => f.status !== "passed",
    );
    expect(failed.map((f) => `${f.rule.id} ${f.resource.path}: ${f.detail}`)).toEqual([]);
  });
});
