import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  NOT_APPLICABLE,
  type Rule,
  type Waiver,
  evaluate,
  toStackDoc,
  waiverProblems,
} from "../../policies/engine";
import { formatReport, summarize, unusedWaivers } from "../../policies/report";
import { RULES } from "../../policies/rules";
import { albRules } from "../../policies/rules/alb";
import { synthAll } from "../helpers/synth";

const at = (path: string) => ({ "//": { metadata: { path } } });

/** A rule over buckets: not applicable to unversioned ones, one finding per missing tag on the others. */
const TAGS: Rule = {
  id: "TEST-001",
  description: "Versioned buckets carry Owner and Team tags",
  severity: "LOW",
  fix: "Tag the bucket.",
  resourceTypes: ["aws_s3_bucket"],
  check: (b) =>
    b.values.versioned !== true
      ? NOT_APPLICABLE
      : ["Owner", "Team"].filter((t) => !b.values.tags?.[t]).map((t) => `tag ${t} is missing`),
};

const stack = toStackDoc("prod", {
  resource: {
    aws_s3_bucket: {
      plain: { ...at("prod/plain/bucket") },
      tagged: { ...at("prod/tagged/bucket"), versioned: true, tags: { Owner: "a", Team: "b" } },
      bare: { ...at("prod/bare/bucket"), versioned: true },
    },
  },
});

describe("NOT_APPLICABLE and granular findings", () => {
  test("GIVEN a rule that skips unversioned buckets, THEN they yield no verdict, unless asked for", () => {
    const verdicts = evaluate(stack, [TAGS], []).map((f) => `${f.resource.path}: ${f.status}`);
    expect(verdicts).not.toContain("prod/plain/bucket: passed");
    expect(
      evaluate(stack, [TAGS], [], { notApplicable: true }).map((f) => `${f.resource.path}: ${f.status}`),
    ).toEqual([
      "prod/plain/bucket: not_applicable",
      "prod/tagged/bucket: passed",
      "prod/bare/bucket: failed",
      "prod/bare/bucket: failed",
    ]);
  });

  test("a string[] answer is one finding per entry; a waiver with appliesTo waives only the matching ones", () => {
    const waiver: Waiver = {
      ruleId: "TEST-001",
      path: /\/bare\//,
      appliesTo: /Team/,
      reason: "The bare bucket belongs to no team (fixture).",
    };
    const findings = evaluate(stack, [TAGS], [waiver]).filter((f) => f.resource.name === "bare");
    expect(findings.map((f) => [f.status, f.detail])).toEqual([
      ["failed", "tag Owner is missing"],
      ["waived", waiver.reason],
    ]);
    expect(findings[1].waiver).toBe(waiver);
  });

  test("a rule whose appliesTo(stack) is false is not applicable to every resource of its types", () => {
    const rule: Rule = { ...TAGS, id: "TEST-002", appliesTo: (s) => s.name === "dev", check: () => "never" };
    expect(evaluate(stack, [rule], [], { notApplicable: true }).map((f) => f.status)).toEqual([
      "not_applicable",
      "not_applicable",
      "not_applicable",
    ]);
  });

  test("an HTTP listener is not applicable to the HTTPS-only ALB rules (was counted as passed)", () => {
    const doc = toStackDoc("prod", {
      resource: { aws_lb_listener: { http: { ...at("prod/lb/http"), protocol: "HTTP" } } },
    });
    const statuses = Object.fromEntries(
      evaluate(doc, albRules, [], { notApplicable: true }).map((f) => [f.rule.id, f.status]),
    );
    for (const id of ["CKV_AWS_103", "CKV2_AWS_74", "AWS-0047", "AAI-ALB-005", "AAI-ALB-006"])
      expect([id, statuses[id]]).toEqual([id, "not_applicable"]);
    expect(statuses.CKV_AWS_2).toBe("failed");
  });
});

describe("report", () => {
  test("summarize counts applicable = passed + waived + failed, and not-applicable apart", () => {
    const s = summarize(stack, [TAGS], []);
    expect([s.rules, s.applicable, s.passed, s.waived, s.failed, s.notApplicable]).toEqual([
      1, 3, 1, 0, 2, 1,
    ]);
  });

  test("passed no longer counts rules that never applied: prod has not-applicable checks", () => {
    const prod = summarize(toStackDoc("prod", synthAll().prod));
    expect(prod.notApplicable).toBeGreaterThan(0);
    expect(prod.passed).toBe(prod.findings.filter((f) => f.status === "passed").length);
    const report = formatReport([prod]);
    expect(report).toMatch(/^stack\s+rules\s+applicable\s+passed\s+waived\s+failed\s+n\/a$/m);
    expect(report).toMatch(
      new RegExp(
        `^prod\\s+${prod.rules}\\s+${prod.applicable}\\s+${prod.passed}\\s+${prod.waived}\\s+0\\s+${prod.notApplicable}$`,
        "m",
      ),
    );
  });

  test("unusedWaivers lists the waivers no finding used", () => {
    const used: Waiver = { ruleId: "TEST-001", path: /\/bare\//, reason: "fixture: used by the bare bucket" };
    const stale: Waiver = { ruleId: "TEST-001", path: /\/gone\//, reason: "fixture: its bucket was removed" };
    expect(unusedWaivers(evaluate(stack, [TAGS], [used, stale]), [used, stale])).toEqual([stale]);
  });
});

describe("waiverProblems", () => {
  const waiver = (w: Partial<Waiver>): Waiver => ({
    ruleId: "CKV_AWS_338",
    path: /\/x$/,
    reason: "a reason that is long enough",
    ...w,
  });

  test("a path matching every resource needs scope: global, and scope: global needs such a path", () => {
    expect(waiverProblems([waiver({ path: /.*/ })], RULES)).toEqual([
      'CKV_AWS_338 /.*/: matches every resource; say scope: "global"',
    ]);
    expect(waiverProblems([waiver({ path: /.*/, scope: "global" })], RULES)).toEqual([]);
    expect(waiverProblems([waiver({ scope: "global" })], RULES)).toEqual([
      'CKV_AWS_338 /\\/x$/: scope "global" on a path that is not global',
    ]);
  });

  test("unknown rules and short reasons are problems", () => {
    expect(waiverProblems([waiver({ ruleId: "NOPE", reason: "short" })], RULES)).toEqual([
      "NOPE /\\/x$/: no rule NOPE",
      "NOPE /\\/x$/: the reason needs at least 20 characters",
    ]);
  });
});

describe("npm run policy (dist/policies/cli.js)", () => {
  const root = join(__dirname, "..", "..");
  let work: string;
  beforeAll(() => {
    // dist/ is compiled once per run by the global setup (__tests__/helpers/global-setup.ts).
    work = mkdtempSync(join(tmpdir(), "aai-policy-cli-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("without synthesized output it prints one line, no stack trace, and exits 1", () => {
    const missing = join(work, "no-such-cdktf.out");
    const run = spawnSync(process.execPath, [join(root, "dist/policies/cli.js"), missing], {
      cwd: work,
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      `npm run policy: ${join(missing, "manifest.json")} not found: run \`npm run synth\` first`,
    ]);
  });

  test("over synthesized stacks it prints the report and exits 0 when nothing fails", () => {
    const run = spawnSync(
      process.execPath,
      [join(root, "dist/policies/cli.js"), process.env.AAI_TEST_STACKS_DIR!],
      {
        cwd: work,
        encoding: "utf8",
      },
    );
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^stack\s+rules\s+applicable\s+passed\s+waived\s+failed\s+n\/a$/m);
    expect(run.status).toBe(0);
  });
});
