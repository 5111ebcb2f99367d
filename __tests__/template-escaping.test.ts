import { escapeTemplate, literal } from "../lib/overrides";
import { synthAll } from "./helpers/synth";

/**
 * Terraform reads every JSON string as a template. A literal `${` must be written `$${` and a literal
 * `%{` as `%%{`; raw override payloads are emitted as they are, so one unescaped character breaks
 * `terraform validate` ("Invalid template directive") or, worse, interpolates something else.
 */

/** Where an interpolation that starts at `start` (`${`) ends: the index after its `}`, or -1. */
function interpolationEnd(s: string, start: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = start + 2; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "{") depth++;
    else if (c === "}") {
      if (depth === 0) return i + 1;
      depth--;
    }
  }
  return -1;
}

/**
 * The template sequences of `s` that are not escaped and not a real interpolation: an interpolation
 * must start with a reference to something the stack declares (a resource type, data., var., local.,
 * ephemeral., each., count., self.), a function call or a for expression.
 */
export function unescapedSequences(s: string, roots: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s.startsWith("$${", i) || s.startsWith("%%{", i)) {
      i += 2;
    } else if (s.startsWith("%{", i)) {
      found.push(s.slice(i, i + 20));
      i += 1;
    } else if (s.startsWith("${", i)) {
      const end = interpolationEnd(s, i);
      const body = s.slice(i + 2);
      const head = body.match(/^\s*([A-Za-z_][\w-]*)\s*(\.|\()/);
      const collection = /^\s*[[{]\s*for\s/.test(body); // a for expression
      const real = end > 0 && (collection || (head !== null && (head[2] === "(" || roots.has(head[1]))));
      if (!real) found.push(s.slice(i, i + 20));
      i = end > 0 ? end - 1 : i + 1;
    }
  }
  return found;
}

function strings(node: unknown, path: string, out: [string, string][]): [string, string][] {
  if (typeof node === "string") out.push([path, node]);
  else if (Array.isArray(node)) node.forEach((item, i) => strings(item, `${path}[${i}]`, out));
  else if (node !== null && typeof node === "object")
    for (const [k, v] of Object.entries(node)) if (k !== "//") strings(v, `${path}.${k}`, out);
  return out;
}

describe("no string in any stack holds an unescaped ${ or %{ outside a real interpolation", () => {
  const stacks = synthAll();
  test.each(Object.keys(stacks))("%s", (name) => {
    const stack = stacks[name];
    const roots = new Set([
      ...["data", "var", "local", "ephemeral", "module", "each", "count", "self"],
      ...Object.keys(stack.resource ?? {}),
    ]);
    const bad = strings(stack, name, [])
      .map(([path, s]) => [path, unescapedSequences(s, roots)] as const)
      .filter(([, found]) => found.length > 0)
      .map(([path, found]) => `${path}: ${found.join(" | ")}`);
    expect(bad).toEqual([]);
  });

  test("the scanner tells escaped, real and broken sequences apart", () => {
    const roots = new Set(["aws_vpc", "var"]);
    expect(unescapedSequences("${aws_vpc.main.id}/x and $${literal} and %%{literal}", roots)).toEqual([]);
    expect(unescapedSequences('${can(regex("^a{0,3}$", var.x)) && var.x != "}"}', roots)).toEqual([]);
    expect(unescapedSequences("chars $%{} here", roots)).toEqual(["%{} here"]);
    expect(unescapedSequences("${not_declared.x}", roots)).toEqual(["${not_declared.x}"]);
    expect(unescapedSequences("costs ${5}", roots)).toEqual(["${5}"]);
  });

  test("override payloads are escaped in one place (lib/overrides.ts)", () => {
    expect(escapeTemplate("@\"/\\'`$%{} ${x}")).toBe("@\"/\\'`$%%{} $${x}");
    expect(literal({ a: ["${y}", 3, { b: "%{if}" }], c: true })).toEqual({
      a: ["$${y}", 3, { b: "%%{if}" }],
      c: true,
    });
  });
});
