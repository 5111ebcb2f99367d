// Dependency pre-bundling for `npm run synth` (the technique Vite uses for node_modules/.vite/deps).
//
// Loading the CDKTF libraries file by file is a third of a synth: about 1,500 modules, 12 MB of provider
// bindings, two thirds of which are inline source maps. One esbuild bundle of exactly the packages the
// compiled app requires loads in about 0.2 s instead of about 0.45 s. It is built once per installed
// dependency tree (about 0.5 s), cached in node_modules/.cache/air-applied-ai/, and rebuilt when
// `npm ci`/`npm install` changes node_modules, Node or esbuild changes, or the app requires another
// package path. The synthesized JSON is byte-identical (__tests__/prebundle.test.ts).
//
// Off with AAI_PREBUNDLE=0, and under AAI_DEBUG (stack traces then name the real files). After editing
// a file inside node_modules by hand (no install), remove node_modules/.cache/air-applied-ai/.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Where the bundles live: inside node_modules, so a fresh install starts without one. */
export const CACHE_DIR = join(root, "node_modules", ".cache", "air-applied-ai");
/**
 * The CDKTF libraries, also under their CDK Terrain names (docs/cdktn-migration.md): the packages worth
 * bundling. zod stays outside, so a config error never loads the bundle.
 */
const BUNDLED = [/^cdkt[fn](\/|$)/, /^constructs(\/|$)/, /^@cdkt[fn]\//];
/** Bump when the bundle's shape or options change, so older bundles are not reused. */
const FORMAT = 4;

/**
 * cdktf's asset zipper, lib/private/fs.js, in the bundle:
 * - it zips an ARCHIVE asset by running itself as a child process (`node ${__filename} src dest`); in
 *   the bundle `__filename` would name the bundle and the child would do nothing, so the module keeps
 *   its real file name;
 * - it loads `archiver` (a tenth of the bundle's load time) at once, though only that child calls it, so
 *   in the bundle archiver initializes on first call.
 */
const ASSET_ZIPPER = /[\\/]cdkt[fn][\\/]lib[\\/]private[\\/]fs\.js$/;
export const EAGER_ARCHIVER = 'const archiver = require("archiver");';
const assetZipper = {
  name: "asset-zipper",
  setup(build) {
    build.onLoad({ filter: ASSET_ZIPPER }, ({ path }) => ({
      contents: readFileSync(path, "utf8")
        .replace(/^("use strict";)?/, (directive) => `${directive}var __filename = ${JSON.stringify(path)};`)
        .replace(EAGER_ARCHIVER, 'const archiver = (...args) => require("archiver")(...args);'),
      loader: "js",
    }));
  },
};

/** The package paths of `specifiers` (bare `require` specifiers of dist/) that go into the bundle. */
export function bundledPackages(specifiers) {
  return [...new Set(specifiers)].filter((s) => BUNDLED.some((pattern) => pattern.test(s))).sort();
}

/**
 * What makes a bundle current: the installed tree, Node, esbuild, the package list, FORMAT, and where
 * the project is (the bundle names cdktf's fs.js by its absolute path).
 */
function cacheKey(packages, esbuildVersion) {
  // npm rewrites node_modules/.package-lock.json on every install; the project lock file is the fallback.
  const tree = [join(root, "node_modules", ".package-lock.json"), join(root, "package-lock.json")].find(
    existsSync,
  );
  return createHash("sha256")
    .update(`${FORMAT}\0${root}\0${process.version}\0${esbuildVersion}\0${packages.join("\n")}\0`)
    .update(tree ? readFileSync(tree) : "")
    .digest("hex")
    .slice(0, 16);
}

/**
 * The path of the bundle that exports `{ [package]: module.exports }` for `packages`, resolved as
 * dist/ resolves them; built on a miss, written atomically, older bundles in `cacheDir` removed.
 */
export async function prebundle(packages, { cacheDir = CACHE_DIR } = {}) {
  // Its version from package.json: loading esbuild itself takes about 70 ms, so only a miss does.
  const { version } = createRequire(import.meta.url)("esbuild/package.json");
  const file = join(cacheDir, `deps-${cacheKey(packages, version)}.cjs`);
  if (existsSync(file)) return file;
  const esbuild = await import("esbuild");
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  const entries = packages.map((p) => `${JSON.stringify(p)}: require(${JSON.stringify(p)})`);
  await esbuild.build({
    stdin: { contents: `module.exports = {\n${entries.join(",\n")}\n};\n`, resolveDir: join(root, "dist") },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    // No keepNames (it costs a tenth of the load): the bundle renames a few clashing helper functions
    // of archiver/async (e.g. applyEach2), no class, and the libraries read `.name` only for messages.
    minifyWhitespace: true,
    legalComments: "none",
    plugins: [assetZipper],
    outfile: partial,
    logLevel: "silent",
  });
  renameSync(partial, file);
  for (const entry of readdirSync(cacheDir))
    if (/^deps-.*\.cjs$/.test(entry) && join(cacheDir, entry) !== file)
      rmSync(join(cacheDir, entry), { force: true });
  return file;
}

/**
 * Makes `require(<package>)` from dist/ return the bundle's copy of each package: each package's file in
 * the module cache is a getter that loads the bundle on first use. So a run that stops before cdktf (a
 * config error) never loads it, and no CDKTF library file is read from disk (there is one copy of each).
 */
export function usePrebundle(file, packages) {
  const requireFromDist = createRequire(join(root, "dist", "main.js"));
  let bundle;
  for (const name of packages) {
    const filename = requireFromDist.resolve(name);
    let module;
    Object.defineProperty(Module._cache, filename, {
      configurable: true,
      enumerable: true,
      get() {
        if (!module) {
          bundle ??= requireFromDist(file);
          module = Object.assign(new Module(filename), { filename, exports: bundle[name], loaded: true });
        }
        return module;
      },
    });
  }
}

/**
 * For scripts/synth.mjs: pre-bundle the CDKTF libraries the compiled app requires (`specifiers`, from
 * build()) and route their requires to the bundle. Never fails the synth: without esbuild or on a build
 * error it prints one line and the app loads its modules the usual way.
 */
export async function preloadDependencies(specifiers) {
  if (process.env.AAI_PREBUNDLE === "0" || process.env.AAI_DEBUG) return undefined;
  const packages = bundledPackages(specifiers);
  if (packages.length === 0) return undefined;
  try {
    const file = await prebundle(packages);
    usePrebundle(file, packages);
    return file;
  } catch (error) {
    // esbuild's message starts "Build failed with 1 error:"; its first error says which.
    const reason = error?.errors?.[0]?.text ?? String(error?.message ?? error).split("\n")[0];
    process.stderr.write(
      `note: dependency pre-bundle skipped (${reason}); synth loads modules the usual way\n`,
    );
    return undefined;
  }
}
