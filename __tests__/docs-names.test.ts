import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type StackJson, synthAll } from "./helpers/synth";

/**
 * Every AWS resource name an operator copies from the docs must exist. The docs name prod's resources
 * literally (`air-applied-ai-cluster`) and the other environments through patterns: `$PREFIX-redis` /
 * `<prefix>-alerts` (the name prefix: `air-applied-ai` in prod, `air-applied-ai-<env>` elsewhere, as the
 * disaster-recovery runbook's Conventions say) and `...-<env>` names. Each is checked against the
 * synthesized stacks:
 * - a prod name (or a pattern with prod's values) must be a value in the prod or bootstrap stack;
 * - for every other environment, the pattern's value must be what that environment's stack has for the
 *   same resource attribute (same construct path), or the resource must not exist there.
 * Only names in code (fenced blocks and inline code) count; names with other placeholders (`<date>`,
 * `{a,b}`, `*`) are patterns for the reader and are skipped.
 */
const ROOT = join(__dirname, "..");
const PROJECT = "air-applied-ai";
/** The project name in AWS names that allow no hyphens (AWS Backup restore testing plans and selections). */
const PROJECT_UNDERSCORED = PROJECT.replace(/-/g, "_");
const SEED = "prod";
const prefixOf = (env: string) => (env === SEED ? PROJECT : `${PROJECT}-${env}`);

const markdownFiles = (dir: string) =>
  readdirSync(join(ROOT, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(dir, f));
const DOCS = ["README.md", ...markdownFiles("docs"), ...markdownFiles("modules")];

/** Text of fenced code blocks and inline code spans. */
function codeText(markdown: string): string[] {
  const fenced = /```[^\n]*\n([\s\S]*?)```/g;
  const out = [...markdown.matchAll(fenced)].map((m) => m[1]);
  for (const m of markdown.replace(fenced, "").matchAll(/`([^`\n]+)`/g)) out.push(m[1]);
  return out;
}

const PLACEHOLDER = /\$PREFIX|\$\{PREFIX\}|<prefix>/;
const SEGMENT = String.raw`[a-z0-9]+(?:-[a-z0-9]+)*`;
/** A whole name: optional known lead-in, the project or a placeholder, then -/ separated segments. */
const NAME = new RegExp(
  String.raw`^(?:/|alias/|aws-waf-logs-|/aws/vendedlogs/prometheus/)?` +
    String.raw`(?:${PROJECT}|\$PREFIX|\$\{PREFIX\}|<prefix>)` +
    String.raw`(?:(?:-|/)(?:${SEGMENT}|<env>)(?:-(?:${SEGMENT}|<env>))*)*$`,
);
/** A prod name with underscores only, e.g. `air_applied_ai_qdrant_monthly`. */
const UNDERSCORED_NAME = new RegExp(String.raw`^${PROJECT_UNDERSCORED}(?:_[a-z0-9]+)+$`);

export interface DocName {
  readonly file: string;
  readonly name: string;
}

/** The resource names (and name patterns) in a Markdown file's code. */
export function namesIn(file: string, markdown: string): DocName[] {
  const names = new Map<string, DocName>();
  for (const code of codeText(markdown.replace(/<name prefix>/g, "<prefix>"))) {
    for (let token of code.split(/[\s"'`,;()=|[\]{}]+/)) {
      token = token.replace(/^s3:\/\/([^/]+).*$/, "$1").replace(/[.:]+$/, "");
      if (
        ((token.includes(PROJECT) || PLACEHOLDER.test(token)) && NAME.test(token)) ||
        UNDERSCORED_NAME.test(token)
      )
        names.set(token, { file, name: token });
    }
  }
  return [...names.values()];
}

/** Where a value sits: `<type>|<construct path below the stack>|<attribute path>`. */
type Index = Map<string, Set<string>>;

function indexStack(stack: StackJson): Index {
  const index: Index = new Map();
  const add = (value: string, key: string) => index.set(value, (index.get(value) ?? new Set()).add(key));
  const walk = (value: unknown, key: string, attr: string) => {
    if (typeof value === "string") add(value, `${key}|${attr}`);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, key, `${attr}[${i}]`));
    else if (value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) if (k !== "//") walk(v, key, attr ? `${attr}.${k}` : k);
  };
  for (const block of ["resource", "data"])
    for (const [type, byName] of Object.entries(stack[block] ?? {}))
      for (const [logical, values] of Object.entries(byName as Record<string, any>)) {
        const path = String(values["//"]?.metadata?.path ?? logical).replace(/^[^/]+\//, "");
        const key = `${block}.${type}|${path}`;
        walk(values, key, "");
        // ElastiCache names a group's nodes <group id>-001, -002, ... (the CacheClusterId dimension).
        if (type === "aws_elasticache_replication_group")
          for (let i = 1; i <= Number(values.num_cache_clusters ?? 0); i++)
            add(`${values.replication_group_id}-${String(i).padStart(3, "0")}`, `${key}|member-${i}`);
      }
  for (const [type, byName] of Object.entries(stack.provider ?? {})) walk(byName, `provider.${type}|`, "");
  return index;
}

/** Each stack's index, made once (checkName runs for every name in the docs). */
const indexes = new WeakMap<StackJson, Index>();
function indexOf(stack: StackJson): Index {
  let index = indexes.get(stack);
  if (!index) indexes.set(stack, (index = indexStack(stack)));
  return index;
}

/** The value at `key` in an index (the inverse lookup). */
function valueAt(index: Index, key: string): string | undefined {
  for (const [value, keys] of index) if (keys.has(key)) return value;
  return undefined;
}

/** Problems with one documented name, checked against prod (+ bootstrap) and every other environment. */
export function checkName(name: string, stacks: Record<string, StackJson>): string[] {
  const envs = Object.keys(stacks).filter((s) => s !== "bootstrap");
  const indexes = Object.fromEntries(Object.keys(stacks).map((s) => [s, indexOf(stacks[s])]));
  const shared = indexes.bootstrap ?? new Map();
  const withPrefix = (env: string) => name.replace(new RegExp(PLACEHOLDER.source, "g"), prefixOf(env));
  const isEnvPattern = name.includes("<env>");
  // A bare name prefix (`PREFIX=air-applied-ai-staging`) is the prefix of the names, not a resource.
  if (envs.some((env) => name === prefixOf(env))) return [];

  // A literal name of another environment (`air-applied-ai-staging-redis`) is checked in that environment.
  const literalEnv = envs.find(
    (env) => env !== SEED && (name.startsWith(`${prefixOf(env)}-`) || name.includes(`${prefixOf(env)}/`)),
  );
  if (literalEnv && !PLACEHOLDER.test(name) && !isEnvPattern)
    return indexes[literalEnv].has(name) || shared.has(name)
      ? []
      : [`${name}: no such name in the ${literalEnv} stack`];

  // The name as it is in prod: placeholders filled with prod's values, or `-<env>` dropped.
  const prodCandidates = isEnvPattern
    ? [name.replace(/-<env>/g, ""), name.replace(/<env>/g, SEED)]
    : [withPrefix(SEED)];
  const prodName = prodCandidates.find((n) => indexes[SEED]?.has(n) || shared.has(n));
  if (!prodName && !isEnvPattern) return [`${withPrefix(SEED)}: no such name in the ${SEED} stack`];
  if (!PLACEHOLDER.test(name) && !isEnvPattern) return [];

  const problems: string[] = [];
  for (const env of envs.filter((e) => e !== SEED)) {
    const expected = isEnvPattern ? withPrefix(env).replace(/<env>/g, env) : withPrefix(env);
    if (indexes[env].has(expected) || shared.has(expected)) continue;
    const keys = prodName ? [...(indexes[SEED].get(prodName) ?? shared.get(prodName) ?? [])] : [];
    const actual = keys.map((k) => valueAt(indexes[env], k)).find((v) => v !== undefined);
    if (prodName && keys.length > 0 && actual === undefined) continue; // the resource is not in this env
    problems.push(
      `${expected}: not in the ${env} stack${actual ? ` (the same resource is named ${actual})` : ""}`,
    );
  }
  return problems;
}

describe("AWS resource names in the docs exist in the synthesized stacks", () => {
  const stacks = synthAll();

  test.each(DOCS)("%s", (file) => {
    const problems = namesIn(file, readFileSync(join(ROOT, file), "utf8")).flatMap(({ name }) =>
      checkName(name, stacks).map((p) => `\`${name}\` -> ${p}`),
    );
    if (problems.length > 0)
      throw new Error(
        `${file}: ${problems.length} resource name(s) that the synthesized stacks do not have. Fix the ` +
          `doc (or the naming code):\n${problems.join("\n")}`,
      );
  });

  test("the runbooks name the resources an operator needs (the check is not vacuous)", () => {
    const names = DOCS.filter((f) => f.startsWith(join("docs", "runbooks"))).flatMap((f) =>
      namesIn(f, readFileSync(join(ROOT, f), "utf8")).map((n) => n.name),
    );
    for (const expected of [
      "$PREFIX-redis",
      "$PREFIX-qdrant-data",
      "/$PREFIX/vpc-flow-logs",
      "air-applied-ai-cluster",
      "$PREFIX-qdrant-restore-test-failed",
      "air_applied_ai_qdrant_monthly",
    ])
      expect(names).toContain(expected);
  });

  test("the checker catches a wrong prod name and a wrong pattern for another environment", () => {
    const tiny = (env: string, redis: string): StackJson => ({
      resource: {
        aws_elasticache_replication_group: {
          r: {
            "//": { metadata: { path: `${env}/cache/group` } },
            replication_group_id: redis,
            num_cache_clusters: 2,
          },
        },
      },
    });
    const stacks = {
      prod: tiny("prod", "air-applied-ai-redis"),
      dev: tiny("dev", "air-applied-ai-redis-dev"),
    };
    expect(checkName("air-applied-ai-redis", stacks)).toEqual([]);
    expect(checkName("air-applied-ai-redis-002", stacks)).toEqual([]);
    expect(checkName("air-applied-ai-cache", stacks)).toEqual([
      "air-applied-ai-cache: no such name in the prod stack",
    ]);
    expect(checkName("$PREFIX-redis", stacks)).toEqual([
      "air-applied-ai-dev-redis: not in the dev stack (the same resource is named air-applied-ai-redis-dev)",
    ]);
    expect(checkName("air-applied-ai-redis-<env>", stacks)).toEqual([]);
    expect(checkName("air-applied-ai-dev-redis", stacks)).toEqual([
      "air-applied-ai-dev-redis: no such name in the dev stack",
    ]);
    expect(checkName("air_applied_ai_redis", stacks)).toEqual([
      "air_applied_ai_redis: no such name in the prod stack",
    ]);
    expect(namesIn("x.md", "`air_applied_ai_qdrant_monthly` and `air_applied_ai`")).toEqual([
      { file: "x.md", name: "air_applied_ai_qdrant_monthly" },
    ]);
    expect(
      namesIn(
        "x.md",
        "`aws-waf-logs-$PREFIX-waf` and `$PREFIX-redis-restore-<date>` `s3://air-applied-ai-logs/x`",
      ),
    ).toEqual([
      { file: "x.md", name: "aws-waf-logs-$PREFIX-waf" },
      { file: "x.md", name: "air-applied-ai-logs" },
    ]);
  });
});

describe("docs/monitoring.md alarm table", () => {
  const prod = synthAll()[SEED];
  const alarms = Object.values(prod.resource?.aws_cloudwatch_metric_alarm ?? {}).map(
    (a: any) => a.alarm_name,
  );
  const markdown = readFileSync(join(ROOT, "docs", "monitoring.md"), "utf8");
  const rows = markdown
    .split("\n")
    .filter((l) => /^\| `[a-z0-9N-]+`/.test(l))
    .map((l) => l.split("|")[1]);
  /** `api-latency-p95` / `-p99` -> both; NNN and N stand for node and NAT numbers. */
  const documented = rows.flatMap((cell) => {
    const [first, ...rest] = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    return [first, ...rest.map((r) => (r.startsWith("-") ? first.replace(/-[^-]+$/, r) : r))];
  });
  const pattern = (suffix: string) =>
    new RegExp(`^${PROJECT}-${suffix.replace(/NNN/g, "\\d{3}").replace(/\bN\b/g, "\\d+")}$`);

  test("every documented alarm exists in prod", () => {
    expect(documented.length).toBeGreaterThan(10);
    expect(documented.filter((d) => !alarms.some((a) => pattern(d).test(a)))).toEqual([]);
  });

  test("every prod alarm is documented", () => {
    expect(alarms.filter((a) => !documented.some((d) => pattern(d).test(a)))).toEqual([]);
  });
});
