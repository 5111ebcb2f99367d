import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENVIRONMENT_INPUTS } from "../environments";
import { INVALID_CONFIGS } from "./helpers/invalid-configs";

const root = join(__dirname, "..");
let work: string;

beforeAll(() => {
  // Compile once, as `npm run synth` does.
  expect(spawnSync(process.execPath, [join(root, "scripts/build.mjs")], { encoding: "utf8" }).status).toBe(0);
  work = mkdtempSync(join(tmpdir(), "aai-cli-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the compiled app's synthesize() in a child process, as main.ts does. */
function synth(outdir: string, inputs?: Record<string, unknown>, env: Record<string, string> = {}) {
  const script = `require(${JSON.stringify(join(root, "dist/stacks/app.js"))}).synthesize({ outdir: ${JSON.stringify(outdir)}${
    inputs ? `, inputs: JSON.parse(process.env.AAI_TEST_INPUTS)` : ""
  } })`;
  return spawnSync(process.execPath, ["-e", script], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, ...env, AAI_TEST_INPUTS: JSON.stringify(inputs ?? {}) },
  });
}

test("main.ts synthesizes bootstrap, dev, staging and prod", () => {
  const outdir = join(work, "ok.out");
  const run = spawnSync(process.execPath, [join(root, "dist/main.js")], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: outdir },
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["bootstrap", "dev", "prod", "staging"]);
});

describe("an invalid config stops synthesis with one line, exit 1, no stack trace and no cdktf.out", () => {
  // A sample of the matrix in config.test.ts, end to end (each child process costs ~0.5 s).
  const sample = INVALID_CONFIGS.filter((_, i) => i % 4 === 0);
  test.each(sample)("%s", (_name, change, expected) => {
    const prod = structuredClone(ENVIRONMENT_INPUTS.prod);
    change(prod);
    const outdir = join(work, `bad-${_name.replace(/\W+/g, "-")}.out`);
    const run = synth(outdir, { ...ENVIRONMENT_INPUTS, prod });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid config for environment "prod": /);
    expect(lines[0]).toMatch(expected);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(outdir)).toBe(false);
    expect(readdirSync(work).filter((f) => f.includes(".partial-"))).toEqual([]);
  });

  test("unknown environment name", () => {
    const outdir = join(work, "unknown.out");
    const run = synth(outdir, undefined, { AAI_ENVIRONMENTS: "dev,no-such-env" });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('Unknown environment "no-such-env": must be one of dev, staging, prod\n');
    expect(existsSync(outdir)).toBe(false);
  });
});
