// `npm run addresses`: records every stack's Terraform addresses in docs/addresses/<stack>.txt from a fresh
// `npm run synth` (cdktf.out). Run it after an intended rename (with a moved block) or a new resource.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (process.argv.includes("--help")) {
  console.log("usage: npm run addresses   (synthesizes, then writes docs/addresses/<stack>.txt)");
  process.exit(0);
}
process.on("uncaughtException", (error) => {
  console.error(`addresses: ${String(error?.message ?? error).split("\n")[0]}`);
  process.exit(1);
});
const stacksDir = join(root, "cdktf.out", "stacks");
if (!existsSync(stacksDir) || !existsSync(join(root, "dist/tools/addresses.js"))) {
  console.error("addresses: no cdktf.out/stacks or dist/: run `npm run addresses` (it synthesizes first)");
  process.exit(1);
}
const { ADDRESS_DIR, formatAddressList, stackAddresses } = require(join(root, "dist/tools/addresses.js"));
mkdirSync(join(root, ADDRESS_DIR), { recursive: true });
for (const name of readdirSync(stacksDir)
  .filter((n) => existsSync(join(stacksDir, n, "cdk.tf.json")))
  .sort()) {
  const stack = JSON.parse(readFileSync(join(stacksDir, name, "cdk.tf.json"), "utf8"));
  const addresses = stackAddresses(stack);
  writeFileSync(join(root, ADDRESS_DIR, `${name}.txt`), formatAddressList(name, addresses));
  console.log(`${join(ADDRESS_DIR, `${name}.txt`)}: ${addresses.length} addresses`);
}
