import { readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

/** Every TypeScript file under __tests__/ (helpers included). */
function testSources(dir = __dirname): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return testSources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** The `x as y` specifiers of every import from __tests__/helpers/ in a source text. */
function renamedHelperImports(source: string): string[] {
  return [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"(?:\.{1,2}\/)+helpers\/[\w-]+"/g)]
    .flatMap((m) => m[1].split(","))
    .map((s) => s.trim())
    .filter((s) => /\sas\s/.test(s));
}

// One vocabulary (design-seams change 7): a helper means the same thing in every file, so no file
// imports one under another name (`scopeResource as byPath` once made `byPath` mean two functions).
describe("test helpers keep their names", () => {
  test.each(testSources().map((path) => [relative(__dirname, path), path]))(
    "%s imports helpers under their own names",
    (_, path) => expect(renamedHelperImports(readFileSync(path, "utf8"))).toEqual([]),
  );

  test("a renamed import is found", () => {
    // Assembled, so this file's own text holds no renamed import.
    const source = [
      "import {",
      "  stackResource as byPath,",
      "  synthAll,",
      "} from " + '"../helpers/synth";',
    ].join("\n");
    expect(renamedHelperImports(source)).toEqual(["stackResource as byPath"]);
  });
});

// A run leaves nothing in the system temp folder: global-setup.ts points TMPDIR at one folder per run
// (cdktf's Testing helpers never remove their cdktf.outdir.* folders) and global-teardown.ts removes it.
describe("scratch files stay in the run's own temp folder", () => {
  test("os.tmpdir() in a test is the run folder that global teardown removes", () => {
    expect(process.env.AAI_TEST_RUN_DIR).toBeTruthy();
    expect(tmpdir()).toBe(process.env.AAI_TEST_RUN_DIR);
  });
});
