import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeTo } from "./synth";

/**
 * Once per jest run, before the workers start:
 * - points TMPDIR at one fresh folder for the run, which global-teardown.ts removes: cdktf's Testing
 *   helpers make a `cdktf.outdir.*` folder per synthesis and never remove it (about a hundred per run),
 *   and the CLI tests' child processes write there too;
 * - compiles dist/ (the tests that run the compiled app and CLIs need it; compiling in each of them let
 *   one worker delete dist/ under another);
 * - synthesizes bootstrap and every environment; each test file's synthAll() then reads that JSON
 *   instead of synthesizing again.
 */
export default function globalSetup(): void {
  const runDir = mkdtempSync(join(tmpdir(), "aai-jest-"));
  process.env.AAI_TEST_RUN_DIR = runDir;
  process.env.TMPDIR = runDir;
  const build = spawnSync(process.execPath, [join(__dirname, "..", "..", "scripts", "build.mjs")], {
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed: ${build.stderr}`);
  const dir = join(runDir, "stacks");
  mkdirSync(dir);
  synthesizeTo(dir);
  process.env.AAI_TEST_STACKS_DIR = dir;
}
