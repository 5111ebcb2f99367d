import { rmSync } from "node:fs";

/** Removes the run's temp folder (global-setup.ts): the synthesized stacks and every test's scratch files. */
export default function globalTeardown(): void {
  if (process.env.AAI_TEST_RUN_DIR) rmSync(process.env.AAI_TEST_RUN_DIR, { recursive: true, force: true });
}
