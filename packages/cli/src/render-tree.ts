/**
 * The dependency tree of a lock, as text (`lockstep tree`), shaped like uv's:
 *
 * ```
 * example-app v1.1.0
 * ├── clickly v8.1.7
 * │   └── tinycolor v0.4.6
 * └── testrun v8.3.3 (group: dev)
 * ```
 *
 * The roots are the project's requirements as recorded in the lock's inputs, labelled with the extra
 * or group that brings them in; edges are the lock's `dependencies`. Pitfalls: one name may have
 * several entries (marker-split versions), so a requirement leads to every entry its specifier
 * allows; a package already expanded elsewhere is printed once more with `(*)` and not expanded
 * again (uv's convention), which also stops cycles; `--invert` walks the edges backwards, from
 * packages without dependencies (or the `--package` ones) up to the project. Nodes are lock
 * entries, not `name@version`: one version from two sources split by marker (two indexes, or git
 * and an index) is two entries, each labelled with its marker, and a dependency's `index`/`marker`
 * keys (PEP 751) pick the one it means, so twins neither merge nor double their edges.
 */
import type { Lock, LockDependency, LockPackage } from "@lockstep/lockfile";
import { Requirement, canonicalizeName } from "@lockstep/pep508";

export interface TreeOptions {
  /** Levels below the roots to show (0: roots only). */
  depth?: number | undefined;
  invert?: boolean | undefined;
  /** Start from these packages instead of the project. */
  packages?: readonly string[] | undefined;
}

interface Node {
  key: string;
  label: string;
  name: string;
  version: string | undefined;
  /** Only on twins (another entry has the same name and version): what tells them apart. */
  marker?: string | undefined;
  index?: string | undefined;
}

interface Edge {
  to: Node;
  /** `(extra: socks)`, `(group: dev)`, or "". */
  note: string;
  /** `[socks]` on root requirements naming extras. */
  extras: string;
}

function nameVersion(p: { name: string; version: LockPackage["version"] }): string {
  return `${p.name}@${p.version?.toString() ?? ""}`;
}

/** Whether dependency `d` means entry `t`: name and version, then `index` and `marker` when given. */
function dependencyMeans(d: LockDependency, t: LockPackage): boolean {
  return (
    (!d.version || (t.version !== undefined && t.version.equals(d.version))) &&
    (d.index === undefined || t.index === d.index) &&
    (d.marker === undefined || t.marker.toString() === d.marker.toString())
  );
}

function compareEdges(a: Edge, b: Edge): number {
  return a.to.label < b.to.label
    ? -1
    : a.to.label > b.to.label
      ? 1
      : a.note < b.note
        ? -1
        : a.note > b.note
          ? 1
          : 0;
}

/** The graph: node per package entry plus the project; edges both ways. */
function buildGraph(lock: Lock) {
  const nodes = new Map<string, Node>();
  const byName = new Map<string, LockPackage[]>();
  const keys = new Map<LockPackage, string>();
  const twins = new Map<string, number>();
  for (const p of lock.packages) twins.set(nameVersion(p), (twins.get(nameVersion(p)) ?? 0) + 1);
  lock.packages.forEach((p, k) => {
    const twin = (twins.get(nameVersion(p)) ?? 0) > 1;
    // The project's own entry keeps `name@` so the root below finds it.
    const key = twin ? `${nameVersion(p)}#${k}` : nameVersion(p);
    keys.set(p, key);
    const marker = twin && !p.marker.isTrue() ? p.marker.toString() : undefined;
    const base = p.version ? `${p.name} v${p.version.toString()}` : p.name;
    nodes.set(key, {
      key,
      label: marker ? `${base} (marker: ${marker})` : base,
      name: p.name,
      version: p.version?.toString(),
      ...(marker ? { marker } : {}),
      ...(twin && p.index ? { index: p.index } : {}),
    });
    byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  });
  const keyOf = (p: LockPackage) => keys.get(p) as string;
  const inputs = lock.lockstep?.inputs;
  const projectName = inputs ? canonicalizeName(inputs.projectName) : undefined;
  const projectVersion = inputs?.projectVersion;
  const rootKey = `${projectName ?? ""}@`;
  const root: Node = nodes.get(rootKey) ?? {
    key: rootKey,
    label: projectName ?? "(project)",
    name: projectName ?? "(project)",
    version: undefined,
  };
  if (projectVersion) {
    root.label = `${projectName ?? ""} v${projectVersion}`;
    root.version = projectVersion;
  }
  nodes.set(rootKey, root);

  const forward = new Map<string, Edge[]>();
  const backward = new Map<string, Edge[]>();
  const add = (from: Node, to: Node, note: string, extras: string) => {
    forward.set(from.key, [...(forward.get(from.key) ?? []), { to, note, extras }]);
    backward.set(to.key, [...(backward.get(to.key) ?? []), { to: from, note, extras: "" }]);
  };
  for (const p of lock.packages) {
    if (p.name === projectName && !p.version) continue; // the project's own entry: edges come from inputs
    const from = nodes.get(keyOf(p)) as Node;
    for (const d of p.dependencies) {
      const targets = (byName.get(d.name) ?? []).filter((t) => dependencyMeans(d, t));
      for (const t of targets) add(from, nodes.get(keyOf(t)) as Node, "", "");
    }
  }
  if (inputs) {
    const requirements: Array<[string, string]> = inputs.dependencies.map((r) => [r, ""]);
    for (const [extra, reqs] of Object.entries(inputs.optionalDependencies))
      for (const r of reqs) requirements.push([r, `(extra: ${extra})`]);
    for (const [group, reqs] of Object.entries(inputs.dependencyGroups))
      for (const r of reqs) requirements.push([r, `(group: ${group})`]);
    for (const [text, note] of requirements) {
      let req: Requirement;
      try {
        req = Requirement.parse(text);
      } catch {
        continue;
      }
      const entries = byName.get(req.canonicalName) ?? [];
      const allowed = entries.filter(
        (e) => e.version && req.specifier.contains(e.version, { prereleases: true }),
      );
      const extras = req.extras.length ? `[${req.extras.join(",")}]` : "";
      for (const e of allowed.length ? allowed : entries)
        add(root, nodes.get(keyOf(e)) as Node, note, extras);
    }
  }
  return { nodes, byName, keyOf, root, forward, backward };
}

/** One node of `tree --output-format json` (docs/cli.md). */
export interface TreeJsonNode {
  name: string;
  version: string | null;
  /** On one of two entries of one name and version (split by marker): its marker and index. */
  marker?: string;
  index?: string;
  /** Extras the requirement asks for (`[socks]`), on the project's requirements. */
  extras?: string[];
  /** `extra: NAME` or `group: NAME` when an extra or group brings it in. */
  via?: string;
  /** True when already shown elsewhere (its dependencies are listed there): uv's `(*)`. */
  repeated?: true;
  dependencies: TreeJsonNode[];
}

/** The roots `tree` starts from, and the edges it follows. */
function treeRoots(
  g: ReturnType<typeof buildGraph>,
  opts: TreeOptions,
): { roots: Node[]; edges: Map<string, Edge[]> } {
  const edges = opts.invert ? g.backward : g.forward;
  let roots: Node[];
  if (opts.packages && opts.packages.length > 0) {
    roots = [];
    for (const name of opts.packages) {
      const entries = g.byName.get(canonicalizeName(name)) ?? [];
      for (const e of entries) roots.push(g.nodes.get(g.keyOf(e)) as Node);
    }
  } else if (opts.invert) {
    roots = [...g.nodes.values()].filter((n) => n !== g.root && (g.forward.get(n.key) ?? []).length === 0);
    roots.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  } else {
    roots = [g.root];
  }
  return { roots, edges };
}

/** The same tree as `renderTree`, as data: one entry per root, children nested. */
export function treeJson(lock: Lock, opts: TreeOptions = {}): TreeJsonNode[] {
  const g = buildGraph(lock);
  const { roots, edges } = treeRoots(g, opts);
  const maxDepth = opts.depth ?? Number.POSITIVE_INFINITY;
  const expanded = new Set<string>();
  const walk = (node: Node, depth: number, ancestors: Set<string>): TreeJsonNode[] => {
    if (depth >= maxDepth) return [];
    return [...(edges.get(node.key) ?? [])].sort(compareEdges).map((edge) => {
      const hasChildren = (edges.get(edge.to.key) ?? []).length > 0;
      const repeat =
        hasChildren && depth + 1 < maxDepth && (expanded.has(edge.to.key) || ancestors.has(edge.to.key));
      const out: TreeJsonNode = { name: edge.to.name, version: edge.to.version ?? null, dependencies: [] };
      if (edge.to.marker) out.marker = edge.to.marker;
      if (edge.to.index) out.index = edge.to.index;
      if (edge.extras) out.extras = edge.extras.slice(1, -1).split(",");
      if (edge.note) out.via = edge.note.slice(1, -1);
      if (repeat) {
        out.repeated = true;
        return out;
      }
      expanded.add(edge.to.key);
      out.dependencies = walk(edge.to, depth + 1, new Set([...ancestors, edge.to.key]));
      return out;
    });
  };
  return roots.map((root) => {
    expanded.add(root.key);
    return {
      name: root.name,
      version: root.version ?? null,
      dependencies: walk(root, 0, new Set([root.key])),
    };
  });
}

export function renderTree(lock: Lock, opts: TreeOptions = {}): string {
  const g = buildGraph(lock);
  const { roots, edges } = treeRoots(g, opts);
  const maxDepth = opts.depth ?? Number.POSITIVE_INFINITY;
  const lines: string[] = [];
  const expanded = new Set<string>();
  const walk = (node: Node, prefix: string, depth: number, ancestors: Set<string>) => {
    if (depth >= maxDepth) return;
    const children = [...(edges.get(node.key) ?? [])].sort(compareEdges);
    children.forEach((edge, i) => {
      const last = i === children.length - 1;
      const name = edge.extras ? edge.to.label.replace(" v", `${edge.extras} v`) : edge.to.label;
      const hasChildren = (edges.get(edge.to.key) ?? []).length > 0;
      const repeat =
        hasChildren && depth + 1 < maxDepth && (expanded.has(edge.to.key) || ancestors.has(edge.to.key));
      lines.push(
        `${prefix}${last ? "└── " : "├── "}${name}${edge.note ? ` ${edge.note}` : ""}${repeat ? " (*)" : ""}`,
      );
      if (repeat) return;
      expanded.add(edge.to.key);
      walk(edge.to, `${prefix}${last ? "    " : "│   "}`, depth + 1, new Set([...ancestors, edge.to.key]));
    });
  };
  for (const root of roots) {
    lines.push(root.label);
    expanded.add(root.key);
    walk(root, "", 0, new Set([root.key]));
  }
  const repeated = lines.some((l) => l.endsWith(" (*)"));
  if (repeated) lines.push("(*) Package tree already displayed");
  return `${lines.join("\n")}\n`;
}
