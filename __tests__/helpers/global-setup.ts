import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BACKGROUND_JOBS,
  type Finished,
  type TestSelection,
  finished,
  jobSelected,
  resetJobs,
  startJob,
} from "./background";

const root = join(__dirname, "..", "..");

/** `npm run synth` as the global setup ran it: in the run folder, CDKTF_OUTDIR=cdktf.out. */
export interface SetupSynthesis extends Finished {
  /** The folder it ran in (its output names `cdktf.out/stacks/...` relative to it). */
  readonly cwd: string;
  /** `<cwd>/cdktf.out`, which AAI_TEST_STACKS_DIR names (tools/tfjson.ts readSynthesizedStacks reads it). */
  readonly outdir: string;
}

const SYNTH_RUN = "npm-run-synth.json";

/** The run of `npm run synth`'s app that global setup made; its output is what every test file reads. */
export function setupSynthesis(): SetupSynthesis {
  const runDir = process.env.AAI_TEST_RUN_DIR;
  if (!runDir) throw new Error("AAI_TEST_RUN_DIR is not set: run the tests with jest (global-setup.ts)");
  return JSON.parse(readFileSync(join(runDir, SYNTH_RUN), "utf8"));
}

/**
 * Once per jest run, before the workers start:
 * - points TMPDIR at one fresh folder for the run, which global-teardown.ts removes: cdktf's Testing
 *   helpers make a `cdktf.outdir.*` folder per synthesis and never remove it (about a hundred per run),
 *   and the CLI tests' child processes write there too;
 * - compiles dist/ (the tests of the compiled app and CLIs need it);
 * - starts the background jobs (background.ts: the type check, the stacks with the test environments)
 *   the run's test files will read;
 * - runs `npm run synth` on that dist/ (`node scripts/synth.mjs --no-build`: the app with the CDKTF
 *   libraries from the dependency pre-bundle, scripts/prebundle.mjs) in the run folder, writing
 *   cdktf.out/ there, and keeps what it printed (cli.test.ts checks that output); each test file's
 *   synthAll() reads the stacks (AAI_TEST_STACKS_DIR) instead of synthesizing again. prebundle.test.ts
 *   checks that they equal, byte for byte, the gate's synthesis (the STACKS_WITH_FIXTURES job), which
 *   loads modules file by file.
 */
export default function globalSetup(config: TestSelection): void {
  const runDir = mkdtempSync(join(tmpdir(), "aai-jest-"));
  process.env.AAI_TEST_RUN_DIR = runDir;
  process.env.TMPDIR = runDir;
  resetJobs();
  const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed: ${build.stderr}`);
  for (const job of BACKGROUND_JOBS) if (jobSelected(job, config)) startJob(job, runDir);

  // Every registered environment, whatever the caller's shell selects.
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: "cdktf.out" };
  delete env.AAI_ENVIRONMENTS;
  delete env.AAI_DEBUG;
  delete env.AAI_PREBUNDLE;
  const synth = spawnSync(process.execPath, [join(root, "scripts", "synth.mjs"), "--no-build"], {
    cwd: runDir,
    env,
    encoding: "utf8",
  });
  const run: SetupSynthesis = { ...finished(synth), cwd: runDir, outdir: join(runDir, "cdktf.out") };
  writeFileSync(join(runDir, SYNTH_RUN), JSON.stringify(run));
  if (synth.status !== 0) throw new Error(`node scripts/synth.mjs --no-build failed: ${synth.stderr}`);
  process.env.AAI_TEST_STACKS_DIR = run.outdir;
}
