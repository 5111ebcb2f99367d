import type { EnvironmentInput } from "./schema";

/** Staging: prod's topology (NAT per AZ, Multi-AZ Redis, 2+ tasks) at smaller sizes. */
export const staging: EnvironmentInput = {
  name: "staging",
  owner: "platform-team",
  costCenter: "air-applied-ai-staging",
  protectStatefulResources: true,
  network: {
    vpcCidr: "10.20.0.0/16",
    availabilityZones: ["us-east-2a", "us-east-2b"],
    publicSubnetCidrs: ["10.20.1.0/24", "10.20.2.0/24"],
    privateSubnetCidrs: ["10.20.3.0/24", "10.20.4.0/24"],
    natGateways: "one-per-az",
    interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs", "secretsmanager"],
  },
  security: { kmsDeletionWindowDays: 30 },
  database: { instanceType: "r6g.large", dataVolumeSizeGiB: 200 },
  cache: { nodeType: "cache.r6g.large", numCacheClusters: 2, multiAz: true },
  ecs: {
    taskCpu: 512,
    taskMemory: 1024,
    minCapacity: 2,
    maxCapacity: 4,
    onDemandBase: 1,
    onDemandWeight: 0,
    spotWeight: 1,
    deploymentStrategy: "BLUE_GREEN",
    bakeTimeMinutes: 5,
  },
  loadBalancer: {
    domainName: "api.staging.air-applied-ai.com",
    hostedZoneName: "staging.air-applied-ai.com",
    deletionProtection: true,
  },
  monitoring: { alarmEmails: ["platform-oncall@air-applied-ai.com"] },
  budget: { monthlyLimitUsd: 1500 },
  // Pin the AWS account (Terraform then refuses any other account's credentials; docs/deploy.md,
  // "One account or one per environment"): awsAccountId: "<12-digit account id>",
};
