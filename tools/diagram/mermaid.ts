/** Renders the diagram's graph as a Mermaid flowchart: external nodes, one subgraph per tier, edges. */
import { TIERS } from "./catalog";
import type { DiagramGraph, DiagramNode, EdgeKind } from "./graph";

/** Merges the access levels of several statements: "full", or "read", "write", "read/write". */
function accessLevel(labels: Set<string>): string {
  const levels = new Set([...labels].flatMap((l) => l.split("/")));
  return levels.has("full") ? "full" : ["read", "write"].filter((l) => levels.has(l)).join("/");
}

/** Sorts "80/tcp" before "443/tcp" (numerically), other labels alphabetically. */
function compareLabels(a: string, b: string): number {
  const na = parseInt(a, 10);
  const nb = parseInt(b, 10);
  if (!isNaN(na) && !isNaN(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function renderMermaid(graph: DiagramGraph): string {
  const quote = (label: string[]) => `"${label.join("<br/>").replace(/"/g, "#quot;")}"`;
  const shape = (n: DiagramNode) =>
    n.shape === "circle" ? `${n.id}((${quote(n.label)}))` : `${n.id}[${quote(n.label)}]`;
  const lines = ["flowchart LR"];
  const byTier = (tier: string) =>
    [...graph.nodes.values()].filter((n) => n.tier === tier).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const n of byTier("external")) lines.push(`  ${shape(n)}`);
  for (const tier of TIERS) {
    const nodes = byTier(tier.id);
    if (nodes.length === 0) continue;
    lines.push(`  subgraph tier_${tier.id}["${tier.title}"]`);
    for (const n of nodes) lines.push(`    ${shape(n)}`);
    lines.push("  end");
  }
  const arrows: Record<EdgeKind, string> = { traffic: "-->", access: "-.->", relation: "==>" };
  const edges = [...graph.edges.values()].sort((a, b) =>
    `${a.kind}|${a.from}|${a.to}` < `${b.kind}|${b.from}|${b.to}` ? -1 : 1,
  );
  for (const e of edges) {
    const label = e.kind === "access" ? accessLevel(e.labels) : [...e.labels].sort(compareLabels).join(", ");
    lines.push(`  ${e.from} ${arrows[e.kind]}|"${label}"| ${e.to}`);
  }
  return `${lines.join("\n")}\n`;
}
