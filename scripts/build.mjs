// Compile once: transpile the TypeScript sources to dist/ with swc (no type check; `npm run typecheck`
// and the test suite do that once). Takes a fraction of a second, so `npm run synth` stays fast.
// `node scripts/build.mjs [--verbose]` builds; scripts/synth.mjs imports build() to compile and
// synthesize in one process.
import { transformFile } from "@swc/core";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist");
const sources = ["main.ts", "lib", "environments", "modules", "stacks", "policies", "tools"];
const SWC_OPTIONS = {
  jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  module: { type: "commonjs" },
  sourceMaps: false,
};

function* walk(path, extension = ".ts") {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) yield* walk(join(path, entry), extension);
  } else if (path.endsWith(extension) && !path.endsWith(".d.ts")) {
    yield path;
  }
}

/** `<file>:<line>:<column>: <swc's first line>`: swc's own message spans a code frame and a backtrace. */
function syntaxError(file, error) {
  const message = String(error?.message ?? error);
  const at = /,-\[[^\]]*?:(\d+):(\d+)\]/.exec(message);
  const first = message
    .split("\n")[0]
    .replace(/^\s*x\s*/, "")
    .trim();
  return `${relative(root, file)}${at ? `:${at[1]}:${at[2]}` : ""}: ${first}`;
}

/** A bare `require("<package>")` in compiled code (swc's CommonJS output); relative and node: ones are not. */
const PACKAGE_REQUIRE = /\brequire\("((?:@[\w.-]+\/)?[\w-][\w.-]*(?:\/[\w./-]+)?)"\)/g;

/** The package specifiers (`cdktf`, `@cdktf/provider-aws/lib/vpc`, also builtins like `fs`) `code` requires. */
export function packageRequires(code) {
  return [...code.matchAll(PACKAGE_REQUIRE)].map((match) => match[1]);
}

/** packageRequires over the dist/ already compiled, sorted and without repeats. */
export function distPackageRequires() {
  if (!existsSync(outDir)) throw new Error("dist/ not found: run `npm run build` first");
  const specifiers = [...walk(outDir, ".js")].flatMap((file) => packageRequires(readFileSync(file, "utf8")));
  return [...new Set(specifiers)].sort();
}

/**
 * Replaces dist/ with a fresh compile of every source. Resolves to the number of files written and the
 * package specifiers the compiled code requires (scripts/prebundle.mjs bundles the CDKTF ones).
 */
export async function build() {
  rmSync(outDir, { recursive: true, force: true });
  const files = sources.filter((s) => existsSync(join(root, s))).flatMap((s) => [...walk(join(root, s))]);
  // swc's async transform runs on its own thread pool: every core compiles.
  const specifiers = new Set();
  await Promise.all(
    files.map(async (file) => {
      const { code } = await transformFile(file, SWC_OPTIONS).catch((error) => {
        throw new Error(syntaxError(file, error));
      });
      const target = join(outDir, relative(root, file)).replace(/\.ts$/, ".js");
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, code);
      for (const specifier of packageRequires(code)) specifiers.add(specifier);
    }),
  );
  return { files: files.length, specifiers: [...specifiers].sort() };
}

/** build() for a command line: a failure is one line on stderr and exit 1 (AAI_DEBUG=1 adds the stack). */
export async function buildOrExit() {
  try {
    return await build();
  } catch (error) {
    console.error(`build failed: ${error.message}`);
    if (process.env.AAI_DEBUG) console.error(error.stack);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { files } = await buildOrExit();
  if (process.argv.includes("--verbose")) console.log(`built ${files} files into dist/`);
}
