import type { Waiver } from "./engine";

/**
 * Every place the project deliberately breaks a rule, with why. A waiver matches construct paths
 * (e.g. "prod/storage/logs/..."), so it covers exactly the resources named.
 */
export const WAIVERS: Waiver[] = [
  {
    ruleId: "CKV_AWS_338",
    path: /.*/,
    reason:
      "The seed requires 30-day log retention (Monitoring & Logging: 'Log retention: 30 days'); longer-term audit data lives in S3.",
  },
  {
    ruleId: "CKV_AWS_260",
    path: /^\w+\/load-balancer\/security-group\/ingress-/,
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
];
