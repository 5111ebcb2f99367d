// `npm run gate` and the last step of `npm test`: terraform validate and an offline first-apply plan of
// every synthesized stack (tools/terraform/gate.ts). Runs the compiled dist/ (scripts/build.mjs first).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
if (process.argv.includes("--help")) {
  console.log(
    "usage: npm run gate   (env: TF_PROVIDER_MIRROR, AAI_REQUIRE_TERRAFORM, AAI_REQUIRE_PINNED_PROVIDER, AAI_GATE_DIR)",
  );
} else {
  await require("../dist/tools/terraform/gate.js").main();
}
