import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeTo } from "./synth";

/**
 * Synthesizes bootstrap, dev, staging and prod once per jest run, before the workers start; each test
 * file's synthAll() then reads that JSON instead of synthesizing again (global-teardown.ts removes it).
 */
export default function globalSetup(): void {
  const dir = mkdtempSync(join(tmpdir(), "aai-jest-stacks-"));
  synthesizeTo(dir);
  process.env.AAI_TEST_STACKS_DIR = dir;
}
