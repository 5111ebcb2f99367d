/**
 * Estimates as text (the terminal) or Markdown (the PR plan comment), and the difference between two
 * estimates of the same stacks (`--compare`).
 */
import type { LineItem, PriceTable, StackEstimate } from "./types";

export type Format = "text" | "markdown";

const usd = (value: number, maxDigits = 2): string =>
  `${value < 0 ? "-" : ""}$${Math.abs(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: maxDigits })}`;
const signed = (value: number): string => (value > 0 ? `+${usd(value)}` : usd(value));
const quantity = (value: number): string =>
  value.toLocaleString("en-US", { maximumFractionDigits: value < 10 ? 2 : 0 });

/** A table as aligned text columns or as a Markdown table; `right` marks right-aligned columns. */
export function table(
  format: Format,
  header: readonly string[],
  rows: readonly string[][],
  right: readonly number[],
): string {
  if (format === "markdown") {
    const align = header.map((_, i) => (right.includes(i) ? "---:" : "---"));
    return [header, align, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const pad = (r: readonly string[]) =>
    r
      .map((c, i) => (right.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [pad(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(pad)].join("\n");
}

const heading = (format: Format, text: string): string =>
  format === "markdown" ? `### ${text}` : `== ${text}`;

function budgetLine(e: StackEstimate): string {
  if (e.budgetUsd === undefined) return `monthly total ${usd(e.totalUsd)} (no budget in the stack)`;
  const share = Math.round((100 * e.totalUsd) / e.budgetUsd);
  return `monthly total ${usd(e.totalUsd)}, ${share}% of the ${usd(e.budgetUsd)} budget`;
}

/** Line items, largest first. */
const byCost = (items: readonly LineItem[]): LineItem[] =>
  [...items].sort((a, b) => b.monthlyUsd - a.monthlyUsd);

export function renderEstimate(e: StackEstimate, format: Format): string {
  const rows = byCost(e.items).map((i) => [
    i.service,
    i.item,
    quantity(i.quantity),
    i.unit,
    usd(i.unitUsd, 6),
    usd(i.monthlyUsd),
  ]);
  rows.push(["total", "", "", "", "", usd(e.totalUsd)]);
  const parts = [
    heading(format, `${e.stack}: ${budgetLine(e)}`),
    table(format, ["service", "item", "quantity", "unit", "unit price", "per month"], rows, [2, 4, 5]),
  ];
  if (e.notes.length > 0) parts.push(e.notes.map((n) => `- ${n}`).join("\n"));
  return parts.join("\n\n");
}

/** A summary of every stack's total and budget. */
export function renderSummary(estimates: readonly StackEstimate[], format: Format): string {
  const rows = estimates.map((e) => [
    e.stack,
    usd(e.totalUsd),
    e.budgetUsd === undefined ? "-" : usd(e.budgetUsd),
    e.budgetUsd === undefined ? "-" : `${Math.round((100 * e.totalUsd) / e.budgetUsd)}%`,
  ]);
  return table(format, ["stack", "per month", "budget", "of budget"], rows, [1, 2, 3]);
}

const footer = (prices: PriceTable): string =>
  `Offline estimate: ${prices.region} on-demand list prices of ${prices.date} (cost/prices-${prices.region}.json) and the usage assumptions in cost/usage/ (docs/cost.md).`;

export function renderEstimates(
  estimates: readonly StackEstimate[],
  prices: PriceTable,
  format: Format,
): string {
  const title = format === "markdown" ? "## Monthly cost estimate" : "Monthly cost estimate";
  return [
    title,
    renderSummary(estimates, format),
    ...estimates.map((e) => renderEstimate(e, format)),
    footer(prices),
  ].join("\n\n");
}

// --- Compare ---------------------------------------------------------------------------------------
export interface ItemChange {
  readonly stack: string;
  readonly service: string;
  readonly item: string;
  readonly beforeUsd: number;
  readonly afterUsd: number;
}

const itemKey = (i: LineItem): string => `${i.service}: ${i.item}`;

/** Per stack, the line items whose monthly cost differs between `before` and `after`. */
export function compareEstimates(
  before: readonly StackEstimate[],
  after: readonly StackEstimate[],
): { stack: string; beforeUsd: number; afterUsd: number; changes: ItemChange[] }[] {
  const stacks = [...new Set([...before, ...after].map((e) => e.stack))].sort();
  return stacks.map((stack) => {
    const b = before.find((e) => e.stack === stack);
    const a = after.find((e) => e.stack === stack);
    const costs = (e?: StackEstimate) => new Map((e?.items ?? []).map((i) => [itemKey(i), i.monthlyUsd]));
    const [bc, ac] = [costs(b), costs(a)];
    const keys = [...new Set([...bc.keys(), ...ac.keys()])];
    const changes = keys
      .map((key) => {
        const [service, item] = [key.slice(0, key.indexOf(": ")), key.slice(key.indexOf(": ") + 2)];
        return { stack, service, item, beforeUsd: bc.get(key) ?? 0, afterUsd: ac.get(key) ?? 0 };
      })
      .filter((c) => Math.abs(c.afterUsd - c.beforeUsd) >= 0.005)
      .sort((x, y) => Math.abs(y.afterUsd - y.beforeUsd) - Math.abs(x.afterUsd - x.beforeUsd));
    return { stack, beforeUsd: b?.totalUsd ?? 0, afterUsd: a?.totalUsd ?? 0, changes };
  });
}

export function renderComparison(
  before: readonly StackEstimate[],
  after: readonly StackEstimate[],
  format: Format,
): string {
  const diff = compareEstimates(before, after);
  const title = format === "markdown" ? "## Monthly cost difference" : "Monthly cost difference";
  const totals = table(
    format,
    ["stack", "before", "after", "difference"],
    diff.map((d) => [d.stack, usd(d.beforeUsd), usd(d.afterUsd), signed(d.afterUsd - d.beforeUsd)]),
    [1, 2, 3],
  );
  const details = diff
    .filter((d) => d.changes.length > 0)
    .map((d) =>
      [
        heading(format, `${d.stack}: ${signed(d.afterUsd - d.beforeUsd)} per month`),
        table(
          format,
          ["service", "item", "before", "after", "difference"],
          d.changes.map((c) => [
            c.service,
            c.item,
            usd(c.beforeUsd),
            usd(c.afterUsd),
            signed(c.afterUsd - c.beforeUsd),
          ]),
          [2, 3, 4],
        ),
      ].join("\n\n"),
    );
  return [title, totals, ...(details.length > 0 ? details : ["No line item changed."])].join("\n\n");
}
