import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { setPriority } from "node:os";
import { join, resolve } from "node:path";

/*
 * Commands the global setup starts in the background while it synthesizes (the second core is idle
 * then), for the test files that later read their result. Each job writes its output into
 * `<run dir>/<job>/stdout.txt` and `stderr.txt`, then its exit status into `status.json`; a test waits
 * with awaitJob(). A job runs only when the run selects one of its test files; otherwise awaitJob() runs
 * it in the test.
 */

const root = join(__dirname, "..", "..");
const test = (file: string) => join(root, "__tests__", file);

/** A command run in the background for the test files that read its result. */
export interface BackgroundJob {
  /** Folder name under the run dir, and the AAI_TEST_JOB_<NAME> variable naming that folder. */
  readonly name: string;
  /** Node arguments; `{dir}` is replaced by the job's folder. */
  readonly command: readonly string[];
  /** The test files that wait for it (a run selecting none of them does not start it). */
  readonly testFiles: readonly string[];
  /** The one test that reads it, if one (`-t` patterns that cannot match it skip the job). */
  readonly testName?: string;
}

/** The suite's one type check: `npm run typecheck`'s script (TypeScript 7, incremental). */
export const TYPECHECK: BackgroundJob = {
  name: "typecheck",
  command: [join(root, "scripts", "typecheck.mjs")],
  testFiles: [test("typecheck.test.ts")],
  testName: "the whole project type-checks (tsc --noEmit, strict)",
};

/** ci.yml's checkov input: every stack and every test environment, as the Terraform gate builds them. */
export const STACKS_WITH_FIXTURES: BackgroundJob = {
  name: "stacks-with-fixtures",
  command: [join(root, "scripts", "ci", "synth-with-fixtures.mjs"), "{dir}/out"],
  testFiles: [test("workflows.test.ts"), test("stacks/cluster-fixture.test.ts"), test("prebundle.test.ts")],
};

/** How long a test waits for a job global setup started (they take a few seconds on their own). */
export const JOB_WAIT_MS = 150_000;

/** Every job; the setup starts them once dist/ is compiled (the synthesis runs it). */
export const BACKGROUND_JOBS = [TYPECHECK, STACKS_WITH_FIXTURES] as const;

/** A finished child process: what it printed and how it ended. */
export interface Finished {
  /** Exit code; null when a signal ended it. */
  readonly status: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How a spawnSync'd child ended and what it printed. */
export const finished = (run: SpawnSyncReturns<string>): Finished => ({
  status: run.status,
  signal: run.signal,
  stdout: run.stdout,
  stderr: run.stderr,
});

/** A job's result: how it ended, and its folder (its own output, e.g. `<dir>/out`). */
export interface JobResult extends Finished {
  readonly dir: string;
}

/** The options of jest's GlobalConfig (its first argument to globalSetup) that select test files. */
export interface TestSelection {
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
 * Whether this run will run one of the job's test files (cheaply, from jest's options): any doubt says
 * yes; a run that selects tests by changed or related files says no, and the test runs the job itself.
 */
export function jobSelected(job: BackgroundJob, config: TestSelection): boolean {
  if (config.onlyChanged || config.findRelatedTests || config.listTests) return false;
  if (config.runTestsByPath)
    return (config.nonFlagArgs ?? []).some((p) => job.testFiles.includes(resolve(p)));
  if (job.testName && config.testNamePattern && !new RegExp(config.testNamePattern, "i").test(job.testName))
    return false;
  const patterns = config.testPathPatterns;
  if (!patterns?.toExecutor) return true;
  const matcher = patterns.toExecutor({ rootDir: root });
  return job.testFiles.some((file) => matcher.isMatch(file));
}

const envName = (job: BackgroundJob) => `AAI_TEST_JOB_${job.name.toUpperCase().replace(/\W/g, "_")}`;
const commandIn = (job: BackgroundJob, dir: string) => job.command.map((a) => a.replace("{dir}", dir));
/** Started jobs, held for global-teardown.ts (the same process as the setup). */
const running = ((globalThis as { aaiJobs?: ChildProcess[] }).aaiJobs ??= []);

/** Starts `job` in the background with its folder under `runDir`, at lower priority. */
export function startJob(job: BackgroundJob, runDir: string): void {
  const dir = join(runDir, job.name);
  mkdirSync(dir);
  const stdout = openSync(join(dir, "stdout.txt"), "w");
  const stderr = openSync(join(dir, "stderr.txt"), "w");
  const child = spawn(process.execPath, commandIn(job, dir), {
    cwd: root,
    stdio: ["ignore", stdout, stderr],
    detached: true, // its own process group, so stopJobs() reaches every process under it
  });
  closeSync(stdout);
  closeSync(stderr);
  // Lower priority: it takes the core the setup leaves idle without slowing the setup or the tests.
  try {
    if (child.pid) setPriority(child.pid, 10);
  } catch {
    // already gone (its status says why) or not allowed here: it runs at normal priority
  }
  child.on("exit", (status, signal) => {
    if (!existsSync(dir)) return; // stopped by global-teardown.ts, which removed the run folder
    writeFileSync(join(dir, "status.partial"), JSON.stringify({ status, signal }));
    renameSync(join(dir, "status.partial"), join(dir, "status.json"));
  });
  // Never outlives jest: global-teardown.ts stops it, and so does any other way out of this process.
  child.unref();
  running.push(child);
  process.off("exit", stopJobs); // one listener, however many jobs run
  process.once("exit", stopJobs);
  process.env[envName(job)] = dir;
}

/** Stops every job still running, with every process under it (each leads its own process group). */
export function stopJobs(): void {
  for (const child of running) {
    if (!child.pid || child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

/** Forgets the jobs of an earlier run in this process (jest --watch runs the setup again). */
export function resetJobs(): void {
  for (const job of BACKGROUND_JOBS) delete process.env[envName(job)];
}

/**
 * The result of `job`: waits (at most `timeoutMs`) for the run the global setup started, or, when it
 * started none (the run did not select the job's files), runs it here in a fresh temp folder.
 */
export async function awaitJob(job: BackgroundJob, timeoutMs: number): Promise<JobResult> {
  const dir = process.env[envName(job)];
  if (!dir) {
    const own = join(process.env.AAI_TEST_RUN_DIR ?? root, `${job.name}-${process.pid}`);
    mkdirSync(own, { recursive: true });
    const run = spawnSync(process.execPath, commandIn(job, own), { cwd: root, encoding: "utf8" });
    return { ...finished(run), dir: own };
  }
  const status = join(dir, "status.json");
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(status)) {
    if (Date.now() > deadline)
      throw new Error(
        `${job.name}, started by global-setup.ts, did not finish within ${timeoutMs / 1000} s; its output so far:\n${read("stdout.txt")}${read("stderr.txt")}`,
      );
    await new Promise((done) => setTimeout(done, 100));
  }
  const { status: code, signal } = JSON.parse(read("status.json"));
  return { status: code, signal, stdout: read("stdout.txt"), stderr: read("stderr.txt"), dir };
}
