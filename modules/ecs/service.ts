import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { type ITerraformDependable, TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { type SecretBinding, plainServiceTrustPolicy } from "../../lib/iam";
import type { INetwork } from "../networking/network";
import type { Platform } from "../platform";
import type { Connections, IConnectable } from "../security/connections";
import { EncryptedLogGroup } from "../security/log-group";
import { SecurityGroup } from "../security/security-group";
import { ServiceRole } from "../security/service-role";
import type { FargateCluster } from "./cluster";
import {
  CONTAINER_NAME,
  HEALTH_CHECK,
  SCRATCH_VOLUMES,
  pythonHealthCheck,
  renderContainerDefinitions,
} from "./container";
import type { ContainerRepository } from "./repository";
import {
  type ServiceSettings,
  capacityProviderStrategy,
  deploymentConfiguration,
  shiftsTraffic,
} from "./settings";

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
/** A secret the container reads at start (a data tier's `clientSecret`, or one of your own). */
export type ContainerSecret = SecretBinding;

/**
 * What the service needs from the load balancer tier: `loadBalancer.serviceTarget` builds it once,
 * where the facts live. Its `connections` are the ALB's: the service admits them on the container port.
 */
export interface ServiceLoadBalancing extends IConnectable {
  /** Target group (type ip) the tasks register in. */
  readonly targetGroupArn: string;
  /** Listener and listener rules the target group hangs off: the service waits for them (TPA: "does not have an associated load balancer"). */
  readonly listenerDependencies: readonly ITerraformDependable[];
  /** Second target group for BLUE_GREEN, CANARY and LINEAR (ECS shifts traffic between the two). @default none: ROLLING only */
  readonly alternateTargetGroupArn?: string;
  /** Listener rule whose weighted forward action ECS rewrites during a deployment. @default none: ROLLING only */
  readonly productionListenerRuleArn?: string;
  /** The HTTPS listener of that rule (ECS may modify it; scopes the infrastructure role). @default none */
  readonly listenerArn?: string;
}

export interface FargateServiceProps {
  /** Role and log-group names, the CMK (logs, the task role's decrypt), log retention. */
  readonly platform: Platform;
  /** The tasks run in the private subnets, without public IPs. */
  readonly network: INetwork;
  readonly cluster: FargateCluster;
  readonly repository: ContainerRepository;
  /** Service name, also the task-definition family and the security-group name. */
  readonly name: string;
  /** Image tag to run (in `repository`). */
  readonly imageTag: string;
  readonly settings: ServiceSettings;
  readonly loadBalancing: ServiceLoadBalancing;
  /** Plain configuration for the container; never credentials. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Credentials injected via `valueFrom`; the execution role is granted exactly these. @default [] */
  readonly secrets?: readonly ContainerSecret[];
  /** Where tasks may open HTTPS (AWS APIs via NAT or interface endpoints, ECR, external APIs). @default "0.0.0.0/0" */
  readonly httpsEgressCidr?: string;
  /** Container health check command. @default pythonHealthCheck(containerPort, healthCheckPath) */
  readonly healthCheckCommand?: readonly string[];
}

/**
 * The API's task definition (hardened container, awslogs, secrets via valueFrom), its execution, task
 * and (traffic-shifting strategies) infrastructure roles, its security group, the ECS service behind
 * the ALB (circuit breaker, the ECS-native deployment strategy) and target-tracking autoscaling.
 */
export class FargateService extends Construct implements IConnectable {
  public readonly serviceName: string;
  /** ECS service ARN (id). */
  public readonly serviceArn: string;
  public readonly taskRole: ServiceRole;
  public readonly executionRole: ServiceRole;
  public readonly infrastructureRole?: ServiceRole;
  public readonly securityGroupId: string;
  /** The tasks' group; other groups reach the container port with `x.connections.allowTo(service)`. */
  public readonly connections: Connections;
  public readonly logGroupName: string;
  public readonly taskDefinitionFamily: string;
  public readonly taskDefinitionArn: string;
  /** `service/<cluster>/<service>`: the Application Auto Scaling resource id. */
  public readonly scalingResourceId: string;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const { platform, settings: s, cluster, repository } = props;
    const secrets = props.secrets ?? [];
    const logs = new EncryptedLogGroup(this, "logs", { platform, name: `/${platform.namePrefix}/ecs/api` });
    this.logGroupName = logs.logGroupName;

    // --- Roles ------------------------------------------------------------------------------------
    this.executionRole = new ServiceRole(this, "execution-role", {
      roleName: platform.name("ecs-task-execution"),
      description: `${props.name} task execution: pull its image, write its logs, read its secrets`,
      servicePrincipal: "ecs-tasks.amazonaws.com",
    });
    repository.grantPull(this.executionRole);
    logs.grantWrite(this.executionRole);
    for (const secret of secrets) secret.grantRead(this.executionRole);

    this.taskRole = new ServiceRole(this, "task-role", {
      roleName: platform.name("ecs-task"),
      description: `${props.name} application: data access by grants, and ECS Exec`,
      servicePrincipal: "ecs-tasks.amazonaws.com",
    });
    // ECS Exec: the SSM session channels ("*" only), session logs to the exec log group, the session key.
    this.taskRole.addToPolicy({ actions: [...ECS_EXEC_SSM_ACTIONS], resources: ["*"] });
    this.taskRole.addToPolicy({ actions: ["logs:DescribeLogGroups"], resources: ["*"] });
    cluster.execLogs.grantWrite(this.taskRole);
    platform.key.grantDecrypt(this.taskRole);

    // --- Task definition --------------------------------------------------------------------------
    const taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: props.name,
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
        image: repository.imageUri(props.imageTag),
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

    // --- Security group: the container port from the ALB (both ends), HTTPS out ----------------------
    const securityGroup = new SecurityGroup(this, "security-group", {
      vpcId: props.network.vpcId,
      name: props.name,
      description: `${props.name} tasks: ${s.containerPort}/tcp from the ALB only; egress to AWS APIs and the data tier`,
      peerName: "api",
      peerDescription: "the API tasks",
      defaultPorts: [s.containerPort],
    });
    this.securityGroupId = securityGroup.securityGroupId;
    this.connections = securityGroup.connections;
    const lb = props.loadBalancing;
    lb.connections.allowTo(this);
    securityGroup.allowEgress(
      { cidr: props.httpsEgressCidr ?? "0.0.0.0/0" },
      443,
      "HTTPS: ECR, CloudWatch Logs, Secrets Manager, SQS, KMS, SSM (via NAT or interface endpoints)",
    );
    if (props.network.s3PrefixListId)
      securityGroup.allowEgress(
        { prefixListId: props.network.s3PrefixListId, name: "s3" },
        443,
        "HTTPS to S3 (gateway endpoint): image layers and the data buckets",
      );

    // --- Infrastructure role (traffic-shifting strategies) ----------------------------------------
    const shifting = shiftsTraffic(s.deploymentStrategy);
    if (shifting) {
      this.infrastructureRole = new ServiceRole(this, "infrastructure-role", {
        roleName: platform.name("ecs-infrastructure"),
        description: `ECS shifts ALB traffic between ${props.name}'s target groups (${s.deploymentStrategy})`,
        // The ECS infrastructure role is assumed without source-account context (AWS's documented trust).
        assumeRolePolicy: plainServiceTrustPolicy("ecs.amazonaws.com"),
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
      name: props.name,
      cluster: cluster.clusterArn,
      taskDefinition: taskDefinition.arn,
      // Created at the minimum; from then on Application Auto Scaling owns the count (ignore_changes).
      desiredCount: s.minCapacity,
      // No launch_type: it and a capacity-provider strategy are mutually exclusive (aws-constraints 22).
      capacityProviderStrategy: capacityProviderStrategy(s),
      platformVersion: "LATEST",
      networkConfiguration: {
        subnets: [...props.network.privateSubnetIds],
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
      dependsOn: [...lb.listenerDependencies, cluster.capacityProviders, ...roleResources],
    });
    this.serviceName = service.name;
    this.serviceArn = service.id;

    // --- Autoscaling ------------------------------------------------------------------------------
    // Names, not ARNs: an ARN here creates a target that never scales (aws-constraints 28).
    this.scalingResourceId = `service/${cluster.clusterName}/${service.name}`;
    const target = new AppautoscalingTarget(this, "scaling-target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: this.scalingResourceId,
      minCapacity: s.minCapacity,
      maxCapacity: s.maxCapacity,
    });
    const trackingPolicy = (id: string, metric: string, targetValue: number) =>
      new AppautoscalingPolicy(this, id, {
        name: `${props.name}-${id}`,
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
}
