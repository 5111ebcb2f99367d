// The registered environments, in promotion order, for the workflow matrices: ci.yml's plan, drift.yml's
// check and deploy.yml's one-at-a-time deploy all read them from here, so adding an environment to
// environments/registry.ts adds it to every workflow. Plain Node, no dependencies (the workflow job that
// runs it skips `npm ci`): it reads the keys of `export const ENVIRONMENT_INPUTS = { ... }` in the
// registry's source; __tests__/workflows.test.ts checks that they equal the compiled registry's names.
//
//   node scripts/ci/environments.mjs                   prints ["dev","staging","prod"]
//   node scripts/ci/environments.mjs --github-output   also appends names=<json> to $GITHUB_OUTPUT
//   node scripts/ci/environments.mjs --registry <file> reads another registry source (tests)
import { appendFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const USAGE = "usage: node scripts/ci/environments.mjs [--github-output] [--registry <file>]";
/** environments/schema.ts ENVIRONMENT_NAME (a test keeps the two equal). */
const NAME = /^(?!bootstrap$)(?!.*-plan$)[a-z](?:[a-z0-9]|-(?=[a-z0-9])){1,11}$/;

function fail(message) {
  process.stderr.write(`scripts/ci/environments.mjs: ${message}\n`);
  process.exit(1);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      help: { type: "boolean", short: "h" },
      "github-output": { type: "boolean" },
      registry: { type: "string" },
    },
  }));
} catch (error) {
  fail(`${error.message.split("\n")[0]} (${USAGE})`);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const file = values.registry ?? join(root, "environments/registry.ts");
const where = values.registry ?? "environments/registry.ts";
let source;
try {
  source = readFileSync(file, "utf8");
} catch (error) {
  fail(`cannot read ${where}: ${error.code ?? error.message}`);
}

const body = /export const ENVIRONMENT_INPUTS\b[^=]*=\s*\{([^}]*)\}/.exec(source)?.[1];
if (body === undefined) fail(`${where}: no \`export const ENVIRONMENT_INPUTS = { ... }\` object found`);
const entries = body
  .replace(/\/\*[\s\S]*?\*\//g, "")
  .replace(/\/\/.*$/gm, "")
  .split(",")
  .map((e) => e.trim())
  .filter(Boolean);
const names = entries.map((entry) => {
  // `dev` (shorthand), `dev: dev`, `"zz-test": zzTest` or `'zz-test': zzTest`
  const m = /^(?:([A-Za-z_$][\w$]*)|"([^"]+)"|'([^']+)')\s*(?::\s*[A-Za-z_$][\w$]*)?$/.exec(entry);
  if (!m)
    fail(`${where}: cannot read the registry entry \`${entry}\` (expected \`name\` or \`"name": input\`)`);
  const name = m[1] ?? m[2] ?? m[3];
  if (!NAME.test(name))
    fail(
      `${where}: environment name "${name}" is not 2-12 lowercase letters, digits or single hyphens (not "bootstrap", not ending in "-plan")`,
    );
  return name;
});
if (names.length === 0) fail(`${where}: ENVIRONMENT_INPUTS registers no environment`);
const repeated = names.find((n, i) => names.indexOf(n) !== i);
if (repeated) fail(`${where}: environment "${repeated}" is registered twice`);

const json = JSON.stringify(names);
console.log(json);
if (values["github-output"]) {
  if (!process.env.GITHUB_OUTPUT)
    fail("--github-output: GITHUB_OUTPUT is not set (run it in a GitHub Actions step)");
  appendFileSync(process.env.GITHUB_OUTPUT, `names=${json}\n`);
}
