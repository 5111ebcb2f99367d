// `npm run docs`: regenerates the environment comparison table in docs/environments.md (between
// <!-- BEGIN ENV TABLE ... --> and <!-- END ENV TABLE -->) from the validated configs (loadEnvironments()).
// The generator is tools/env-table.ts, the same code __tests__/docs-env-table.test.ts checks the committed
// table with. The TypeScript sources are transpiled in memory (swc), so nothing is written to dist/.
//
//   npm run docs               update docs/environments.md
//   npm run docs -- --check    update nothing; exit 1 if the table is out of date
import { transformSync } from "@swc/core";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const USAGE =
  "usage: npm run docs [-- --check]   (regenerates the environment table in docs/environments.md)";
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = args.find((a) => a !== "--check");
if (unknown) {
  console.error(`docs: unknown argument ${unknown} (${USAGE})`);
  process.exit(1);
}
// A config error (or any other) is one line, like `npm run synth`'s.
process.on("uncaughtException", (error) => {
  console.error(`docs: ${String(error?.message ?? error).split("\n")[0]}`);
  process.exit(1);
});

// Load .ts files through swc, as jest does (transpile only; `npm run typecheck` does the type check).
require.extensions[".ts"] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, "utf8"), {
    filename,
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
    sourceMaps: false,
  });
  module._compile(code, filename);
};

const { envTableBlock, replaceEnvTable } = require(join(root, "tools", "env-table.ts"));
const { loadEnvironments } = require(join(root, "environments", "index.ts"));

const docs = join(root, "docs", "environments.md");
const current = readFileSync(docs, "utf8");
const updated = replaceEnvTable(current, envTableBlock(loadEnvironments()));
if (process.argv.includes("--check")) {
  if (updated !== current) {
    console.error("docs/environments.md: the environment table is out of date; run `npm run docs`");
    process.exit(1);
  }
  console.log("docs/environments.md: the environment table is up to date");
} else if (updated !== current) {
  writeFileSync(docs, updated);
  console.log("docs/environments.md: environment table updated");
} else {
  console.log("docs/environments.md: environment table unchanged");
}
