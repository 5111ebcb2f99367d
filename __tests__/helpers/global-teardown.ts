import { rmSync } from "node:fs";
import { stopJobs } from "./background";

/**
 * Stops the background jobs still running (a run that ended before their tests waited for them), then
 * removes the run's temp folder (global-setup.ts): the synthesized stacks, the jobs' output and every
 * test's scratch files.
 */
export default function globalTeardown(): void {
  stopJobs();
  if (process.env.AAI_TEST_RUN_DIR) rmSync(process.env.AAI_TEST_RUN_DIR, { recursive: true, force: true });
}
