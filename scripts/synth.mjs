// `npm run synth`: compile (scripts/build.mjs) and run the app (main.ts) in one process, which saves a
// second Node start-up on every synth. Output and errors are the app's own (stacks/app.ts main()).
import { createRequire } from "node:module";
import { buildOrExit } from "./build.mjs";

await buildOrExit();
createRequire(import.meta.url)("../dist/main.js");
