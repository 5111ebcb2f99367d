import { S3Backend, TerraformOutput, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import { PROJECT, REGION, envName, workloadBoundaryArn } from "../lib/naming";
import { Cache } from "../modules/cache";
import { Database, QDRANT_GRPC_PORT, QDRANT_HTTP_PORT } from "../modules/database";
import { Application } from "../modules/ecs";
import { LoadBalancer } from "../modules/loadbalancer";
import { Queue } from "../modules/queue";
import { Storage } from "../modules/storage";
import { Monitoring } from "../modules/monitoring";
import { Networking } from "../modules/networking";
import { KmsKey } from "../modules/security/kms-key";
import { PermissionsBoundary } from "../modules/security/service-role";
import { BaseStack } from "./base-stack";
import { addLiteralOverride } from "../lib/overrides";

/** Bucket holding every environment's state (created by the bootstrap stack). */
export const STATE_BUCKET = `${PROJECT}-terraform-state`;

/**
 * One environment (dev, staging or prod): S3 backend state at <env>/terraform.tfstate, and the seed's
 * tiers composed from modules/, each fed the previous tiers' typed outputs.
 */
export class EnvironmentStack extends BaseStack {
  public readonly config: EnvironmentConfig;
  public readonly key: KmsKey;
  public readonly networking: Networking;
  /** S3: raw data, processed data, logs. */
  public readonly storage: Storage;
  /** SQS work queue + DLQ. */
  public readonly queue: Queue;
  /** Internet-facing ALB, TLS certificate, WAF, error pages. */
  public readonly loadBalancer: LoadBalancer;
  /** ElastiCache Redis; the ECS tier admits its tasks with cache.allowFrom(sg) and cache.grantReadAuthToken(role). */
  public readonly cache: Cache;
  /** Qdrant on EC2; the ECS tier admits its tasks with database.allowFrom(sg) and database.grantReadApiKey(role). */
  public readonly database: Database;
  /** The FastAPI service on ECS Fargate (cluster, ECR, task definition, service, autoscaling). */
  public readonly application: Application;
  /** Terraform variable `image_tag`: the image CI deploys (`terraform apply -var image_tag=<git sha>`). */
  public readonly imageTag: TerraformVariable;
  /** Alert topic, alarms, dashboards, AMP + collector, Grafana, budget (built last: it watches every tier). */
  public readonly monitoring: Monitoring;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.name, {
      tags: { Environment: config.name, Owner: config.owner, CostCenter: config.costCenter },
    });
    this.config = config;
    // Every IAM role in this stack carries the project's permissions boundary (made by bootstrap): the
    // CI deploy role may create or change roles only with it (modules/delivery).
    PermissionsBoundary.of(this).apply(workloadBoundaryArn(this.accountId));
    new S3Backend(this, {
      bucket: STATE_BUCKET,
      key: `${config.name}/terraform.tfstate`,
      region: REGION,
      encrypt: true,
    });
    // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no prop for it.
    addLiteralOverride(this, "terraform.backend.s3.use_lockfile", true);

    const namePrefix = envName(config.name, PROJECT);
    const protect = config.protectStatefulResources;

    this.key = new KmsKey(this, "kms", {
      alias: `${PROJECT}-${config.name}`,
      description: `${PROJECT} ${config.name}: logs, data stores, queues, secrets and alerts`,
      accountId: this.accountId,
      deletionWindowInDays: config.security.kmsDeletionWindowDays,
      preventDestroy: protect,
    });

    this.networking = new Networking(this, "networking", {
      namePrefix,
      accountId: this.accountId,
      vpcCidr: config.network.vpcCidr,
      availabilityZones: config.network.availabilityZones,
      publicSubnetCidrs: config.network.publicSubnetCidrs,
      privateSubnetCidrs: config.network.privateSubnetCidrs,
      natGateways: config.network.natGateways,
      interfaceEndpoints: config.network.interfaceEndpoints,
      key: this.key,
      flowLogAggregationSeconds: config.network.flowLogAggregationSeconds,
      logRetentionDays: config.logging.retentionDays,
    });

    this.output("vpc_id", this.networking.vpcId, "VPC id");
    this.output("public_subnet_ids", this.networking.publicSubnetIds, "Public subnet ids, in AZ order");
    this.output("private_subnet_ids", this.networking.privateSubnetIds, "Private subnet ids, in AZ order");
    this.output("availability_zones", this.networking.availabilityZones, "Availability zones used");
    this.output("kms_key_arn", this.key.keyArn, "Project CMK ARN");

    this.storage = new Storage(this, "storage", {
      environment: config.name,
      accountId: this.accountId,
      key: this.key,
      bucketNames: config.storage.bucketNames,
      rawDataInfrequentAccessDays: config.storage.rawDataInfrequentAccessDays,
      processedGlacierDays: config.storage.processedGlacierDays,
      noncurrentVersionExpirationDays: config.storage.noncurrentVersionExpirationDays,
      accessLogExpirationDays: config.storage.accessLogExpirationDays,
      qdrantSnapshotRetentionDays: config.database.snapshotRetentionDays,
      protect,
    });
    this.output("raw_data_bucket", this.storage.rawData.bucketName, "Raw data bucket");
    this.output("processed_bucket", this.storage.processed.bucketName, "Processed data bucket");
    this.output("logs_bucket", this.storage.logs.bucketName, "Access-log bucket (S3 server access, ALB)");

    this.queue = new Queue(this, "queue", {
      queueName: `${namePrefix}-jobs`,
      key: this.key,
      visibilityTimeoutSeconds: config.queue.visibilityTimeoutSeconds,
      messageRetentionSeconds: config.queue.messageRetentionSeconds,
      maxReceiveCount: config.queue.maxReceiveCount,
      receiveWaitTimeSeconds: config.queue.receiveWaitTimeSeconds,
    });
    this.output("queue_url", this.queue.queueUrl, "SQS work queue URL");
    this.output("dlq_url", this.queue.dlqUrl, "SQS dead-letter queue URL");
    this.output("queue_arn", this.queue.queueArn, "SQS work queue ARN");
    this.output("dlq_arn", this.queue.dlqArn, "SQS dead-letter queue ARN (source of a DLQ redrive)");

    const lb = config.loadBalancer;
    this.loadBalancer = new LoadBalancer(this, "load-balancer", {
      name: envName(config.name, `${PROJECT}-alb`),
      wafName: envName(config.name, `${PROJECT}-waf`),
      accountId: this.accountId,
      vpcId: this.networking.vpcId,
      publicSubnetIds: this.networking.publicSubnetIds,
      subnetAvailabilityZones: this.networking.availabilityZones,
      key: this.key,
      logRetentionDays: config.logging.retentionDays,
      accessLogs: {
        bucketName: this.storage.logs.bucketName,
        prefix: this.storage.albLogPrefix,
        policy: this.storage.logs.policy,
      },
      domainName: lb.domainName,
      hostedZoneName: lb.hostedZoneName,
      certificateArn: lb.certificateArn,
      tlsPolicy: lb.tlsPolicy,
      idleTimeoutSeconds: lb.idleTimeoutSeconds,
      deletionProtection: lb.deletionProtection,
      targetPort: config.ecs.containerPort,
      healthCheckPath: config.ecs.healthCheckPath,
      deregistrationDelaySeconds: lb.deregistrationDelaySeconds,
      wafRateLimit: lb.wafRateLimit,
      maintenanceMode: lb.maintenanceMode,
      alternateTargetGroup: config.ecs.deploymentStrategy !== "ROLLING",
    });
    this.output(
      "alb_dns_name",
      this.loadBalancer.albDnsName,
      "ALB DNS name (target of the domain's alias record)",
    );

    this.cache = new Cache(this, "cache", {
      namePrefix,
      vpcId: this.networking.vpcId,
      subnetIds: this.networking.privateSubnetIds,
      availabilityZones: this.networking.availabilityZones,
      key: this.key,
      nodeType: config.cache.nodeType,
      numCacheClusters: config.cache.numCacheClusters,
      multiAz: config.cache.multiAz,
      engineVersion: config.cache.engineVersion,
      snapshotRetentionDays: config.cache.snapshotRetentionDays,
      snapshotWindow: config.cache.snapshotWindow,
      maintenanceWindow: config.cache.maintenanceWindow,
      restoreFromSnapshot: config.cache.restoreFromSnapshot,
      authTokenVersion: config.cache.authTokenVersion,
      logRetentionDays: config.logging.retentionDays,
      protect,
    });
    const cache = this.cache;
    this.output("redis_primary_endpoint", cache.primaryEndpointAddress, "Redis primary endpoint (TLS, 6379)");
    this.output("redis_reader_endpoint", cache.readerEndpointAddress, "Redis reader endpoint (TLS, 6379)");
    this.output("redis_auth_secret_arn", cache.authTokenSecretArn, "Secrets Manager ARN of the AUTH token");

    // Qdrant in the first private subnet (its AZ also holds dev's single NAT); the data volume follows.
    this.database = new Database(this, "database", {
      namePrefix,
      accountId: this.accountId,
      vpcId: this.networking.vpcId,
      subnetId: this.networking.privateSubnetIds[0],
      availabilityZone: this.networking.availabilityZones[0],
      key: this.key,
      snapshotBucket: this.storage.qdrantSnapshots,
      privateZoneName: `${config.name}.${PROJECT}.internal`,
      instanceType: config.database.instanceType,
      dataVolumeSizeGiB: config.database.dataVolumeSizeGiB,
      dataVolumeIops: config.database.dataVolumeIops,
      dataVolumeThroughput: config.database.dataVolumeThroughput,
      qdrantVersion: config.database.qdrantVersion,
      snapshotRetentionDays: config.database.snapshotRetentionDays,
      snapshotTimeUtc: config.database.snapshotTimeUtc,
      logRetentionDays: config.logging.retentionDays,
      protect,
    });
    const database = this.database;
    this.output("qdrant_endpoint", database.endpointUrl, "Qdrant REST endpoint (private DNS; gRPC on 6334)");
    this.output(
      "qdrant_api_key_secret_arn",
      database.apiKeySecretArn,
      "Secrets Manager ARN of the Qdrant API key (sent in the api-key header)",
    );

    // --- Application (ECS) -------------------------------------------------------------------------
    // The image tag is the one input that changes per release: CI pushes <ecr_repository_url>:<git sha>
    // and applies with -var image_tag=<git sha>. No default: a plan without it fails instead of
    // silently deploying some other image. "latest" is refused (tags are immutable).
    this.imageTag = new TerraformVariable(this, "image-tag-variable", {
      type: "string",
      nullable: false,
      description: "API image tag in ecr_repository_url to run (CI sets the git SHA it pushed)",
      validation: [
        {
          condition:
            '${can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"}',
          errorMessage:
            'The image_tag must be an ECR tag (1-128 of A-Z a-z 0-9 _ . -, not starting with . or -) other than "latest".',
        },
      ],
    });
    this.imageTag.overrideLogicalId("image_tag");
    const ecs = config.ecs;
    const clusterName = envName(config.name, `${PROJECT}-cluster`);
    const serviceName = envName(config.name, `${PROJECT}-api`);
    const app = (this.application = new Application(this, "application", {
      namePrefix,
      clusterName,
      serviceName,
      repositoryName: envName(config.name, `${PROJECT}-api`),
      accountId: this.accountId,
      vpcId: this.networking.vpcId,
      privateSubnetIds: this.networking.privateSubnetIds,
      key: this.key,
      logRetentionDays: config.logging.retentionDays,
      imageTag: this.imageTag.stringValue,
      settings: ecs,
      loadBalancing: {
        targetGroupArn: this.loadBalancer.targetGroupArn,
        securityGroupId: this.loadBalancer.securityGroupId,
        listenerDependencies: this.loadBalancer.listenerDependencies,
        alternateTargetGroupArn: this.loadBalancer.alternateTargetGroupArn,
        productionListenerRuleArn: this.loadBalancer.productionListenerRuleArn,
        listenerArn: this.loadBalancer.httpsListenerArn,
      },
      environment: {
        ENVIRONMENT: config.name,
        RAW_DATA_BUCKET: this.storage.rawData.bucketName,
        PROCESSED_BUCKET: this.storage.processed.bucketName,
        QUEUE_URL: this.queue.queueUrl,
        REDIS_HOST: cache.primaryEndpointAddress,
        REDIS_READER_HOST: cache.readerEndpointAddress,
        REDIS_PORT: String(cache.port),
        REDIS_TLS: "true",
        QDRANT_URL: database.endpointUrl,
        QDRANT_GRPC_ENDPOINT: database.grpcEndpoint,
      },
      secrets: [
        {
          name: "REDIS_AUTH_TOKEN",
          valueFrom: cache.authTokenSecretArn,
          grantRead: (role) => cache.grantReadAuthToken(role),
        },
        {
          name: "QDRANT_API_KEY",
          valueFrom: database.apiKeySecretArn,
          grantRead: (role) => database.grantReadApiKey(role),
        },
      ],
      s3PrefixListId: this.networking.s3PrefixListId,
      protect,
    }));
    // Data access: exactly the buckets and the queue (and their key), through the tiers' grants.
    this.storage.rawData.grantReadWrite(app.taskRole);
    this.storage.processed.grantReadWrite(app.taskRole);
    this.queue.grantSend(app.taskRole);
    this.queue.grantConsume(app.taskRole);
    // Network paths, both ends: ALB -> tasks; tasks -> Redis and Qdrant.
    this.loadBalancer.allowTrafficTo(app.securityGroupId, ecs.containerPort);
    cache.allowFrom(app.securityGroupId, "the API tasks");
    app.connectTo(cache.securityGroupId, [cache.port], "Redis (TLS)");
    database.allowFrom(app.securityGroupId, "the API tasks");
    app.connectTo(database.securityGroupId, [QDRANT_HTTP_PORT, QDRANT_GRPC_PORT], "Qdrant");
    this.output("ecs_cluster_name", app.clusterName, "ECS cluster name");
    this.output("ecs_service_name", app.serviceName, "ECS service name (the FastAPI API)");
    this.output("ecr_repository_url", app.repositoryUrl, "ECR repository URL: CI pushes <url>:<git sha>");
    this.output("ecs_task_definition_family", app.taskDefinitionFamily, "Task definition family of the API");
    this.output("ecs_log_group_name", app.logGroupName, "CloudWatch log group of the API containers");
    this.output(
      "image_tag",
      this.imageTag.stringValue,
      "Image tag the service runs (the last applied image_tag)",
    );

    // Monitoring last: it is fed every other tier's identifiers. Tiers not yet in this stack are absent
    // from its props, so their alarms and dashboard widgets appear when they are wired.
    this.monitoring = new Monitoring(this, "monitoring", {
      namePrefix,
      environment: config.name,
      accountId: this.accountId,
      key: this.key,
      logRetentionDays: config.logging.retentionDays,
      alarmEmails: config.monitoring.alarmEmails,
      thresholds: config.monitoring.thresholds,
      grafanaAuthentication: config.monitoring.grafanaAuthentication,
      monthlyBudgetUsd: config.budget.monthlyLimitUsd,
      alb: {
        arnSuffix: this.loadBalancer.albArnSuffix,
        targetGroupArnSuffix: this.loadBalancer.targetGroupArnSuffix,
        alternateTargetGroupArnSuffix: this.loadBalancer.alternateTargetGroupArnSuffix,
      },
      redis: { replicationGroupId: cache.replicationGroupId, memberClusterIds: cache.memberClusterIds },
      qdrant: {
        instanceId: database.instanceId,
        memoryDimensions: database.memoryMetricDimensions(),
        diskDimensions: database.diskMetricDimensions(),
      },
      queue: { queueName: this.queue.queueName, dlqName: this.queue.dlqName },
      natGatewayIds: this.networking.natGatewayIds,
      ecs: { clusterName: app.clusterName, serviceName: app.serviceName },
      collector: {
        vpcId: this.networking.vpcId,
        subnetIds: this.networking.privateSubnetIds,
        // Literal names: the collector renders them into its discovery config (a regex of the name).
        clusterName,
        clusterArn: app.clusterArn,
        appServiceName: serviceName,
        appPort: ecs.containerPort,
        appSecurityGroupId: app.securityGroupId,
        qdrantTarget: `${database.hostname}:${QDRANT_HTTP_PORT}`,
        qdrantPort: QDRANT_HTTP_PORT,
        qdrantSecurityGroupId: database.securityGroupId,
        qdrantApiKeySecretArn: database.apiKeySecretArn,
      },
    });
    const monitoring = this.monitoring;
    // The ADOT collector scrapes the API's /metrics on the container port and Qdrant's on 6333.
    if (monitoring.collector) {
      app.allowFrom(monitoring.collector.securityGroupId, "the ADOT collector (metrics scrape)");
      database.allowFrom(monitoring.collector.securityGroupId, "the ADOT collector (metrics scrape)");
    }
    this.output("alert_topic_arn", monitoring.alertTopicArn, "SNS topic of alarms and budget notifications");
    this.output("cloudwatch_dashboard_name", monitoring.dashboardName, "CloudWatch dashboard name");
    this.output("prometheus_endpoint", monitoring.prometheus.prometheusEndpoint, "AMP workspace endpoint");
    this.output("grafana_endpoint", monitoring.grafana.endpoint, "Managed Grafana workspace URL (host)");
    this.output(
      "grafana_dashboard_variables",
      monitoring.grafanaVariables,
      "Values of the Grafana dashboards' variables (scripts/provision-grafana.mjs)",
    );
  }

  /** A root-level output with a static id, so CI and other tooling can read it by name. */
  protected output(id: string, value: unknown, description: string, sensitive = false): TerraformOutput {
    const output = new TerraformOutput(this, id, { value, description, sensitive });
    output.overrideLogicalId(id);
    return output;
  }
}
