/**
 * The offline monthly estimate of a synthesized stack: every managed resource is priced by its type's
 * pricer (tools/cost/pricers.ts) from the arguments Terraform would send, and the stack's usage
 * assumptions. A type that is neither priced nor declared free stops the estimate.
 */
import { type StackDoc, resources, resourcesOf } from "../tfjson";
import { FREE_RESOURCE_TYPES, PRICERS, type PricingContext } from "./pricers";
import type { LineItem, PriceTable, StackEstimate, Usage } from "./types";

/** Managed resource types of the stack that have no pricer and are not declared free, sorted. */
export function unpricedTypes(stack: StackDoc): string[] {
  const types = new Set(resources(stack.json).map((r) => r.type));
  return [...types].filter((t) => !(t in PRICERS) && !(t in FREE_RESOURCE_TYPES)).sort();
}

/** Items with the same service, item and unit price become one (quantities and addresses added up). */
function mergeItems(items: readonly LineItem[]): LineItem[] {
  const merged = new Map<string, LineItem>();
  for (const item of items) {
    const key = `${item.service}\u0000${item.item}\u0000${item.unitUsd}`;
    const prev = merged.get(key);
    merged.set(
      key,
      prev
        ? {
            ...prev,
            quantity: prev.quantity + item.quantity,
            monthlyUsd: prev.monthlyUsd + item.monthlyUsd,
            addresses: [...new Set([...prev.addresses, ...item.addresses])],
          }
        : item,
    );
  }
  return [...merged.values()];
}

/** The stack's monthly budget in USD (its aws_budgets_budget limit), if it has one. */
export function budgetOf(stack: StackDoc): number | undefined {
  const limits = resourcesOf(stack, "aws_budgets_budget")
    .map((b) => Number(b.values.limit_amount))
    .filter(Number.isFinite);
  return limits.length > 0 ? limits.reduce((a, b) => a + b, 0) : undefined;
}

export function estimateStack(stack: StackDoc, prices: PriceTable, usage: Usage): StackEstimate {
  const unpriced = unpricedTypes(stack);
  if (unpriced.length > 0)
    throw new Error(
      `stack ${stack.name}: no pricer and not declared free: ${unpriced.join(", ")} (tools/cost/pricers.ts)`,
    );
  const notes: string[] = [];
  const ctx: PricingContext = { stack, usage, prices, note: (text) => notes.push(text) };
  const managed = resources(stack.json);
  const items = Object.entries(PRICERS).flatMap(([type, pricer]) => {
    const ofType = managed.filter((r) => r.type === type);
    return ofType.length > 0 ? pricer(ofType, ctx) : [];
  });
  const billed = mergeItems(items).filter((i) => i.quantity > 0);
  return {
    stack: stack.name,
    items: billed,
    totalUsd: billed.reduce((total, i) => total + i.monthlyUsd, 0),
    budgetUsd: budgetOf(stack),
    notes: [...new Set(notes)],
  };
}
