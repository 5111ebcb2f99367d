import type { TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import { PROJECT, STATE_BUCKET, namePrefix, stateKey, workloadBoundaryArn } from "../lib/naming";
import { Cache } from "../modules/cache";
import { Database } from "../modules/database";
import { Application, imageTagVariable, shiftsTraffic } from "../modules/ecs";
import { LoadBalancer } from "../modules/loadbalancer";
import { Monitoring } from "../modules/monitoring";
import { Networking } from "../modules/networking";
import { Platform } from "../modules/platform";
import { Queue } from "../modules/queue";
import { KmsKey } from "../modules/security/kms-key";
import { PermissionsBoundary } from "../modules/security/service-role";
import { Storage } from "../modules/storage";
import { BaseStack } from "./base-stack";

/**
 * One environment (dev, staging or prod): S3 backend state at <env>/terraform.tfstate, and the seed's
 * tiers composed from modules/, each fed the previous tiers' typed bindings. Cross-cutting inputs
 * (names, key, log retention, protection) travel in one Platform; every tier offers its own outputs.
 */
export class EnvironmentStack extends BaseStack {
  public readonly config: EnvironmentConfig;
  public readonly platform: Platform;
  public readonly key: KmsKey;
  public readonly networking: Networking;
  /** S3: raw data, processed data, logs. */
  public readonly storage: Storage;
  /** SQS work queue + DLQ. */
  public readonly queue: Queue;
  /** Internet-facing ALB, TLS certificate, WAF, error pages. */
  public readonly loadBalancer: LoadBalancer;
  /** ElastiCache Redis. */
  public readonly cache: Cache;
  /** Qdrant on EC2. */
  public readonly database: Database;
  /** The FastAPI service on ECS Fargate (cluster, ECR, task definition, service, autoscaling). */
  public readonly application: Application;
  /** Terraform variable `image_tag`: the image CI deploys (`terraform apply -var image_tag=<git sha>`). */
  public readonly imageTag: TerraformVariable;
  /** Alert topic, alarms, dashboards, AMP + collector, Grafana, budget (built last: it watches every tier). */
  public readonly monitoring: Monitoring;

  /**
   * @param stateBucket the state bucket of the environment's account (bootstrap's `stateBucket`: with
   *   account-per-environment, `air-applied-ai-terraform-state-<account>`). @default STATE_BUCKET
   */
  constructor(scope: Construct, config: EnvironmentConfig, stateBucket: string = STATE_BUCKET) {
    super(scope, config.name, {
      tags: { Environment: config.name, Owner: config.owner, CostCenter: config.costCenter },
      awsAccountId: config.awsAccountId,
    });
    this.config = config;
    // Every IAM role in this stack carries the project's permissions boundary (made by bootstrap): the
    // CI deploy role may create or change roles only with it (modules/delivery).
    PermissionsBoundary.of(this).apply(workloadBoundaryArn(this.accountId));
    this.useS3State(stateBucket, stateKey(config.name));

    this.key = new KmsKey(this, "kms", {
      alias: `${PROJECT}-${config.name}`,
      description: `${PROJECT} ${config.name}: logs, data stores, queues, secrets and alerts`,
      deletionWindowInDays: config.security.kmsDeletionWindowDays,
      preventDestroy: config.protectStatefulResources,
    });
    const platform = (this.platform = new Platform({
      namePrefix: namePrefix(config.name),
      key: this.key,
      logRetentionDays: config.logging.retentionDays,
      protect: config.protectStatefulResources,
    }));
    this.addOutputs({ kms_key_arn: { value: this.key.keyArn, description: "Project CMK ARN" } });

    const network = (this.networking = new Networking(this, "networking", { platform, ...config.network }));
    this.storage = new Storage(this, "storage", {
      platform,
      ...config.storage,
      qdrantSnapshotRetentionDays: config.database.snapshotRetentionDays,
    });
    this.queue = new Queue(this, "queue", { platform, ...config.queue });
    this.loadBalancer = new LoadBalancer(this, "load-balancer", {
      platform,
      network,
      ...config.loadBalancer,
      accessLogs: this.storage.albAccessLogs,
      targetPort: config.ecs.containerPort,
      healthCheckPath: config.ecs.healthCheckPath,
      alternateTargetGroup: shiftsTraffic(config.ecs.deploymentStrategy),
    });
    const cache = (this.cache = new Cache(this, "cache", { platform, network, ...config.cache }));
    const database = (this.database = new Database(this, "database", {
      platform,
      network,
      ...config.database,
      snapshotBucket: this.storage.qdrantSnapshots,
      privateZoneName: `${config.name}.${PROJECT}.internal`,
    }));

    this.imageTag = imageTagVariable(this);
    const app = (this.application = new Application(this, "application", {
      platform,
      network,
      imageTag: this.imageTag.stringValue,
      settings: config.ecs,
      loadBalancing: this.loadBalancer.serviceTarget, // ALB -> tasks on the container port, both ends
      environment: {
        ENVIRONMENT: config.name,
        RAW_DATA_BUCKET: this.storage.rawData.bucketName,
        PROCESSED_BUCKET: this.storage.processed.bucketName,
        QUEUE_URL: this.queue.queueUrl,
        ...cache.clientEnvironment, // REDIS_HOST, REDIS_PORT, REDIS_TLS, REDIS_READER_HOST or _CLUSTER_MODE
        ...database.clientEnvironment, // QDRANT_URL, QDRANT_GRPC_ENDPOINT
      },
      secrets: [cache.clientSecret, database.clientSecret], // REDIS_AUTH_TOKEN, QDRANT_API_KEY
    }));
    // Data access: exactly the buckets and the queue (and their key), through the tiers' grants.
    this.storage.rawData.grantReadWrite(app.taskRole);
    this.storage.processed.grantReadWrite(app.taskRole);
    this.queue.grantSend(app.taskRole);
    this.queue.grantConsume(app.taskRole);
    // Network paths, both ends in one call: tasks -> Redis (6379), tasks -> Qdrant (6333, 6334).
    app.connections.allowTo(cache);
    app.connections.allowTo(database);

    // Monitoring last: it is fed every other tier's alarm targets; the collector opens its own paths to
    // the API's /metrics (container port) and Qdrant's (6333).
    this.monitoring = new Monitoring(this, "monitoring", {
      platform,
      environment: config.name,
      ...config.monitoring,
      monthlyBudgetUsd: config.budget.monthlyLimitUsd,
      alb: this.loadBalancer.alarmTargets,
      ecs: app.alarmTargets,
      redis: cache.alarmTargets,
      qdrant: database.alarmTargets,
      queue: this.queue.alarmTargets,
      natGatewayIds: network.natGatewayIds,
      eventAlerts: database.eventAlerts,
      collector: { network, app, qdrant: database }, // scrapes the API and every Qdrant node
    });

    // A cluster's client name answers only with nodes whose EC2 status-check alarm is OK.
    database.routeByHealth(this.monitoring.qdrantStatusAlarmNames);

    for (const tier of [network, this.storage, this.queue, this.loadBalancer, cache, database, app])
      this.addOutputs(tier.outputs);
    this.addOutputs({
      image_tag: {
        value: this.imageTag.stringValue,
        description: "Image tag the service runs (the last applied image_tag)",
      },
    });
    this.addOutputs(this.monitoring.outputs);
  }
}
