import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type StackResult, describeFixtures, planCoverage, readTestOutput } from "../tools/terraform/gate";
import {
  DATA_OVERRIDES,
  NEWER_ATTRIBUTES,
  OFFLINE_RUN,
  attributeName,
  declaredResources,
  forProvider,
  offlinePlanConfig,
  offlineTestFile,
} from "../tools/terraform/offline-config";
import {
  AWS_PROVIDER_DIR,
  cliConfigMirrorDirs,
  compareVersions,
  findMirrors,
  mirrorVersions,
  terraformPlatform,
} from "../tools/terraform/provider";
import { AWS_PROVIDER_VERSION } from "../stacks/base-stack";
import { synthAll } from "./helpers/synth";

/**
 * The gate itself (terraform validate + offline plan of every stack) runs as the last step of
 * `npm test` (scripts/terraform-gate.mjs). These tests pin what it may change in a stack and how it
 * finds the provider, so it can neither hide a defect nor silently skip.
 */
const stacks = synthAll();
const scratch = mkdtempSync(join(tmpdir(), "aai-gate-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fake mirror with the given versions (unpacked layout, or packed zips with `packed`). */
function fakeMirror(name: string, versions: string[], packed = false): string {
  const root = join(scratch, name);
  const dir = join(root, AWS_PROVIDER_DIR);
  mkdirSync(dir, { recursive: true });
  for (const v of versions) {
    if (packed) writeFileSync(join(dir, `terraform-provider-aws_${v}_${terraformPlatform()}.zip`), "");
    else mkdirSync(join(dir, v, terraformPlatform()), { recursive: true });
  }
  return root;
}

describe("provider discovery", () => {
  test("versions compare numerically", () => {
    expect(compareVersions("6.25.0", "5.100.0")).toBe(1);
    expect(compareVersions("6.4.0", "6.22.0")).toBe(-1);
    expect(compareVersions("6.22.0", "6.22.0")).toBe(0);
  });

  test("a mirror's versions for this platform, newest first, in both layouts; other platforms ignored", () => {
    const unpacked = fakeMirror("unpacked", ["5.9.0", "5.100.0"]);
    mkdirSync(join(unpacked, AWS_PROVIDER_DIR, "6.0.0", "plan9_mips"), { recursive: true });
    expect(mirrorVersions(unpacked)).toEqual(["5.100.0", "5.9.0"]);
    expect(mirrorVersions(fakeMirror("packed", ["6.1.0"], true))).toEqual(["6.1.0"]);
    expect(mirrorVersions(join(scratch, "absent"))).toEqual([]);
  });

  test("TF_PROVIDER_MIRROR wins, and one without the provider is an error, not a fallback", () => {
    const explicit = fakeMirror("explicit", ["5.90.0"]);
    const env = { HOME: join(scratch, "home"), TF_PROVIDER_MIRROR: explicit };
    expect(findMirrors({ env, cwd: scratch, searchRoot: scratch })).toEqual([
      { path: explicit, versions: ["5.90.0"], foundBy: "TF_PROVIDER_MIRROR" },
    ]);
    expect(() =>
      findMirrors({ env: { ...env, TF_PROVIDER_MIRROR: join(scratch, "empty") }, searchRoot: scratch }),
    ).toThrow(/TF_PROVIDER_MIRROR=.*empty holds no registry.terraform.io\/hashicorp\/aws/);
  });

  test("Terraform's implied mirror directories and the CLI config's filesystem_mirror come before a search", () => {
    const dataHome = join(scratch, "xdg");
    const implied = fakeMirror(join("xdg", "terraform", "plugins"), ["5.80.0"]);
    const configured = fakeMirror("configured", ["5.70.0"]);
    const rc = join(scratch, "gate.tfrc");
    writeFileSync(
      rc,
      `# a comment\nprovider_installation {\n  filesystem_mirror {\n    path = "${configured}"\n  }\n  direct {}\n}\n`,
    );
    expect(cliConfigMirrorDirs(rc)).toEqual([configured]);
    const found = findMirrors({
      env: {
        HOME: join(scratch, "home"),
        XDG_DATA_HOME: dataHome,
        XDG_DATA_DIRS: "/nonexistent",
        TF_CLI_CONFIG_FILE: rc,
      },
      cwd: scratch,
      searchRoot: scratch,
    });
    expect(found.map((m) => [m.path, m.foundBy])).toEqual([
      [implied, "implied mirror directory"],
      [configured, `CLI config ${rc}`],
    ]);
  });

  test("otherwise a bounded filesystem search finds a mirror (how this machine's is found)", () => {
    const root = join(scratch, "search-root");
    const deep = fakeMirror(join("search-root", "opt", "plugins"), ["5.100.0"]);
    const found = findMirrors({
      env: {
        HOME: join(scratch, "home"),
        XDG_DATA_DIRS: "/nonexistent",
        TF_CLI_CONFIG_FILE: join(scratch, "none"),
      },
      cwd: scratch,
      searchRoot: root,
    });
    expect(found).toEqual([{ path: deep, versions: ["5.100.0"], foundBy: "filesystem search" }]);
  });
});

describe("what the gate may change for an older provider: only the declared attributes", () => {
  test("each declared attribute names the version that added it and a test that pins it", () => {
    for (const a of NEWER_ATTRIBUTES) {
      expect(compareVersions(a.addedIn, AWS_PROVIDER_VERSION)).toBeLessThanOrEqual(0);
      expect(existsSync(a.coveredBy)).toBe(true);
      expect(readFileSync(a.coveredBy, "utf8")).toContain(a.path[a.path.length - 1]);
    }
  });

  test("the pinned provider: nothing removed, the JSON unchanged", () => {
    for (const stack of Object.values(stacks)) {
      const { json, removed } = forProvider(stack, AWS_PROVIDER_VERSION);
      expect(removed).toEqual([]);
      // The same text is the same JSON (key order included); toEqual on a whole stack takes far longer
      // and only runs to show where they differ.
      if (JSON.stringify(json) !== JSON.stringify(stack)) expect(json).toEqual(stack);
    }
  });

  test("aws 5.100.0: the declared attributes go, with counts; every other key of every resource stays", () => {
    const { json, removed } = forProvider(stacks.prod, "5.100.0");
    expect(json.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "5.100.0" });
    expect(removed.map((r) => r.attribute).sort()).toEqual(NEWER_ATTRIBUTES.map(attributeName).sort());
    expect(removed.every((r) => r.count > 0)).toBe(true);
    const text = JSON.stringify(json.resource);
    for (const a of NEWER_ATTRIBUTES) expect(text).not.toContain(`"${a.path[a.path.length - 1]}"`);
    // the rest is untouched: putting back what was removed gives the original resources
    expect(declaredResources(json)).toEqual(declaredResources(stacks.prod));
    for (const [type, byName] of Object.entries<Record<string, any>>(stacks.prod.resource))
      for (const [name, values] of Object.entries(byName)) {
        const declared = NEWER_ATTRIBUTES.filter((a) => a.resourceType === type);
        if (declared.length === 0) expect(json.resource[type][name]).toEqual(values);
        else
          expect(Object.keys(json.resource[type][name])).toEqual(
            Object.keys(values).filter((k) => !declared.some((a) => a.path.length === 1 && a.path[0] === k)),
          );
      }
  });

  test("a provider between two additions removes only the newer one", () => {
    const { removed } = forProvider(stacks.prod, "6.10.0");
    expect(removed.map((r) => r.attribute)).toEqual([
      "aws_s3_bucket_server_side_encryption_configuration.rule.blocked_encryption_types",
    ]);
  });
});

describe("the offline first-apply plan", () => {
  test.each(Object.keys(stacks))(
    "%s: every data source is overridden, every required variable set",
    (name) => {
      const file = offlineTestFile(offlinePlanConfig(stacks[name]));
      const dataSources = Object.entries<Record<string, unknown>>(stacks[name].data ?? {}).flatMap(
        ([type, byName]) => Object.keys(byName).map((n) => `data.${type}.${n}`),
      );
      expect(dataSources.length).toBeGreaterThan(0);
      expect(file.override_data.map((o: { target: string }) => o.target).sort()).toEqual(dataSources.sort());
      expect(file.run).toEqual({ [OFFLINE_RUN]: { command: "plan" } });
      expect(file.provider.aws).toEqual([
        expect.objectContaining({
          region: "us-east-2",
          default_tags: stacks[name].provider.aws[0].default_tags,
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
        }),
      ]);
      if (stacks[name].variable?.image_tag) expect(file.variables.image_tag).toMatch(/^[A-Za-z0-9_][\w.-]*$/);
    },
  );

  test("an unknown data source type fails the gate; it is never skipped", () => {
    const stack = { ...stacks.dev, data: { ...stacks.dev.data, aws_vpc_ipam_pool: { pool: { id: "x" } } } };
    expect(() => offlineTestFile(stack)).toThrow(
      "data source type aws_vpc_ipam_pool has no offline override: declare it in DATA_OVERRIDES",
    );
    expect(Object.keys(DATA_OVERRIDES).sort()).toEqual(
      [...new Set(Object.values(stacks).flatMap((s) => Object.keys(s.data ?? {})))].sort(),
    );
  });

  test("only the ephemeral values that call AWS become literals; everything else is the stack as synthesized", () => {
    const plan = offlinePlanConfig(stacks.prod);
    expect(plan.ephemeral).toBeUndefined();
    expect(JSON.stringify(plan)).not.toMatch(/ephemeral\./);
    const versions = Object.values<Record<string, any>>(plan.resource.aws_secretsmanager_secret_version);
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) expect(v.secret_string_wo).toMatch(/^OfflinePlanPlaceholder/);
    const { resource: r1, ...others } = stacks.prod;
    delete others.ephemeral;
    const { resource: r2, ...planOthers } = plan;
    expect(planOthers).toEqual(others);
    expect(Object.keys(r2)).toEqual(Object.keys(r1));
    expect(() => offlinePlanConfig({ ephemeral: { aws_kms_secrets: { x: {} } } })).toThrow(
      "ephemeral resource type aws_kms_secrets has no offline literal",
    );
  });

  test("a plan that covers fewer resources than declared, or plans anything but create, fails", () => {
    const lines = [
      JSON.stringify({ type: "test_run", "@testrun": OFFLINE_RUN, test_run: { status: "pass" } }),
      JSON.stringify({
        type: "test_plan",
        "@testrun": OFFLINE_RUN,
        test_plan: {
          resource_changes: [
            { address: "aws_vpc.a", mode: "managed", change: { actions: ["create"] } },
            { address: "aws_subnet.b[0]", mode: "managed", change: { actions: ["create"] } },
            { address: "aws_eip.c", mode: "managed", change: { actions: ["delete", "create"] } },
            { address: "data.aws_caller_identity.d", mode: "data", change: { actions: ["read"] } },
          ],
        },
      }),
      JSON.stringify({
        type: "diagnostic",
        diagnostic: { severity: "error", summary: "Invalid reference", address: "aws_vpc.a" },
      }),
      JSON.stringify({ type: "test_summary", test_summary: { status: "fail" } }),
    ].join("\n");
    const output = readTestOutput(lines);
    expect(output.passed).toBe(false);
    expect(output.errors).toEqual(["Invalid reference in aws_vpc.a"]);
    expect(planCoverage(["aws_vpc.a", "aws_subnet.b", "aws_eip.c", "aws_lb.e"], output.planned)).toEqual({
      missing: ["aws_lb.e"],
      notCreated: ["aws_eip.c (delete,create)"],
    });
  });
});

describe("test environments (environments/fixtures.ts) in the gate", () => {
  const result = (stack: string, ok: boolean): StackResult => ({
    stack,
    validated: ok,
    planned: ok,
    declared: 222,
    plannedResources: ok ? 222 : 0,
    removed: [],
    errors: ok ? [] : ["boom"],
  });

  test("the summary line reports fixtures apart from the real stacks' counts, and says when one failed", () => {
    expect(describeFixtures([])).toBe("");
    expect(describeFixtures([result("fixture", true)])).toBe(
      " +1 fixture (fixture: validated, planned, 222 resources)",
    );
    expect(describeFixtures([result("a", true), result("b", false)])).toBe(
      " +2 fixtures (a: validated, planned, 222 resources; b: NOT validated, NOT planned, 0 resources)",
    );
  });
});
