// `npm run synth`: compile (scripts/build.mjs) and run the app (main.ts) in one process, which saves a
// second Node start-up on every synth, with the CDKTF libraries loaded from one cached bundle
// (scripts/prebundle.mjs). Output and errors are the app's own (stacks/app.ts main()).
//   node scripts/synth.mjs [--no-build]   (--no-build: run the dist/ already compiled, as the tests do)
import { createRequire } from "node:module";
import { buildOrExit, distPackageRequires } from "./build.mjs";
import { preloadDependencies } from "./prebundle.mjs";

const USAGE =
  "usage: npm run synth   (node scripts/synth.mjs [--no-build]; env: AAI_ENVIRONMENTS, CDKTF_OUTDIR)";
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = args.find((a) => a !== "--no-build");
if (unknown) {
  console.error(`synth: unknown argument ${unknown} (${USAGE})`);
  process.exit(2);
}

const specifiers = args.includes("--no-build") ? distPackageRequires() : (await buildOrExit()).specifiers;
await preloadDependencies(specifiers);
createRequire(import.meta.url)("../dist/main.js");
