// Compile once: transpile the TypeScript sources to dist/ with swc (no type check; `npm run typecheck`
// and the test suite do that once). Takes a fraction of a second, so `npm run synth` stays fast.
import { transformFileSync } from "@swc/core";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist");
const sources = ["main.ts", "lib", "environments", "modules", "stacks", "policies", "tools"];

function* walk(path) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) yield* walk(join(path, entry));
  } else if (path.endsWith(".ts") && !path.endsWith(".d.ts")) {
    yield path;
  }
}

rmSync(outDir, { recursive: true, force: true });
let count = 0;
for (const source of sources.filter((s) => existsSync(join(root, s)))) {
  for (const file of walk(join(root, source))) {
    const { code } = transformFileSync(file, {
      jsc: { parser: { syntax: "typescript" }, target: "es2022" },
      module: { type: "commonjs" },
      sourceMaps: false,
    });
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
    count += 1;
  }
}
if (process.argv.includes("--verbose")) console.log(`built ${count} files into dist/`);
