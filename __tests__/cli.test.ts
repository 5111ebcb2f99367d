import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENVIRONMENT_INPUTS, ENVIRONMENT_NAMES } from "../environments";
import { setupSynthesis } from "./helpers/global-setup";
import { INVALID_CONFIGS } from "./helpers/invalid-configs";

const root = join(__dirname, "..");
let work: string;

beforeAll(() => {
  // dist/ is compiled once per run by the global setup (__tests__/helpers/global-setup.ts).
  work = mkdtempSync(join(tmpdir(), "aai-cli-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * `npm run synth` on the dist/ global setup compiled (`scripts/synth.mjs --no-build`), in `work`, writing
 * to `outdir`; `command` runs another entry point instead (e.g. a copied app's `dist/main.js`).
 */
function synthMain(
  outdir: string,
  env: Record<string, string> = {},
  command = [join(root, "scripts/synth.mjs"), "--no-build"],
) {
  return spawnSync(process.execPath, command, {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
  });
}

/**
 * The compiled app's main() (as main.ts runs it) with an injected environment registry; `prelude` runs
 * first in the same process.
 */
function synth(
  outdir: string,
  inputs?: Record<string, unknown>,
  env: Record<string, string> = {},
  prelude = "",
) {
  const script = `${prelude}require(${JSON.stringify(join(root, "dist/stacks/app.js"))}).main({ outdir: ${JSON.stringify(outdir)}${
    inputs ? `, inputs: JSON.parse(process.env.AAI_TEST_INPUTS)` : ""
  } })`;
  return spawnSync(process.execPath, ["-e", script], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, ...env, AAI_TEST_INPUTS: JSON.stringify(inputs ?? {}) },
  });
}

/** Exit 1, nothing on stdout, exactly one line on stderr, no stack trace. */
function expectOneLineError(run: ReturnType<typeof spawnSync>, pattern: RegExp) {
  expect(run.status).toBe(1);
  expect(run.stdout).toBe("");
  const lines = String(run.stderr).trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

/** Every file under `dir` with its content, for "nothing changed" checks. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

describe("npm run synth: one line per stack and what to run next", () => {
  // global-setup.ts ran `npm run synth` on the compiled dist/ (scripts/synth.mjs --no-build,
  // CDKTF_OUTDIR=cdktf.out) in the run folder: every test file reads those stacks, and this first test
  // reads what it printed.
  const first = setupSynthesis();
  const outdir = () => join(work, "ok.out");

  test("bootstrap, then every registered environment in promotion order, with its resource count", () => {
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const lines = first.stdout.trimEnd().split("\n");
    const stacks = ["bootstrap", ...ENVIRONMENT_NAMES];
    expect(lines.slice(0, stacks.length)).toEqual(
      stacks.map((s) =>
        expect.stringMatching(new RegExp(`^cdktf\\.out/stacks/${s}/cdk\\.tf\\.json: [1-9]\\d* resources$`)),
      ),
    );
    expect(lines.slice(stacks.length)).toEqual([
      "next: npm test, npm run policy, or terraform -chdir=cdktf.out/stacks/dev init && terraform -chdir=cdktf.out/stacks/dev plan -var image_tag=<tag>",
    ]);
    const count = (s: string) =>
      Object.values<object>(
        JSON.parse(readFileSync(join(first.outdir, "stacks", s, "cdk.tf.json"), "utf8")).resource,
      ).reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(lines[1]).toBe(`cdktf.out/stacks/dev/cdk.tf.json: ${count("dev")} resources`);
    expect(readdirSync(join(first.outdir, "stacks")).sort()).toEqual([...stacks].sort());
  });

  /**
   * A second synth, of dev only (AAI_ENVIRONMENTS), over a copy of the first one's output in which the
   * user ran Terraform in dev and prod and a stack that no longer exists left its directory; run once,
   * read by the next two tests.
   */
  let second: ReturnType<typeof synthMain> | undefined;
  const secondSynth = () => {
    if (second) return second;
    cpSync(first.outdir, outdir(), { recursive: true });
    const dev = join(outdir(), "stacks", "dev");
    mkdirSync(join(dev, ".terraform", "providers"), { recursive: true });
    writeFileSync(join(dev, ".terraform.lock.hcl"), "# lock\n");
    writeFileSync(join(dev, "dev.tfplan"), "plan");
    writeFileSync(join(dev, "cdk.tf.json"), "{}");
    mkdirSync(join(outdir(), "stacks", "prod", ".terraform"), { recursive: true });
    mkdirSync(join(outdir(), "stacks", "zz-gone"), { recursive: true });
    writeFileSync(join(outdir(), "stacks", "zz-gone", "cdk.tf.json"), "{}");
    second = synthMain("ok.out", { AAI_ENVIRONMENTS: "dev" });
    return second;
  };

  test("a second synth keeps .terraform/, the lock file and saved plans, and replaces cdk.tf.json", () => {
    const run = secondSynth();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^ok\.out\/stacks\/dev\/cdk\.tf\.json: \d+ resources \(kept \.terraform, \.terraform\.lock\.hcl, dev\.tfplan\)$/m,
    );
    const dev = join(outdir(), "stacks", "dev");
    expect(readFileSync(join(dev, ".terraform.lock.hcl"), "utf8")).toBe("# lock\n");
    expect(existsSync(join(dev, ".terraform", "providers"))).toBe(true);
    expect(readFileSync(join(dev, "dev.tfplan"), "utf8")).toBe("plan");
    expect(JSON.parse(readFileSync(join(dev, "cdk.tf.json"), "utf8")).resource).toBeDefined();
  });

  test("a stack that is no longer synthesized looks stale nowhere", () => {
    // A directory of a stack that no longer exists goes; a registered one left out (AAI_ENVIRONMENTS)
    // loses its cdk.tf.json but keeps Terraform's files; the manifest names only what was synthesized.
    const run = secondSynth();
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("ok.out/stacks/prod: not synthesized this run, its cdk.tf.json removed\n");
    expect(run.stdout).toContain("ok.out/stacks/zz-gone: removed (no longer a stack of this app)\n");
    expect(existsSync(join(outdir(), "stacks", "zz-gone"))).toBe(false);
    expect(readdirSync(join(outdir(), "stacks", "prod"))).toEqual([".terraform"]);
    expect(existsSync(join(outdir(), "stacks", "staging"))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(outdir(), "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks).sort()).toEqual(["bootstrap", "dev"]);
  });

  test("a failed synth changes nothing in the output directory", () => {
    secondSynth();
    const before = snapshot(outdir());
    const prod = structuredClone(ENVIRONMENT_INPUTS.prod) as any;
    prod.ecs.taskMemory = 3;
    const run = synth(outdir(), { ...ENVIRONMENT_INPUTS, prod });
    expectOneLineError(run, /^Invalid config for environment "prod": ecs\.taskMemory = 3: /);
    expect(snapshot(outdir())).toEqual(before);
    expect(readdirSync(work).filter((f) => f.includes(".partial-"))).toEqual([]);
  });

  test("a throwaway environment in an in-memory registry is synthesized after the others", () => {
    // A registry of dev and the throwaway one: bootstrap, dev, then zz-test, and bootstrap's CI roles
    // follow that registry (the committed one's promotion order is the first test's).
    const staging = structuredClone(ENVIRONMENT_INPUTS.staging) as any;
    const zz = {
      ...staging,
      name: "zz-test",
      network: {
        ...staging.network,
        vpcCidr: "10.99.0.0/16",
        publicSubnetCidrs: ["10.99.1.0/24", "10.99.2.0/24"],
        privateSubnetCidrs: ["10.99.3.0/24", "10.99.4.0/24"],
      },
    };
    const run = synth(join(work, "zz.out"), { dev: ENVIRONMENT_INPUTS.dev, "zz-test": zz });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^.*zz\.out\/stacks\/bootstrap\/cdk\.tf\.json: \d+ resources\n.*zz\.out\/stacks\/dev\/cdk\.tf\.json: \d+ resources\n.*zz\.out\/stacks\/zz-test\/cdk\.tf\.json: \d+ resources\nnext: /,
    );
    const bootstrap = readFileSync(join(work, "zz.out/stacks/bootstrap/cdk.tf.json"), "utf8");
    expect(bootstrap).toContain('"air-applied-ai-ci-zz-test-deploy"');
    expect(bootstrap).not.toContain('"air-applied-ai-ci-staging-deploy"');
  });
});

describe("an invalid config stops synthesis with one line, exit 1, no stack trace and no cdktf.out", () => {
  // End to end, one case per kind of check; config.test.ts runs the whole matrix in process, and main()
  // turns every ConfigError into the same one line. A rule across fields here, a field's own value in
  // "a failed synth changes nothing", the registry in "unknown environment name": each child process
  // costs ~0.5 s.
  const sample = ["min > max"].map((name) => {
    const found = INVALID_CONFIGS.find(([n]) => n === name);
    if (!found) throw new Error(`no invalid config named "${name}" in helpers/invalid-configs.ts`);
    return found;
  });
  test.each(sample)("%s", (_name, change, expected) => {
    const prod = structuredClone(ENVIRONMENT_INPUTS.prod);
    change(prod);
    const outdir = join(work, `bad-${_name.replace(/\W+/g, "-")}.out`);
    const run = synth(outdir, { ...ENVIRONMENT_INPUTS, prod });
    expectOneLineError(run, /^Invalid config for environment "prod": /);
    expect(run.stderr.trimEnd()).toMatch(expected);
    expect(existsSync(outdir)).toBe(false);
    expect(readdirSync(work).filter((f) => f.includes(".partial-"))).toEqual([]);
  });

  test("the config is checked before cdktf or any provider binding loads", () => {
    // A config error answers in the time Node and the schema take, not a synthesis' module loading.
    const prod = structuredClone(ENVIRONMENT_INPUTS.prod) as any;
    prod.ecs.taskMemory = 3;
    const loaded = join(work, "loaded-modules.json");
    const record = `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(Object.keys(require.cache))));`;
    const run = synth(join(work, "early.out"), { ...ENVIRONMENT_INPUTS, prod }, {}, record);
    expectOneLineError(run, /^Invalid config for environment "prod": ecs\.taskMemory = 3: /);
    const modules: string[] = JSON.parse(readFileSync(loaded, "utf8"));
    expect(modules.some((m) => m.includes("/dist/environments/schema.js"))).toBe(true);
    expect(modules.filter((m) => /node_modules\/(cdktf|@cdktf|constructs)\//.test(m))).toEqual([]);
  });

  test("unknown environment name", () => {
    const outdir = join(work, "unknown.out");
    const run = synth(outdir, undefined, { AAI_ENVIRONMENTS: "dev,no-such-env" });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('Unknown environment "no-such-env": must be one of dev, staging, prod\n');
    expect(existsSync(outdir)).toBe(false);
  });
});

test("a construct's validation error (an oversized error page) is one line, exit 1, and writes nothing", () => {
  // A copy of the compiled app whose repository root (package.json) holds a 2 KB error page.
  const app = join(work, "app");
  cpSync(join(root, "dist"), join(app, "dist"), { recursive: true });
  cpSync(join(root, "modules/loadbalancer/pages"), join(app, "modules/loadbalancer/pages"), {
    recursive: true,
  });
  writeFileSync(join(app, "package.json"), "{}");
  symlinkSync(join(root, "node_modules"), join(app, "node_modules"));
  const page = readdirSync(join(app, "modules/loadbalancer/pages")).find((f) => f.endsWith(".html"))!;
  writeFileSync(join(app, "modules/loadbalancer/pages", page), `<html>${"x".repeat(2048)}</html>`);
  // The copy's own main.js: synth.mjs would pre-bundle for the copy's root.
  const run = synthMain("page.out", {}, [join(app, "dist/main.js")]);
  expectOneLineError(
    run,
    new RegExp(`^synth failed: error page .*${page} is \\d+ bytes: must be <= 1024 bytes`),
  );
  expect(existsSync(join(work, "page.out"))).toBe(false);
});

test("AAI_DEBUG=1 adds the stack trace after the one line, for whoever needs it", () => {
  const run = synthMain("debug.out", { AAI_DEBUG: "1", AAI_ENVIRONMENTS: "no-such-env" });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/^Unknown environment "no-such-env": [^\n]+\n\S*Error[^\n]*\n\s+at /);
  expect(existsSync(join(work, "debug.out"))).toBe(false);
});

describe("scripts answer --help with a usage line and report bad input in one line", () => {
  const node = (script: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(root, script), ...args], {
      cwd: work,
      encoding: "utf8",
      env: { ...process.env },
    });
  const bash = (script: string, ...args: string[]) =>
    spawnSync("bash", [join(root, script), ...args], { cwd: work, encoding: "utf8" });

  test.each([
    ["scripts/bench.mjs", node],
    ["scripts/synth.mjs", node],
    ["scripts/provision-grafana.mjs", node],
    ["scripts/docs.mjs", node],
    ["scripts/typecheck.mjs", node],
    ["scripts/addresses.mjs", node],
    ["scripts/ci/environments.mjs", node],
    ["scripts/ci/plan.sh", bash],
    ["scripts/ci/resolve-image-tag.sh", bash],
    ["scripts/ci/cost.sh", bash],
  ] as const)("%s --help", (script, run) => {
    const r = run(script, "--help");
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(/^usage: [^\n]+\n$/);
  });

  test.each([
    ["scripts/bench.mjs", ["--bogus"], node],
    ["scripts/synth.mjs", ["--bogus"], node],
    ["scripts/provision-grafana.mjs", ["--env", "dev"], node],
    ["scripts/provision-grafana.mjs", ["--env", "dev", "--outputs", "/no/such/file.json"], node],
    ["scripts/docs.mjs", ["--bogus"], node],
    ["scripts/typecheck.mjs", ["--bogus"], node],
    ["scripts/ci/environments.mjs", ["--registry", "/no/such/registry.ts"], node],
    ["scripts/ci/plan.sh", [], bash],
    ["scripts/ci/plan.sh", ["no-such-stack"], bash],
    ["scripts/ci/resolve-image-tag.sh", ["/no/such/dir"], bash],
    ["scripts/ci/cost.sh", [], bash],
    ["scripts/ci/cost.sh", ["dev"], bash],
  ] as const)("%s %j: one line on stderr, non-zero exit", (script, args, run) => {
    const r = run(script, ...args);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^[^\n]+\n$/);
  });
});
