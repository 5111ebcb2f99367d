/**
 * `npm run cost`: the offline monthly cost estimate of every stack in a synthesized directory
 * (cdktf.out by default), optionally against another one (`--compare`), as text or Markdown.
 * docs/cost.md explains the figures.
 */
import { join } from "node:path";
import { ENVIRONMENT_NAMES } from "../../environments/registry";
import { type StackDoc, loadStacks } from "../tfjson";
import { estimateStack } from "./estimate";
import { loadPriceTable, withPriceList } from "./prices";
import { type Format, renderComparison, renderEstimates } from "./render";
import type { PriceTable, StackEstimate } from "./types";
import { loadUsage } from "./usage";

export { estimateStack, unpricedTypes, budgetOf } from "./estimate";
export { FREE_RESOURCE_TYPES, PRICERS, replicationGroupNodes, splitTasks } from "./pricers";
export { loadPriceTable, readPriceListOffer, withPriceList, priceOf, MissingPriceError } from "./prices";
export { compareEstimates, renderComparison, renderEstimates } from "./render";
export { loadUsage, mergeUsage } from "./usage";
export type { LineItem, PriceTable, StackEstimate, Usage } from "./types";

export const USAGE = `usage: npm run cost [-- [DIR] [options]]     (synthesizes first, then estimates DIR = cdktf.out)
       node scripts/cost.mjs [DIR] [options]   (estimates an existing synthesized directory)
  --dir DIR          the synthesized directory (the one holding stacks/<stack>/cdk.tf.json)
  --stack NAME       only this stack (repeatable; default: every stack in DIR)
  --compare DIR      also show the difference against another synthesized directory (e.g. the base branch's)
  --price-list DIR   override instance and node prices with AWS Price List bulk JSON (AmazonEC2.json, AmazonElastiCache.json)
  --markdown         Markdown (the PR plan comment) instead of text
  --help             this text`;

export interface CostOptions {
  readonly dir: string;
  readonly stacks: readonly string[];
  readonly compare?: string;
  readonly priceList?: string;
  readonly format: Format;
  readonly help: boolean;
}

const VALUE_FLAGS = new Set(["--dir", "--stack", "--compare", "--price-list"]);

export function parseCostArgs(argv: readonly string[]): CostOptions {
  const values: Record<string, string[]> = {};
  const positional: string[] = [];
  let format: Format = "text";
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") help = true;
    else if (arg === "--markdown") format = "markdown";
    else if (VALUE_FLAGS.has(arg)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) throw new Error(`${arg} needs a value`);
      (values[arg] ??= []).push(value);
    } else if (arg.startsWith("-")) throw new Error(`unknown option ${arg} (see --help)`);
    else positional.push(arg);
  }
  const dirs = [...(values["--dir"] ?? []), ...positional];
  if (dirs.length > 1) throw new Error(`one synthesized directory, got ${dirs.join(", ")}`);
  return {
    dir: dirs[0] ?? "cdktf.out",
    stacks: values["--stack"] ?? [],
    compare: values["--compare"]?.at(-1),
    priceList: values["--price-list"]?.at(-1),
    format,
    help,
  };
}

/** Stacks in the app's order: bootstrap, the registered environments in promotion order, then any other by name. */
function appOrder(stacks: readonly StackDoc[]): StackDoc[] {
  const order: readonly string[] = ["bootstrap", ...ENVIRONMENT_NAMES];
  const rank = (s: StackDoc) => (order.includes(s.name) ? order.indexOf(s.name) : order.length);
  return [...stacks].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function selectStacks(all: readonly StackDoc[], names: readonly string[], dir: string): StackDoc[] {
  const missing = names.filter((n) => !all.some((s) => s.name === n));
  if (missing.length > 0)
    throw new Error(`${dir}: no stack ${missing.join(", ")} (has ${all.map((s) => s.name).join(", ")})`);
  return names.length === 0 ? [...all] : all.filter((s) => names.includes(s.name));
}

/** Estimates of the chosen stacks of a synthesized directory. */
export function estimateDir(
  dir: string,
  costDir: string,
  prices: PriceTable,
  stacks: readonly string[] = [],
): StackEstimate[] {
  return selectStacks(appOrder(loadStacks(dir)), stacks, dir).map((s) =>
    estimateStack(s, prices, loadUsage(costDir, s.name)),
  );
}

/** The CLI's output for `argv`; `costDir` is the project's cost/ directory (prices and usage). */
export function runCost(argv: readonly string[], costDir: string): string {
  const options = parseCostArgs(argv);
  if (options.help) return USAGE;
  const table = loadPriceTable(costDir);
  const prices = options.priceList ? withPriceList(table, options.priceList) : table;
  const after = estimateDir(options.dir, costDir, prices, options.stacks);
  const out = [renderEstimates(after, prices, options.format)];
  if (options.compare) {
    const names = after.map((e) => e.stack);
    const before = estimateDir(options.compare, costDir, prices).filter((e) => names.includes(e.stack));
    out.push(renderComparison(before, after, options.format));
  }
  return out.join("\n\n");
}

/** The project's cost/ directory, from the repository root. */
export const costDirOf = (root: string): string => join(root, "cost");
