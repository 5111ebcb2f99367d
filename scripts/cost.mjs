// `npm run cost`: synthesizes (npm script), then prints the offline monthly cost estimate of every stack
// in cdktf.out (or DIR), optionally compared with another synthesized directory. docs/cost.md.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fail = (error) => {
  console.error(`cost: ${String(error?.message ?? error).split("\n")[0]}`);
  process.exit(1);
};
process.on("uncaughtException", fail);
const cli = join(root, "dist/tools/cost/index.js");
if (!existsSync(cli))
  fail("no dist/: run `npm run cost` (it compiles and synthesizes first) or `npm run build`");
const { runCost, costDirOf } = require(cli);
console.log(runCost(process.argv.slice(2), costDirOf(root)));
