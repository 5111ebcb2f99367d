import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeTo } from "./synth";

/**
 * Once per jest run, before the workers start: compiles dist/ (the tests that run the compiled app and
 * CLIs need it; compiling in each of them let one worker delete dist/ under another), and synthesizes
 * bootstrap, dev, staging and prod; each test file's synthAll() then reads that JSON instead of
 * synthesizing again (global-teardown.ts removes it).
 */
export default function globalSetup(): void {
  const build = spawnSync(process.execPath, [join(__dirname, "..", "..", "scripts", "build.mjs")], {
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed: ${build.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), "aai-jest-stacks-"));
  synthesizeTo(dir);
  process.env.AAI_TEST_STACKS_DIR = dir;
}
