/**
 * What changed between two locks, by package, for the CLI's summary (`Updated foo v1.2 -> v1.3`).
 *
 * Pitfalls: one name can have several entries (marker-split versions such as numpy 1.x and 2.x), so
 * versions are compared as sets per name: a name whose set of versions changed from {1.26} to
 * {1.26, 2.0} is "updated" from `1.26` to `1.26, 2.0`; entries without a version (the project's own
 * directory entry) compare equal to each other. The order is by name, then kind, so the output is
 * deterministic.
 */
import type { Lock } from "./lock";

export interface LockChange {
  kind: "added" | "removed" | "updated";
  name: string;
  from?: string;
  to?: string;
  /** Why it changed (`requirement changed: foo>=2`), from `explainLockChanges`. */
  reason?: string;
}

function versionsByName(lock: Lock | undefined): Map<string, string> {
  const sets = new Map<string, Array<{ text: string; v: Lock["packages"][number]["version"] }>>();
  for (const p of lock?.packages ?? []) {
    const list = sets.get(p.name) ?? [];
    const text = p.version?.toString() ?? "";
    if (!list.some((x) => x.text === text)) list.push({ text, v: p.version });
    sets.set(p.name, list);
  }
  const out = new Map<string, string>();
  for (const [name, list] of sets) {
    list.sort((a, b) => (a.v && b.v ? a.v.compare(b.v) : a.v ? 1 : b.v ? -1 : 0));
    out.set(name, list.map((x) => x.text).join(", "));
  }
  return out;
}

export function diffLocks(before: Lock | undefined, after: Lock): LockChange[] {
  const a = versionsByName(before);
  const b = versionsByName(after);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: LockChange[] = [];
  for (const name of names) {
    const from = a.get(name);
    const to = b.get(name);
    const versions = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
    if (from === undefined) out.push({ kind: "added", name, ...versions });
    else if (to === undefined) out.push({ kind: "removed", name, ...versions });
    else if (from !== to) out.push({ kind: "updated", name, ...versions });
  }
  return out;
}

/** `Updated foo v1.2 -> v1.3`, `Added bar v2.0`, `Removed baz v0.9`, each with ` (reason)` when known. */
export function formatLockChange(c: LockChange): string {
  const line = formatChangeOnly(c);
  return c.reason === undefined ? line : `${line} (${c.reason})`;
}

function formatChangeOnly(c: LockChange): string {
  const v = (s: string | undefined) =>
    s === undefined
      ? ""
      : ` ${s
          .split(", ")
          .map((x) => `v${x}`)
          .join(", ")}`;
  if (c.kind === "added") return `Added ${c.name}${v(c.to)}`;
  if (c.kind === "removed") return `Removed ${c.name}${v(c.from)}`;
  return `Updated ${c.name}${v(c.from)} ->${v(c.to)}`;
}
