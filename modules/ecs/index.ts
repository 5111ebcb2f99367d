import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { EcsService, type EcsServiceDeploymentConfiguration } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { type ITerraformDependable, TerraformResource, Token } from "cdktf";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";
import { FARGATE_CPU_VALUES, describeFargateMemory, fargateMemoryFor } from "../../lib/fargate";
import { type IGrantable, policyDocument } from "../../lib/iam";
import { EncryptedLogGroup } from "../monitoring/log-group";
import type { KmsKey } from "../security/kms-key";
import { SecurityGroup } from "../security/security-group";
import { ServiceRole } from "../security/service-role";
import {
  CONTAINER_NAME,
  HEALTH_CHECK,
  SCRATCH_VOLUMES,
  SECRET_LIKE_NAME,
  SECRET_LIKE_VALUE,
  pythonHealthCheck,
  renderContainerDefinitions,
} from "./container";

export {
  CONTAINER_NAME,
  SCRATCH_VOLUMES,
  STOP_TIMEOUT_SECONDS,
  SECRET_LIKE_NAME,
  SECRET_LIKE_VALUE,
  pythonHealthCheck,
} from "./container";

/** The validated `ecs` section of an environment config (sizes, scaling, capacity, deployment). */
export type EcsSettings = EnvironmentConfig["ecs"];

/** ECS-native deployment strategies (aws_ecs_service deployment_configuration.strategy). */
export const DEPLOYMENT_STRATEGIES = ["ROLLING", "BLUE_GREEN", "CANARY", "LINEAR"] as const;
export type DeploymentStrategy = (typeof DEPLOYMENT_STRATEGIES)[number];

/** Fargate capacity providers of the cluster (FARGATE = on-demand, FARGATE_SPOT = interruptible). */
export const CAPACITY_PROVIDERS = ["FARGATE", "FARGATE_SPOT"] as const;

/** ECR lifecycle: untagged images (failed or superseded pushes) expire after this many days. */
export const UNTAGGED_IMAGE_EXPIRY_DAYS = 7;

/**
 * Actions ECS performs on the ALB during blue/green, canary and linear deployments (the statements of
 * the AWS managed AmazonECSInfrastructureRolePolicyForLoadBalancers, scoped to our listener, rule and
 * target groups). Describe* have no resource-level permissions in IAM.
 */
export const ELB_DESCRIBE_ACTIONS = [
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:DescribeRules",
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeTargetHealth",
] as const;

/** ECS Exec: the SSM channels of the session. These four actions have no resource-level permissions. */
export const ECS_EXEC_SSM_ACTIONS = [
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
] as const;

/** A secret injected into the container through `valueFrom`, and how to grant reading it. */
export interface ContainerSecret {
  /** Environment variable name inside the container, e.g. REDIS_AUTH_TOKEN. */
  readonly name: string;
  /** Secrets Manager secret ARN (optionally `:<json-key>::`) or SSM parameter ARN. */
  readonly valueFrom: string;
  /** Grants a role read access to exactly this secret (e.g. `(r) => cache.grantReadAuthToken(r)`). */
  readonly grantRead: (grantee: IGrantable) => void;
}

/** What the service needs from the load balancer tier (modules/loadbalancer exposes each of these). */
export interface ServiceLoadBalancing {
  /** Target group (type ip) the tasks register in. */
  readonly targetGroupArn: string;
  /** The ALB's security group: the only ingress to the container port. */
  readonly securityGroupId: string;
  /** Listener and listener rules the target group hangs off: the service waits for them (TPA: "does not have an associated load balancer"). */
  readonly listenerDependencies: readonly ITerraformDependable[];
  /** Second target group for BLUE_GREEN, CANARY and LINEAR (ECS shifts traffic between the two). @default none: ROLLING only */
  readonly alternateTargetGroupArn?: string;
  /** Listener rule whose weighted forward action ECS rewrites during a deployment. @default none: ROLLING only */
  readonly productionListenerRuleArn?: string;
  /** The HTTPS listener of that rule (ECS may modify it; scopes the infrastructure role). @default none */
  readonly listenerArn?: string;
}

export interface ApplicationProps {
  /** Prefix of roles, log groups and the security group: "air-applied-ai" in prod, "air-applied-ai-<env>" elsewhere. */
  readonly namePrefix: string;
  /** Cluster name: "air-applied-ai-cluster" in prod (the seed), "-<env>" appended elsewhere. */
  readonly clusterName: string;
  /** Service name, also the task-definition family, e.g. "air-applied-ai-api". */
  readonly serviceName: string;
  /** ECR repository name (lower case, 2-256 chars), e.g. "air-applied-ai-api". */
  readonly repositoryName: string;
  readonly accountId: string;
  readonly vpcId: string;
  /** Private subnets the tasks run in (no public IPs). */
  readonly privateSubnetIds: readonly string[];
  /** CMK for the ECR repository, the log groups and ECS Exec sessions. */
  readonly key: KmsKey;
  /** Retention (days) of the application and ECS Exec log groups (config logging.retentionDays). */
  readonly logRetentionDays: number;
  /** Image tag to run, normally the stack's `image_tag` Terraform variable that CI sets per release. */
  readonly imageTag: string;
  /** Sizes, scaling, capacity strategy and deployment strategy (config `ecs`). */
  readonly settings: EcsSettings;
  /** The ALB target group, security group, listener dependencies and (for traffic-shifting strategies) the alternate target group. */
  readonly loadBalancing: ServiceLoadBalancing;
  /** Plain configuration for the container (bucket names, queue URL, endpoints); never credentials. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Credentials injected via `valueFrom`; the execution role is granted exactly these. @default [] */
  readonly secrets?: readonly ContainerSecret[];
  /** S3 gateway endpoint prefix list: HTTPS egress to S3 stays on the endpoint even if httpsEgressCidr is narrowed. @default none */
  readonly s3PrefixListId?: string;
  /** Where tasks may open HTTPS (AWS APIs via NAT or interface endpoints, ECR, external APIs). @default "0.0.0.0/0" */
  readonly httpsEgressCidr?: string;
  /** Container health check command. @default pythonHealthCheck(containerPort, healthCheckPath) */
  readonly healthCheckCommand?: readonly string[];
  /** prevent_destroy on the ECR repository (its images are the rollback targets). @default false */
  readonly protect?: boolean;
}

/**
 * The seed's Compute tier: the FastAPI service on ECS Fargate. An ECS cluster with Container Insights and
 * KMS-encrypted, logged ECS Exec; FARGATE + FARGATE_SPOT capacity providers with an on-demand base; an
 * ECR repository (immutable tags, scan on push, CMK, lifecycle); a hardened task definition (read-only
 * root, scratch volumes, health check, awslogs, secrets via valueFrom); separate execution and task
 * roles; a service in the private subnets behind the ALB with the circuit breaker and the configured
 * ECS-native deployment strategy; target-tracking autoscaling on CPU and memory.
 *
 * Grant data access to `taskRole` (`bucket.grantReadWrite(app.taskRole)`), admit the tasks to a data
 * store with `store.allowFrom(app.securityGroupId)` plus `app.connectTo(store.securityGroupId, ports)`.
 */
export class Application extends Construct {
  public readonly clusterName: string;
  public readonly clusterArn: string;
  public readonly serviceName: string;
  /** ECS service ARN (id). */
  public readonly serviceArn: string;
  /** `<account>.dkr.ecr.us-east-2.amazonaws.com/<name>`: CI pushes `<repositoryUrl>:<git sha>`. */
  public readonly repositoryUrl: string;
  public readonly repositoryArn: string;
  public readonly repositoryName: string;
  /** The application's own AWS permissions (data buckets, queue, keys); plus ECS Exec. */
  public readonly taskRole: ServiceRole;
  /** What the ECS agent needs to start a task: image pull, log writes, its secrets. */
  public readonly executionRole: ServiceRole;
  /** Role ECS assumes to shift ALB traffic (BLUE_GREEN, CANARY, LINEAR only). */
  public readonly infrastructureRole?: ServiceRole;
  public readonly securityGroupId: string;
  /** Application log group (stdout/stderr of the container). */
  public readonly logGroupName: string;
  /** ECS Exec session log group. */
  public readonly execLogGroupName: string;
  public readonly taskDefinitionFamily: string;
  public readonly taskDefinitionArn: string;
  public readonly containerName = CONTAINER_NAME;
  public readonly containerPort: number;
  /** `service/<cluster>/<service>`: the Application Auto Scaling resource id. */
  public readonly scalingResourceId: string;
  private readonly securityGroup: SecurityGroup;
  private readonly ingressFrom = new Set<string>();
  private readonly egressTo = new Set<string>();

  constructor(scope: Construct, id: string, props: ApplicationProps) {
    super(scope, id);
    validate(props);
    const s = props.settings;
    const secrets = props.secrets ?? [];
    this.containerPort = s.containerPort;

    // --- Logs -------------------------------------------------------------------------------------
    const logs = new EncryptedLogGroup(this, "logs", {
      name: `/${props.namePrefix}/ecs/api`,
      key: props.key,
      retentionInDays: props.logRetentionDays,
    });
    const execLogs = new EncryptedLogGroup(this, "exec-logs", {
      name: `/${props.namePrefix}/ecs/exec`,
      key: props.key,
      retentionInDays: props.logRetentionDays,
    });
    this.logGroupName = logs.logGroupName;
    this.execLogGroupName = execLogs.logGroupName;

    // --- Cluster and capacity providers -----------------------------------------------------------
    const cluster = new EcsCluster(this, "cluster", {
      name: props.clusterName,
      setting: [{ name: "containerInsights", value: "enabled" }],
      configuration: {
        executeCommandConfiguration: {
          kmsKeyId: props.key.keyArn,
          logging: "OVERRIDE",
          logConfiguration: {
            cloudWatchEncryptionEnabled: true,
            cloudWatchLogGroupName: execLogs.logGroupName,
          },
        },
      },
    });
    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;

    const strategy = capacityProviderStrategy(s);
    // The cluster's capacity_providers argument was removed in provider v5 (aws-constraints 1).
    const capacityProviders = new EcsClusterCapacityProviders(this, "capacity-providers", {
      clusterName: cluster.name,
      capacityProviders: [...CAPACITY_PROVIDERS],
      defaultCapacityProviderStrategy: strategy,
    });

    // --- ECR repository ---------------------------------------------------------------------------
    const repository = new EcrRepository(this, "repository", {
      name: props.repositoryName,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.key.keyArn }],
      forceDelete: false,
      lifecycle: { preventDestroy: props.protect ?? false },
    });
    new EcrLifecyclePolicy(this, "repository-lifecycle", {
      repository: repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Expire untagged images ${UNTAGGED_IMAGE_EXPIRY_DAYS} days after push`,
            selection: {
              tagStatus: "untagged",
              countType: "sinceImagePushed",
              countUnit: "days",
              countNumber: UNTAGGED_IMAGE_EXPIRY_DAYS,
            },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            description: `Keep the last ${s.imageRetentionCount} tagged images (rollback targets)`,
            selection: {
              tagStatus: "tagged",
              tagPatternList: ["*"],
              countType: "imageCountMoreThan",
              countNumber: s.imageRetentionCount,
            },
            action: { type: "expire" },
          },
        ],
      }),
    });
    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
    this.repositoryName = repository.name;

    // --- Roles ------------------------------------------------------------------------------------
    this.executionRole = new ServiceRole(this, "execution-role", {
      roleName: `${props.namePrefix}-ecs-task-execution`,
      description: `${props.serviceName} task execution: pull its image, write its logs, read its secrets`,
      servicePrincipal: "ecs-tasks.amazonaws.com",
      accountId: props.accountId,
    });
    // GetAuthorizationToken has no resource-level permissions; the pull itself is scoped to the repository.
    this.executionRole.addToPolicy({ actions: ["ecr:GetAuthorizationToken"], resources: ["*"] });
    this.executionRole.addToPolicy({
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      resources: [repository.arn],
    });
    logs.grantWrite(this.executionRole);
    for (const secret of secrets) secret.grantRead(this.executionRole);

    this.taskRole = new ServiceRole(this, "task-role", {
      roleName: `${props.namePrefix}-ecs-task`,
      description: `${props.serviceName} application: data access by grants, and ECS Exec`,
      servicePrincipal: "ecs-tasks.amazonaws.com",
      accountId: props.accountId,
    });
    // ECS Exec: the SSM session channels ("*" only), session logs to the exec log group, the session key.
    this.taskRole.addToPolicy({ actions: [...ECS_EXEC_SSM_ACTIONS], resources: ["*"] });
    this.taskRole.addToPolicy({ actions: ["logs:DescribeLogGroups"], resources: ["*"] });
    execLogs.grantWrite(this.taskRole);
    props.key.grantDecrypt(this.taskRole);

    // --- Task definition --------------------------------------------------------------------------
    const taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: props.serviceName,
      cpu: String(s.taskCpu),
      memory: String(s.taskMemory),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      // X86_64 deliberately: FARGATE_SPOT with ARM64 was rejected for years ("FARGATE_SPOT capacity
      // provider is not supported when using ARM architecture", aws/containers-roadmap#2407) and the ECS
      // developer guide still lists it as unsupported; Spot is most of our capacity, so we keep x86.
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: this.executionRole.roleArn,
      taskRoleArn: this.taskRole.roleArn,
      volume: SCRATCH_VOLUMES.map((v) => ({ name: v.name })),
      containerDefinitions: renderContainerDefinitions({
        image: `${repository.repositoryUrl}:${props.imageTag}`,
        containerPort: s.containerPort,
        healthCheckCommand: props.healthCheckCommand ?? pythonHealthCheck(s.containerPort, s.healthCheckPath),
        healthCheckStartPeriod: Math.min(HEALTH_CHECK.maxStartPeriod, s.healthCheckGracePeriodSeconds),
        environment: props.environment ?? {},
        secrets,
        logGroupName: logs.logGroupName,
      }),
    });
    this.taskDefinitionFamily = taskDefinition.family;
    this.taskDefinitionArn = taskDefinition.arn;

    // --- Security group ---------------------------------------------------------------------------
    this.securityGroup = new SecurityGroup(this, "security-group", {
      vpcId: props.vpcId,
      name: props.serviceName,
      description: `${props.serviceName} tasks: ${s.containerPort}/tcp from the ALB only; egress to AWS APIs and the data tier`,
    });
    this.securityGroupId = this.securityGroup.securityGroupId;
    this.allowFrom(props.loadBalancing.securityGroupId, "the ALB");
    this.securityGroup.allowEgress(
      { cidr: props.httpsEgressCidr ?? "0.0.0.0/0" },
      443,
      "HTTPS: ECR, CloudWatch Logs, Secrets Manager, SQS, KMS, SSM (via NAT or interface endpoints)",
    );
    if (props.s3PrefixListId)
      this.securityGroup.allowEgress(
        { prefixListId: props.s3PrefixListId },
        443,
        "HTTPS to S3 (gateway endpoint): image layers and the data buckets",
      );

    // --- Infrastructure role (traffic-shifting strategies) ----------------------------------------
    const lb = props.loadBalancing;
    const shifting = s.deploymentStrategy !== "ROLLING";
    if (shifting) {
      this.infrastructureRole = new ServiceRole(this, "infrastructure-role", {
        roleName: `${props.namePrefix}-ecs-infrastructure`,
        description: `ECS shifts ALB traffic between ${props.serviceName}'s target groups (${s.deploymentStrategy})`,
        // The ECS infrastructure role is assumed without source-account context (AWS's documented trust).
        assumeRolePolicy: policyDocument([
          { actions: ["sts:AssumeRole"], resources: [], principals: { Service: "ecs.amazonaws.com" } },
        ]).replace(/,"Resource":\[\]/g, ""),
      });
      this.infrastructureRole.addToPolicy({ actions: [...ELB_DESCRIBE_ACTIONS], resources: ["*"] });
      this.infrastructureRole.addToPolicy({
        actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        resources: [lb.targetGroupArn, lb.alternateTargetGroupArn!],
      });
      this.infrastructureRole.addToPolicy({
        actions: ["elasticloadbalancing:ModifyRule"],
        resources: [lb.productionListenerRuleArn!],
      });
      if (lb.listenerArn)
        this.infrastructureRole.addToPolicy({
          actions: ["elasticloadbalancing:ModifyListener"],
          resources: [lb.listenerArn],
        });
    }

    // --- Service ----------------------------------------------------------------------------------
    // The roles' policies must exist before the first task starts (image pull, secrets, logs).
    const roleResources = [this.executionRole, this.taskRole, this.infrastructureRole]
      .filter((r): r is ServiceRole => r !== undefined)
      .flatMap((r) => r.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource));
    const service = new EcsService(this, "service", {
      name: props.serviceName,
      cluster: cluster.arn,
      taskDefinition: taskDefinition.arn,
      // Created at the minimum; from then on Application Auto Scaling owns the count (ignore_changes).
      desiredCount: s.minCapacity,
      // No launch_type: it and a capacity-provider strategy are mutually exclusive (aws-constraints 22).
      capacityProviderStrategy: strategy,
      platformVersion: "LATEST",
      networkConfiguration: {
        subnets: [...props.privateSubnetIds],
        securityGroups: [this.securityGroupId],
        assignPublicIp: false,
      },
      loadBalancer: [
        {
          targetGroupArn: lb.targetGroupArn,
          containerName: CONTAINER_NAME,
          containerPort: s.containerPort,
          ...(shifting
            ? {
                advancedConfiguration: {
                  alternateTargetGroupArn: lb.alternateTargetGroupArn!,
                  productionListenerRule: lb.productionListenerRuleArn!,
                  roleArn: this.infrastructureRole!.roleArn,
                },
              }
            : {}),
        },
      ],
      healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
      deploymentController: { type: "ECS" },
      deploymentConfiguration: deploymentConfiguration(s),
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      // availability_zone_rebalancing left to AWS: ENABLED by default for new services where compatible.
      enableExecuteCommand: true,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      lifecycle: { ignoreChanges: ["desired_count"] },
      dependsOn: [...lb.listenerDependencies, capacityProviders, ...roleResources],
    });
    this.serviceName = service.name;
    this.serviceArn = service.id;

    // --- Autoscaling ------------------------------------------------------------------------------
    // Names, not ARNs: an ARN here creates a target that never scales (aws-constraints 28).
    this.scalingResourceId = `service/${cluster.name}/${service.name}`;
    const target = new AppautoscalingTarget(this, "scaling-target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: this.scalingResourceId,
      minCapacity: s.minCapacity,
      maxCapacity: s.maxCapacity,
    });
    const trackingPolicy = (id: string, metric: string, targetValue: number) =>
      new AppautoscalingPolicy(this, id, {
        name: `${props.serviceName}-${id}`,
        policyType: "TargetTrackingScaling",
        // References to the target: Terraform creates the target first.
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: metric },
          targetValue,
          scaleOutCooldown: s.scaleOutCooldownSeconds,
          scaleInCooldown: s.scaleInCooldownSeconds,
          disableScaleIn: false,
        },
      });
    trackingPolicy("cpu-target-tracking", "ECSServiceAverageCPUUtilization", s.cpuTargetPercent);
    trackingPolicy("memory-target-tracking", "ECSServiceAverageMemoryUtilization", s.memoryTargetPercent);
  }

  /** Admits a security group to the container port (the ALB; a metrics scraper). Idempotent. */
  public allowFrom(securityGroupId: string, description: string): void {
    if (this.ingressFrom.has(securityGroupId)) return;
    this.ingressFrom.add(securityGroupId);
    this.securityGroup.allowIngress(
      { securityGroupId },
      this.containerPort,
      `${this.containerPort}/tcp from ${description}`,
    );
  }

  /**
   * Lets the tasks open TCP connections to a security group on `ports` (Redis 6379, Qdrant 6333/6334).
   * The target must admit this group too (`cache.allowFrom(app.securityGroupId)`). Idempotent.
   */
  public connectTo(securityGroupId: string, ports: readonly number[], description: string): void {
    for (const port of ports) {
      const key = `${securityGroupId}:${port}`;
      if (this.egressTo.has(key)) continue;
      this.egressTo.add(key);
      this.securityGroup.allowEgress({ securityGroupId }, port, `${description} (${port}/tcp)`);
    }
  }
}

/** FARGATE carries the on-demand base and its weight; FARGATE_SPOT takes the rest by weight. */
function capacityProviderStrategy(s: EcsSettings) {
  return [
    { capacityProvider: "FARGATE", base: s.onDemandBase, weight: s.onDemandWeight },
    { capacityProvider: "FARGATE_SPOT", base: 0, weight: s.spotWeight },
  ];
}

/**
 * ECS-native deployment configuration per strategy. ROLLING replaces tasks in place (min 100 %, max
 * 200 %). BLUE_GREEN starts the full new revision behind the alternate target group, shifts all traffic
 * at once, then keeps the old revision for the bake time (instant rollback). CANARY shifts
 * trafficShiftPercent first and the rest after bakeTimeMinutes; LINEAR shifts trafficShiftPercent per
 * step every bakeTimeMinutes.
 */
export function deploymentConfiguration(s: EcsSettings): EcsServiceDeploymentConfiguration {
  const bake = String(s.bakeTimeMinutes);
  switch (s.deploymentStrategy) {
    case "ROLLING":
      return { strategy: "ROLLING" };
    case "BLUE_GREEN":
      return { strategy: "BLUE_GREEN", bakeTimeInMinutes: bake };
    case "CANARY":
      return {
        strategy: "CANARY",
        bakeTimeInMinutes: bake,
        canaryConfiguration: { canaryPercent: s.trafficShiftPercent, canaryBakeTimeInMinutes: bake },
      };
    case "LINEAR":
      return {
        strategy: "LINEAR",
        bakeTimeInMinutes: bake,
        linearConfiguration: { stepPercent: s.trafficShiftPercent, stepBakeTimeInMinutes: bake },
      };
  }
}

const CLUSTER_OR_SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ECR_NAME = /^(?=.{2,256}$)[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function validate(p: ApplicationProps): void {
  const fail = (field: string, value: unknown, rule: string): never => {
    throw new Error(`Application ${p.serviceName}: ${field} = ${JSON.stringify(value)}: ${rule}`);
  };
  const s = p.settings;
  if (!CLUSTER_OR_SERVICE_NAME.test(p.clusterName))
    fail("clusterName", p.clusterName, "must be 1-255 letters, digits, '-' or '_'");
  if (!CLUSTER_OR_SERVICE_NAME.test(p.serviceName))
    fail("serviceName", p.serviceName, "must be 1-255 letters, digits, '-' or '_'");
  if (!ECR_NAME.test(p.repositoryName))
    fail(
      "repositoryName",
      p.repositoryName,
      "must be 2-256 lower-case letters and digits, separated by '.', '_', '-' or '/'",
    );
  if (p.privateSubnetIds.length === 0) fail("privateSubnetIds", [], "must list at least one subnet");
  if (!Token.isUnresolved(p.imageTag) && (!IMAGE_TAG.test(p.imageTag) || p.imageTag === "latest"))
    fail(
      "imageTag",
      p.imageTag,
      'must be an ECR tag (1-128 of A-Z a-z 0-9 _ . -, not starting with . or -) and not "latest" (tags are immutable)',
    );

  if (!FARGATE_CPU_VALUES.includes(s.taskCpu))
    fail("settings.taskCpu", s.taskCpu, `must be one of ${FARGATE_CPU_VALUES.join(", ")}`);
  if (!fargateMemoryFor(s.taskCpu).includes(s.taskMemory))
    fail(
      "settings.taskMemory",
      s.taskMemory,
      `must be a Fargate memory value for cpu ${s.taskCpu}: ${describeFargateMemory(s.taskCpu)}`,
    );
  if (!Number.isInteger(s.containerPort) || s.containerPort < 1 || s.containerPort > 65535)
    fail("settings.containerPort", s.containerPort, "must be a port 1-65535");
  if (!s.healthCheckPath.startsWith("/") || /['"\\\s]/.test(s.healthCheckPath))
    fail("settings.healthCheckPath", s.healthCheckPath, 'must be an absolute URL path like "/health"');
  if (s.minCapacity < 1 || s.minCapacity > s.maxCapacity)
    fail("settings.minCapacity", s.minCapacity, `must be 1..settings.maxCapacity (${s.maxCapacity})`);
  if (s.onDemandWeight + s.spotWeight === 0)
    fail("settings.spotWeight", s.spotWeight, "must be > 0 when settings.onDemandWeight is 0");
  for (const [field, value] of [
    ["cpuTargetPercent", s.cpuTargetPercent],
    ["memoryTargetPercent", s.memoryTargetPercent],
  ] as const)
    if (value < 10 || value > 95) fail(`settings.${field}`, value, "must be 10-95");
  if (!(DEPLOYMENT_STRATEGIES as readonly string[]).includes(s.deploymentStrategy))
    fail(
      "settings.deploymentStrategy",
      s.deploymentStrategy,
      `must be one of ${DEPLOYMENT_STRATEGIES.join(", ")}`,
    );
  const minShift = s.deploymentStrategy === "LINEAR" ? 3 : 0.1;
  if (s.trafficShiftPercent < minShift || s.trafficShiftPercent > 100)
    fail("settings.trafficShiftPercent", s.trafficShiftPercent, `must be ${minShift}-100`);
  if (!Number.isInteger(s.bakeTimeMinutes) || s.bakeTimeMinutes < 0 || s.bakeTimeMinutes > 1440)
    fail("settings.bakeTimeMinutes", s.bakeTimeMinutes, "must be 0-1440 minutes");
  if (s.deploymentStrategy !== "ROLLING") {
    if (!p.loadBalancing.alternateTargetGroupArn)
      fail(
        "loadBalancing.alternateTargetGroupArn",
        null,
        `is required with deploymentStrategy ${s.deploymentStrategy} (ECS shifts traffic between two target groups)`,
      );
    if (!p.loadBalancing.productionListenerRuleArn)
      fail(
        "loadBalancing.productionListenerRuleArn",
        null,
        `is required with deploymentStrategy ${s.deploymentStrategy} (the rule whose weights ECS shifts)`,
      );
  }

  const environment = p.environment ?? {};
  const secretNames = new Set<string>();
  for (const secret of p.secrets ?? []) {
    if (!ENV_NAME.test(secret.name))
      fail("secrets[].name", secret.name, "must be an environment variable name");
    if (secretNames.has(secret.name)) fail("secrets[].name", secret.name, "must be unique");
    secretNames.add(secret.name);
    if (!Token.isUnresolved(secret.valueFrom) && !/^arn:aws:(secretsmanager|ssm):/.test(secret.valueFrom))
      fail("secrets[].valueFrom", secret.valueFrom, "must be a Secrets Manager secret or SSM parameter ARN");
  }
  for (const [name, value] of Object.entries(environment)) {
    if (!ENV_NAME.test(name)) fail("environment", name, "names must match [A-Za-z_][A-Za-z0-9_]*");
    if (secretNames.has(name)) fail("environment", name, "is also a secret: give it once, as a secret");
    if (SECRET_LIKE_NAME.test(name))
      fail(
        "environment",
        name,
        "looks like a credential: pass it in secrets (valueFrom), never as plain text",
      );
    if (!Token.isUnresolved(value) && SECRET_LIKE_VALUE.test(value))
      fail("environment", name, "has a credential-like value: pass it in secrets (valueFrom)");
  }
}
