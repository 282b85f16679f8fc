/**
 * `[tool.lockstep] conflicts`: sets of extras or dependency groups that are never installed
 * together, shaped after uv's `conflicts` setting.
 *
 *   conflicts = [[{ extra = "cpu" }, { extra = "cu128" }], [{ group = "a" }, { group = "b" }]]
 *
 * Each set lists at least two items; an item names exactly one `extra` or `group`, and optionally
 * the workspace member (`package`) it belongs to (default: this project). Declaring a conflict lets
 * the resolver lock the items in separate forks instead of failing, and makes `sync` refuse to
 * install two items of one set together.
 *
 * Pitfalls: names are PEP 685-normalized before they are compared; an item of another workspace
 * member cannot be checked here (its extras live in its own pyproject), so only items of this
 * project are checked against its `[project.optional-dependencies]` and `[dependency-groups]`.
 */
import { canonicalizeName } from "@lockstep/pep508";
import type { Problems } from "./problems";
import { describePath } from "./problems";
import { closest } from "./suggest";
import type { KeyPath } from "./toml-cst";

/** One member of a conflict set. */
export interface ConflictItem {
  /** The workspace member it belongs to (normalized); undefined for this project. */
  package: string | undefined;
  kind: "extra" | "group";
  /** Normalized extra or group name. */
  name: string;
}

/** The names a conflict item may refer to in this project (normalized). */
export interface ConflictNames {
  projectName: string | undefined;
  extras: readonly string[];
  groups: readonly string[];
}

const ITEM_KEYS = ["extra", "group", "package"] as const;

/** Read `conflicts`; problems are reported at the offending key or value. */
export function readConflicts(
  problems: Problems,
  path: KeyPath,
  value: unknown,
  names: ConflictNames | undefined,
): ConflictItem[][] {
  if (value === undefined) return [];
  if (
    !problems.expect(
      path,
      value,
      "an array of arrays of { extra = ... } or { group = ... } tables",
      Array.isArray,
    )
  )
    return [];
  const sets: ConflictItem[][] = [];
  value.forEach((entry: unknown, i) => {
    const setPath = [...path, i];
    if (
      !problems.expect(setPath, entry, "an array of { extra = ... } or { group = ... } tables", Array.isArray)
    )
      return;
    const items: ConflictItem[] = [];
    entry.forEach((raw: unknown, j) => {
      const item = readItem(problems, [...setPath, j], raw, names);
      if (item) items.push(item);
    });
    if (entry.length < 2) {
      problems.report(
        "invalid-value",
        setPath,
        `a conflict set needs at least two items, ${describePath(setPath)} has ${entry.length}`,
      );
      return;
    }
    if (items.length === entry.length) sets.push(items);
  });
  return sets;
}

function readItem(
  problems: Problems,
  path: KeyPath,
  raw: unknown,
  names: ConflictNames | undefined,
): ConflictItem | undefined {
  const table = problems.table(path, raw);
  if (!table) return undefined;
  problems.unknownKeys(path, table, ITEM_KEYS, {});
  const hasExtra = table.extra !== undefined;
  const hasGroup = table.group !== undefined;
  if (hasExtra === hasGroup) {
    problems.report(
      "invalid-value",
      path,
      `a conflict item names exactly one extra or group, e.g. { extra = "cpu" } or { group = "dev" }${hasExtra ? `; ${describePath(path)} has both` : ""}`,
    );
    return undefined;
  }
  const kind = hasExtra ? "extra" : "group";
  const text = problems.string([...path, kind], table[kind]);
  if (text === undefined) return undefined;
  let pkg: string | undefined;
  if (table.package !== undefined) {
    const p = problems.string([...path, "package"], table.package);
    if (p === undefined) return undefined;
    pkg = canonicalizeName(p);
  }
  const name = canonicalizeName(text);
  const own =
    pkg === undefined || (names?.projectName !== undefined && pkg === canonicalizeName(names.projectName));
  if (own && names) {
    const known = kind === "extra" ? names.extras : names.groups;
    if (!known.includes(name)) {
      const near = closest(name, known);
      const mean = near ? `; did you mean ${JSON.stringify(near)}?` : "";
      const table = kind === "extra" ? "[project.optional-dependencies]" : "[dependency-groups]";
      problems.report(
        kind === "extra" ? "unknown-extra" : "unknown-group",
        [...path, kind],
        `conflicting ${kind} ${JSON.stringify(text)} is not defined in ${table}${mean}`,
      );
      return undefined;
    }
    pkg = undefined;
  }
  return { package: pkg, kind, name };
}

/** `extra "cpu"` / `group "a" of member-b`, for messages. */
export function describeConflictItem(item: ConflictItem): string {
  return `${item.kind} ${JSON.stringify(item.name)}${item.package ? ` of ${item.package}` : ""}`;
}
