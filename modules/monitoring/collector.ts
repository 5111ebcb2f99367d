/**
 * The ADOT collector that fills the AMP workspace: one small Fargate service owned by the monitoring
 * tier. It discovers the FastAPI tasks with the ADOT `ecs_observer` extension and scrapes their
 * /metrics, scrapes Qdrant's /metrics with the API key (Qdrant accepts `Authorization: Bearer <key>` as
 * well as `api-key`), and remote-writes to the workspace with SigV4 through a role that may only write
 * to this workspace.
 *
 * Why a service and not a sidecar in every API task: Qdrant must be scraped exactly once (N sidecars
 * would write N copies of the same series and AMP rejects the duplicates), and the collector's
 * lifecycle, image and IAM stay out of the application's task definition.
 */
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { Construct } from "constructs";
import { REGION } from "../../lib/naming";
import type { INetwork } from "../networking/network";
import { type Platform, StackContext } from "../platform";
import type { Connections, IConnectable } from "../security/connections";
import { EncryptedLogGroup } from "../security/log-group";
import { SecurityGroup } from "../security/security-group";
import { ServiceRole } from "../security/service-role";
import type { PrometheusWorkspace } from "./prometheus";

/** ADOT collector image (pinned; multi-arch, the task runs on ARM64). */
export const ADOT_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.47.0";
/** Scrape interval: the seed's 1-minute metric resolution (AMP bills per ingested sample). */
export const SCRAPE_INTERVAL = "60s";
/** Where ecs_observer writes the discovered FastAPI targets: a task volume (the root filesystem is read-only). */
const SD_DIR = "/etc/ecs-sd";
const SD_FILE = `${SD_DIR}/targets.yaml`;
/** Environment variable the ECS agent fills from Secrets Manager with the Qdrant API key. */
export const QDRANT_API_KEY_ENV = "QDRANT_API_KEY";
/** Terraform renders "$${" as a literal "${" (the collector's own env-var syntax). */
const LITERAL_DOLLAR_BRACE = "$${";

export interface CollectorConfigProps {
  readonly remoteWriteUrl: string;
  /** ECS cluster (name) and service whose tasks expose /metrics on `appPort`. */
  readonly clusterName: string;
  readonly appServiceName: string;
  readonly appPort: number;
  /** Every Qdrant node's REST host:port, scraped one by one (its /metrics needs the API key). */
  readonly qdrantTargets: readonly string[];
}

/**
 * The collector configuration (AOT_CONFIG_CONTENT). JSON is YAML, so it is rendered with
 * JSON.stringify: no YAML library at synth time and no indentation bugs. The Qdrant key is the
 * collector's `${env:QDRANT_API_KEY}` reference, written as "$${" so Terraform leaves it alone.
 */
export function renderCollectorConfig(p: CollectorConfigProps): string {
  const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return JSON.stringify({
    extensions: {
      health_check: {},
      sigv4auth: { region: REGION, service: "aps" },
      ecs_observer: {
        cluster_name: p.clusterName,
        cluster_region: REGION,
        result_file: SD_FILE,
        refresh_interval: SCRAPE_INTERVAL,
        services: [
          {
            name_pattern: `^${escapeRegex(p.appServiceName)}$`,
            metrics_ports: [p.appPort],
            job_name: "fastapi",
          },
        ],
      },
    },
    receivers: {
      prometheus: {
        config: {
          global: { scrape_interval: SCRAPE_INTERVAL, scrape_timeout: "10s" },
          scrape_configs: [
            {
              job_name: "fastapi",
              metrics_path: "/metrics",
              file_sd_configs: [{ files: [SD_FILE] }],
              relabel_configs: [
                {
                  source_labels: ["__meta_ecs_cluster_name"],
                  action: "replace",
                  target_label: "ecs_cluster",
                },
                {
                  source_labels: ["__meta_ecs_service_name"],
                  action: "replace",
                  target_label: "ecs_service",
                },
              ],
            },
            {
              job_name: "qdrant",
              metrics_path: "/metrics",
              scheme: "http",
              authorization: {
                type: "Bearer",
                credentials: `${LITERAL_DOLLAR_BRACE}env:${QDRANT_API_KEY_ENV}}`,
              },
              // Each node separately, never a load-balanced name: a node's metrics describe that node.
              static_configs: [{ targets: [...p.qdrantTargets] }],
            },
          ],
        },
      },
    },
    processors: { batch: { timeout: "30s" } },
    exporters: {
      prometheusremotewrite: {
        endpoint: p.remoteWriteUrl,
        auth: { authenticator: "sigv4auth" },
      },
    },
    service: {
      extensions: ["health_check", "sigv4auth", "ecs_observer"],
      pipelines: {
        metrics: { receivers: ["prometheus"], processors: ["batch"], exporters: ["prometheusremotewrite"] },
      },
    },
  });
}

/** What the collector runs next to and scrapes: the application service and Qdrant. */
/** The API service as the collector sees it: its tasks (connected on containerPort, both ends) and names. */
export interface ScrapedService extends IConnectable {
  /** Literal cluster and service names: rendered into the discovery config (a regex of the name). */
  readonly literalNames: { readonly cluster: string; readonly service: string };
  /** The ECS cluster the collector runs in too. */
  readonly clusterArn: string;
  /** The port the tasks serve /metrics on. */
  readonly containerPort: number;
}

/** Qdrant as the collector sees it: its nodes (connected on httpPort, both ends) and the API key. */
export interface ScrapedVectorStore extends IConnectable {
  /**
   * REST host:port of every node (one node: qdrant.prod.air-applied-ai.internal:6333; a cluster:
   * qdrant-<i>.<zone>:6333): each node is scraped separately.
   */
  readonly scrapeTargets: readonly string[];
  readonly httpPort: number;
  readonly apiKeySecretArn: string;
}

export interface CollectorTargets {
  /** The collector task runs in the private subnets. */
  readonly network: INetwork;
  readonly app: ScrapedService;
  readonly qdrant: ScrapedVectorStore;
}

export interface AdotCollectorProps extends CollectorTargets {
  /** Names (`<prefix>-adot-collector`), the CMK (its log group, the key it decrypts), log retention. */
  readonly platform: Platform;
  readonly workspace: PrometheusWorkspace;
  /** @default ADOT_IMAGE */
  readonly image?: string;
}

/** One Fargate task running the ADOT collector (see the file comment for why a service). */
export class AdotCollector extends Construct implements IConnectable {
  /** The collector's security group (connected to the app's metrics port and to Qdrant's REST port). */
  public readonly securityGroupId: string;
  public readonly connections: Connections;
  public readonly serviceName: string;
  public readonly taskRoleArn: string;
  public readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: AdotCollectorProps) {
    super(scope, id);
    const { platform, network, app, qdrant } = props;
    if (network.privateSubnetIds.length === 0)
      throw new Error("AdotCollector: network.privateSubnetIds must list at least one subnet");
    const name = platform.name("adot-collector");
    const accountId = StackContext.of(this).accountId;
    const logs = new EncryptedLogGroup(this, "logs", {
      platform,
      name: `/${platform.namePrefix}/adot-collector`,
    });

    const executionRole = new ServiceRole(this, "execution-role", {
      roleName: `${name}-execution`,
      description: "ADOT collector task execution: logs and the Qdrant API key",
      servicePrincipal: "ecs-tasks.amazonaws.com",
    });
    logs.grantWrite(executionRole);
    executionRole.addToPolicy({
      actions: ["secretsmanager:GetSecretValue"],
      resources: [qdrant.apiKeySecretArn],
    });
    platform.key.grantDecrypt(executionRole);

    const taskRole = new ServiceRole(this, "task-role", {
      roleName: `${name}-task`,
      description: "ADOT collector: remote-write to the AMP workspace, discover the API's ECS tasks",
      servicePrincipal: "ecs-tasks.amazonaws.com",
    });
    props.workspace.grantRemoteWrite(taskRole);
    // AMP encrypts with the CMK through its own grant; allow the key only via AMP, in case it checks the caller.
    taskRole.addToPolicy({
      actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
      resources: [platform.key.keyArn],
      conditions: { StringEquals: { "kms:ViaService": `aps.${REGION}.amazonaws.com` } },
    });
    // ecs_observer: List* and DescribeTaskDefinition have no resource-level permissions (scoped to
    // the cluster by condition where IAM allows it); Describe* of services and tasks name the cluster.
    // Fargate only: no DescribeContainerInstances / ec2:DescribeInstances (EC2 launch type only).
    taskRole.addToPolicy({
      actions: ["ecs:ListTasks", "ecs:ListServices"],
      resources: ["*"],
      conditions: { ArnEquals: { "ecs:cluster": app.clusterArn } },
    });
    taskRole.addToPolicy({ actions: ["ecs:DescribeTaskDefinition"], resources: ["*"] });
    const arn = (kind: string) => `arn:aws:ecs:${REGION}:${accountId}:${kind}/${app.literalNames.cluster}/*`;
    taskRole.addToPolicy({ actions: ["ecs:DescribeServices"], resources: [arn("service")] });
    taskRole.addToPolicy({ actions: ["ecs:DescribeTasks"], resources: [arn("task")] });

    const sg = new SecurityGroup(this, "security-group", {
      vpcId: network.vpcId,
      name,
      description: "ADOT collector: scrapes the API tasks and Qdrant, writes to AMP",
      peerName: "collector",
      peerDescription: "the ADOT collector (metrics scrape)",
    });
    this.connections = sg.connections;
    // Both ends: egress here, ingress on the API tasks' and Qdrant's groups.
    sg.connections.allowTo(app, [app.containerPort]);
    sg.connections.allowTo(qdrant, [qdrant.httpPort]);
    sg.allowEgress(
      { cidr: "0.0.0.0/0" },
      443,
      "AMP remote write, ECS API, Secrets Manager, image pull (HTTPS)",
    );

    const container = {
      name: "adot-collector",
      image: props.image ?? ADOT_IMAGE,
      essential: true,
      // Read-only root; ecs_observer writes its target file to the task volume below (the image runs
      // as root in a scratch image, so the Fargate bind mount is writable for it).
      readonlyRootFilesystem: true,
      privileged: false,
      mountPoints: [{ sourceVolume: "ecs-sd", containerPath: SD_DIR, readOnly: false }],
      environment: [
        {
          name: "AOT_CONFIG_CONTENT",
          value: renderCollectorConfig({
            remoteWriteUrl: props.workspace.remoteWriteUrl,
            clusterName: app.literalNames.cluster,
            appServiceName: app.literalNames.service,
            appPort: app.containerPort,
            qdrantTargets: qdrant.scrapeTargets,
          }),
        },
      ],
      secrets: [{ name: QDRANT_API_KEY_ENV, valueFrom: qdrant.apiKeySecretArn }],
      // ECS health-check commands must start with "CMD" or "CMD-SHELL"; a bare ["/healthcheck"] (the
      // ADOT README form) is not run by the container runtime, so the task's health never leaves UNKNOWN.
      healthCheck: {
        command: ["CMD", "/healthcheck"],
        interval: 30,
        timeout: 5,
        retries: 5,
        startPeriod: 30,
      },
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": logs.logGroupName,
          "awslogs-region": REGION,
          "awslogs-stream-prefix": "adot",
        },
      },
    };
    const taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: name,
      cpu: "256",
      memory: "512",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" },
      volume: [{ name: "ecs-sd" }],
      executionRoleArn: executionRole.roleArn,
      taskRoleArn: taskRole.roleArn,
      containerDefinitions: JSON.stringify([container]),
    });
    const service = new EcsService(this, "service", {
      name,
      cluster: app.clusterArn,
      taskDefinition: taskDefinition.arn,
      desiredCount: 1,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      // Stop the old collector before starting the new one: two would write the same series twice.
      deploymentMinimumHealthyPercent: 0,
      deploymentMaximumPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      networkConfiguration: {
        subnets: [...network.privateSubnetIds],
        securityGroups: [sg.securityGroupId],
        assignPublicIp: false,
      },
      enableExecuteCommand: false,
      propagateTags: "SERVICE",
    });
    this.securityGroupId = sg.securityGroupId;
    this.serviceName = service.name;
    this.taskRoleArn = taskRole.roleArn;
    this.logGroupName = logs.logGroupName;
  }
}
