import { spawnSync } from "node:child_process";

// The one type check of the project (everything else runs transpile-only).
test("the whole project type-checks (tsc --noEmit, strict)", () => {
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", "."], {
    encoding: "utf8",
  });
  expect(tsc.stdout + tsc.stderr).toBe("");
  expect(tsc.status).toBe(0);
});
