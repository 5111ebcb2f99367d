import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { setPriority, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = join(__dirname, "..", "..");

/** What the suite's one type check runs (__tests__/typecheck.test.ts): `npm run typecheck`'s script. */
export const TYPECHECK_COMMAND = [join(root, "scripts", "typecheck.mjs")];
/** The type check's test (typecheck.test.ts), by which a run that selects it is recognized. */
export const TYPECHECK_TEST = join(root, "__tests__", "typecheck.test.ts");
export const TYPECHECK_TEST_NAME = "the whole project type-checks (tsc --noEmit, strict)";

/** A finished child process: what it printed and how it ended. */
export interface Finished {
  /** Exit code; null when a signal ended it. */
  readonly status: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run synth` as the global setup ran it: in the run folder, CDKTF_OUTDIR=cdktf.out. */
export interface SetupSynthesis extends Finished {
  /** The folder it ran in (its output names `cdktf.out/stacks/...` relative to it). */
  readonly cwd: string;
  /** `<cwd>/cdktf.out`, which AAI_TEST_STACKS_DIR names (tools/tfjson.ts readSynthesizedStacks reads it). */
  readonly outdir: string;
}

const SYNTH_RUN = "npm-run-synth.json";
const TYPECHECK_DIR = "typecheck";

/** The run of `npm run synth` (scripts/synth.mjs) that global setup made; its output is what every test file reads. */
export function setupSynthesis(): SetupSynthesis {
  const runDir = process.env.AAI_TEST_RUN_DIR;
  if (!runDir) throw new Error("AAI_TEST_RUN_DIR is not set: run the tests with jest (global-setup.ts)");
  return JSON.parse(readFileSync(join(runDir, SYNTH_RUN), "utf8"));
}

/**
 * The type check global setup started in the background (null when this run did not select
 * typecheck.test.ts, see typecheckSelected); waits for it to finish, at most `timeoutMs`.
 */
export async function setupTypecheck(timeoutMs: number): Promise<Finished | null> {
  const dir = process.env.AAI_TEST_TYPECHECK_DIR;
  if (!dir) return null;
  const status = join(dir, "status.json");
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(status)) {
    if (Date.now() > deadline) {
      const output = readFileSync(join(dir, "output.txt"), "utf8");
      throw new Error(
        `the type check started by global-setup.ts did not finish within ${timeoutMs / 1000} s; its output so far:\n${output}`,
      );
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  const { status: code, signal } = JSON.parse(readFileSync(status, "utf8"));
  return { status: code, signal, stdout: readFileSync(join(dir, "output.txt"), "utf8"), stderr: "" };
}

/** Held for global-teardown.ts (same process): a type check still running at the end is stopped. */
function runningTypecheck(): ChildProcess | undefined {
  return (globalThis as { aaiTypecheck?: ChildProcess }).aaiTypecheck;
}

/**
 * Stops the background type check if it still runs, with every process under it (the script, the
 * tsc wrapper and the native compiler share the process group it leads).
 */
export function stopTypecheck(): void {
  const tsc = runningTypecheck();
  if (!tsc?.pid || tsc.exitCode !== null || tsc.signalCode !== null) return;
  try {
    process.kill(-tsc.pid, "SIGTERM");
  } catch {
    // already gone
  }
}

/** The options of jest's GlobalConfig (its first argument to globalSetup) that select test files. */
interface TestSelection {
  readonly onlyChanged?: boolean;
  readonly findRelatedTests?: boolean;
  readonly listTests?: boolean;
  readonly runTestsByPath?: boolean;
  readonly nonFlagArgs?: readonly string[];
  readonly testNamePattern?: string;
  /** jest 30: the path patterns of the command line, matched against each test file's absolute path. */
  readonly testPathPatterns?: {
    toExecutor?(options: { rootDir: string }): { isMatch(path: string): boolean };
  };
}

/**
 * Whether this run will run typecheck.test.ts (cheaply, from jest's options): any doubt says yes; a
 * run that selects tests by changed or related files says no, and the test then type-checks on its own.
 */
function typecheckSelected(config: TestSelection): boolean {
  if (config.onlyChanged || config.findRelatedTests || config.listTests) return false;
  if (config.runTestsByPath) return (config.nonFlagArgs ?? []).some((p) => resolve(p) === TYPECHECK_TEST);
  if (config.testNamePattern && !new RegExp(config.testNamePattern, "i").test(TYPECHECK_TEST_NAME))
    return false;
  const patterns = config.testPathPatterns;
  return !patterns?.toExecutor || patterns.toExecutor({ rootDir: root }).isMatch(TYPECHECK_TEST);
}

/**
 * Starts the type check in the background (the second core is idle while the setup builds and
 * synthesizes); it writes its output to `<dir>/output.txt`, then its exit status to `<dir>/status.json`.
 */
function startTypecheck(dir: string): void {
  mkdirSync(dir);
  const output = openSync(join(dir, "output.txt"), "w");
  const tsc = spawn(process.execPath, TYPECHECK_COMMAND, {
    cwd: root,
    stdio: ["ignore", output, output],
    detached: true, // its own process group, so stopTypecheck() reaches the compiler under it
  });
  closeSync(output);
  // Lower priority: it takes the core the setup leaves idle, but neither slows the setup's build and
  // synthesis nor the tests once they run (typecheck.test.ts waiting for it frees a core for it).
  try {
    if (tsc.pid) setPriority(tsc.pid, 10);
  } catch {
    // already gone (its status says why) or not allowed here: it runs at normal priority
  }
  tsc.on("exit", (status, signal) => {
    if (!existsSync(dir)) return; // stopped by global-teardown.ts, which removed the run folder
    writeFileSync(join(dir, "status.partial"), JSON.stringify({ status, signal }));
    renameSync(join(dir, "status.partial"), join(dir, "status.json"));
  });
  // Never outlives jest: global-teardown.ts stops it, and so does any other way out of this process.
  tsc.unref();
  (globalThis as { aaiTypecheck?: ChildProcess }).aaiTypecheck = tsc;
  process.once("exit", stopTypecheck);
  tsc.once("exit", () => process.off("exit", stopTypecheck));
  process.env.AAI_TEST_TYPECHECK_DIR = dir;
}

/**
 * Once per jest run, before the workers start:
 * - points TMPDIR at one fresh folder for the run, which global-teardown.ts removes: cdktf's Testing
 *   helpers make a `cdktf.outdir.*` folder per synthesis and never remove it (about a hundred per run),
 *   and the CLI tests' child processes write there too;
 * - starts the type check in the background when the run selects typecheck.test.ts, which waits for it;
 * - runs `npm run synth` (scripts/synth.mjs: compiles dist/, which the tests of the compiled app and
 *   CLIs need, then synthesizes) in the run folder, writing cdktf.out/ there, and keeps what it printed
 *   (cli.test.ts checks that output); each test file's synthAll() reads the stacks
 *   (AAI_TEST_STACKS_DIR) instead of synthesizing again.
 */
export default function globalSetup(config: TestSelection): void {
  const runDir = mkdtempSync(join(tmpdir(), "aai-jest-"));
  process.env.AAI_TEST_RUN_DIR = runDir;
  process.env.TMPDIR = runDir;
  delete process.env.AAI_TEST_TYPECHECK_DIR;
  if (typecheckSelected(config)) startTypecheck(join(runDir, TYPECHECK_DIR));
  // `npm run synth` (compile + synth in one process), every registered environment whatever the
  // caller's shell selects.
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: "cdktf.out" };
  delete env.AAI_ENVIRONMENTS;
  delete env.AAI_DEBUG;
  const synth = spawnSync(process.execPath, [join(root, "scripts", "synth.mjs")], {
    cwd: runDir,
    env,
    encoding: "utf8",
  });
  const run: SetupSynthesis = {
    status: synth.status,
    signal: synth.signal,
    stdout: synth.stdout,
    stderr: synth.stderr,
    cwd: runDir,
    outdir: join(runDir, "cdktf.out"),
  };
  writeFileSync(join(runDir, SYNTH_RUN), JSON.stringify(run));
  if (synth.status !== 0) throw new Error(`scripts/synth.mjs failed: ${synth.stderr}`);
  process.env.AAI_TEST_STACKS_DIR = run.outdir;
}
