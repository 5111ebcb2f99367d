import { spawnSync } from "node:child_process";

const TSC_INCREMENTAL = ["--incremental", "--tsBuildInfoFile", "node_modules/.cache/tsc/tsbuildinfo"];

// The one type check of the project (everything else runs transpile-only). Incremental, with its build
// info under node_modules/.cache: a run after a small change re-checks only what the change reaches.
test("the whole project type-checks (tsc --noEmit, strict)", () => {
  const tsc = spawnSync(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", ".", ...TSC_INCREMENTAL],
    { encoding: "utf8" },
  );
  expect(tsc.stdout + tsc.stderr).toBe("");
  expect(tsc.status).toBe(0);
});
