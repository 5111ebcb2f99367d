import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvironments } from "../environments";
import {
  ENV_TABLE_END,
  ENV_TABLE_START,
  envTableBlock,
  extractEnvTable,
  renderEnvTable,
  replaceEnvTable,
} from "../tools/env-table";

/** The environment comparison in docs/environments.md is generated from the configs, never edited. */
const DOC = join(__dirname, "..", "docs", "environments.md");

describe("docs/environments.md", () => {
  test("the committed environment table matches environments/*.ts", () => {
    const committed = extractEnvTable(readFileSync(DOC, "utf8"));
    if (committed !== envTableBlock(loadEnvironments())) {
      throw new Error(
        "docs/environments.md: the environment table is out of date (or its markers are missing). " +
          "Run `npm run docs` and commit the result.",
      );
    }
  });
});

describe("renderEnvTable", () => {
  const configs = loadEnvironments();

  test("has one column per registered environment, in registry order", () => {
    const header = renderEnvTable(configs).split("\n")[0];
    expect(header.split("|").length - 3).toBe(configs.length);
    for (const c of configs) expect(header).toContain(c.name);
  });

  test("reads the values from the configs, not from literals", () => {
    const [first] = configs;
    const changed = structuredClone(first);
    changed.ecs.maxCapacity = 987;
    changed.budget.monthlyLimitUsd = 12345;
    const table = renderEnvTable([changed]);
    expect(table).toContain(`| ECS tasks min..max | ${first.ecs.minCapacity}..987 |`);
    expect(table).toContain("$12,345");
  });

  test("an environment added to the registry gets its own column", () => {
    const extra = { ...structuredClone(configs[0]), name: "qa" } as unknown as (typeof configs)[number];
    const table = renderEnvTable([...configs, extra]);
    expect(table.split("\n")[0]).toMatch(/\| qa \|$/);
    for (const row of table.split("\n")) expect(row.split("|").length).toBe(configs.length + 4);
  });

  test("replaceEnvTable swaps only the marked block; missing markers throw", () => {
    const doc = `intro\n${ENV_TABLE_START}\nold\n${ENV_TABLE_END}\noutro\n`;
    const updated = replaceEnvTable(doc, envTableBlock(configs));
    expect(updated.startsWith("intro\n")).toBe(true);
    expect(updated.endsWith("\noutro\n")).toBe(true);
    expect(extractEnvTable(updated)).toBe(envTableBlock(configs));
    expect(() => replaceEnvTable("no markers", "x")).toThrow(/BEGIN ENV TABLE/);
  });
});
