/**
 * ElastiCache (Redis replication group) rules: checkov IDs and AWS FSBP controls where they exist,
 * AAI-ELASTICACHE-* for the apply-time constraints of aws-constraints.md (6, 8, 29-33).
 */
import {
  MAINTENANCE_WINDOW,
  SNAPSHOT_WINDOW,
  maintenanceWindowMinutes,
  snapshotWindowMinutes,
  windowsOverlap,
} from "../../lib/windows";
import {
  NOT_APPLICABLE,
  type Rule,
  type StackDoc,
  type TfResource,
  asList,
  blocks,
  references,
  resourcesOf,
} from "../engine";

const GROUP = ["aws_elasticache_replication_group"];
/** Provider v6 nullable bools synthesize as "true"/"false" strings; plain bools elsewhere. */
const isTrue = (value: unknown) => value === true || value === "true";
const REFERENCE = /^\$\{[^}]+\}$/;
/** The only non-alphanumerics ElastiCache accepts in an AUTH token (CreateReplicationGroup AuthToken). */
const AUTH_ALLOWED_SPECIALS = "!&#$^<>-";
const PRINTABLE_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
const AUTH_FORBIDDEN = [...PRINTABLE_PUNCTUATION].filter((c) => !AUTH_ALLOWED_SPECIALS.includes(c));

/** The resource of `type` (data sources included) a "${...}" value references. */
function referenced(stack: StackDoc, type: string, value: unknown): TfResource | undefined {
  return resourcesOf(stack, type).find((r) => references(value, r));
}

/** Engine version rules: >= 6 "<major>.<minor>" or "<major>.x"; older "<major>.<minor>.<patch>". */
function versionProblem(version: unknown): string | undefined {
  const v = String(version ?? "");
  const major = Number(v.split(".")[0]);
  if (!Number.isInteger(major) || major < 1) return `engine_version "${v}" is not a version`;
  if (major >= 6 ? !/^\d+\.(\d+|x)$/.test(v) : !/^\d+\.\d+\.\d+$/.test(v))
    return `engine_version "${v}" must be <major>.<minor> (or <major>.x) from 6 on, <major>.<minor>.<patch> before`;
  return undefined;
}

/**
 * The ephemeral random-password block whose value becomes the group's auth_token:
 * auth_token -> data secret version -> secret -> secret version (secret_string_wo) -> ephemeral.
 */
function authTokenGenerator(stack: StackDoc, group: TfResource): Record<string, any> | undefined {
  const data = referenced(stack, "aws_secretsmanager_secret_version", group.values.auth_token);
  if (!data?.address.startsWith("data.")) return undefined;
  const secret = referenced(stack, "aws_secretsmanager_secret", data.values.secret_id);
  if (!secret) return undefined;
  const version = resourcesOf(stack, "aws_secretsmanager_secret_version").find(
    (v) => !v.address.startsWith("data.") && references(v.values.secret_id, secret),
  );
  const match = /^\$\{ephemeral\.aws_secretsmanager_random_password\.([\w-]+)\.random_password\}$/.exec(
    String(version?.values.secret_string_wo ?? ""),
  );
  return match ? stack.json.ephemeral?.aws_secretsmanager_random_password?.[match[1]] : undefined;
}

/** Nodes per shard: num_cache_clusters (cluster mode disabled) or 1 + replicas_per_node_group. */
function nodesPerShard(g: TfResource): number {
  if (g.values.num_cache_clusters !== undefined) return g.values.num_cache_clusters;
  return g.values.num_node_groups !== undefined ? 1 + (g.values.replicas_per_node_group ?? 0) : 1;
}

/** "yes"/"no" of a parameter group's cluster-enabled: a custom group's parameter, or a default's name. */
function clusterEnabled(group: TfResource | undefined, name: string): string {
  if (!group) return /\.cluster\.on$/.test(name) ? "yes" : "no";
  const parameter = blocks(group.values.parameter).find((p) => p.name === "cluster-enabled");
  return parameter?.value ?? "no";
}

/** Security groups attached to any replication group. */
function cacheSecurityGroups(stack: StackDoc): TfResource[] {
  const ids = resourcesOf(stack, "aws_elasticache_replication_group").flatMap((g) =>
    asList(g.values.security_group_ids),
  );
  return resourcesOf(stack, "aws_security_group").filter((sg) => ids.some((id) => references(id, sg)));
}

export const elasticacheRules: Rule[] = [
  {
    id: "CKV_AWS_29",
    controls: ["ElastiCache.4"],
    description: "ElastiCache replication groups are encrypted at rest",
    severity: "HIGH",
    fix: 'Set at_rest_encryption_enabled = "true" (creation only: changing it replaces the group).',
    resourceTypes: GROUP,
    check: (g) => isTrue(g.values.at_rest_encryption_enabled) || "at_rest_encryption_enabled is not true",
  },
  {
    id: "CKV_AWS_191",
    description: "ElastiCache replication groups encrypt at rest with a customer-managed KMS key",
    severity: "MEDIUM",
    fix: "Set kms_key_id to the project CMK's ARN.",
    resourceTypes: GROUP,
    check: (g) => !!g.values.kms_key_id || "kms_key_id is not set",
  },
  {
    id: "CKV_AWS_30",
    controls: ["ElastiCache.5"],
    description: "ElastiCache replication groups encrypt data in transit (TLS)",
    severity: "HIGH",
    fix: "Set transit_encryption_enabled = true (and transit_encryption_mode = required).",
    resourceTypes: GROUP,
    check: (g) => {
      if (!isTrue(g.values.transit_encryption_enabled)) return "transit_encryption_enabled is not true";
      return (
        g.values.transit_encryption_mode !== "preferred" ||
        "transit_encryption_mode is preferred (plaintext clients are still admitted)"
      );
    },
  },
  {
    id: "CKV_AWS_31",
    controls: ["ElastiCache.6"],
    description:
      "ElastiCache replication groups require authentication (AUTH token or RBAC user group) over TLS",
    severity: "HIGH",
    fix: "Enable transit encryption and set auth_token (from Secrets Manager) or user_group_ids.",
    resourceTypes: GROUP,
    check: (g) => {
      if (!isTrue(g.values.transit_encryption_enabled)) return "transit_encryption_enabled is not true";
      return (
        !!g.values.auth_token ||
        asList(g.values.user_group_ids).length > 0 ||
        "neither auth_token nor user_group_ids is set"
      );
    },
  },
  {
    id: "CKV2_AWS_50",
    controls: ["ElastiCache.3"],
    description: "ElastiCache replication groups have automatic failover",
    severity: "MEDIUM",
    fix: "Set automatic_failover_enabled = true with >= 2 nodes in different AZs.",
    resourceTypes: GROUP,
    check: (g) => isTrue(g.values.automatic_failover_enabled) || "automatic_failover_enabled is not true",
  },
  {
    id: "AWS-0050",
    controls: ["ElastiCache.1"],
    description: "ElastiCache replication groups keep automatic (daily) snapshots",
    severity: "MEDIUM",
    fix: "Set snapshot_retention_limit to 1-35 days (the seed: 7) and a snapshot_window.",
    resourceTypes: GROUP,
    check: (g) =>
      (typeof g.values.snapshot_retention_limit === "number" && g.values.snapshot_retention_limit > 0) ||
      `snapshot_retention_limit is ${g.values.snapshot_retention_limit ?? "not set"}`,
  },
  {
    id: "AAI-ELASTICACHE-001",
    controls: ["ElastiCache.2"],
    description: "ElastiCache replication groups take minor engine upgrades automatically",
    severity: "LOW",
    fix: 'Set auto_minor_version_upgrade = "true" (a nullable bool: "true", never 1).',
    resourceTypes: GROUP,
    check: (g) =>
      g.values.auto_minor_version_upgrade === "true" ||
      `auto_minor_version_upgrade is ${JSON.stringify(g.values.auto_minor_version_upgrade)}, not "true"`,
  },
  {
    id: "AAI-ELASTICACHE-002",
    controls: ["ElastiCache.7"],
    description: "ElastiCache replication groups use a custom subnet group spanning >= 2 AZs",
    severity: "MEDIUM",
    fix: "Create an aws_elasticache_subnet_group over the private subnets (one per AZ) and reference it.",
    resourceTypes: GROUP,
    check: (g, stack) => {
      const subnetGroup = referenced(stack, "aws_elasticache_subnet_group", g.values.subnet_group_name);
      if (!subnetGroup)
        return `subnet_group_name ${JSON.stringify(g.values.subnet_group_name)} is not our subnet group`;
      const subnets = asList(subnetGroup.values.subnet_ids);
      return subnets.length >= 2 || `subnet group has ${subnets.length} subnet(s); Multi-AZ needs 2 AZs`;
    },
  },
  {
    id: "AAI-ELASTICACHE-003",
    description:
      "An AUTH token needs transit encryption and an explicit auth_token_update_strategy SET (provider v6 has no default)",
    severity: "HIGH",
    fix: 'Set transit_encryption_enabled = true and auth_token_update_strategy = "SET" (ROTATE leaves the old token, or no token, valid).',
    resourceTypes: GROUP,
    check: (g) => {
      if (!g.values.auth_token) return NOT_APPLICABLE;
      if (!isTrue(g.values.transit_encryption_enabled))
        return "auth_token without transit_encryption_enabled (AUTH token is only supported with encryption in transit)";
      if (!g.values.auth_token_update_strategy) return "auth_token without auth_token_update_strategy";
      return (
        g.values.auth_token_update_strategy === "SET" ||
        `auth_token_update_strategy is ${g.values.auth_token_update_strategy}, not SET`
      );
    },
  },
  {
    id: "AAI-ELASTICACHE-004",
    description: "ElastiCache engine is lowercase and kms_key_id comes with at-rest encryption",
    severity: "HIGH",
    fix: 'Set engine = "redis" (or "valkey"); set at_rest_encryption_enabled = "true" whenever kms_key_id is set.',
    resourceTypes: GROUP,
    check: (g) => {
      if (g.values.engine !== undefined && !["redis", "valkey"].includes(g.values.engine))
        return `engine is ${JSON.stringify(g.values.engine)}, not "redis" or "valkey"`;
      if (g.values.kms_key_id && !isTrue(g.values.at_rest_encryption_enabled))
        return "kms_key_id without at_rest_encryption_enabled";
      return true;
    },
  },
  {
    id: "AAI-ELASTICACHE-005",
    description:
      "Snapshot window >= 60 min, maintenance window >= 60 min, no overlap, snapshot retention <= 35 days",
    severity: "HIGH",
    fix: 'Use a daily "hh:mm-hh:mm" snapshot window of >= 60 minutes outside the weekly maintenance window.',
    resourceTypes: GROUP,
    check: (g) => {
      const { snapshot_window: s, maintenance_window: m, snapshot_retention_limit: days } = g.values;
      if (typeof days === "number" && days > 35) return `snapshot_retention_limit ${days} is above 35`;
      if (s !== undefined) {
        if (!SNAPSHOT_WINDOW.test(s)) return `snapshot_window "${s}" is not "hh:mm-hh:mm"`;
        if (snapshotWindowMinutes(s) < 60) return `snapshot_window "${s}" is shorter than 60 minutes`;
      }
      if (m !== undefined) {
        if (!MAINTENANCE_WINDOW.test(m)) return `maintenance_window "${m}" is not "ddd:hh:mm-ddd:hh:mm"`;
        if (maintenanceWindowMinutes(m) < 60) return `maintenance_window "${m}" is shorter than 60 minutes`;
      }
      if (s !== undefined && m !== undefined && windowsOverlap(s, m))
        return `snapshot_window "${s}" overlaps maintenance_window "${m}"`;
      return true;
    },
  },
  {
    id: "AAI-ELASTICACHE-006",
    description:
      "Engine version string is valid, the parameter group's family matches it and its cluster-enabled matches cluster_mode",
    severity: "HIGH",
    fix: 'Use engine_version "7.1" with a parameter group of family "redis7", with cluster-enabled = yes exactly when cluster_mode is not "disabled".',
    resourceTypes: GROUP,
    check: (g, stack) => {
      const problem = versionProblem(g.values.engine_version);
      if (problem) return problem;
      const engine = g.values.engine ?? "redis";
      const expected = `${engine}${String(g.values.engine_version).split(".")[0]}`;
      const name = g.values.parameter_group_name;
      if (name === undefined) return true;
      const group = referenced(stack, "aws_elasticache_parameter_group", name);
      const family = group ? group.values.family : /^default\.(.+)$/.exec(String(name))?.[1];
      if (!family) return `parameter group ${JSON.stringify(name)} has no known family`;
      if (family.replace(/\.cluster\.on$/, "") !== expected)
        return `parameter group family ${family} does not match ${expected}`;
      // AWS refuses a parameter group whose cluster-enabled differs from the group's mode.
      const mode = g.values.cluster_mode ?? "disabled";
      const enabled = clusterEnabled(group, String(name));
      if ((mode !== "disabled") !== (enabled === "yes"))
        return `cluster_mode ${mode} with a parameter group whose cluster-enabled is ${enabled}`;
      return true;
    },
  },
  {
    id: "AAI-ELASTICACHE-007",
    description: "preferred_cache_cluster_azs has one AZ per node (distinct AZs with Multi-AZ)",
    severity: "HIGH",
    fix: "List exactly num_cache_clusters AZs, primary first, each in a different AZ.",
    resourceTypes: GROUP,
    check: (g) => {
      const azs = asList<string>(g.values.preferred_cache_cluster_azs);
      if (azs.length === 0) return NOT_APPLICABLE;
      const nodes = g.values.num_cache_clusters;
      if (azs.length !== nodes)
        return `${azs.length} preferred AZs for num_cache_clusters = ${nodes ?? "(unset)"}`;
      if (isTrue(g.values.multi_az_enabled) && new Set(azs).size !== azs.length)
        return `Multi-AZ nodes share an AZ: ${azs.join(", ")}`;
      return true;
    },
  },
  {
    id: "AAI-ELASTICACHE-008",
    description: "Multi-AZ needs automatic failover, and automatic failover needs >= 2 nodes",
    severity: "HIGH",
    fix: "Set multi_az_enabled and automatic_failover_enabled together, with num_cache_clusters >= 2 (cluster mode: replicas_per_node_group >= 1).",
    resourceTypes: GROUP,
    check: (g) => {
      const multiAz = isTrue(g.values.multi_az_enabled);
      const failover = isTrue(g.values.automatic_failover_enabled);
      if (multiAz && !failover) return "multi_az_enabled without automatic_failover_enabled";
      const nodes = nodesPerShard(g);
      if (failover && nodes < 2)
        return `automatic failover with ${nodes} node(s)${g.values.num_node_groups ? " per shard" : ""}`;
      return true;
    },
  },
  {
    id: "AAI-ELASTICACHE-009",
    description: "The AUTH token is a reference resolved at apply time, never a literal in the JSON",
    severity: "CRITICAL",
    fix: "Take auth_token from GeneratedSecret.valueForResourceArgument() (Secrets Manager, generated in AWS).",
    resourceTypes: GROUP,
    check: (g) =>
      g.values.auth_token === undefined
        ? NOT_APPLICABLE
        : REFERENCE.test(String(g.values.auth_token)) ||
          "auth_token is a literal value in the synthesized JSON",
  },
  {
    id: "AAI-ELASTICACHE-010",
    description:
      "The AUTH-token generator yields what ElastiCache accepts: 16-128 chars, specials only !&#$^<>-",
    severity: "HIGH",
    fix: "Generate 16-128 characters and exclude every printable special character except ! & # $ ^ < > - (REDIS_AUTH_EXCLUDED_CHARACTERS).",
    resourceTypes: GROUP,
    check: (g, stack) => {
      const generator = authTokenGenerator(stack, g);
      if (!generator) return NOT_APPLICABLE;
      const length = generator.password_length ?? 32;
      if (length < 16 || length > 128) return `password_length ${length} is outside 16-128`;
      if (generator.include_space === true) return "include_space is true";
      if (generator.exclude_punctuation === true) return true;
      const excluded = String(generator.exclude_characters ?? "");
      const missing = AUTH_FORBIDDEN.filter((c) => !excluded.includes(c));
      return missing.length === 0 || `exclude_characters misses ${missing.join(" ")}`;
    },
  },
  {
    id: "AAI-ELASTICACHE-011",
    description: "Redis slow log and engine log are delivered to CloudWatch Logs",
    severity: "LOW",
    fix: "Add log_delivery_configuration blocks for slow-log and engine-log (json, cloudwatch-logs) to EncryptedLogGroups.",
    resourceTypes: GROUP,
    check: (g, stack) => {
      const deliveries = blocks(g.values.log_delivery_configuration);
      for (const type of ["slow-log", "engine-log"]) {
        const d = deliveries.find((x) => x.log_type === type);
        if (!d) return `no ${type} delivery`;
        if (d.destination_type !== "cloudwatch-logs") return `${type} goes to ${d.destination_type}`;
        if (!referenced(stack, "aws_cloudwatch_log_group", d.destination))
          return `${type} destination is not a log group of this stack`;
      }
      return true;
    },
  },
  {
    id: "AAI-ELASTICACHE-012",
    description: "Redis security groups admit only 6379/tcp, and only from other security groups",
    severity: "HIGH",
    fix: "Call cache.allowFrom(appSecurityGroupId): one 6379 rule per client security group, no CIDRs.",
    resourceTypes: ["aws_vpc_security_group_ingress_rule"],
    check: (rule, stack) => {
      if (!cacheSecurityGroups(stack).some((sg) => references(rule.values.security_group_id, sg)))
        return NOT_APPLICABLE;
      const v = rule.values;
      if (v.ip_protocol !== "tcp" || v.from_port !== 6379 || v.to_port !== 6379)
        return `admits ${v.ip_protocol} ${v.from_port}-${v.to_port}, not 6379/tcp`;
      return !!v.referenced_security_group_id || "admits a CIDR or prefix list instead of a security group";
    },
  },
  {
    id: "AAI-ELASTICACHE-013",
    description: "prod replication groups take a final snapshot and are protected from destroy",
    severity: "HIGH",
    fix: "Set final_snapshot_identifier and lifecycle.prevent_destroy (Cache protect = true).",
    resourceTypes: GROUP,
    appliesTo: (stack) => stack.name === "prod",
    check: (g) => {
      if (!g.values.final_snapshot_identifier) return "final_snapshot_identifier is not set";
      return g.values.lifecycle?.prevent_destroy === true || "lifecycle.prevent_destroy is not true";
    },
  },
];
