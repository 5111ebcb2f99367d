/* eslint-disable @typescript-eslint/no-explicit-any -- navigates untyped Terraform JSON, like policies/ and __tests__/ */
/**
 * The diagram's graph of one stack: components (nodes) for the resource types of the catalog, every
 * other resource folded into the component it belongs to, and the edges between components.
 */
import { type StackJson, constructPath, pathInStack, referencedAddresses, resources } from "../tfjson";
import {
  COMPONENTS,
  type ComponentSpec,
  MODULE_TIERS,
  NON_USE_ATTRIBUTES,
  type Tier,
  plural,
  wrap,
} from "./catalog";

/** A managed resource as the diagram sees it. */
export interface Resource {
  /** "<type>.<logical name>" as Terraform addresses it. */
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, any>;
  /** Construct path without the stack name, e.g. "cache/replication-group". */
  readonly path: string;
  /** Addresses of the resources this one references (policy documents and depends_on excluded). */
  readonly refs: string[];
}

/** The managed resources of a stack (sorted by type, then logical name) and their references. */
export class DiagramIndex {
  readonly resources = new Map<string, Resource>();

  constructor(stack: StackJson) {
    const all = resources(stack).sort((a, b) =>
      a.type !== b.type ? (a.type < b.type ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const r of all)
      this.resources.set(r.address, {
        ...r,
        path: pathInStack(constructPath(r.values) ?? r.address),
        refs: [],
      });
    for (const r of this.resources.values()) {
      r.refs.push(
        ...this.referencesIn(
          Object.fromEntries(Object.entries(r.values).filter(([k]) => !NON_USE_ATTRIBUTES.has(k))),
        ),
      );
    }
  }

  /** Addresses of resources of this stack referenced anywhere in `value`, sorted, without duplicates. */
  referencesIn(value: unknown): string[] {
    return referencedAddresses(value).filter((a) => this.resources.has(a));
  }

  ofType(type: string): Resource[] {
    return [...this.resources.values()].filter((r) => r.type === type);
  }
}

export type EdgeKind = "traffic" | "access" | "relation";

export interface DiagramNode {
  readonly id: string;
  readonly tier: Tier | "external";
  readonly label: string[];
  readonly shape?: "circle";
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly labels: Set<string>;
}

/** Number of leading path segments two construct paths share. */
function sharedSegments(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n += 1;
  return n;
}

/** The candidate address sharing the longest construct-path prefix with `path` (then the first sorted). */
function closest(path: string, candidates: Iterable<string>, index: DiagramIndex): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const c of [...new Set(candidates)].sort()) {
    const score = sharedSegments(path, index.resources.get(c)!.path);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** Words Mermaid's flowchart grammar reserves, never used as node ids. */
const MERMAID_KEYWORDS = new Set([
  "end",
  "graph",
  "flowchart",
  "subgraph",
  "direction",
  "style",
  "class",
  "click",
  "default",
]);

export const sanitize = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");

export class DiagramGraph {
  /** Resource address -> node id. */
  readonly owner = new Map<string, string>();
  readonly nodes = new Map<string, DiagramNode>();
  readonly edges = new Map<string, DiagramEdge>();

  constructor(readonly index: DiagramIndex) {
    this.buildComponents();
    this.assignOwners();
  }

  /** An external node (the internet, a CIDR, subscribers), created on first use. */
  external(id: string, label: string, shape?: "circle"): string {
    if (!this.nodes.has(id)) this.nodes.set(id, { id, tier: "external", label: [label], shape });
    return id;
  }

  addEdge(from: string | undefined, to: string | undefined, kind: EdgeKind, label: string): void {
    if (!from || !to || from === to) return;
    const key = `${from}|${to}|${kind}`;
    const edge = this.edges.get(key) ?? { from, to, kind, labels: new Set<string>() };
    edge.labels.add(label);
    this.edges.set(key, edge);
  }

  /** The node owning the first resource referenced in `value`. */
  ownerOfRef(value: unknown): string | undefined {
    const [ref] = this.index.referencesIn(value);
    return ref ? this.owner.get(ref) : undefined;
  }

  ownersOfRefs(value: unknown): string[] {
    return this.index.referencesIn(value).map((ref) => this.owner.get(ref)!);
  }

  /** Nodes for the resources of known component types. */
  private buildComponents(): void {
    const groups = new Map<string, { spec: ComponentSpec; members: Resource[] }>();
    for (const r of this.index.resources.values()) {
      const spec = COMPONENTS[r.type];
      if (!spec) continue;
      const key = spec.group ? `${r.type}:${spec.group(r)}` : `${r.type}:${r.path}`;
      const group = groups.get(key) ?? { spec, members: [] };
      group.members.push(r);
      groups.set(key, group);
    }
    const ids = new Set<string>();
    for (const key of [...groups.keys()].sort()) {
      const { spec, members } = groups.get(key)!;
      const base = sanitize(spec.group ? spec.group(members[0]) : members[0].path);
      let id = MERMAID_KEYWORDS.has(base) || !base ? `${base}_node` : base;
      for (let i = 2; ids.has(id); i += 1) id = `${base}_${i}`;
      ids.add(id);
      this.nodes.set(id, { id, tier: spec.tier, label: spec.label(members, this.index) });
      for (const m of members) this.owner.set(m.address, id);
    }
  }

  /**
   * Every other resource joins a component: the nearest one that uses it (through references), else
   * the one it references, else the one sharing its construct path; what is left forms one node per
   * construct-path module (e.g. "storage", "cache").
   */
  private assignOwners(): void {
    const users = new Map<string, string[]>();
    for (const r of this.index.resources.values()) {
      for (const ref of r.refs) users.set(ref, [...(users.get(ref) ?? []), r.address]);
    }
    const pending = [...this.index.resources.values()].filter((r) => !this.owner.has(r.address));
    const resolved = new Map<string, string>();
    // 1. Used (directly, or through other non-component resources) by a component: the nearest users win.
    for (const r of pending) {
      const seen = new Set([r.address]);
      let frontier = [r.address];
      while (frontier.length > 0) {
        const components = frontier.flatMap((a) => users.get(a) ?? []).filter((u) => this.owner.has(u));
        if (components.length > 0) {
          resolved.set(r.address, this.owner.get(closest(r.path, components, this.index)!)!);
          break;
        }
        frontier = frontier
          .flatMap((a) => users.get(a) ?? [])
          .filter((u) => !seen.has(u))
          .sort();
        frontier.forEach((u) => seen.add(u));
      }
    }
    resolved.forEach((node, address) => this.owner.set(address, node));
    // 2. References or is used by an already placed resource: join its component, in rounds.
    for (let changed = true; changed; ) {
      changed = false;
      const round = new Map<string, string>();
      for (const r of pending.filter((p) => !this.owner.has(p.address))) {
        const placed = [...r.refs, ...(users.get(r.address) ?? [])].filter((a) => this.owner.has(a));
        const best = closest(r.path, placed, this.index);
        if (best) round.set(r.address, this.owner.get(best)!);
      }
      round.forEach((node, address) => this.owner.set(address, node));
      changed = round.size > 0;
    }
    // 3. Same construct-path module as a component, else one node per module.
    const placed = [...this.owner.keys()];
    const leftovers = new Map<string, Resource[]>();
    for (const r of pending.filter((p) => !this.owner.has(p.address))) {
      const module = r.path.split("/")[0];
      const sameModule = placed.filter((a) => this.index.resources.get(a)!.path.split("/")[0] === module);
      const best = closest(r.path, sameModule, this.index);
      if (best && r.path.includes("/")) this.owner.set(r.address, this.owner.get(best)!);
      else leftovers.set(module, [...(leftovers.get(module) ?? []), r]);
    }
    for (const module of [...leftovers.keys()].sort()) {
      const members = leftovers.get(module)!;
      const id = `module_${sanitize(module)}`;
      const types = [...new Set(members.map((m) => m.type.replace(/^aws_/, "")))].sort();
      this.nodes.set(id, {
        id,
        tier: MODULE_TIERS[module] ?? "other",
        label: [module, plural(members.length, "resource"), ...wrap(types, 2)],
      });
      members.forEach((m) => this.owner.set(m.address, id));
    }
  }
}
