import type { EnvironmentInput } from "./schema";

/** Dev: cheapest sensible. One shared NAT, a single Redis node, small Qdrant host, Spot-first tasks. */
export const dev: EnvironmentInput = {
  name: "dev",
  owner: "platform-team",
  costCenter: "air-applied-ai-dev",
  protectStatefulResources: false,
  network: {
    vpcCidr: "10.10.0.0/16",
    availabilityZones: ["us-east-2a", "us-east-2b"],
    publicSubnetCidrs: ["10.10.1.0/24", "10.10.2.0/24"],
    privateSubnetCidrs: ["10.10.3.0/24", "10.10.4.0/24"],
    natGateways: "single",
  },
  security: { kmsDeletionWindowDays: 7 },
  storage: { noncurrentVersionExpirationDays: 30, accessLogExpirationDays: 30 },
  database: { instanceType: "r6g.large", dataVolumeSizeGiB: 100, snapshotRetentionDays: 7 },
  cache: { nodeType: "cache.t4g.small", numCacheClusters: 1, multiAz: false, snapshotRetentionDays: 1 },
  ecs: {
    taskCpu: 256,
    taskMemory: 512,
    minCapacity: 1,
    maxCapacity: 2,
    onDemandBase: 0,
    onDemandWeight: 0,
    spotWeight: 1,
    deploymentStrategy: "ROLLING",
  },
  loadBalancer: {
    domainName: "api.dev.air-applied-ai.com",
    hostedZoneName: "dev.air-applied-ai.com",
    deletionProtection: false,
  },
  monitoring: { alarmEmails: ["platform-dev@air-applied-ai.com"] },
  budget: { monthlyLimitUsd: 500 },
  // Pin the AWS account (Terraform then refuses any other account's credentials; docs/deploy.md,
  // "One account or one per environment"): awsAccountId: "<12-digit account id>",
};
