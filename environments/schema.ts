/**
 * The environment config schema. Every size, count, name and toggle that differs between dev, staging
 * and prod is declared here, with the allowed values, and validated (zod) before any construct is built.
 * Defaults are the cheap-and-safe choice; prod.ts pins the seed's numbers explicitly.
 * Every object is strict (z.strictObject): a misspelled key such as `cache.snapshotRetentionDay` is an
 * error naming the field and the allowed ones, never silently dropped in favour of the default.
 */
import { z } from "zod";
import { cidrContains, cidrsOverlap, isCidr } from "../lib/cidr";
import { CACHE_NODE_TYPE } from "../modules/cache/settings";
import { MAX_CACHE_SHARDS, shardsProblem } from "../modules/cache/topology";
import {
  CLUSTER_ZONES_RULE,
  NODE_COUNT_RULE,
  QDRANT_MAX_NODES,
  clusterProblem,
  isValidNodeCount,
  resolveCluster,
} from "../modules/database/cluster";
import { DEPLOYMENT_STRATEGIES, serviceSettingsProblems } from "../modules/ecs/settings";
import { ALB_TLS_POLICIES } from "../modules/loadbalancer/tls";
import { CLOUDWATCH_RETENTION_VALUES } from "../modules/security/log-retention";
import { FARGATE_CPU_VALUES } from "../lib/fargate";
import {
  MAINTENANCE_WINDOW,
  SNAPSHOT_WINDOW,
  maintenanceWindowMinutes,
  snapshotWindowMinutes,
  windowsOverlap,
} from "../lib/windows";

/** Marks a value that is absent in a custom issue (see formatIssue). */
export const MISSING = Symbol("missing");

/** The registered environments (environments/registry.ts, in promotion order); re-exported for importers. */
export { ENVIRONMENT_NAMES, type EnvironmentName } from "./registry";
/**
 * An environment's name: 2-12 lowercase letters, digits or single hyphens, starting with a letter, not
 * "bootstrap" and not ending in "-plan" (`<env>-plan` is the GitHub environment of `<env>`'s plan jobs,
 * trusted by its plan role only: an environment of that name would share it with its deploy role). It goes into resource names (the ALB's `air-applied-ai-alb-<env>` may have 32 characters),
 * the stack, the GitHub environment and the state key. Which names exist is environments/registry.ts.
 */
export const ENVIRONMENT_NAME = /^(?!bootstrap$)(?!.*-plan$)[a-z](?:[a-z0-9]|-(?=[a-z0-9])){1,11}$/;
const environmentName = z
  .string()
  .regex(
    ENVIRONMENT_NAME,
    'must be 2-12 lowercase letters, digits or single hyphens, starting with a letter (not "bootstrap", not ending in "-plan": the suffix of the plan jobs\' GitHub environments)',
  );

/** A 12-digit AWS account id. */
export const AWS_ACCOUNT_ID = /^\d{12}$/;
/**
 * The AWS account a stack may be planned and applied in (provider `allowed_account_ids`): Terraform
 * refuses any other account's credentials. Optional; docs/deploy.md, "One account or one per environment".
 */
const awsAccountId = z.string().regex(AWS_ACCOUNT_ID, "must be a 12-digit AWS account id").optional();

/** The legal values live with the modules that own them; the schema offers exactly those. */
export { ALB_TLS_POLICIES, CLOUDWATCH_RETENTION_VALUES, DEPLOYMENT_STRATEGIES };

/** Interface endpoints the networking module knows how to create (service suffix of com.amazonaws.<region>.). */
export const INTERFACE_ENDPOINTS = [
  "ecr.api",
  "ecr.dkr",
  "logs",
  "secretsmanager",
  "ssm",
  "ssmmessages",
  "ec2messages",
  "sqs",
  "kms",
  "sts",
  "monitoring",
  "aps-workspaces",
] as const;

const AZ = /^us-east-2[a-c]$/;
const GRAVITON_INSTANCE =
  /^(r6g|r7g|r8g|m6g|m7g|m8g|c6g|c7g|t4g)\.(medium|large|xlarge|2xlarge|4xlarge|8xlarge|12xlarge|16xlarge)$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ACM_ARN = /^arn:aws:acm:us-east-2:\d{12}:certificate\/[0-9a-f-]{36}$/;
const BUCKET_NAME = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const TIME_UTC = /^([01]\d|2[0-3]):[0-5]\d$/;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const cidr = z
  .string()
  .refine(isCidr, { message: "must be an IPv4 network in CIDR notation, e.g. 10.0.1.0/24" });
const percent = (min = 1, max = 100) => z.number().min(min).max(max);

const network = z.strictObject({
  /** VPC CIDR; the seed's is 10.0.0.0/16. */
  vpcCidr: cidr.refine((c) => Number(c.split("/")[1]) >= 16 && Number(c.split("/")[1]) <= 28, {
    message: "must be a /16 to /28 network (AWS VPC limits)",
  }),
  /** One AZ per subnet pair, in order; at least two (ALB and Redis Multi-AZ need two). */
  availabilityZones: z
    .array(z.string().regex(AZ, "must be a us-east-2 availability zone (us-east-2a, -2b or -2c)"))
    .min(2)
    .max(3),
  /** Public subnets (ALB, NAT gateways), one per AZ, in AZ order. */
  publicSubnetCidrs: z.array(cidr).min(2).max(3),
  /** Private subnets (ECS tasks, Redis, Qdrant), one per AZ, in AZ order. */
  privateSubnetCidrs: z.array(cidr).min(2).max(3),
  /** "one-per-az" (the seed; required in prod) or "single" (one shared NAT, dev only). */
  natGateways: z.enum(["one-per-az", "single"]).default("one-per-az"),
  /** Interface endpoints to create in the private subnets; S3 always gets a gateway endpoint. */
  interfaceEndpoints: z.array(z.enum(INTERFACE_ENDPOINTS)).default([]),
  /** Flow-log aggregation interval: 60 or 600 seconds. */
  flowLogAggregationSeconds: z.union([z.literal(60), z.literal(600)]).default(600),
});

const security = z.strictObject({
  /** KMS key deletion window; prod must use 30. */
  kmsDeletionWindowDays: int(7, 30).default(30),
});

const logging = z.strictObject({
  /** Retention of every CloudWatch log group (the seed: 30 days). */
  retentionDays: z
    .number()
    .refine((d) => (CLOUDWATCH_RETENTION_VALUES as readonly number[]).includes(d), {
      message: `must be one of the values CloudWatch Logs accepts: ${CLOUDWATCH_RETENTION_VALUES.join(", ")}`,
    })
    .default(30),
});

const storage = z.strictObject({
  /** Days before raw-data objects move to STANDARD_IA (the seed: 30; AWS minimum 30). */
  rawDataInfrequentAccessDays: int(30, 3650).default(30),
  /** Days before processed objects move to GLACIER (the seed: 60). */
  processedGlacierDays: int(1, 3650).default(60),
  /** Days noncurrent object versions are kept before expiry. */
  noncurrentVersionExpirationDays: int(1, 3650).default(90),
  /** Days access logs (S3 server access, ALB) are kept. */
  accessLogExpirationDays: int(1, 3650).default(90),
  /** Overrides the derived bucket names (prod: the seed's names; others append -<env>). */
  bucketNames: z
    .strictObject({
      rawData: z
        .string()
        .regex(BUCKET_NAME, "must be a valid S3 bucket name: 3-63 chars of a-z, 0-9 and '-', no dots")
        .optional(),
      processed: z
        .string()
        .regex(BUCKET_NAME, "must be a valid S3 bucket name: 3-63 chars of a-z, 0-9 and '-', no dots")
        .optional(),
      logs: z
        .string()
        .regex(BUCKET_NAME, "must be a valid S3 bucket name: 3-63 chars of a-z, 0-9 and '-', no dots")
        .optional(),
    })
    .default({}),
});

const database = z.strictObject({
  /** Qdrant host; Graviton only, because the AMI is AL2023 arm64 (the seed: r6g.2xlarge). */
  instanceType: z
    .string()
    .regex(GRAVITON_INSTANCE, "must be a Graviton (arm64) instance type such as r6g.2xlarge"),
  /** Data volume size in GiB (the seed: 1 TB = 1024 GiB); gp3 allows 1-16384. */
  dataVolumeSizeGiB: int(1, 16384),
  /** gp3 IOPS: 3000-80000 and at most 500 per GiB. */
  dataVolumeIops: int(3000, 80000).default(3000),
  /** gp3 throughput MiB/s: 125-2000 and at most 0.25 per provisioned IOPS. */
  dataVolumeThroughput: int(125, 2000).default(125),
  /**
   * Qdrant release tag (pinned; the arm64 `-unprivileged` image). >= v1.18.0, the first release with
   * `service.enable_snapshot_url_recovery`, which the boot configuration turns off (SSRF).
   */
  qdrantVersion: z
    .string()
    .regex(/^v\d+\.\d+\.\d+$/, "must be a pinned Qdrant release tag like v1.19.0")
    .refine((v) => {
      const [major, minor] = v.slice(1).split(".").map(Number);
      return major > 1 || (major === 1 && minor >= 18);
    }, "must be v1.18.0 or newer (the first release that can turn off snapshot URL recovery)")
    .default("v1.19.0"),
  /** Days of daily EBS snapshots to keep (the seed: 30). */
  snapshotRetentionDays: int(1, 1000).default(30),
  /** Daily snapshot start time, UTC "HH:MM". */
  snapshotTimeUtc: z.string().regex(TIME_UTC, 'must be a UTC time "HH:MM"').default("03:00"),
  /**
   * Qdrant nodes: 1 (the seed's single host, the default) or an odd number 3-9 (Qdrant's distributed
   * mode: one host per node over the private subnets, Raft consensus, replicated shards).
   */
  nodes: z.number().refine(isValidNodeCount, NODE_COUNT_RULE).default(1),
  /**
   * A cluster's collection defaults (nodes >= 3; modules/database/README.md "Collections"); each
   * defaults from the node count: replicationFactor 2 for 3 nodes (3 for 5+), writeConsistencyFactor 1,
   * shardNumber 2 per node.
   */
  cluster: z
    .strictObject({
      /** Copies of every shard on distinct nodes, 1..nodes. */
      replicationFactor: int(1, QDRANT_MAX_NODES).optional(),
      /** Replicas that acknowledge a write before it succeeds, 1..replicationFactor. */
      writeConsistencyFactor: int(1, QDRANT_MAX_NODES).optional(),
      /** Shards per collection, 1-100 (a multiple of the node count spreads evenly). */
      shardNumber: int(1, 100).optional(),
    })
    .optional(),
  /** AZs the nodes are spread over, round-robin (a subset of network.availabilityZones). @default all */
  availabilityZones: z
    .array(z.string().regex(AZ, "must be a us-east-2 availability zone (us-east-2a, -2b or -2c)"))
    .min(1)
    .max(3)
    .optional(),
});

const cache = z.strictObject({
  /** ElastiCache node type; Graviton families (the seed: cache.r6g.xlarge). */
  nodeType: z
    .string()
    .regex(CACHE_NODE_TYPE, "must be a Graviton ElastiCache node type such as cache.r6g.xlarge"),
  /** Nodes per shard (primary + replicas; with one shard, the group); 2 in the seed's Multi-AZ setup. */
  numCacheClusters: int(1, 6),
  /** Multi-AZ with automatic failover (the seed: enabled). Needs >= 2 nodes. */
  multiAz: z.boolean(),
  /** Redis engine version; "7.1" (parameter group family redis7). */
  engineVersion: z.enum(["7.0", "7.1"]).default("7.1"),
  /** Days of daily snapshots (the seed: 7); 0-35. */
  snapshotRetentionDays: int(0, 35).default(7),
  /** Daily snapshot window, UTC "hh:mm-hh:mm", >= 60 minutes. */
  snapshotWindow: z
    .string()
    .regex(SNAPSHOT_WINDOW, 'must be a UTC window "hh:mm-hh:mm"')
    .default("05:00-06:00"),
  /** Weekly maintenance window, UTC "ddd:hh:mm-ddd:hh:mm", >= 60 minutes. */
  maintenanceWindow: z
    .string()
    .regex(MAINTENANCE_WINDOW, 'must be a UTC window "ddd:hh:mm-ddd:hh:mm" with ddd in sun..sat')
    .default("sun:07:00-sun:08:00"),
  /** Bump to generate a new Redis AUTH token and set it on the group (rotation by deployment). */
  authTokenVersion: int(1, 1000000).default(1),
  /** Restore: manual ElastiCache snapshot a newly created group is seeded from (README: Cache restore). */
  restoreFromSnapshot: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,254}$/, "must be an ElastiCache snapshot name (letters, digits, hyphens)")
    .optional(),
  /**
   * Shards (node groups), 1-90. 1: one replication group without cluster mode (every environment today).
   * 2+: cluster mode enabled, numCacheClusters nodes per shard, the keyspace split over the shards; needs
   * multiAz and a cluster-aware client. Going from 1 to 2+ is a migration: docs/runbooks/redis-scaling.md.
   */
  shards: int(1, MAX_CACHE_SHARDS).default(1),
});

const queue = z.strictObject({
  /** Visibility timeout of the work queue (seconds, 0-43200); longer than a worker's processing time. */
  visibilityTimeoutSeconds: int(0, 43200).default(300),
  /** Work-queue retention (seconds, 60-1209600). The DLQ keeps 14 days. */
  messageRetentionSeconds: int(60, 1209600).default(345600),
  /** Receives before a message moves to the DLQ (1-1000). */
  maxReceiveCount: int(1, 1000).default(5),
  /** Long polling wait (seconds, 1-20). */
  receiveWaitTimeSeconds: int(1, 20).default(20),
});

const ecs = z.strictObject({
  /** Task CPU units (a Fargate value). */
  taskCpu: z.number().refine((c) => FARGATE_CPU_VALUES.includes(c), {
    message: `must be a Fargate task cpu value: ${FARGATE_CPU_VALUES.join(", ")}`,
  }),
  /** Task memory MiB (a valid pair with taskCpu). */
  taskMemory: int(512, 122880),
  /** Container port the FastAPI service listens on. */
  containerPort: int(1024, 65535).default(8000),
  /** Container health-check and ALB health-check path. */
  healthCheckPath: z
    .string()
    .regex(/^\/[\w\-./]*$/, 'must be an absolute URL path like "/health"')
    .default("/health"),
  /** Autoscaling bounds (the seed: 2..10). */
  minCapacity: int(1, 1000),
  maxCapacity: int(1, 1000),
  /** Target tracking: average CPU % (the seed: 70) and memory % (the seed: 80). */
  cpuTargetPercent: percent(10, 95).default(70),
  memoryTargetPercent: percent(10, 95).default(80),
  scaleOutCooldownSeconds: int(0, 3600).default(60),
  scaleInCooldownSeconds: int(0, 3600).default(300),
  /** Tasks always on FARGATE (on-demand) before weights apply; >= minCapacity in prod. */
  onDemandBase: int(0, 100000),
  /** Relative weights of FARGATE and FARGATE_SPOT above the base. */
  onDemandWeight: int(0, 1000).default(0),
  spotWeight: int(0, 1000).default(1),
  /** ECS-native deployment strategy. */
  deploymentStrategy: z.enum(DEPLOYMENT_STRATEGIES).default("ROLLING"),
  /** Canary: percent of traffic shifted first; linear: percent per step. */
  trafficShiftPercent: percent(0.1, 100).default(10),
  /** Minutes between canary/linear steps, and bake time before the old revision is removed. */
  bakeTimeMinutes: int(0, 1440).default(10),
  /** Grace period before ALB health checks count against a new task. */
  healthCheckGracePeriodSeconds: int(0, 2147483647).default(60),
  /** ECR lifecycle: tagged images kept (older ones expire; untagged expire after 7 days). Rollback targets. */
  imageRetentionCount: int(1, 1000).default(30),
});

const loadBalancer = z.strictObject({
  /** Public hostname served by the ALB, e.g. api.air-applied-ai.com. */
  domainName: z
    .string()
    .regex(DOMAIN, "must be a lower-case fully-qualified domain name such as api.example.com"),
  /** Public Route 53 zone (by name) for DNS validation and the alias record; or give certificateArn. */
  hostedZoneName: z
    .string()
    .regex(DOMAIN, "must be a lower-case DNS zone name such as example.com")
    .optional(),
  /** An existing ISSUED ACM certificate in us-east-2, instead of a DNS-validated one. */
  certificateArn: z.string().regex(ACM_ARN, "must be an ACM certificate ARN in us-east-2").optional(),
  tlsPolicy: z.enum(ALB_TLS_POLICIES).default("ELBSecurityPolicy-TLS13-1-2-2021-06"),
  /** ALB idle timeout (1-4000 s); vector searches can be slow. */
  idleTimeoutSeconds: int(1, 4000).default(60),
  /** Target deregistration delay; short, because Spot interruptions give 2 minutes' notice. */
  deregistrationDelaySeconds: int(0, 3600).default(30),
  /** WAF rate limit per client IP per 5 minutes (WAF minimum 10). */
  wafRateLimit: int(10, 2000000000).default(2000),
  /** Serve the maintenance page (503) for every request. */
  maintenanceMode: z.boolean().default(false),
  /** ALB deletion protection (required in prod). */
  deletionProtection: z.boolean(),
});

const monitoring = z.strictObject({
  /** Alarm and budget notifications go to these addresses (through SNS). */
  alarmEmails: z
    .array(z.email({ message: "must be an e-mail address like oncall@example.com" }))
    .min(1)
    .max(10),
  /** Alarm thresholds (modules/monitoring/alarms.ts; docs/monitoring.md explains each alarm). */
  thresholds: z
    .strictObject({
      /** ECS service average CPU %, 1-100. */
      ecsCpuPercent: percent().default(85),
      /** ECS service average memory %, 1-100. */
      ecsMemoryPercent: percent().default(90),
      /** ALB TargetResponseTime p95, seconds (0-60]. */
      latencyP95Seconds: z.number().positive().max(60).default(1),
      /** ALB TargetResponseTime p99, seconds (0-60], >= latencyP95Seconds. */
      latencyP99Seconds: z.number().positive().max(60).default(2.5),
      /** 5xx (target + ALB) as % of requests, 0.01-100. */
      errorRatePercent: percent(0.01, 100).default(5),
      /** Redis EngineCPUUtilization %, 1-100. */
      redisCpuPercent: percent().default(80),
      /** Redis DatabaseMemoryUsagePercentage, 1-100. */
      redisMemoryPercent: percent().default(80),
      /** Redis evictions per minute, >= 0. */
      redisEvictionsPerMinute: z.number().min(0).default(100),
      /** Minimum Redis hit rate %, 0-100 (alarm below it). */
      redisHitRatePercent: percent(0, 100).default(80),
      /** Redis ReplicationLag, seconds > 0. */
      redisReplicationLagSeconds: z.number().positive().default(10),
      /** Qdrant host CPU %, 1-100. */
      qdrantCpuPercent: percent().default(80),
      /** Qdrant host memory % (CloudWatch agent), 1-100. */
      qdrantMemoryPercent: percent().default(85),
      /** Qdrant data volume used % (CloudWatch agent), 1-100. */
      qdrantDiskPercent: percent().default(80),
      /** Messages tolerated in the dead-letter queue (alarm above it), integer >= 0. */
      dlqMessages: z.number().int().min(0).default(0),
      /** Age of the oldest work-queue message, seconds, integer > 0. */
      queueOldestMessageSeconds: z.number().int().positive().default(900),
    })
    .prefault({}),
  /** Amazon Managed Grafana workspace authentication. */
  grafanaAuthentication: z.enum(["AWS_SSO", "SAML"]).default("AWS_SSO"),
});

const budget = z.strictObject({
  /** Monthly cost budget in USD. */
  monthlyLimitUsd: z.number().positive({ message: "must be a positive amount in USD" }),
});

export const environmentSchema = z
  .strictObject({
    name: environmentName,
    /** Owner and cost-center tags (provider default_tags). */
    owner: z.string().regex(TAG_VALUE, "must be a non-empty tag value"),
    costCenter: z.string().regex(TAG_VALUE, "must be a non-empty tag value"),
    /** Protect stateful resources (prevent_destroy, no force_destroy, final snapshots). Required in prod. */
    protectStatefulResources: z.boolean(),
    network,
    security: security.prefault({}),
    logging: logging.prefault({}),
    storage: storage.prefault({}),
    database,
    cache,
    queue: queue.prefault({}),
    ecs,
    loadBalancer,
    monitoring,
    budget,
    /**
     * The environment's AWS account, e.g. "123456789012": when set, Terraform refuses to plan or apply
     * this environment with another account's credentials, and its state bucket is that account's when
     * the environments live in several accounts. @default unset (any account; one-account setup)
     */
    awsAccountId,
  })
  .superRefine((cfg, ctx) => {
    // zod replaces an undefined input with the root object, so a missing value travels as MISSING.
    const issue = (path: (string | number)[], input: unknown, message: string) =>
      ctx.addIssue({ code: "custom", path, input: input === undefined ? MISSING : input, message });
    const n = cfg.network;

    // Networking: one subnet per AZ per tier, inside the VPC, no overlaps, distinct AZs.
    if (new Set(n.availabilityZones).size !== n.availabilityZones.length)
      issue(["network", "availabilityZones"], n.availabilityZones, "must list distinct availability zones");
    for (const tier of ["publicSubnetCidrs", "privateSubnetCidrs"] as const) {
      if (n[tier].length !== n.availabilityZones.length)
        issue(
          ["network", tier],
          n[tier],
          `must have one subnet per availability zone (${n.availabilityZones.length})`,
        );
      n[tier].forEach((c, i) => {
        if (!cidrContains(n.vpcCidr, c))
          issue(["network", tier, i], c, `must lie inside the VPC ${n.vpcCidr}`);
      });
    }
    const all = [
      ...n.publicSubnetCidrs.map((c, i) => ["publicSubnetCidrs", i, c] as const),
      ...n.privateSubnetCidrs.map((c, i) => ["privateSubnetCidrs", i, c] as const),
    ];
    all.forEach(([tier, i, c], a) => {
      const clash = all.slice(0, a).find(([, , other]) => cidrsOverlap(c, other));
      if (clash) issue(["network", tier, i], c, `must not overlap ${clash[0]}[${clash[1]}] ${clash[2]}`);
    });

    // Storage: AWS requires STANDARD_IA >= 30 days and GLACIER >= 30 days after any IA transition.
    if (cfg.storage.processedGlacierDays < 30)
      issue(["storage", "processedGlacierDays"], cfg.storage.processedGlacierDays, "must be >= 30 days");

    // Database: gp3 IOPS <= 500/GiB, throughput <= 0.25 MiB/s per IOPS.
    const d = cfg.database;
    if (d.dataVolumeIops > d.dataVolumeSizeGiB * 500)
      issue(
        ["database", "dataVolumeIops"],
        d.dataVolumeIops,
        `must be <= 500 per GiB (${d.dataVolumeSizeGiB * 500} for ${d.dataVolumeSizeGiB} GiB)`,
      );
    if (d.dataVolumeThroughput > d.dataVolumeIops * 0.25)
      issue(
        ["database", "dataVolumeThroughput"],
        d.dataVolumeThroughput,
        `must be <= 0.25 MiB/s per IOPS (${d.dataVolumeIops * 0.25} for ${d.dataVolumeIops} IOPS)`,
      );

    // Database cluster: settings only with nodes >= 3, consistent with the node count, in >= 2 AZs.
    if (d.cluster && d.nodes === 1)
      issue(["database", "cluster"], d.cluster, "applies only to a cluster: set database.nodes to 3 or more");
    const zones = d.availabilityZones ?? n.availabilityZones;
    zones.forEach((z, i) => {
      if (!n.availabilityZones.includes(z))
        issue(
          ["database", "availabilityZones", i],
          z,
          `must be one of network.availabilityZones (${n.availabilityZones.join(", ")})`,
        );
    });
    if (d.nodes > 1 && new Set(zones).size < 2)
      issue(["database", "availabilityZones"], zones, CLUSTER_ZONES_RULE);
    const clusterIssue =
      d.nodes > 1 ? clusterProblem(d.nodes, resolveCluster(d.nodes, d.cluster)) : undefined;
    if (clusterIssue) issue(["database", "cluster", clusterIssue[0]], clusterIssue[1], clusterIssue[2]);

    // Cache: Multi-AZ needs automatic failover, which needs >= 2 nodes; windows must fit AWS rules.
    const c = cfg.cache;
    if (c.multiAz && c.numCacheClusters < 2)
      issue(["cache", "numCacheClusters"], c.numCacheClusters, "must be >= 2 when cache.multiAz is true");
    if (c.numCacheClusters > n.availabilityZones.length && c.multiAz)
      issue(
        ["cache", "numCacheClusters"],
        c.numCacheClusters,
        `must be <= the number of availability zones (${n.availabilityZones.length})`,
      );
    const shardRule = shardsProblem(
      { shards: c.shards, nodesPerShard: c.numCacheClusters, multiAz: c.multiAz },
      "cache.",
    );
    if (shardRule) issue(["cache", "shards"], c.shards, shardRule);
    if (snapshotWindowMinutes(c.snapshotWindow) < 60)
      issue(["cache", "snapshotWindow"], c.snapshotWindow, "must last at least 60 minutes");
    if (maintenanceWindowMinutes(c.maintenanceWindow) < 60)
      issue(["cache", "maintenanceWindow"], c.maintenanceWindow, "must last at least 60 minutes");
    if (windowsOverlap(c.snapshotWindow, c.maintenanceWindow))
      issue(
        ["cache", "snapshotWindow"],
        c.snapshotWindow,
        `must not overlap cache.maintenanceWindow ${c.maintenanceWindow}`,
      );

    // ECS: the tier's own cross-field rules (Fargate pairs, bounds, weights, traffic shift), one list.
    for (const { field, value, rule } of serviceSettingsProblems(cfg.ecs, "ecs."))
      issue(["ecs", field], value, rule);

    // Load balancer: exactly one certificate source.
    const lb = cfg.loadBalancer;
    if (!lb.hostedZoneName === !lb.certificateArn)
      issue(
        ["loadBalancer", "certificateArn"],
        lb.certificateArn,
        "give exactly one of loadBalancer.hostedZoneName (DNS-validated certificate) or loadBalancer.certificateArn",
      );
    if (
      lb.hostedZoneName &&
      !(lb.domainName === lb.hostedZoneName || lb.domainName.endsWith(`.${lb.hostedZoneName}`))
    )
      issue(
        ["loadBalancer", "domainName"],
        lb.domainName,
        `must be inside loadBalancer.hostedZoneName ${lb.hostedZoneName}`,
      );

    const t = cfg.monitoring.thresholds;
    if (t.latencyP99Seconds < t.latencyP95Seconds)
      issue(
        ["monitoring", "thresholds", "latencyP99Seconds"],
        t.latencyP99Seconds,
        `must be >= latencyP95Seconds (${t.latencyP95Seconds})`,
      );

    // prod guard rails (checked last, so a plain range error is reported first).
    if (cfg.name === "prod") {
      if (n.natGateways !== "one-per-az")
        issue(["network", "natGateways"], n.natGateways, 'must be "one-per-az" in prod');
      if (!cfg.protectStatefulResources) issue(["protectStatefulResources"], false, "must be true in prod");
      if (!cfg.loadBalancer.deletionProtection)
        issue(["loadBalancer", "deletionProtection"], false, "must be true in prod");
      if (!cfg.cache.multiAz)
        issue(["cache", "multiAz"], false, "must be true in prod (the seed: Multi-AZ with failover)");
      if (cfg.security.kmsDeletionWindowDays !== 30)
        issue(
          ["security", "kmsDeletionWindowDays"],
          cfg.security.kmsDeletionWindowDays,
          "must be 30 in prod",
        );
      if (cfg.ecs.onDemandBase < cfg.ecs.minCapacity && cfg.ecs.minCapacity <= cfg.ecs.maxCapacity)
        issue(
          ["ecs", "onDemandBase"],
          cfg.ecs.onDemandBase,
          `must be >= ecs.minCapacity (${cfg.ecs.minCapacity}) in prod`,
        );
    }
  });

/** What environment files write (defaults may be omitted). */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** The validated config every stack and module receives (defaults filled in). */
export type EnvironmentConfig = z.output<typeof environmentSchema>;

// ---- bootstrap (account-level) config ----------------------------------------------------------

/** GitHub owner (user or organisation) names: 1-39 alphanumerics or single hyphens. */
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** GitHub repository names: 1-100 of letters, digits, '.', '_' and '-'. */
const GITHUB_REPOSITORY = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;

/** Config of the bootstrap stack (state bucket, GitHub OIDC provider, CI roles): environments/bootstrap.ts. */
export const bootstrapSchema = z.strictObject({
  github: z.strictObject({
    /** Organisation or user that owns the infrastructure repository, e.g. "air-applied-ai". */
    owner: z
      .string()
      .regex(GITHUB_OWNER, "must be a GitHub owner name: 1-39 letters, digits or single hyphens"),
    /** Repository name without the owner, e.g. "infrastructure". */
    repository: z
      .string()
      .regex(GITHUB_REPOSITORY, "must be a GitHub repository name: 1-100 of A-Z, a-z, 0-9, '.', '_', '-'"),
    /**
     * Create the account's GitHub OIDC provider (true), or use the one that already exists (false:
     * IAM allows one provider per URL per account, so a second `aws_iam_openid_connect_provider`
     * for token.actions.githubusercontent.com fails with EntityAlreadyExists). @default true
     */
    createOidcProvider: z.boolean().default(true),
  }),
  /**
   * Environments that get a plan and a deploy role (GitHub environment names = these), each a registered
   * one (checked by validateBootstrap). @default every registered environment (environments/registry.ts)
   */
  environments: z
    .array(environmentName)
    .min(1, "must name at least one environment")
    .refine((envs) => new Set(envs).size === envs.length, "must not repeat an environment")
    .optional(),
  /**
   * The account this bootstrap is applied in (provider `allowed_account_ids`). With one bootstrap per
   * account (account-per-environment), set it, and CI roles are made only for the environments pinned to
   * this account or not pinned at all; required when the environments name several accounts.
   * @default unset (any account)
   */
  awsAccountId,
  /**
   * Where bootstrap keeps its own state: "local" (terraform-state/bootstrap.tfstate, needed for the first
   * apply, before the bucket exists) or "s3" (`bootstrap/terraform.tfstate` in the state bucket it
   * created, S3-native locking). Switching is `terraform init -migrate-state` (docs/deploy.md).
   * @default "local"
   */
  state: z.enum(["local", "s3"]).default("local"),
});

/** What environments/bootstrap.ts writes. */
export type BootstrapInput = z.input<typeof bootstrapSchema>;
/**
 * The validated bootstrap config (validateBootstrap): `environments` filled in (those of this account),
 * and the name of this account's state bucket.
 */
export type BootstrapConfig = Omit<z.output<typeof bootstrapSchema>, "environments"> & {
  readonly environments: readonly string[];
  /** The registered environments name more than one AWS account: one state bucket per account. */
  readonly accountPerEnvironment: boolean;
  /** This account's state bucket (lib/naming.ts stateBucketName). */
  readonly stateBucket: string;
};
