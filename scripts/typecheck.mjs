// `npm run typecheck`: the project's one type check (the build and the tests only transpile). TypeScript 7
// (native, the `typescript-native` alias of npm:typescript@7) checks in a fraction of TypeScript 5.9's
// time; 5.9 stays for typescript-eslint's parser and editors. Incremental: the build info lives under
// node_modules/.cache, so a run after a small change re-checks only what the change reaches.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const USAGE =
  "usage: npm run typecheck   (tsc --noEmit over tsconfig.json; prints tsc's errors, exit 1 on any)";
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
if (args.length > 0) {
  console.error(`typecheck: unknown argument ${args[0]} (${USAGE})`);
  process.exit(1);
}
const pkg = createRequire(import.meta.url).resolve("typescript-native/package.json");
const tsc = join(dirname(pkg), "bin", "tsc");
const run = spawnSync(
  process.execPath,
  [tsc, "--noEmit", "-p", ".", "--incremental", "--tsBuildInfoFile", "node_modules/.cache/tsc7/tsbuildinfo"],
  { cwd: root, stdio: "inherit" },
);
process.exit(run.status ?? 1);
