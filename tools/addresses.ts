/**
 * Terraform resource addresses are frozen once a stack has been applied: renaming a construct renames
 * its address, and Terraform would destroy the old resource and create a new one. The addresses of
 * every stack are recorded in docs/addresses/<stack>.txt (`npm run addresses`); a test compares them
 * with a fresh synthesis and names each change, and a removed address must be the `from` of a `moved`
 * block (docs/addresses.md).
 */
import { join } from "node:path";
import { resources } from "./tfjson";

/** A synthesized stack (cdk.tf.json), loosely typed. */
export type StackJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const ADDRESS_DIR = join("docs", "addresses");

/** Every managed resource (type.name) and data source (data.type.name) of a stack, sorted. */
export function stackAddresses(stack: StackJson): string[] {
  return resources(stack, { data: true })
    .map((r) => r.address)
    .sort();
}

/** The `from` addresses of the stack's `moved` blocks. */
export function movedFrom(stack: StackJson): Set<string> {
  return new Set((stack.moved ?? []).map((m: { from: string }) => m.from));
}

/** The committed file for a stack: a comment header, then one address per line. */
export function formatAddressList(stackName: string, addresses: readonly string[]): string {
  return [
    `# Terraform addresses of the ${stackName} stack, frozen (docs/addresses.md). Written by \`npm run addresses\`.`,
    ...addresses,
    "",
  ].join("\n");
}

export function parseAddressList(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

export interface AddressChanges {
  readonly added: string[];
  readonly removed: string[];
  /** Removed addresses that no `moved` block accounts for: Terraform would destroy them. */
  readonly removedWithoutMoved: string[];
}

export function compareAddresses(
  recorded: readonly string[],
  current: readonly string[],
  moved: ReadonlySet<string>,
): AddressChanges {
  const now = new Set(current);
  const before = new Set(recorded);
  const removed = recorded.filter((a) => !now.has(a));
  return {
    added: current.filter((a) => !before.has(a)),
    removed,
    removedWithoutMoved: removed.filter((a) => !moved.has(a) && !a.startsWith("data.")),
  };
}
