/** The cache tier's constants: what ElastiCache and Redis accept (the schema offers exactly these). */

/** The Redis port (TLS; clients connect with rediss://). */
export const REDIS_PORT = 6379;
/** Engine versions this module supports; each maps to a parameter-group family (redis7). */
export const REDIS_ENGINE_VERSIONS = ["7.0", "7.1"] as const;
export type RedisEngineVersion = (typeof REDIS_ENGINE_VERSIONS)[number];
/** Eviction policies Redis accepts for maxmemory-policy. */
export const MAXMEMORY_POLICIES = [
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
  "noeviction",
] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];
/** Graviton ElastiCache node types (cache.r6g needs Redis >= 5.0.6; every supported version qualifies). */
export const CACHE_NODE_TYPE =
  /^cache\.(r6g|r7g|m6g|m7g|t4g)\.(micro|small|medium|large|xlarge|2xlarge|4xlarge|8xlarge|12xlarge|16xlarge)$/;
/** Log types delivered to CloudWatch Logs (engine-log needs Redis >= 6.2). */
export const REDIS_LOG_TYPES = ["slow-log", "engine-log"] as const;
/**
 * Characters the AUTH-token generator must never produce. ElastiCache accepts 16-128 printable ASCII
 * characters whose only non-alphanumerics are ! & # $ ^ < > - (CreateReplicationGroup AuthToken
 * constraints; "@", '"' and "/" are the best-known offenders, but "%", "*", "+" ... fail too), so every
 * other printable punctuation character, and the space, is excluded.
 */
export const REDIS_AUTH_EXCLUDED_CHARACTERS = `"%'()*+,./:;=?@[\\]_\`{|}~ `;
/** Non-alphanumerics ElastiCache accepts in an AUTH token. */
export const REDIS_AUTH_ALLOWED_SPECIALS = "!&#$^<>-";

/** ElastiCache replication group ids: 1-40 lowercase letters, digits and single hyphens. */
export const REPLICATION_GROUP_ID = /^[a-z](?!.*--)[a-z0-9-]{0,38}[a-z0-9]$/;

/** Parameter-group family of an engine version: "redis7" for 7.x (aws-constraints 33). */
export function parameterGroupFamily(engineVersion: string): string {
  return `redis${engineVersion.split(".")[0]}`;
}
