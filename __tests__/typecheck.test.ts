import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { TYPECHECK_COMMAND, TYPECHECK_TEST_NAME, setupTypecheck } from "./helpers/global-setup";

/** How long the test waits for the type check global setup started (a cold one takes 5-8 s alone). */
const WAIT_MS = 150_000;

// The one type check of the project (everything else runs transpile-only). Incremental, with its build
// info under node_modules/.cache: a run after a small change re-checks only what the change reaches.
// global-setup.ts starts it in the background when the run selects this file; otherwise (a run by
// changed or related files) it runs here.
test(
  TYPECHECK_TEST_NAME,
  async () => {
    const tsc =
      (await setupTypecheck(WAIT_MS)) ??
      spawnSync(process.execPath, TYPECHECK_COMMAND, { cwd: join(__dirname, ".."), encoding: "utf8" });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  },
  WAIT_MS + 10_000,
);
