/* eslint-disable @typescript-eslint/no-explicit-any -- compares untyped Terraform JSON */
/**
 * Pure parts of `npm run check:cdktn` (scripts/check-cdktn.mjs), the tested exit from the archived cdktf:
 * rewriting the app's imports to the community fork CDK Terrain (cdktn), finding the files main.ts
 * reaches, and comparing a stack synthesized by cdktf with the same stack synthesized by cdktn.
 * docs/cdktn-migration.md describes the migration this check rehearses.
 */

/** Package renames, cdktf -> CDK Terrain. Subpaths follow (cdktf/lib/x -> cdktn/lib/x). */
export const PACKAGE_RENAMES: Readonly<Record<string, string>> = {
  cdktf: "cdktn",
  "@cdktf/provider-aws": "@cdktn/provider-aws",
};

/**
 * Module specifiers of `import ... from "x"`, `export ... from "x"`, `import "x"`, `require("x")` and
 * `import("x")` (also in `typeof import("x")`). Group 1: everything up to the quote, 2: the quote, 3: the
 * specifier.
 */
const SPECIFIER = /(\bfrom\s*|\bimport\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)(["'])([^"'\n]+)\2/g;

/** Every module specifier in a TypeScript source (see SPECIFIER), in order. */
export function moduleSpecifiers(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[3]);
}

/** `specifier` with a cdktf package renamed to its cdktn counterpart; anything else unchanged. */
export function renameSpecifier(specifier: string): string {
  for (const [from, to] of Object.entries(PACKAGE_RENAMES))
    if (specifier === from || specifier.startsWith(`${from}/`)) return to + specifier.slice(from.length);
  return specifier;
}

/** The source with every cdktf import renamed (cdktf -> cdktn, @cdktf/provider-aws -> @cdktn/provider-aws). */
export function rewriteImports(source: string): string {
  return source.replace(
    SPECIFIER,
    (_all, head: string, quote: string, spec: string) => `${head}${quote}${renameSpecifier(spec)}${quote}`,
  );
}

/** The relative specifiers (./x, ../x) of a source: the app files it reaches. */
export function relativeSpecifiers(source: string): string[] {
  return moduleSpecifiers(source).filter((s) => s.startsWith("./") || s.startsWith("../"));
}

/** Paths that may differ between cdktf and cdktn, as [path in the stack JSON, why]. */
export const IGNORED_PATHS: readonly (readonly [readonly string[], string])[] = [
  [
    ["terraform", "required_providers", "aws", "version"],
    "provider pin (the fork's bindings target a newer hashicorp/aws)",
  ],
  [["//", "metadata", "version"], "cdktf/cdktn library version in the stack metadata"],
];

/** One difference between two JSON documents. `ours`/`fork` are undefined where the path is missing. */
export interface JsonDifference {
  readonly path: string;
  readonly ours: unknown;
  readonly fork: unknown;
}

/** Renders a path as `a.b["c.d"][2]`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((p, i) =>
      typeof p === "number"
        ? `[${p}]`
        : /^[A-Za-z_][\w-]*$/.test(p)
          ? `${i === 0 ? "" : "."}${p}`
          : `[${JSON.stringify(p)}]`,
    )
    .join("");
}

function getPath(json: any, path: readonly string[]): unknown {
  return path.reduce((node, key) => (node && typeof node === "object" ? node[key] : undefined), json);
}

function deletePath(json: any, path: readonly string[]): void {
  const parent = getPath(json, path.slice(0, -1));
  if (parent && typeof parent === "object") delete (parent as Record<string, unknown>)[path[path.length - 1]];
}

/**
 * A copy of a synthesized stack without the IGNORED_PATHS, and what they held (by rendered path), so
 * the check can print the values it ignored.
 */
export function normalizeStack(json: any): { json: any; ignored: Record<string, unknown> } {
  const copy = structuredClone(json);
  const ignored: Record<string, unknown> = {};
  for (const [path] of IGNORED_PATHS) {
    const value = getPath(copy, path);
    if (value !== undefined) ignored[formatPath(path)] = value;
    deletePath(copy, path);
  }
  return { json: copy, ignored };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Every leaf-level difference between `ours` and `fork` (objects by key, arrays by index). */
export function diffJson(ours: unknown, fork: unknown, path: (string | number)[] = []): JsonDifference[] {
  if (isObject(ours) && isObject(fork)) {
    const keys = [...new Set([...Object.keys(ours), ...Object.keys(fork)])].sort();
    return keys.flatMap((k) => diffJson(ours[k], fork[k], [...path, k]));
  }
  if (Array.isArray(ours) && Array.isArray(fork)) {
    const length = Math.max(ours.length, fork.length);
    return Array.from({ length }, (_, i) => diffJson(ours[i], fork[i], [...path, i])).flat();
  }
  if (JSON.stringify(ours) === JSON.stringify(fork)) return [];
  return [{ path: formatPath(path), ours, fork }];
}

/** The result of comparing one stack. */
export interface StackComparison {
  /** Differences beyond IGNORED_PATHS (the check fails on any). */
  readonly differences: JsonDifference[];
  /** The values at IGNORED_PATHS, by rendered path, on each side. */
  readonly ignored: { readonly ours: Record<string, unknown>; readonly fork: Record<string, unknown> };
  /** Keys in the same order as well (not significant to Terraform; reported, not failed). */
  readonly sameKeyOrder: boolean;
}

/** Differences of two stacks after normalizeStack, plus the ignored values of each side. */
export function compareStacks(ours: any, fork: any): StackComparison {
  const a = normalizeStack(ours);
  const b = normalizeStack(fork);
  // An ignored path may change its value, not appear or disappear.
  const presence = IGNORED_PATHS.map(([path]) => formatPath(path))
    .filter((path) => path in a.ignored !== path in b.ignored)
    .map((path) => ({ path, ours: a.ignored[path], fork: b.ignored[path] }));
  const differences = [...presence, ...diffJson(a.json, b.json)];
  return {
    differences,
    ignored: { ours: a.ignored, fork: b.ignored },
    sameKeyOrder: differences.length === 0 && JSON.stringify(a.json) === JSON.stringify(b.json),
  };
}

const TOKEN = /"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,"]+/g;

/** The tokens of a JSON text (strings, punctuation, literals), whitespace dropped. */
export function jsonTokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/**
 * How two JSON texts differ as text: the number of differing tokens (Infinity when the token counts
 * differ) and whether the whitespace between the tokens differs.
 */
export function textDifference(ours: string, fork: string): { tokens: number; whitespace: boolean } {
  const a = jsonTokens(ours);
  const b = jsonTokens(fork);
  const spaces = (text: string) => text.split(TOKEN);
  const whitespace = JSON.stringify(spaces(ours)) !== JSON.stringify(spaces(fork));
  if (a.length !== b.length) return { tokens: Infinity, whitespace };
  return { tokens: a.filter((token, i) => token !== b[i]).length, whitespace };
}

/** One difference as a line, values shortened to `width` characters. */
export function formatDifference(d: JsonDifference, width = 160): string {
  const show = (v: unknown) => {
    if (v === undefined) return "(absent)";
    const s = JSON.stringify(v);
    return s.length > width ? `${s.slice(0, width)}...` : s;
  };
  return `${d.path}: cdktf ${show(d.ours)} | cdktn ${show(d.fork)}`;
}
