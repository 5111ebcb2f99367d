import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ADDRESS_DIR,
  compareAddresses,
  formatAddressList,
  movedFrom,
  parseAddressList,
  stackAddresses,
} from "../tools/addresses";
import { synthAll } from "./helpers/synth";

/**
 * Resource addresses are frozen: a renamed construct is a destroyed and re-created resource on the next
 * apply. Every stack's addresses are recorded in docs/addresses/<stack>.txt; this fails on any change.
 */
const stacks = synthAll();
const HOW =
  "Addresses are frozen (docs/addresses.md). For a rename, keep the old address alive with a moved block " +
  "(resource.moveFromId('<old address>')); then record the new list with `npm run addresses`.";

describe("Terraform addresses are frozen", () => {
  test.each(Object.keys(stacks))("%s matches docs/addresses/%s.txt", (name) => {
    const file = join(__dirname, "..", ADDRESS_DIR, `${name}.txt`);
    if (!existsSync(file))
      throw new Error(
        `no recorded addresses for stack ${name} (${file}): run \`npm run addresses\` before its first apply`,
      );
    const changes = compareAddresses(
      parseAddressList(readFileSync(file, "utf8")),
      stackAddresses(stacks[name]),
      movedFrom(stacks[name]),
    );
    const report = [
      ...changes.removedWithoutMoved.map((a) => `removed without a moved block (would be destroyed): ${a}`),
      ...changes.removed
        .filter((a) => !changes.removedWithoutMoved.includes(a))
        .map((a) => `moved or removed data source, list not updated: ${a}`),
      ...changes.added.map((a) => `new, not recorded: ${a}`),
    ];
    if (report.length > 0)
      throw new Error(`${name}: ${report.length} address change(s). ${HOW}\n${report.join("\n")}`);
  });

  test("the comparison tells renames with and without a moved block apart", () => {
    const stack = {
      resource: { aws_s3_bucket: { new_name: {} }, aws_vpc: { main: {} } },
      data: { aws_caller_identity: { current: {} } },
      moved: [{ from: "aws_s3_bucket.old_name", to: "aws_s3_bucket.new_name" }],
    };
    expect(stackAddresses(stack)).toEqual([
      "aws_s3_bucket.new_name",
      "aws_vpc.main",
      "data.aws_caller_identity.current",
    ]);
    const recorded = parseAddressList(
      formatAddressList("s", ["aws_s3_bucket.old_name", "aws_vpc.main", "aws_eip.gone"]),
    );
    expect(compareAddresses(recorded, stackAddresses(stack), movedFrom(stack))).toEqual({
      added: ["aws_s3_bucket.new_name", "data.aws_caller_identity.current"],
      removed: ["aws_s3_bucket.old_name", "aws_eip.gone"],
      removedWithoutMoved: ["aws_eip.gone"],
    });
  });
});
