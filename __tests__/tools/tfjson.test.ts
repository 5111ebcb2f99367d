import {
  blocks,
  byAddress,
  parsePolicy,
  referencedAddresses,
  references,
  referencing,
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
});
