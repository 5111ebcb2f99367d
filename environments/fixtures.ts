import type { EnvironmentInput } from "./schema";
import { staging } from "./staging";

/**
 * Test environments: never registered in environments/registry.ts, never deployed, never in
 * `npm run synth`. The Terraform gate synthesizes, validates and offline-plans each next to the real
 * stacks, and jest runs the policy pack on each, so a topology no real environment uses yet (a Qdrant
 * cluster) is proven before anyone turns it on.
 */

/**
 * staging's settings in three AZs (three private subnets), with a three-node Qdrant cluster (one node per
 * AZ, so losing any one AZ keeps the Raft majority) and Redis in cluster mode with two shards. Options of
 * other tiers go in this same object.
 */
export const clusterFixture: EnvironmentInput = {
  ...staging,
  name: "fixture",
  costCenter: "air-applied-ai-fixture",
  network: {
    vpcCidr: "10.99.0.0/16",
    availabilityZones: ["us-east-2a", "us-east-2b", "us-east-2c"],
    publicSubnetCidrs: ["10.99.1.0/24", "10.99.2.0/24", "10.99.3.0/24"],
    privateSubnetCidrs: ["10.99.11.0/24", "10.99.12.0/24", "10.99.13.0/24"],
    natGateways: "one-per-az",
    interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs", "secretsmanager"],
  },
  database: { instanceType: "r6g.large", dataVolumeSizeGiB: 200, nodes: 3 },
  cache: { ...staging.cache, shards: 2 },
  loadBalancer: {
    domainName: "api.fixture.air-applied-ai.com",
    hostedZoneName: "fixture.air-applied-ai.com",
    deletionProtection: true,
  },
};

/** Every fixture by name (its stack's name). */
export const FIXTURE_INPUTS = { fixture: clusterFixture } as const;
