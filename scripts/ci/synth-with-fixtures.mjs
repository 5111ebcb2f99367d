// Synthesizes every stack and every test environment (environments/fixtures.ts) into DIR/stacks/<name>/,
// as the Terraform gate does, so ci.yml's checkov job scans the fixtures' topologies (a Qdrant cluster,
// Redis shards) too. Runs the compiled dist/ (`npm run build` first).
//   node scripts/ci/synth-with-fixtures.mjs DIR
import { createRequire } from "node:module";
import { resolve } from "node:path";

const require = createRequire(import.meta.url);
const usage = "usage: node scripts/ci/synth-with-fixtures.mjs DIR   (after npm run build)";
const [dir, ...rest] = process.argv.slice(2);
if (dir === "--help" || dir === "-h") {
  console.log(usage);
  process.exit(0);
}
if (!dir || rest.length > 0) {
  console.error(`synth-with-fixtures: give exactly one output directory (${usage})`);
  process.exit(2);
}
try {
  const stacks = require("../../dist/tools/terraform/gate.js").synthesizeStacks(resolve(dir));
  console.log(`synthesized ${Object.keys(stacks).join(", ")} into ${dir}/stacks`);
} catch (error) {
  console.error(`synth-with-fixtures: ${String(error?.message ?? error).split("\n")[0]}`);
  process.exit(1);
}
