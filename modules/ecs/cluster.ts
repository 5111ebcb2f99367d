import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { Construct } from "constructs";
import type { Platform } from "../platform";
import { EncryptedLogGroup } from "../security/log-group";
import { CAPACITY_PROVIDERS, type ServiceSettings, capacityProviderStrategy } from "./settings";

export interface FargateClusterProps {
  readonly platform: Platform;
  /** Cluster name, 1-255 of letters, digits, '-' and '_'. */
  readonly name: string;
  /** The default capacity-provider strategy comes from the on-demand base and weights. */
  readonly settings: Pick<ServiceSettings, "onDemandBase" | "onDemandWeight" | "spotWeight">;
}

/**
 * An ECS cluster with Container Insights and KMS-encrypted, logged ECS Exec (its own log group), and
 * the FARGATE + FARGATE_SPOT capacity providers with the default strategy.
 */
export class FargateCluster extends Construct {
  public readonly clusterName: string;
  public readonly clusterArn: string;
  /** ECS Exec session log group (the task role writes it). */
  public readonly execLogs: EncryptedLogGroup;
  /** What a service must wait for: the capacity providers its strategy names. */
  public readonly capacityProviders: EcsClusterCapacityProviders;

  constructor(scope: Construct, id: string, props: FargateClusterProps) {
    super(scope, id);
    const { platform } = props;
    this.execLogs = new EncryptedLogGroup(this, "exec-logs", {
      platform,
      name: `/${platform.namePrefix}/ecs/exec`,
    });
    const cluster = new EcsCluster(this, "cluster", {
      name: props.name,
      setting: [{ name: "containerInsights", value: "enabled" }],
      configuration: {
        executeCommandConfiguration: {
          kmsKeyId: platform.key.keyArn,
          logging: "OVERRIDE",
          logConfiguration: {
            cloudWatchEncryptionEnabled: true,
            cloudWatchLogGroupName: this.execLogs.logGroupName,
          },
        },
      },
    });
    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    // The cluster's capacity_providers argument was removed in provider v5 (aws-constraints 1).
    this.capacityProviders = new EcsClusterCapacityProviders(this, "capacity-providers", {
      clusterName: cluster.name,
      capacityProviders: [...CAPACITY_PROVIDERS],
      defaultCapacityProviderStrategy: capacityProviderStrategy(props.settings),
    });
  }
}
