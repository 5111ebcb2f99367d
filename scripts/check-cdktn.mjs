// `npm run check:cdktn`: the tested exit from the archived cdktf (docs/cdktn-migration.md). Installs the
// community fork CDK Terrain (cdktn) into a temporary directory, copies the app there with its imports
// renamed, synthesizes it with the fork and compares every stack's cdk.tf.json with a fresh synthesis of
// this repository (cdktf). Only the provider pin and the library version in the "//" metadata may differ.
// Never touches cdktf.out; the temporary directory is removed afterwards (unless --keep).
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The fork's versions. Bump them together (peer ranges: cdktn 0.24 wants constructs >=10.6.0 <10.8.0). */
export const CDKTN_VERSION = "0.24.0";
/**
 * @cdktn/provider-aws whose hashicorp/aws is closest to ours (6.25.0, @cdktf/provider-aws 21.22.1) among
 * the releases that accept cdktn 0.24: 25.5.0 = hashicorp/aws 6.64.0 (package.json "cdktn.provider";
 * 25.7.0 = 6.66.0; 23.7.0 = 6.40.0 and 24.1.0 = 6.45.0 need cdktn ^0.22 / ^0.23).
 */
export const CDKTN_PROVIDER_AWS_VERSION = "25.5.0";
export const CONSTRUCTS_VERSION = "10.7.2";
/**
 * The context setting cdktn needs (key "targetVersions", cdktn/lib/validations/target-versions.js): the
 * Terraform/OpenTofu versions the JSON targets, as npm semver ranges. The stacks use write-only
 * attributes (secret_string_wo), which need >= 1.11 in both.
 */
export const TARGET_VERSIONS = { terraform: ">=1.11.0", opentofu: ">=1.11.0" };

const HELP = `usage: npm run check:cdktn [-- --keep] [-- --help]

Synthesizes the app with the community fork of cdktf (CDK Terrain: cdktn ${CDKTN_VERSION},
@cdktn/provider-aws ${CDKTN_PROVIDER_AWS_VERSION}, constructs ${CONSTRUCTS_VERSION}) in a temporary directory
and compares every stack's cdk.tf.json with a fresh synthesis by this repository's cdktf. Ignored: the
provider pin (terraform.required_providers.aws.version) and the library version in the "//" metadata.
Needs the npm registry. Exit 0: identical otherwise; 1: differences (printed) or a failed step.

  --keep   keep the temporary directory (printed) for inspection
  --help   this text

The migration itself: docs/cdktn-migration.md.`;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(HELP);
  process.exit(0);
}
const unknown = args.filter((a) => a !== "--keep");
if (unknown.length > 0) {
  console.error(`check:cdktn: unknown argument(s) ${unknown.join(" ")}\n\n${HELP}`);
  process.exit(2);
}
const keep = args.includes("--keep");

const require = createRequire(join(root, "package.json"));
const { transformSync } = require("@swc/core");
const SWC = {
  jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  module: { type: "commonjs" },
  sourceMaps: false,
};
const compile = (source, filename) => transformSync(source, { ...SWC, filename }).code;

// Progress and notes go to stderr; stdout carries the result (one summary line, or the differences).
const log = (message) => console.error(`check:cdktn: ${message}`);
/** The environment of both syntheses: every stack (no AAI_ENVIRONMENTS filter), no inherited context. */
const baseEnv = { ...process.env };
delete baseEnv.AAI_ENVIRONMENTS;
delete baseEnv.CDKTF_CONTEXT_JSON;

function run(command, argv, options = {}) {
  const r = spawnSync(command, argv, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.status !== 0) {
    const output = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n");
    throw new Error(
      `${command} ${argv.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`}):\n${output}`,
    );
  }
  return r;
}

function* walk(path) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) if (entry !== "node_modules") yield* walk(join(path, entry));
  } else yield path;
}

/** main.ts and every app file it reaches through relative imports (resolved like Node/TypeScript). */
function reachableFiles(check) {
  const candidates = (base) => [`${base}.ts`, `${base}.json`, base, join(base, "index.ts")];
  const seen = new Set();
  const queue = [join(root, "main.ts")];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(".ts")) continue;
    for (const spec of check.relativeSpecifiers(readFileSync(file, "utf8"))) {
      const target = candidates(resolve(dirname(file), spec)).find(
        (c) => existsSync(c) && statSync(c).isFile(),
      );
      if (!target) throw new Error(`${relative(root, file)}: cannot resolve ${spec}`);
      queue.push(target);
    }
  }
  return [...seen];
}

function synthesizeOurs(outdir) {
  log("synthesizing with cdktf (node scripts/build.mjs && node dist/main.js)");
  run(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root });
  run(process.execPath, [join(root, "dist/main.js")], {
    cwd: root,
    env: { ...baseEnv, CDKTF_OUTDIR: outdir },
  });
}

function prepareFork(app, check) {
  const ours = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const zod = ours.dependencies.zod;
  mkdirSync(app, { recursive: true });
  writeFileSync(
    join(app, "package.json"),
    `${JSON.stringify({ name: "cdktn-check", private: true, engines: ours.engines }, null, 2)}\n`,
  );
  const packages = [
    `cdktn@${CDKTN_VERSION}`,
    `@cdktn/provider-aws@${CDKTN_PROVIDER_AWS_VERSION}`,
    `constructs@${CONSTRUCTS_VERSION}`,
    `zod@${zod}`,
  ];
  log(`npm install ${packages.join(" ")} (a few minutes on a cold cache)`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  run(npm, ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", ...packages], {
    cwd: app,
  });
  const installed = (name) =>
    JSON.parse(readFileSync(join(app, "node_modules", name, "package.json"), "utf8"));
  const provider = installed("@cdktn/provider-aws");
  const meta = provider.cdktn?.provider ?? provider.cdktf?.provider;
  log(
    `installed cdktn ${installed("cdktn").version}, @cdktn/provider-aws ${provider.version} ` +
      `(${meta?.name ?? "?"} ${meta?.version ?? "?"}), constructs ${installed("constructs").version}`,
  );

  // Copy every top-level folder main.ts reaches (whole, so assets such as modules/loadbalancer/pages
  // come along), rename the imports and compile to dist/ like scripts/build.mjs.
  const tops = [...new Set(reachableFiles(check).map((f) => relative(root, f).split(sep)[0]))].sort();
  let rewritten = 0;
  let compiled = 0;
  for (const top of tops) {
    cpSync(join(root, top), join(app, top), {
      recursive: true,
      filter: (src) => !src.split(sep).includes("node_modules"),
    });
    for (const file of walk(join(app, top))) {
      if (!file.endsWith(".ts") || file.endsWith(".d.ts")) continue;
      const source = readFileSync(file, "utf8");
      const renamed = check.rewriteImports(source);
      if (renamed !== source) {
        writeFileSync(file, renamed);
        rewritten += 1;
      }
      const target = join(app, "dist", relative(app, file)).replace(/\.ts$/, ".js");
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, compile(renamed, file));
      compiled += 1;
    }
  }
  const leftovers = tops
    .flatMap((top) => [...walk(join(app, top))])
    .filter((f) => f.endsWith(".ts"))
    .filter((f) => check.moduleSpecifiers(readFileSync(f, "utf8")).some((s) => /^(cdktf|@cdktf\/)/.test(s)));
  if (leftovers.length > 0)
    throw new Error(
      `imports of cdktf left after the rewrite: ${leftovers.map((f) => relative(app, f)).join(", ")}`,
    );
  log(`copied ${tops.join(", ")}: ${rewritten} files with renamed imports, ${compiled} compiled`);
}

function synthesizeFork(app, outdir) {
  log(`synthesizing with cdktn (context targetVersions ${JSON.stringify(TARGET_VERSIONS)})`);
  run(process.execPath, [join(app, "dist/main.js")], {
    cwd: app,
    env: {
      ...baseEnv,
      CDKTF_OUTDIR: outdir,
      CDKTF_CONTEXT_JSON: JSON.stringify({ targetVersions: TARGET_VERSIONS }),
    },
  });
}

function compare(oursDir, forkDir, check) {
  const stacks = (dir) => readdirSync(join(dir, "stacks")).sort();
  const oursStacks = stacks(oursDir);
  const forkStacks = stacks(forkDir);
  const problems = [];
  for (const name of oursStacks.filter((s) => !forkStacks.includes(s)))
    problems.push(`stack ${name}: missing from the cdktn synthesis`);
  for (const name of forkStacks.filter((s) => !oursStacks.includes(s)))
    problems.push(`stack ${name}: only in the cdktn synthesis`);
  const ignored = new Map();
  const whitespaceOnly = [];
  const keyOrder = [];
  let compared = 0;
  for (const name of oursStacks.filter((s) => forkStacks.includes(s))) {
    const text = (dir) => readFileSync(join(dir, "stacks", name, "cdk.tf.json"), "utf8");
    const {
      differences,
      ignored: values,
      sameKeyOrder,
    } = check.compareStacks(JSON.parse(text(oursDir)), JSON.parse(text(forkDir)));
    compared += 1;
    for (const d of differences) problems.push(`stack ${name}: ${check.formatDifference(d)}`);
    if (differences.length === 0 && !sameKeyOrder) keyOrder.push(name);
    // Same values and key order, and no token differs but the ignored values: the rest is whitespace.
    const ignoredValues = [...new Set([...Object.keys(values.ours), ...Object.keys(values.fork)])].filter(
      (p) => JSON.stringify(values.ours[p]) !== JSON.stringify(values.fork[p]),
    ).length;
    const layout = check.textDifference(text(oursDir), text(forkDir));
    if (sameKeyOrder && layout.tokens <= ignoredValues && layout.whitespace) whitespaceOnly.push(name);
    for (const path of [...new Set([...Object.keys(values.ours), ...Object.keys(values.fork)])]) {
      const show = (v) => (v === undefined ? "(absent)" : JSON.stringify(v));
      const line = `${path}: cdktf ${show(values.ours[path])} | cdktn ${show(values.fork[path])}`;
      ignored.set(line, [...(ignored.get(line) ?? []), name]);
    }
  }
  for (const [line, names] of ignored) log(`ignored ${line} (${names.join(", ")})`);
  if (whitespaceOnly.length > 0)
    log(
      `note: the files differ in JSON whitespace only (e.g. cdktn writes an empty {} or [] on one line): ${whitespaceOnly.join(", ")}`,
    );
  if (keyOrder.length > 0)
    log(`note: same values, different key order (not significant to Terraform): ${keyOrder.join(", ")}`);
  return { problems, compared, stacks: oursStacks };
}

const tmp = mkdtempSync(join(tmpdir(), "aai-cdktn-check-"));
let code = 1;
try {
  const checkJs = join(tmp, "cdktn-check.js");
  writeFileSync(
    checkJs,
    compile(readFileSync(join(root, "tools/cdktn-check.ts"), "utf8"), join(root, "tools/cdktn-check.ts")),
  );
  const check = createRequire(checkJs)(checkJs);

  const oursOut = join(tmp, "out-cdktf");
  const forkOut = join(tmp, "out-cdktn");
  const app = join(tmp, "app");
  synthesizeOurs(oursOut);
  prepareFork(app, check);
  synthesizeFork(app, forkOut);
  const { problems, compared, stacks } = compare(oursOut, forkOut, check);
  if (problems.length > 0) {
    console.log(
      `check:cdktn: ${problems.length} difference(s) beyond the provider pin and the metadata version:`,
    );
    const shown = 200;
    for (const p of problems.slice(0, shown)) console.log(`  ${p}`);
    if (problems.length > shown)
      console.log(`  ... and ${problems.length - shown} more (run with --keep to inspect)`);
  } else {
    console.log(
      `check:cdktn: OK: cdktn ${CDKTN_VERSION} + @cdktn/provider-aws ${CDKTN_PROVIDER_AWS_VERSION} synthesize ` +
        `${compared} stacks (${stacks.join(", ")}) identical to cdktf apart from the provider pin and metadata version`,
    );
    code = 0;
  }
} catch (error) {
  console.error(`check:cdktn: ${error instanceof Error ? error.message : error}`);
} finally {
  if (keep) log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
