import type { EnvironmentInput } from "../../environments/schema";

/** [description, change, expected message fragment]: each must be rejected with one line naming env, field, value. */
/** Later issues append their tiers' invalid configs here. */
export const INVALID_CONFIGS: Array<[string, (c: EnvironmentInput) => void, RegExp]> = [
  [
    "VPC CIDR syntax",
    (c) => (c.network.vpcCidr = "10.0.0.0/33"),
    /network\.vpcCidr = "10\.0\.0\.0\/33": must be an IPv4 network/,
  ],
  [
    "CIDR with host bits",
    (c) => (c.network.publicSubnetCidrs[0] = "10.0.1.5/24"),
    /network\.publicSubnetCidrs\[0\] = "10\.0\.1\.5\/24"/,
  ],
  [
    "subnet outside the VPC",
    (c) => (c.network.privateSubnetCidrs[1] = "10.1.4.0/24"),
    /privateSubnetCidrs\[1\] = "10\.1\.4\.0\/24": must lie inside the VPC 10\.0\.0\.0\/16/,
  ],
  [
    "overlapping subnets",
    (c) => (c.network.privateSubnetCidrs[0] = "10.0.1.0/25"),
    /privateSubnetCidrs\[0\] = "10\.0\.1\.0\/25": must not overlap publicSubnetCidrs\[0\]/,
  ],
  [
    "two subnets in one AZ",
    (c) => (c.network.availabilityZones = ["us-east-2a", "us-east-2a"]),
    /availabilityZones = .*: must list distinct availability zones/,
  ],
  [
    "AZ outside us-east-2",
    (c) => (c.network.availabilityZones = ["us-east-1a", "us-east-1b"]),
    /availabilityZones\[0\] = "us-east-1a": must be a us-east-2 availability zone/,
  ],
  [
    "single NAT in prod",
    (c) => (c.network.natGateways = "single"),
    /network\.natGateways = "single": must be "one-per-az" in prod/,
  ],
  [
    "unknown NAT mode",
    (c) => ((c.network as { natGateways: string }).natGateways = "two"),
    /natGateways = "two": Invalid option: expected one of "one-per-az"\|"single"/,
  ],
  ["min > max", (c) => (c.ecs.minCapacity = 12), /ecs\.minCapacity = 12: must be <= ecs\.maxCapacity \(10\)/],
  ["zero max", (c) => (c.ecs.maxCapacity = 0), /ecs\.maxCapacity = 0: Too small/],
  [
    "Fargate cpu/memory mismatch",
    (c) => (c.ecs.taskMemory = 512),
    /ecs\.taskMemory = 512: must be a Fargate memory value for cpu 1024: 2048-8192 MiB/,
  ],
  [
    "unknown Fargate cpu",
    (c) => (c.ecs.taskCpu = 300),
    /ecs\.taskCpu = 300: must be a Fargate task cpu value: 256, 512/,
  ],
  [
    "privileged container port",
    (c) => (c.ecs.containerPort = 80),
    /ecs\.containerPort = 80: Too small: expected number to be >=1024/,
  ],
  [
    "CPU scaling target above 95%",
    (c) => (c.ecs.cpuTargetPercent = 99),
    /ecs\.cpuTargetPercent = 99: Too big: expected number to be <=95/,
  ],
  [
    "both capacity weights zero",
    (c) => Object.assign(c.ecs, { onDemandWeight: 0, spotWeight: 0 }),
    /ecs\.spotWeight = 0: must be > 0 when ecs\.onDemandWeight is 0/,
  ],
  [
    "prod on-demand base below min capacity",
    (c) => (c.ecs.onDemandBase = 1),
    /ecs\.onDemandBase = 1: must be >= ecs\.minCapacity \(2\) in prod/,
  ],
  [
    "unknown deployment strategy",
    (c) => ((c.ecs as { deploymentStrategy: string }).deploymentStrategy = "RECREATE"),
    /ecs\.deploymentStrategy = "RECREATE": Invalid option: expected one of "ROLLING"\|"BLUE_GREEN"\|"CANARY"\|"LINEAR"/,
  ],
  [
    "linear step under 3%",
    (c) => Object.assign(c.ecs, { deploymentStrategy: "LINEAR", trafficShiftPercent: 2 }),
    /ecs\.trafficShiftPercent = 2: must be 3-100 with ecs\.deploymentStrategy LINEAR/,
  ],
  [
    "traffic shift not a multiple of 0.1",
    (c) => (c.ecs.trafficShiftPercent = 12.34),
    /ecs\.trafficShiftPercent = 12\.34: must be a multiple of 0\.1/,
  ],
  [
    "no image kept for rollback",
    (c) => (c.ecs.imageRetentionCount = 0),
    /ecs\.imageRetentionCount = 0: Too small: expected number to be >=1/,
  ],
  [
    "unknown Qdrant instance type",
    (c) => (c.database.instanceType = "r6i.2xlarge"),
    /database\.instanceType = "r6i\.2xlarge": must be a Graviton \(arm64\) instance type/,
  ],
  [
    "unknown cache node type",
    (c) => (c.cache.nodeType = "cache.r6g.huge"),
    /cache\.nodeType = "cache\.r6g\.huge"/,
  ],
  [
    "retention CloudWatch rejects",
    (c) => (c.logging = { retentionDays: 31 }),
    /logging\.retentionDays = 31: must be one of the values CloudWatch Logs accepts: 1, 3, 5/,
  ],
  [
    "IA under 30 days",
    (c) => (c.storage = { ...c.storage, rawDataInfrequentAccessDays: 15 }),
    /storage\.rawDataInfrequentAccessDays = 15: Too small: expected number to be >=30/,
  ],
  [
    "bucket name AWS rejects",
    (c) => (c.storage = { ...c.storage, bucketNames: { rawData: "Air.Raw_Data" } }),
    /storage\.bucketNames\.rawData = "Air\.Raw_Data": must be a valid S3 bucket name/,
  ],
  [
    "Glacier transition under 30 days",
    (c) => (c.storage = { ...c.storage, processedGlacierDays: 20 }),
    /storage\.processedGlacierDays = 20: must be >= 30 days/,
  ],
  [
    "logs bucket name too long",
    (c) => (c.storage = { ...c.storage, bucketNames: { logs: `logs-${"x".repeat(60)}` } }),
    /storage\.bucketNames\.logs = "logs-x+": must be a valid S3 bucket name/,
  ],
  [
    "maxReceiveCount 0",
    (c) => (c.queue = { ...c.queue, maxReceiveCount: 0 }),
    /queue\.maxReceiveCount = 0: Too small: expected number to be >=1/,
  ],
  [
    "visibility timeout above 12 hours",
    (c) => (c.queue = { ...c.queue, visibilityTimeoutSeconds: 43201 }),
    /queue\.visibilityTimeoutSeconds = 43201: Too big: expected number to be <=43200/,
  ],
  [
    "queue retention above 14 days",
    (c) => (c.queue = { ...c.queue, messageRetentionSeconds: 1209601 }),
    /queue\.messageRetentionSeconds = 1209601: Too big: expected number to be <=1209600/,
  ],
  [
    "long-polling wait above 20 seconds",
    (c) => (c.queue = { ...c.queue, receiveWaitTimeSeconds: 30 }),
    /queue\.receiveWaitTimeSeconds = 30: Too big: expected number to be <=20/,
  ],
  [
    "invalid e-mail",
    (c) => (c.monitoring.alarmEmails = ["oncall-at-example.com"]),
    /monitoring\.alarmEmails\[0\] = "oncall-at-example\.com": must be an e-mail address/,
  ],
  [
    "e-mail with a space",
    (c) => (c.monitoring.alarmEmails = ["ok@example.com", "on call@example.com"]),
    /monitoring\.alarmEmails\[1\] = "on call@example\.com": must be an e-mail address/,
  ],
  [
    "no alarm e-mail",
    (c) => (c.monitoring.alarmEmails = []),
    /monitoring\.alarmEmails = \[\]: Too small: expected array to have >=1 items/,
  ],
  [
    "p99 latency threshold below p95",
    (c) => (c.monitoring.thresholds = { latencyP95Seconds: 2, latencyP99Seconds: 1 }),
    /monitoring\.thresholds\.latencyP99Seconds = 1: must be >= latencyP95Seconds \(2\)/,
  ],
  [
    "negative eviction threshold",
    (c) => (c.monitoring.thresholds = { redisEvictionsPerMinute: -1 }),
    /monitoring\.thresholds\.redisEvictionsPerMinute = -1: Too small: expected number to be >=0/,
  ],
  [
    "CPU threshold above 100%",
    (c) => (c.monitoring.thresholds = { ecsCpuPercent: 150 }),
    /monitoring\.thresholds\.ecsCpuPercent = 150: Too big: expected number to be <=100/,
  ],
  [
    "unknown Grafana authentication",
    (c) => ((c.monitoring as { grafanaAuthentication: string }).grafanaAuthentication = "LDAP"),
    /monitoring\.grafanaAuthentication = "LDAP": Invalid option: expected one of "AWS_SSO"\|"SAML"/,
  ],
  [
    "missing certificate and zone",
    (c) => delete c.loadBalancer.hostedZoneName,
    /loadBalancer\.certificateArn = \(missing\): give exactly one of loadBalancer\.hostedZoneName/,
  ],
  [
    "missing domain",
    (c) => delete (c.loadBalancer as Partial<typeof c.loadBalancer>).domainName,
    /loadBalancer\.domainName = \(missing\): is required/,
  ],
  [
    "budget <= 0",
    (c) => (c.budget.monthlyLimitUsd = 0),
    /budget\.monthlyLimitUsd = 0: must be a positive amount in USD/,
  ],
  [
    "unknown TLS policy",
    (c) => ((c.loadBalancer as { tlsPolicy: string }).tlsPolicy = "ELBSecurityPolicy-2016-08"),
    /loadBalancer\.tlsPolicy = "ELBSecurityPolicy-2016-08": Invalid option/,
  ],
  [
    "ALB idle timeout out of range",
    (c) => (c.loadBalancer.idleTimeoutSeconds = 4001),
    /loadBalancer\.idleTimeoutSeconds = 4001: Too big: expected number to be <=4000/,
  ],
  [
    "WAF rate limit under 10",
    (c) => (c.loadBalancer.wafRateLimit = 5),
    /loadBalancer\.wafRateLimit = 5: Too small: expected number to be >=10/,
  ],
  [
    "certificate ARN in another region",
    (c) => (
      delete c.loadBalancer.hostedZoneName,
      (c.loadBalancer.certificateArn =
        "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100")
    ),
    /loadBalancer\.certificateArn = "arn:aws:acm:us-east-1:.*: must be an ACM certificate ARN in us-east-2/,
  ],
  [
    "Multi-AZ Redis with one node",
    (c) => (c.cache.numCacheClusters = 1),
    /cache\.numCacheClusters = 1: must be >= 2 when cache\.multiAz is true/,
  ],
  [
    "snapshot window under 60 minutes",
    (c) => (c.cache.snapshotWindow = "05:00-05:30"),
    /cache\.snapshotWindow = "05:00-05:30": must last at least 60 minutes/,
  ],
  [
    "snapshot window overlapping maintenance",
    (c) => ((c.cache.snapshotWindow = "06:30-07:30"), (c.cache.maintenanceWindow = "sun:07:00-sun:08:00")),
    /must not overlap cache\.maintenanceWindow/,
  ],
  [
    "Redis snapshot retention above 35 days",
    (c) => (c.cache.snapshotRetentionDays = 36),
    /cache\.snapshotRetentionDays = 36: Too big: expected number to be <=35/,
  ],
  [
    "Redis maintenance window under 60 minutes",
    (c) => (c.cache.maintenanceWindow = "sun:07:00-sun:07:30"),
    /cache\.maintenanceWindow = "sun:07:00-sun:07:30": must last at least 60 minutes/,
  ],
  [
    "unsupported Redis engine version",
    (c) => ((c.cache as { engineVersion: string }).engineVersion = "6.2"),
    /cache\.engineVersion = "6\.2": Invalid option: expected one of "7\.0"\|"7\.1"/,
  ],
  [
    "Redis restore snapshot name AWS rejects",
    (c) => (c.cache.restoreFromSnapshot = "1st_copy"),
    /cache\.restoreFromSnapshot = "1st_copy": must be an ElastiCache snapshot name/,
  ],
  [
    "Redis shards without Multi-AZ",
    (c) => Object.assign(c.cache, { shards: 2, multiAz: false, numCacheClusters: 1 }),
    /cache\.shards = 2: must be 1 when cache\.multiAz is false \(cluster mode needs automatic failover/,
  ],
  [
    "more Redis shards than node group ids",
    (c) => (c.cache.shards = 91),
    /cache\.shards = 91: Too big: expected number to be <=90/,
  ],
  [
    "Redis shards over the 90-node group limit",
    (c) => (c.cache.shards = 46),
    /cache\.shards = 46: must be <= 45 with cache\.numCacheClusters 2 \(90 nodes per group\)/,
  ],
  [
    "fractional Redis shard count",
    (c) => (c.cache.shards = 2.5),
    /cache\.shards = 2\.5: Invalid input: expected int/,
  ],
  [
    "prod Redis without Multi-AZ",
    (c) => ((c.cache.multiAz = false), (c.cache.numCacheClusters = 1)),
    /cache\.multiAz = false: must be true in prod/,
  ],
  [
    "gp3 volume out of range",
    (c) => (c.database.dataVolumeSizeGiB = 20000),
    /database\.dataVolumeSizeGiB = 20000: Too big/,
  ],
  [
    "gp3 throughput above 0.25 per IOPS",
    (c) => (c.database.dataVolumeThroughput = 1600),
    /dataVolumeThroughput = 1600: must be <= 0\.25 MiB\/s per IOPS/,
  ],
  [
    "gp3 IOPS above 500 per GiB",
    (c) => ((c.database.dataVolumeSizeGiB = 10), (c.database.dataVolumeIops = 6000)),
    /database\.dataVolumeIops = 6000: must be <= 500 per GiB \(5000 for 10 GiB\)/,
  ],
  [
    "Qdrant release without the snapshot-URL-recovery switch",
    (c) => (c.database.qdrantVersion = "v1.15.4"),
    /database\.qdrantVersion = "v1\.15\.4": must be v1\.18\.0 or newer/,
  ],
  [
    "even Qdrant node count",
    (c) => (c.database.nodes = 2),
    /database\.nodes = 2: must be 1 or an odd number 3-9 \(Raft needs a majority/,
  ],
  [
    "Qdrant replication factor above the node count",
    (c) => Object.assign(c.database, { nodes: 3, cluster: { replicationFactor: 4 } }),
    /database\.cluster\.replicationFactor = 4: must be <= database\.nodes \(3\)/,
  ],
  [
    "Qdrant cluster in fewer than two AZs",
    (c) => Object.assign(c.database, { nodes: 3, availabilityZones: ["us-east-2a"] }),
    /database\.availabilityZones = \["us-east-2a"\]: must name at least two availability zones for a cluster/,
  ],
  [
    "Qdrant write consistency above the replication factor",
    (c) => Object.assign(c.database, { nodes: 3, cluster: { writeConsistencyFactor: 3 } }),
    /database\.cluster\.writeConsistencyFactor = 3: must be <= replicationFactor \(2\)/,
  ],
  [
    "Qdrant cluster settings on a single node",
    (c) => (c.database.cluster = { replicationFactor: 2 }),
    /database\.cluster = \{"replicationFactor":2\}: applies only to a cluster/,
  ],
  [
    "Qdrant node AZ outside the network",
    (c) => Object.assign(c.database, { nodes: 3, availabilityZones: ["us-east-2a", "us-east-2c"] }),
    /database\.availabilityZones\[1\] = "us-east-2c": must be one of network\.availabilityZones/,
  ],
  [
    "prod without destroy protection",
    (c) => (c.protectStatefulResources = false),
    /protectStatefulResources = false: must be true in prod/,
  ],
  [
    "unknown field",
    (c) => ((c as Record<string, unknown>).colour = "blue"),
    /colour = "blue": unknown field \(allowed: name, owner, costCenter, protectStatefulResources, network, /,
  ],
  [
    "misspelled top-level section",
    (c) => ((c as Record<string, unknown>).loadbalancer = { idleTimeoutSeconds: 120 }),
    /: loadbalancer = \{"idleTimeoutSeconds":120\}: unknown field \(allowed: .*, loadBalancer, /,
  ],
  [
    "misspelled cache field",
    (c) => ((c.cache as Record<string, unknown>).snapshotRetentionDay = 14),
    /: cache\.snapshotRetentionDay = 14: unknown field \(allowed: nodeType, numCacheClusters, multiAz, engineVersion, snapshotRetentionDays, /,
  ],
  [
    "misspelled load-balancer field",
    (c) => ((c.loadBalancer as Record<string, unknown>).idleTimeoutSecond = 300),
    /: loadBalancer\.idleTimeoutSecond = 300: unknown field \(allowed: domainName, .*idleTimeoutSeconds/,
  ],
  [
    "misspelled field in a defaulted section",
    (c) => ((c as Record<string, unknown>).logging = { retentionDay: 90 }),
    /: logging\.retentionDay = 90: unknown field \(allowed: retentionDays\)$/,
  ],
  [
    "misspelled nested threshold",
    (c) => ((c.monitoring as Record<string, unknown>).thresholds = { ecsCpuPct: 50 }),
    /: monitoring\.thresholds\.ecsCpuPct = 50: unknown field \(allowed: ecsCpuPercent, /,
  ],
  [
    "misspelled bucket-name override",
    (c) => ((c as Record<string, unknown>).storage = { bucketNames: { raw: "air-raw" } }),
    /: storage\.bucketNames\.raw = "air-raw": unknown field \(allowed: rawData, processed, logs\)$/,
  ],
  [
    "two misspelled fields in one section",
    (c) => ((c as Record<string, unknown>).queue = { maxReceives: 3, visibilityTimeout: 60 }),
    /: queue\.maxReceives = 3: unknown field \(also unknown: visibilityTimeout; allowed: visibilityTimeoutSeconds, /,
  ],
  [
    "AWS account id too short",
    (c) => (c.awsAccountId = "12345"),
    /: awsAccountId = "12345": must be a 12-digit AWS account id$/,
  ],
  [
    "AWS account id given as an ARN",
    (c) => (c.awsAccountId = "arn:aws:iam::123456789012:root"),
    /: awsAccountId = "arn:aws:iam::123456789012:root": must be a 12-digit AWS account id$/,
  ],
  [
    "AWS account id as a number (leading zeros would be lost)",
    (c) => ((c as Record<string, unknown>).awsAccountId = 123456789012),
    /: awsAccountId = 123456789012: Invalid input: expected string, received number$/,
  ],
];
