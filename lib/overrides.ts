/**
 * Raw overrides (`addOverride`) reach the synthesized JSON as they are, and Terraform evaluates every
 * JSON string as a template: a literal `${` or `%{` in an override payload becomes an interpolation or
 * a template directive (an "Invalid template directive" at validate). Every override goes through
 * here, so every literal string in a payload is escaped in one place.
 */
import type { IConstruct } from "constructs";

/** Something that takes raw overrides: a TerraformStack or a TerraformElement (resource, provider, ...). */
export interface Overridable extends IConstruct {
  addOverride(path: string, value: unknown): void;
}

/** Escapes a literal string for a Terraform JSON string: `${` -> `$${`, `%{` -> `%%{`. */
export function escapeTemplate(value: string): string {
  return value.replace(/\$\{/g, "$$${").replace(/%\{/g, "%%{");
}

/** A copy of a JSON value with every string passed through `fn` (keys untouched). */
export function mapStrings(node: unknown, fn: (s: string) => string): unknown {
  if (typeof node === "string") return fn(node);
  if (Array.isArray(node)) return node.map((item) => mapStrings(item, fn));
  if (node !== null && typeof node === "object")
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mapStrings(v, fn)]));
  return node;
}

/** `value` with every string escaped (objects and arrays walked; keys are never templates). */
export function literal<T>(value: T): T {
  return mapStrings(value, escapeTemplate) as T;
}

/**
 * Adds a raw override whose strings are literals (escaped). For an interpolation, pass a typed
 * attribute to a construct property instead: overrides carry no references.
 */
export function addLiteralOverride(target: Overridable, path: string, value: unknown): void {
  // eslint-disable-next-line no-restricted-syntax -- the one place raw overrides are written
  target.addOverride(path, literal(value));
}
