import { rmSync } from "node:fs";

/** Removes the stacks global-setup.ts synthesized, so a test run leaves nothing in the temp directory. */
export default function globalTeardown(): void {
  if (process.env.AAI_TEST_STACKS_DIR)
    rmSync(process.env.AAI_TEST_STACKS_DIR, { recursive: true, force: true });
}
