/**
 * Why each change of a re-lock happened: the requirement in pyproject.toml that was added, removed
 * or changed (found by comparing the old lock's recorded inputs, `[tool.lockstep.inputs]`, with the
 * new ones), `--upgrade`/`--upgrade-package`, or a package that nothing requires any more.
 *
 * A changed package is traced to the project's requirements through the new lock's dependency
 * edges (the old lock's for a removal): the reason is the added or changed requirement that reaches
 * it, else the upgrade flag that freed it, else the changed package above it that requires it
 * (`required by web-lib v2.0.0`). Pitfalls: edges are followed by name (a name may have several
 * entries), which can only over-approximate reachability, so the direct requirement of a package is
 * always preferred over an inherited one; a lock without `[tool.lockstep.inputs]` (another tool's)
 * gives no requirement reasons; when nothing explains a change, another changed input (requires-python,
 * the resolution strategy, the indexes…) is named, and failing that no reason is given rather than a
 * guessed one.
 */
import type { Lock } from "./lock";
import type { LockChange } from "./diff-locks";
import type { LockInputs } from "./lock-inputs";
import { requirementTextName } from "./lock-inputs";

export interface ReasonOptions {
  /** `--upgrade`: every package was free to move. */
  upgrade?: boolean | undefined;
  /** `--upgrade-package` names (canonical). */
  upgradePackages?: ReadonlySet<string> | undefined;
}

type RequirementChange = { kind: "new" | "changed" | "removed"; text: string; before?: string };

/** Every requirement text of the inputs, with where it comes from, by canonical name. */
function requirementsByName(inputs: LockInputs | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!inputs) return out;
  const add = (text: string, where: string) => {
    const name = requirementTextName(text);
    out.set(name, [...(out.get(name) ?? []), where ? `${text} (${where})` : text]);
  };
  for (const r of inputs.dependencies) add(r, "");
  for (const [extra, reqs] of Object.entries(inputs.optionalDependencies))
    for (const r of reqs) add(r, `extra ${extra}`);
  for (const [group, reqs] of Object.entries(inputs.dependencyGroups))
    for (const r of reqs) add(r, `group ${group}`);
  for (const r of inputs.constraints) add(r, "constraint");
  for (const r of inputs.overrides) add(r, "override");
  for (const list of out.values()) list.sort();
  return out;
}

function requirementChanges(
  before: LockInputs | undefined,
  after: LockInputs | undefined,
): Map<string, RequirementChange> {
  const a = requirementsByName(before);
  const b = requirementsByName(after);
  const out = new Map<string, RequirementChange>();
  if (!before || !after) return out;
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const was = a.get(name);
    const now = b.get(name);
    if (!was && now) out.set(name, { kind: "new", text: now.join(", ") });
    else if (was && !now) out.set(name, { kind: "removed", text: was.join(", ") });
    else if (was && now && was.join("\n") !== now.join("\n"))
      out.set(name, { kind: "changed", text: now.join(", "), before: was.join(", ") });
  }
  return out;
}

/** Name → names it depends on (any entry). */
function edges(lock: Lock | undefined): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const p of lock?.packages ?? []) {
    const set = out.get(p.name) ?? new Set<string>();
    for (const d of p.dependencies) if (d.name !== p.name) set.add(d.name);
    out.set(p.name, set);
  }
  return out;
}

function reachable(graph: Map<string, Set<string>>, from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length > 0) {
    const n = todo.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const m of graph.get(n) ?? []) todo.push(m);
  }
  return seen;
}

function describe(c: RequirementChange): string {
  if (c.kind === "new") return `new requirement ${c.text}`;
  if (c.kind === "removed") return `requirement removed: ${c.before ?? c.text}`;
  return `requirement changed: ${c.text}`;
}

/** Other inputs that changed, for changes no requirement explains. */
function otherInputChanges(before: LockInputs | undefined, after: LockInputs | undefined): string[] {
  if (!before || !after) return [];
  const out: string[] = [];
  const cmp = (label: string, a: unknown, b: unknown) => {
    const x = JSON.stringify(a ?? null);
    const y = JSON.stringify(b ?? null);
    if (x !== y) out.push(`${label} changed`);
  };
  cmp("requires-python", before.requiresPython, after.requiresPython);
  cmp("resolution strategy", before.resolution, after.resolution);
  cmp("prerelease mode", before.prerelease, after.prerelease);
  cmp("exclude-newer", before.excludeNewer, after.excludeNewer);
  cmp("indexes", before.indexes, after.indexes);
  cmp("environments", before.environments, after.environments);
  return out;
}

/** `changes` (from `diffLocks(before, after)`) with a `reason` each where one can be given. */
export function explainLockChanges(
  before: Lock | undefined,
  after: Lock,
  changes: readonly LockChange[],
  opts: ReasonOptions = {},
): LockChange[] {
  const oldInputs = before?.lockstep?.inputs;
  const newInputs = after.lockstep?.inputs;
  const reqChanges = requirementChanges(oldInputs, newInputs);
  const newGraph = edges(after);
  const oldGraph = edges(before);
  // Which packages each changed requirement reaches (in the new lock; the old one for removals).
  const reach = [...reqChanges].map(([name, c]) => ({
    name,
    change: c,
    reaches: reachable(c.kind === "removed" ? oldGraph : newGraph, name),
  }));
  const changed = new Map(changes.map((c) => [c.name, c]));
  const others = otherInputChanges(oldInputs, newInputs);

  const reasonFor = (c: LockChange): string | undefined => {
    const direct = reqChanges.get(c.name);
    if (c.kind === "removed") {
      if (direct && direct.kind !== "new") return describe(direct);
      return "no longer required";
    }
    if (direct && direct.kind !== "removed") return describe(direct);
    if (c.kind === "updated") {
      if (opts.upgradePackages?.has(c.name)) return `--upgrade-package ${c.name}`;
      if (opts.upgrade) return "--upgrade";
    }
    const via = reach.find((r) => r.change.kind !== "removed" && r.reaches.has(c.name));
    if (via) return `${describe(via.change)}`;
    // A changed package above it that requires it.
    for (const [name, deps] of newGraph) {
      const parent = changed.get(name);
      if (parent && parent.kind !== "removed" && deps.has(c.name))
        return `required by ${parent.name}${parent.to ? ` v${parent.to}` : ""}`;
    }
    if (c.kind === "updated" && opts.upgrade) return "--upgrade";
    const upgraded = [...(opts.upgradePackages ?? [])].find((n) => reachable(newGraph, n).has(c.name));
    if (upgraded) return `--upgrade-package ${upgraded}`;
    return others.length > 0 ? others.join(", ") : undefined;
  };
  return changes.map((c) => {
    const reason = reasonFor(c);
    return reason === undefined ? { ...c } : { ...c, reason };
  });
}
