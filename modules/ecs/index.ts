import { Token } from "cdktf";
import { Construct } from "constructs";
import type { Platform, TierOutputs } from "../platform";
import type { Connections, IConnectable } from "../security/connections";
import type { ServiceRole } from "../security/service-role";
import { FargateCluster } from "./cluster";
import { IMAGE_TAG_RULE, isDeployableImageTag } from "./image-tag";
import { CONTAINER_NAME, SECRET_LIKE_NAME, SECRET_LIKE_VALUE } from "./container";
import { ContainerRepository } from "./repository";
import { FargateService, type FargateServiceProps } from "./service";
import { serviceSettingsProblems } from "./settings";

export {
  CONTAINER_NAME,
  SCRATCH_VOLUMES,
  STOP_TIMEOUT_SECONDS,
  SECRET_LIKE_NAME,
  SECRET_LIKE_VALUE,
  pythonHealthCheck,
} from "./container";
export { FargateCluster } from "./cluster";
export { IMAGE_TAG_PATTERN, imageTagVariable } from "./image-tag";
export { ContainerRepository, UNTAGGED_IMAGE_EXPIRY_DAYS } from "./repository";
export {
  type ContainerSecret,
  ECS_EXEC_SSM_ACTIONS,
  ELB_DESCRIBE_ACTIONS,
  FargateService,
  type ServiceLoadBalancing,
} from "./service";
export {
  CAPACITY_PROVIDERS,
  DEPLOYMENT_STRATEGIES,
  type DeploymentStrategy,
  type ServiceSettings,
  deploymentConfiguration,
  shiftsTraffic,
} from "./settings";

/** The service's props, minus what Application builds itself (the cluster, the repository, the name). */
export interface ApplicationProps extends Omit<FargateServiceProps, "cluster" | "repository" | "name"> {
  /**
   * Names (`<prefix>-cluster`, `<prefix>-api`, roles `<prefix>-ecs-*`, log groups `/<prefix>/ecs/*`),
   * the CMK (ECR, log groups, ECS Exec), log retention, and `protect` (prevent_destroy on the ECR
   * repository: its images are the rollback targets).
   */
  readonly platform: Platform;
  /** Image tag to run, normally the stack's `image_tag` Terraform variable that CI sets per release. */
  readonly imageTag: string;
}

/**
 * The seed's Compute tier: the FastAPI service on ECS Fargate, composed of a FargateCluster (Container
 * Insights, logged and encrypted ECS Exec, FARGATE + FARGATE_SPOT), a ContainerRepository (ECR:
 * immutable tags, scan on push, CMK, lifecycle) and a FargateService (hardened task definition, roles,
 * security group, the service behind the ALB with the configured ECS-native deployment strategy,
 * target-tracking autoscaling). Physical names: `<prefix>-cluster` and `<prefix>-api` (service, task
 * family and repository).
 *
 * Grant data access to `taskRole` (`bucket.grantReadWrite(app.taskRole)`); open a path to a data store
 * with `app.connections.allowTo(store)` (egress here, ingress there).
 */
export class Application extends Construct implements IConnectable {
  public readonly cluster: FargateCluster;
  public readonly repository: ContainerRepository;
  public readonly service: FargateService;
  public readonly clusterName: string;
  public readonly clusterArn: string;
  public readonly serviceName: string;
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
  /** The tasks' connections (default port: the container port). */
  public readonly connections: Connections;
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
  /** What the alarms watch: the ClusterName and ServiceName dimensions. */
  public readonly alarmTargets: { readonly clusterName: string; readonly serviceName: string };
  /**
   * Literal names (not references) for configuration rendered into text, e.g. the metrics collector's
   * discovery regex of the service name.
   */
  public readonly literalNames: { readonly cluster: string; readonly service: string };
  /** Root outputs: ecs_cluster_name, ecs_service_name, ecr_repository_url, ecs_task_definition_family, ecs_log_group_name. */
  public readonly outputs: TierOutputs;

  constructor(scope: Construct, id: string, props: ApplicationProps) {
    super(scope, id);
    const { platform, settings } = props;
    const names = {
      cluster: platform.name("cluster"),
      service: platform.name("api"),
      repository: platform.name("api"),
    };
    validate(props, names);
    this.literalNames = { cluster: names.cluster, service: names.service };
    this.containerPort = settings.containerPort;

    this.cluster = new FargateCluster(this, "cluster", { platform, name: names.cluster, settings });
    this.repository = new ContainerRepository(this, "repository", {
      platform,
      name: names.repository,
      keepTaggedImages: settings.imageRetentionCount,
    });
    this.service = new FargateService(this, "service", {
      platform,
      network: props.network,
      cluster: this.cluster,
      repository: this.repository,
      name: names.service,
      imageTag: props.imageTag,
      settings,
      loadBalancing: props.loadBalancing,
      environment: props.environment,
      secrets: props.secrets,
      httpsEgressCidr: props.httpsEgressCidr,
      healthCheckCommand: props.healthCheckCommand,
    });

    this.clusterName = this.cluster.clusterName;
    this.clusterArn = this.cluster.clusterArn;
    this.execLogGroupName = this.cluster.execLogs.logGroupName;
    this.repositoryUrl = this.repository.repositoryUrl;
    this.repositoryArn = this.repository.repositoryArn;
    this.repositoryName = this.repository.repositoryName;
    const svc = this.service;
    this.serviceName = svc.serviceName;
    this.serviceArn = svc.serviceArn;
    this.taskRole = svc.taskRole;
    this.executionRole = svc.executionRole;
    this.infrastructureRole = svc.infrastructureRole;
    this.securityGroupId = svc.securityGroupId;
    this.connections = svc.connections;
    this.logGroupName = svc.logGroupName;
    this.taskDefinitionFamily = svc.taskDefinitionFamily;
    this.taskDefinitionArn = svc.taskDefinitionArn;
    this.scalingResourceId = svc.scalingResourceId;
    this.alarmTargets = { clusterName: this.clusterName, serviceName: this.serviceName };
    this.outputs = {
      ecs_cluster_name: { value: this.clusterName, description: "ECS cluster name" },
      ecs_service_name: { value: this.serviceName, description: "ECS service name (the FastAPI API)" },
      ecr_repository_url: {
        value: this.repositoryUrl,
        description: "ECR repository URL: CI pushes <url>:<git sha>",
      },
      ecs_task_definition_family: {
        value: this.taskDefinitionFamily,
        description: "Task definition family of the API",
      },
      ecs_log_group_name: {
        value: this.logGroupName,
        description: "CloudWatch log group of the API containers",
      },
    };
  }
}

const CLUSTER_OR_SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ECR_NAME = /^(?=.{2,256}$)[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function validate(
  p: ApplicationProps,
  names: { cluster: string; service: string; repository: string },
): void {
  const fail = (field: string, value: unknown, rule: string): never => {
    throw new Error(`Application ${names.service}: ${field} = ${JSON.stringify(value)}: ${rule}`);
  };
  const s = p.settings;
  if (!CLUSTER_OR_SERVICE_NAME.test(names.cluster))
    fail("clusterName", names.cluster, "must be 1-255 letters, digits, '-' or '_'");
  if (!CLUSTER_OR_SERVICE_NAME.test(names.service))
    fail("serviceName", names.service, "must be 1-255 letters, digits, '-' or '_'");
  if (!ECR_NAME.test(names.repository))
    fail(
      "repositoryName",
      names.repository,
      "must be 2-256 lower-case letters and digits, separated by '.', '_', '-' or '/'",
    );
  if (p.network.privateSubnetIds.length === 0)
    fail("network.privateSubnetIds", [], "must list at least one subnet");
  if (!Token.isUnresolved(p.imageTag) && !isDeployableImageTag(p.imageTag))
    fail("imageTag", p.imageTag, IMAGE_TAG_RULE);

  if (!Number.isInteger(s.containerPort) || s.containerPort < 1 || s.containerPort > 65535)
    fail("settings.containerPort", s.containerPort, "must be a port 1-65535");
  if (!s.healthCheckPath.startsWith("/") || /['"\\\s]/.test(s.healthCheckPath))
    fail("settings.healthCheckPath", s.healthCheckPath, 'must be an absolute URL path like "/health"');
  for (const { field, value, rule } of serviceSettingsProblems(s, "settings."))
    fail(`settings.${field}`, value, rule);
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
