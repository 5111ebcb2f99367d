import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  SynthOutputMissingError,
  blocks,
  byAddress,
  parsePolicy,
  referencedAddresses,
  references,
  referencing,
  loadStacks,
  resourceAt,
  resources,
  toStackDoc,
} from "../../tools/tfjson";

const json = {
  resource: {
    aws_vpc: { v: { "//": { metadata: { path: "prod/networking/vpc" } }, cidr_block: "10.0.0.0/16" } },
    aws_subnet: {
      s: { vpc_id: "${aws_vpc.v.id}", depends_on: ["aws_kms_key.k"] },
      t: { vpc_id: "${data.aws_vpc.v.id}" },
    },
    aws_kms_key: { k: {} },
  },
  data: { aws_vpc: { v: { default: true } } },
  terraform: { required_version: ">= 1.11" },
};

describe("tools/tfjson: the one reader of synthesized JSON", () => {
  test("a StackDoc holds managed resources, then data sources, with address and construct path", () => {
    const doc = toStackDoc("prod", json);
    expect(doc.resources.map((r) => `${r.mode} ${r.address} ${r.path}`)).toEqual([
      "managed aws_vpc.v prod/networking/vpc",
      "managed aws_subnet.s prod/s",
      "managed aws_subnet.t prod/t",
      "managed aws_kms_key.k prod/k",
      "data data.aws_vpc.v prod/v",
    ]);
    expect(byAddress(doc, "data.aws_vpc.v")?.values.default).toBe(true);
    expect(resources(json, { type: "aws_subnet" }).map((r) => r.name)).toEqual(["s", "t"]);
  });

  test("resourceAt finds one resource by construct-path suffix, or throws", () => {
    expect(resourceAt(json, "aws_vpc", "networking/vpc").name).toBe("v");
    expect(() => resourceAt(json, "aws_subnet", "x")).toThrow("expected one aws_subnet at *x, found 0");
  });

  test("references are attribute uses; depends_on entries do not count, data.x.y is not x.y", () => {
    const doc = toStackDoc("prod", json);
    const vpc = byAddress(doc, "aws_vpc.v")!;
    expect(referencing(doc, "aws_subnet", vpc).map((r) => r.name)).toEqual(["s"]);
    expect(references(json.resource.aws_subnet.s, byAddress(doc, "aws_kms_key.k")!)).toBe(false);
    expect(referencedAddresses(["${aws_vpc.v.id}", { a: "${data.aws_vpc.v.arn}/*" }, "aws_vpc.v"])).toEqual([
      "aws_vpc.v",
      "data.aws_vpc.v",
    ]);
  });

  test("blocks and parsePolicy normalise lists and policy documents", () => {
    expect(blocks({ a: 1 })).toEqual([{ a: 1 }]);
    expect(blocks(undefined)).toEqual([]);
    expect(parsePolicy(JSON.stringify({ Statement: { Effect: "Allow" } }))).toEqual([{ Effect: "Allow" }]);
    expect(parsePolicy("${jsonencode(x)}")).toBeUndefined();
  });

  describe("reading a synthesis: only the stacks its manifest names, in the manifest's order", () => {
    let outdir: string;
    const writeStack = (name: string, json: object) => {
      mkdirSync(join(outdir, "stacks", name), { recursive: true });
      writeFileSync(join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
    };
    const writeManifest = (names: string[]) =>
      writeFileSync(
        join(outdir, "manifest.json"),
        JSON.stringify({ stacks: Object.fromEntries(names.map((n) => [n, {}])) }),
      );
    beforeEach(() => {
      outdir = mkdtempSync(join(tmpdir(), "aai-tfjson-"));
    });
    afterEach(() => rmSync(outdir, { recursive: true, force: true }));

    test("a stack directory left by an earlier synth (only Terraform's files in it) is not read", () => {
      // GIVEN bootstrap and dev synthesized, prod left out (AAI_ENVIRONMENTS=dev): its directory keeps .terraform
      writeStack("bootstrap", json);
      writeStack("dev", json);
      mkdirSync(join(outdir, "stacks", "prod", ".terraform"), { recursive: true });
      writeManifest(["bootstrap", "dev"]);
      // WHEN / THEN
      expect(loadStacks(outdir).map((s) => s.name)).toEqual(["bootstrap", "dev"]);
    });

    test("the manifest's order is kept (bootstrap, then promotion order), not the directory's", () => {
      for (const name of ["prod", "bootstrap", "dev"]) writeStack(name, json);
      writeManifest(["bootstrap", "dev", "prod"]);
      expect(loadStacks(outdir).map((s) => s.name)).toEqual(["bootstrap", "dev", "prod"]);
    });

    test("no manifest, or a stack it names without its cdk.tf.json: one message saying what to run", () => {
      expect(() => loadStacks(outdir)).toThrow(
        new SynthOutputMissingError(
          `${join(outdir, "manifest.json")} not found: run \`npm run synth\` first`,
        ),
      );
      writeManifest(["dev"]);
      expect(() => loadStacks(outdir)).toThrow(
        `${join(outdir, "stacks", "dev", "cdk.tf.json")} not found: run \`npm run synth\` again`,
      );
    });
  });
});
