/**
 * The inputs a lock is made from: built once as parsed values (`LockInputValues`), canonicalized
 * once into the text form recorded in `[tool.lockstep.inputs]` (`LockInputs`), and fingerprinted.
 *
 * PEP 751 has no key for "what was locked", so lockstep keeps the inputs themselves in the lock:
 * that is what lets `lockstep lock --check` say *what* changed without the network. The caller
 * (the project layer) parses pyproject.toml once and hands the parsed requirements, specifiers and
 * markers here; `ParsedLockInputs` prints them canonically without parsing anything again.
 * Pitfalls: the same requirement can be written many ways (`Requests >= 2`, `requests>=2`), so
 * requirements are printed with PEP 503 names; extra and group names are PEP 685-normalized; sets
 * (dependencies, constraints, overrides, default groups) are sorted and de-duplicated, but the order
 * of `environments` and `indexes` is kept, because it is the user's (index order is priority). Index URLs
 * must come without credentials: the project layer redacts them before they get here.
 */
import { createHash } from "node:crypto";
import { SpecifierSet } from "@lockstep/pep440";
import { Marker, Requirement, canonicalizeName } from "@lockstep/pep508";

/** The index strategy a lock records when none is set (as uv's default). */
export const DEFAULT_INDEX_STRATEGY = "first-index";

export interface LockIndex {
  name?: string | undefined;
  url: string;
}

/** The inputs as recorded in a lock: canonical text. */
export interface LockInputs {
  projectName: string;
  projectVersion?: string | undefined;
  requiresPython?: string | undefined;
  dependencies: string[];
  optionalDependencies: Record<string, string[]>;
  dependencyGroups: Record<string, string[]>;
  defaultGroups: string[];
  constraints: string[];
  overrides: string[];
  environments: string[];
  /** Conflict sets, one canonical text each (`extra:cpu, extra:cu128`); sorted. */
  conflicts: string[];
  /** `[tool.lockstep] required-environments`, in the user's order. */
  requiredEnvironments: string[];
  /** The index strategy (`first-index`, `unsafe-first-match`, `unsafe-best-match`). */
  indexStrategy: string;
  indexes: LockIndex[];
  /** The resolution strategy (`highest`, `lowest`, `lowest-direct`). */
  resolution: string;
  /** The prerelease mode. */
  prerelease: string;
  excludeNewer?: string | undefined;
  /** Whether the project itself is installed (it is a package, not a virtual project). */
  isPackage: boolean;
  /**
   * Source-pinned packages (workspace members, paths): canonical name → `<kind> <path> <digest>`,
   * so a path dependency's changed metadata makes the lock stale. Empty for most projects.
   */
  sources?: Record<string, string> | undefined;
}

/** The same inputs as parsed values: what the resolver is given and what the lock records. */
export interface LockInputValues {
  projectName: string;
  projectVersion?: string | undefined;
  requiresPython?: SpecifierSet | undefined;
  dependencies: readonly Requirement[];
  optionalDependencies: Readonly<Record<string, readonly Requirement[]>>;
  dependencyGroups: Readonly<Record<string, readonly Requirement[]>>;
  defaultGroups: readonly string[];
  constraints: readonly Requirement[];
  overrides: readonly Requirement[];
  environments: readonly Marker[];
  /** Sets of extras/groups never installed together (`[tool.lockstep] conflicts`). */
  conflicts?: readonly (readonly LockConflictItem[])[] | undefined;
  /** Environments every package must have a wheel (or an sdist) for. */
  requiredEnvironments?: readonly Marker[] | undefined;
  /** Which index a package's versions come from; `first-index` when absent. */
  indexStrategy?: string | undefined;
  indexes: readonly LockIndex[];
  resolution: string;
  prerelease: string;
  /** RFC 3339 text (the resolver's cut-off is `new Date(excludeNewer)`). */
  excludeNewer?: string | undefined;
  isPackage: boolean;
  /** Source-pinned packages, already as canonical text (see `LockInputs.sources`). */
  sources?: Readonly<Record<string, string>> | undefined;
}

/** One item of a conflict set: an extra or group of the project (or of a workspace member). */
export interface LockConflictItem {
  package?: string | undefined;
  kind: "extra" | "group";
  name: string;
}

/** `extra:cpu`, `group:dev`, `member:extra:cpu`: one conflict item as text. */
export function conflictItemText(item: LockConflictItem): string {
  const own = `${item.kind}:${canonicalizeName(item.name)}`;
  return item.package ? `${canonicalizeName(item.package)}:${own}` : own;
}

function conflictSetText(set: readonly LockConflictItem[]): string {
  return [...new Set(set.map(conflictItemText))].sort().join(", ");
}

/** The inverse of the conflict texts above. */
export function parseConflictSet(text: string): LockConflictItem[] {
  return text.split(",").map((raw) => {
    const parts = raw.trim().split(":");
    const [pkg, kind, name] = parts.length === 3 ? parts : [undefined, ...parts];
    if ((kind !== "extra" && kind !== "group") || !name) {
      throw new Error(
        `invalid conflict item ${JSON.stringify(raw.trim())} (expected extra:NAME or group:NAME)`,
      );
    }
    return pkg ? { package: pkg, kind, name } : { kind, name };
  });
}

/**
 * A parsed requirement in canonical text (`requests[socks]>=2.0; python_version < "3.10"` form).
 * Credentials in a direct URL (`git+https://token@host/…`) are removed: the lock is committed.
 */
export function requirementText(req: Requirement): string {
  const text = req.canonicalName + req.toString().slice(req.name.length);
  return req.url === undefined ? text : text.replace(/\/\/[^/@\s]*@/g, "//");
}

/** The canonical name a canonical requirement text starts with (no parsing: the text is canonical). */
export function requirementTextName(text: string): string {
  return canonicalizeName(/^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(text)?.[1] ?? text);
}

function requirementList(list: readonly Requirement[]): string[] {
  return [...new Set(list.map(requirementText))].sort();
}

function requirementTable(table: Readonly<Record<string, readonly Requirement[]>>): Record<string, string[]> {
  const merged = new Map<string, Requirement[]>();
  for (const [key, list] of Object.entries(table)) {
    const name = canonicalizeName(key);
    merged.set(name, [...(merged.get(name) ?? []), ...list]);
  }
  const out: Record<string, string[]> = {};
  for (const name of [...merged.keys()].sort()) out[name] = requirementList(merged.get(name) ?? []);
  return out;
}

function canonicalize(v: LockInputValues): LockInputs {
  return {
    projectName: canonicalizeName(v.projectName),
    projectVersion: v.projectVersion?.trim() || undefined,
    requiresPython: v.requiresPython?.toString() || undefined,
    dependencies: requirementList(v.dependencies),
    optionalDependencies: requirementTable(v.optionalDependencies),
    dependencyGroups: requirementTable(v.dependencyGroups),
    defaultGroups: [...new Set(v.defaultGroups.map(canonicalizeName))].sort(),
    constraints: requirementList(v.constraints),
    overrides: requirementList(v.overrides),
    environments: v.environments.map((m) => m.toString()),
    conflicts: [...new Set((v.conflicts ?? []).map(conflictSetText))].sort(),
    requiredEnvironments: (v.requiredEnvironments ?? []).map((m) => m.toString()),
    indexStrategy: v.indexStrategy ?? DEFAULT_INDEX_STRATEGY,
    indexes: v.indexes.map((i) => (i.name ? { name: i.name, url: i.url.trim() } : { url: i.url.trim() })),
    resolution: v.resolution,
    prerelease: v.prerelease,
    excludeNewer: v.excludeNewer?.trim() || undefined,
    isPackage: v.isPackage,
    ...(v.sources && Object.keys(v.sources).length > 0 ? { sources: sortedRecord(v.sources) } : {}),
  };
}

function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[canonicalizeName(k)] = r[k] as string;
  return out;
}

/** `sha256:<hex>` over a fixed-order JSON rendering of canonical inputs. */
export function fingerprintInputs(c: LockInputs): string {
  const ordered = [
    c.projectName,
    c.projectVersion ?? null,
    c.requiresPython ?? null,
    c.dependencies,
    Object.entries(c.optionalDependencies),
    Object.entries(c.dependencyGroups),
    c.defaultGroups,
    c.constraints,
    c.overrides,
    c.environments,
    c.indexes.map((i) => [i.name ?? null, i.url]),
    c.resolution,
    c.prerelease,
    c.excludeNewer ?? null,
    c.isPackage,
    // Only when declared, so that locks made before `conflicts` existed keep their fingerprint.
    ...(c.conflicts.length > 0 ? [c.conflicts] : []),
    // The same for settings added later: a default value leaves older locks' fingerprints alone.
    ...(c.requiredEnvironments.length > 0 ? [["required-environments", c.requiredEnvironments]] : []),
    ...(c.indexStrategy !== DEFAULT_INDEX_STRATEGY ? [["index-strategy", c.indexStrategy]] : []),
    ...(c.sources ? [["sources", Object.entries(c.sources)]] : []),
  ];
  return `sha256:${createHash("sha256").update(JSON.stringify(ordered)).digest("hex")}`;
}

/**
 * Lock inputs built once: the parsed values, with their canonical text and fingerprint computed on
 * first use and kept. The staleness check, the fingerprint and the lock all read this one value.
 */
export class ParsedLockInputs {
  private text: LockInputs | undefined;
  private print: string | undefined;

  constructor(readonly values: LockInputValues) {}

  /** The canonical text form, as `[tool.lockstep.inputs]` records it. */
  get canonical(): LockInputs {
    return (this.text ??= canonicalize(this.values));
  }

  get fingerprint(): string {
    return (this.print ??= fingerprintInputs(this.canonical));
  }

  /** The same inputs with some values replaced (a new value; this one is unchanged). */
  with(changes: Partial<LockInputValues>): ParsedLockInputs {
    return new ParsedLockInputs({ ...this.values, ...changes });
  }
}

/**
 * Inputs from their text form (tests, and inputs read back from a lock): each text is parsed here,
 * once. An invalid requirement, specifier, marker or date throws the parser's error.
 */
export function parseLockInputs(text: LockInputs): ParsedLockInputs {
  const reqs = (list: readonly string[]) => list.map((r) => Requirement.parse(r));
  const table = (t: Readonly<Record<string, readonly string[]>>) =>
    Object.fromEntries(Object.entries(t).map(([k, v]) => [k, reqs(v)]));
  return new ParsedLockInputs({
    projectName: text.projectName,
    projectVersion: text.projectVersion,
    requiresPython: text.requiresPython?.trim() ? SpecifierSet.parse(text.requiresPython) : undefined,
    dependencies: reqs(text.dependencies),
    optionalDependencies: table(text.optionalDependencies),
    dependencyGroups: table(text.dependencyGroups),
    defaultGroups: text.defaultGroups,
    constraints: reqs(text.constraints),
    overrides: reqs(text.overrides),
    environments: text.environments.map((m) => Marker.parse(m)),
    conflicts: text.conflicts.map(parseConflictSet),
    requiredEnvironments: text.requiredEnvironments.map((m) => Marker.parse(m)),
    indexStrategy: text.indexStrategy,
    indexes: text.indexes,
    resolution: text.resolution,
    prerelease: text.prerelease,
    excludeNewer: text.excludeNewer,
    isPackage: text.isPackage,
    sources: text.sources,
  });
}

/**
 * Inputs for a throwaway lock of a bare requirement list (a build environment, a script's or a
 * `--with` environment): no extras, groups, indexes or sources, the default strategies, not a package.
 * Such a lock is never written, so its fingerprint only has to be stable, not meaningful.
 */
export function requirementsOnlyInputs(
  projectName: string,
  dependencies: readonly Requirement[],
): ParsedLockInputs {
  return new ParsedLockInputs({
    projectName,
    dependencies,
    optionalDependencies: {},
    dependencyGroups: {},
    defaultGroups: [],
    constraints: [],
    overrides: [],
    environments: [],
    indexes: [],
    resolution: "highest",
    prerelease: "if-necessary-or-explicit",
    isPackage: false,
  });
}
