import { S3Backend, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import { PROJECT, REGION, envName } from "../lib/naming";
import { Cache } from "../modules/cache";
import { Networking } from "../modules/networking";
import { KmsKey } from "../modules/security/kms-key";
import { BaseStack } from "./base-stack";

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
  /** ElastiCache Redis; the ECS tier admits its tasks with cache.allowFrom(sg) and cache.grantReadAuthToken(role). */
  public readonly cache: Cache;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.name, {
      tags: { Environment: config.name, Owner: config.owner, CostCenter: config.costCenter },
    });
    this.config = config;
    new S3Backend(this, {
      bucket: STATE_BUCKET,
      key: `${config.name}/terraform.tfstate`,
      region: REGION,
      encrypt: true,
    });
    // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no prop for it.
    this.addOverride("terraform.backend.s3.use_lockfile", true);

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
  }

  /** A root-level output with a static id, so CI and other tooling can read it by name. */
  protected output(id: string, value: unknown, description: string, sensitive = false): TerraformOutput {
    const output = new TerraformOutput(this, id, { value, description, sensitive });
    output.overrideLogicalId(id);
    return output;
  }
}
