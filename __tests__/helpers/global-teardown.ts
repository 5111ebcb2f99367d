import { rmSync } from "node:fs";
import { stopTypecheck } from "./global-setup";

/**
 * Stops the background type check if it is still running (a run that ended before typecheck.test.ts
 * waited for it), then removes the run's temp folder (global-setup.ts): the synthesized stacks, the
 * type check's output and every test's scratch files.
 */
export default function globalTeardown(): void {
  stopTypecheck();
  if (process.env.AAI_TEST_RUN_DIR) rmSync(process.env.AAI_TEST_RUN_DIR, { recursive: true, force: true });
}
