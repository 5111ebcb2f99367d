import type { Waiver } from "./engine";

/**
 * Every place the project deliberately breaks a rule, with why. A waiver matches construct paths
 * (e.g. "prod/storage/logs/..."), so it covers exactly the resources named; one that matches every
 * path says `scope: "global"`. `npm run policy` rejects a waiver without a known rule or a reason, and
 * __tests__/policies/pack.test.ts fails on a waiver that no longer waives anything.
 */
export const WAIVERS: Waiver[] = [
  {
    ruleId: "CKV_AWS_338",
    path: /.*/,
    scope: "global",
    reason:
      "The seed requires 30-day log retention (Monitoring & Logging: 'Log retention: 30 days'); longer-term audit data lives in S3.",
  },
  {
    ruleId: "CKV_AWS_260",
    path: /^\w+\/load-balancer\/security-group\/from-anywhere-80$/,
    reason:
      "The public ALB accepts HTTP on port 80 only so that its listener can answer 301 to HTTPS (CKV2_AWS_20); nothing is served over plain HTTP and no target is reachable on port 80.",
  },
  {
    ruleId: "CKV_AWS_378",
    path: /^\w+\/load-balancer\/(alternate-)?target-group$/,
    reason:
      "TLS terminates at the ALB; the targets are Fargate tasks in private subnets reachable only from the ALB security group, so HTTP inside the VPC carries no internet-facing risk.",
  },
  {
    ruleId: "CKV_AWS_150",
    path: /^dev\/load-balancer\/alb$/,
    reason:
      "dev is rebuilt freely (config loadBalancer.deletionProtection = false there); the config schema requires deletion protection in prod, and staging enables it.",
  },
  {
    ruleId: "CKV2_AWS_50",
    path: /^dev\/cache\/replication-group$/,
    reason:
      "dev runs a single Redis node (config cache.numCacheClusters = 1, multiAz = false) to save cost; automatic failover needs a replica. The config schema requires >= 2 nodes whenever multiAz is on, and staging and prod run Multi-AZ with failover.",
  },
  {
    ruleId: "CKV_AWS_145",
    path: /\/storage\/logs\/bucket$/,
    reason:
      "ALB access logs can only be delivered to buckets with SSE-S3 (AWS ELB docs, enable-access-logging); the logs bucket holds access logs only, never data.",
  },
  {
    ruleId: "CKV_AWS_18",
    path: /\/storage\/logs\/bucket$/,
    reason: "The logs bucket is the access-log target itself; logging it into itself would loop.",
  },
  {
    ruleId: "CKV_AWS_145",
    path: /^bootstrap\/state-access-logs\/bucket$/,
    reason:
      "The state bucket's server access-log target uses SSE-S3, which S3 log delivery writes without any key-policy grant; it holds request records only, never state.",
  },
  {
    ruleId: "CKV_AWS_18",
    path: /^bootstrap\/state-access-logs\/bucket$/,
    reason: "The state bucket's access-log target itself; logging it into itself would loop.",
  },
  {
    ruleId: "CKV_AWS_231",
    path: /^\w+\/networking\/public-nacl$/,
    reason:
      "The public subnets hold the NAT gateways, which use source ports 1024-65535 for their connections, so their return traffic must be admitted on all of them (AWS VPC docs: network ACLs for a NAT gateway). Nothing there listens on 3389: the ALB's security group admits 80/443 only and NAT gateways accept no inbound connections. The private NACL admits only 32768-65535.",
  },
  {
    ruleId: "CKV2_AWS_57",
    path: /^\w+\/(cache\/auth-token|database\/api-key)\/secret$/,
    reason:
      "Both secrets are generated inside AWS (ephemeral random password into a write-only version) and rotated by deployment: bumping the config's version writes a new value that Terraform hands to its only consumer in the same apply (ElastiCache AUTH with update strategy SET/ROTATE, the Qdrant host at its next start). A rotation Lambda would change the value behind Terraform's back and lock the consumer out.",
  },
  {
    ruleId: "CKV2_AWS_62",
    path: /^(\w+\/storage\/(raw-data|processed|logs)|bootstrap\/(state|state-access-logs))\/bucket$/,
    reason:
      "Nothing in the platform consumes S3 object events (work reaches the SQS queue from the API), so a notification would have no subscriber; changes are on record through versioning and server access logs. Add an aws_s3_bucket_notification with its consumer when one exists.",
  },
  {
    ruleId: "CKV_AWS_144",
    path: /^(\w+\/storage\/(raw-data|processed|logs)|bootstrap\/(state|state-access-logs))\/bucket$/,
    reason:
      "The platform is single-region (us-east-2, the seed). Deletion and overwrite are covered in-region by versioning with noncurrent retention, prevent_destroy in staging and prod, and TLS-only/SSE-KMS policies; cross-region disaster recovery is not in the seed and is a recorded open decision in docs/runbooks/disaster-recovery.md. Access-log buckets hold request records only.",
  },
];
