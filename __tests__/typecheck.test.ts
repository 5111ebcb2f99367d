import { JOB_WAIT_MS, TYPECHECK, awaitJob } from "./helpers/background";

// The one type check of the project (everything else runs transpile-only): TypeScript 7, incremental,
// with its build info under node_modules/.cache. global-setup.ts starts it in the background when the
// run selects this file; otherwise (a run by changed or related files) it runs here.
test(
  TYPECHECK.testName!,
  async () => {
    const tsc = await awaitJob(TYPECHECK, JOB_WAIT_MS);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  },
  JOB_WAIT_MS + 10_000,
);
