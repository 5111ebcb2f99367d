import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { RULES } from "../../policies/rules";

/*
 * Each policies/rules/<file>.ts has __tests__/policies/<file>.test.ts, which names every rule of the
 * file: a new rule fails here until its tests (a compliant and a non-compliant case) are written there.
 * This checks names only: that a named case really fails its rule was checked when the cases were
 * written, by making each rule pass everything in turn and watching its rules file's test fail (this
 * file's commit message).
 */

const RULES_DIR = join(__dirname, "../../policies/rules");
const rulesFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts")
  .map((f) => f.replace(/\.ts$/, ""));
/** Whether `source` holds `id` as the start of a string literal ("AAI-SQS-001", "AAI-SQS-001: ..."). */
const names = (source: string, id: string) => new RegExp(`["'\`]${id}(?![\\w-])`).test(source);
/** The ids of the pack's rules defined in policies/rules/<file>.ts (ids are literal there). */
const idsOf = (file: string) => {
  const source = readFileSync(join(RULES_DIR, `${file}.ts`), "utf8");
  return RULES.map((r) => r.id).filter((id) => names(source, id));
};

describe("every policy rule is tested in its rules file's test", () => {
  test("each rule of the pack is defined in exactly one rules file", () => {
    const defined = rulesFiles.flatMap(idsOf);
    expect(defined.sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  test.each(rulesFiles.map((f) => [f, f]))(
    "every rule of policies/rules/%s.ts is named in __tests__/policies/%s.test.ts",
    (file) => {
      const tests = readFileSync(join(__dirname, `${file}.test.ts`), "utf8");
      expect(idsOf(file).filter((id) => !names(tests, id))).toEqual([]);
    },
  );
});
