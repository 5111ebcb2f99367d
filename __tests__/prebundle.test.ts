import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENVIRONMENT_NAMES } from "../environments";
import { JOB_WAIT_MS, STACKS_WITH_FIXTURES, awaitJob } from "./helpers/background";
import { setupSynthesis } from "./helpers/global-setup";

/**
 * The dependency pre-bundle of `npm run synth` (scripts/prebundle.mjs): the CDKTF libraries the compiled
 * app requires, bundled once per dependency set and loaded from the bundle instead of file by file. The
 * global setup's synthesis, which every test file reads, runs through it; these tests pin that it
 * changes nothing but the loading.
 */
const root = join(__dirname, "..");
const script = (name: string) => JSON.stringify(join(root, "scripts", name));
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "aai-prebundle-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs an ES module body in a child Node (the scripts are .mjs); its stdout is one JSON value. */
function runModule(body: string, env: Record<string, string | undefined> = {}) {
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", body], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, AAI_PREBUNDLE: undefined, AAI_DEBUG: undefined, ...env },
  });
  if (run.status !== 0) throw new Error(`child failed (exit ${run.status}): ${run.stderr}`);
  return { value: JSON.parse(run.stdout), stderr: run.stderr };
}

describe("which packages go into the bundle", () => {
  test("GIVEN swc's CommonJS output WHEN its requires are listed THEN only the CDKTF libraries are bundled", () => {
    const compiled = [
      'const _cdktf = require("cdktf");',
      'const _vpc = require("@cdktf/provider-aws/lib/vpc");',
      'const _constructs = require("constructs");',
      'const _local = require("./local");',
      'const _up = require("../lib/naming");',
      'const _fs = require("node:fs");',
      'const _zod = require("zod");',
      'const _cli = require("cdktf-cli");',
      'const _terrain = require("@cdktn/provider-aws/lib/vpc");',
      'const _again = require("cdktf");',
    ].join("\n");
    const { value } = runModule(`
      import { packageRequires } from ${script("build.mjs")};
      import { bundledPackages } from ${script("prebundle.mjs")};
      const requires = packageRequires(${JSON.stringify(compiled)});
      console.log(JSON.stringify({ requires, bundled: bundledPackages(requires) }));
    `);
    expect(value.requires).toEqual([
      "cdktf",
      "@cdktf/provider-aws/lib/vpc",
      "constructs",
      "zod",
      "cdktf-cli",
      "@cdktn/provider-aws/lib/vpc",
      "cdktf",
    ]);
    // zod stays outside, so a config error never loads the bundle.
    expect(value.bundled).toEqual([
      "@cdktf/provider-aws/lib/vpc",
      "@cdktn/provider-aws/lib/vpc",
      "cdktf",
      "constructs",
    ]);
  });
});

describe("the bundle cache", () => {
  test("GIVEN a package set WHEN it is pre-bundled twice and then changed THEN it is built once and replaced", () => {
    const { value } = runModule(`
      import { existsSync, statSync } from "node:fs";
      import { createRequire } from "node:module";
      import { prebundle } from ${script("prebundle.mjs")};
      const cacheDir = ${JSON.stringify(join(work, "cache"))};
      const first = await prebundle(["constructs"], { cacheDir });
      const built = statSync(first).mtimeMs;
      const again = await prebundle(["constructs"], { cacheDir });
      const reused = again === first && statSync(again).mtimeMs === built;
      const changed = await prebundle(["constructs", "zod"], { cacheDir });
      const bundle = createRequire(import.meta.url)(changed);
      console.log(JSON.stringify({
        reused,
        replaced: changed !== first && !existsSync(first) && existsSync(changed),
        exports: [typeof bundle.constructs.Construct, typeof bundle.zod.object],
      }));
    `);
    expect(value).toEqual({ reused: true, replaced: true, exports: ["function", "function"] });
  });
});

describe("cdktf through the bundle", () => {
  test("GIVEN an ARCHIVE asset WHEN its stack synthesizes through the bundle THEN cdktf still writes the zip", () => {
    const source = join(work, "asset-source");
    const { value } = runModule(`
      import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
      import { createRequire } from "node:module";
      import { join } from "node:path";
      import { distPackageRequires } from ${script("build.mjs")};
      import { bundledPackages, prebundle } from ${script("prebundle.mjs")};
      // The app's own bundle (global setup built it): cdktf as npm run synth loads it.
      const bundle = createRequire(import.meta.url)(await prebundle(bundledPackages(distPackageRequires())));
      const { App, AssetType, TerraformAsset, TerraformStack } = bundle.cdktf;
      mkdirSync(${JSON.stringify(source)}, { recursive: true });
      writeFileSync(join(${JSON.stringify(source)}, "handler.py"), "def handler(event, context):\\n    return 1\\n");
      const app = new App({ outdir: "asset.out" });
      const asset = new TerraformAsset(new TerraformStack(app, "assets"), "code", {
        path: ${JSON.stringify(source)},
        type: AssetType.ARCHIVE,
      });
      app.synth();
      const dir = join("asset.out", "stacks", "assets", "assets");
      const zips = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(".zip"));
      console.log(JSON.stringify({
        fileName: asset.fileName,
        zips: zips.map((f) => readFileSync(join(dir, String(f))).subarray(0, 2).toString()),
      }));
    `);
    expect(value.fileName).toMatch(/\.zip$/);
    // One zip, and a real one (a zip starts with "PK").
    expect(value.zips).toEqual(["PK"]);
  });

  test("GIVEN cdktf's asset zipper WHEN it is bundled THEN the line that loads archiver at once is still there to defer", () => {
    // If a cdktf release rewrites it, the bundle stays correct but loads archiver eagerly again.
    const { value } = runModule(`
      import { EAGER_ARCHIVER } from ${script("prebundle.mjs")};
      console.log(JSON.stringify(EAGER_ARCHIVER));
    `);
    expect(readFileSync(join(root, "node_modules/cdktf/lib/private/fs.js"), "utf8")).toContain(value);
  });
});

describe("npm run synth through the bundle", () => {
  test(
    "GIVEN the setup's synthesis (through the bundle) WHEN the gate's synthesis loads modules file by file THEN every stack is byte-identical",
    async () => {
      const setup = setupSynthesis();
      // No "pre-bundle skipped" note: the setup really loaded the bundle.
      expect([setup.status, setup.stderr]).toEqual([0, ""]);
      // scripts/ci/synth-with-fixtures.mjs: the same stacks (plus the test environments) built from
      // dist/ with plain requires, which global setup runs in the background.
      const plain = await awaitJob(STACKS_WITH_FIXTURES, JOB_WAIT_MS);
      expect(plain.status).toBe(0);
      const stacks = Object.keys(
        JSON.parse(readFileSync(join(setup.outdir, "manifest.json"), "utf8")).stacks,
      );
      expect(stacks.sort()).toEqual(["bootstrap", ...ENVIRONMENT_NAMES].sort());
      const file = (outdir: string, stack: string) =>
        readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
      for (const stack of stacks)
        expect([stack, file(setup.outdir, stack)]).toEqual([stack, file(join(plain.dir, "out"), stack)]);
    },
    JOB_WAIT_MS + 10_000,
  );

  test("GIVEN the bundle in use WHEN a config is rejected and then dev synthesizes THEN the bundle loads only for the synth and no CDKTF file is read from disk", () => {
    const { value } = runModule(`
      import { createRequire } from "node:module";
      import { distPackageRequires } from ${script("build.mjs")};
      import { bundledPackages, prebundle, usePrebundle } from ${script("prebundle.mjs")};
      const packages = bundledPackages(distPackageRequires());
      const file = await prebundle(packages);
      usePrebundle(file, packages);
      const require = createRequire(${JSON.stringify(join(root, "dist", "main.js"))});
      const loaded = () => Object.keys(require.cache).includes(file);
      const app = require("./stacks/app.js");
      let rejected = "";
      try { app.synthesize({ outdir: "rejected.out", environments: ["no-such-env"] }); }
      catch (error) { rejected = error.message; }
      const bundleAfterRejected = loaded();
      const result = app.synthesize({ outdir: "dev.out", environments: ["dev"] });
      const fromDisk = Object.keys(require.cache).filter(
        (k) => /[\\\\/]node_modules[\\\\/](cdktf|constructs|@cdktf)[\\\\/]/.test(k) &&
          !Object.getOwnPropertyDescriptor(require.cache, k).get,
      );
      console.log(JSON.stringify({
        packages: packages.length, rejected, bundleAfterRejected, bundleAfterSynth: loaded(),
        stacks: result.stacks.map((s) => s.name), fromDisk,
      }));
    `);
    expect(value.packages).toBeGreaterThan(50);
    expect(value.rejected).toMatch(/no-such-env/);
    expect(value.bundleAfterRejected).toBe(false);
    expect(value.bundleAfterSynth).toBe(true);
    expect(value.stacks).toEqual(["bootstrap", "dev"]);
    expect(value.fromDisk).toEqual([]);
  });

  test("GIVEN AAI_PREBUNDLE=0, AAI_DEBUG or a bundle that cannot be built WHEN synth starts THEN modules load the usual way, the failure in one note line", () => {
    // One child, its environment changed between the calls; only the failed build may print.
    const { value, stderr } = runModule(`
      import { preloadDependencies } from ${script("prebundle.mjs")};
      process.env.AAI_PREBUNDLE = "0";
      const off = await preloadDependencies(["constructs"]);
      delete process.env.AAI_PREBUNDLE;
      process.env.AAI_DEBUG = "1";
      const debug = await preloadDependencies(["constructs"]);
      delete process.env.AAI_DEBUG;
      const failed = await preloadDependencies(["@cdktf/no-such-package"]);
      console.log(JSON.stringify([off ?? null, debug ?? null, failed ?? null]));
    `);
    expect(value).toEqual([null, null, null]);
    expect(stderr).toMatch(
      /^note: dependency pre-bundle skipped \([^\n]*no-such-package[^\n]*\); synth loads modules the usual way\n$/,
    );
  });
});
