/**
 * From a resolved graph and the project's inputs to the `Lock` data that `formatLock` writes.
 *
 * The graph is the small structural `ResolvedGraph` below (what this file reads), not the resolver's
 * own types: the resolver's `Resolution` satisfies it, and so do hand-built graphs in tests. The
 * inputs come parsed (`ParsedLockInputs`); nothing is parsed again here.
 *
 * Everything is sorted here, so that the bytes depend only on the resolution's content, never on the
 * order the resolver or the index produced things in: packages by (name, version), wheels by file
 * name, dependencies by (name, version), hash algorithms by name. Pitfalls: a dependency entry must
 * identify one package entry (PEP 751), so it names the version only when the lock holds more than one
 * entry of that name, and `index` or `marker` only when one version has several entries (sources
 * split by marker); the project itself is a source tree, so its entry has no version; wheels that
 * no Python in `requires-python` could install are dropped (see wheel-python.ts), all others kept.
 */
import { relative, sep } from "node:path";
import { VersionSet } from "@lockstep/pep440";
import type { SpecifierSet, Version } from "@lockstep/pep440";
import { Marker, canonicalizeName } from "@lockstep/pep508";
import type { WheelFilename } from "@lockstep/wheel";
import type { Lock, LockDependency, LockFile, LockPackage, LockSource } from "./lock";
import type { ParsedLockInputs } from "./lock-inputs";
import { canonicalInstant } from "./toml-writer";
import { wheelFitsRequiresPython } from "./wheel-python";

/** A file of a resolved package, as the index listed it. */
export interface ResolvedFile {
  filename: string;
  url: string;
  hashes: Readonly<Record<string, string>>;
  size: number | undefined;
  uploadTime: string | undefined;
  /** The index (or find-links source) URL that listed the file, without credentials. */
  source: string;
}

/** An edge of the graph: enough to name one package entry. */
export interface ResolvedEdge {
  name: string;
  version: Version;
  /**
   * Where the edge holds (the resolver's edges carry it): picks the entries of one version from
   * several sources that it reaches. Without it, every such entry is listed.
   */
  marker?: Marker | undefined;
}

export interface ResolvedNode {
  name: string;
  version: Version;
  /** Where this entry applies; TRUE everywhere. */
  marker: Marker;
  candidate: {
    wheels: ReadonlyArray<{ file: ResolvedFile; filename: WheelFilename }>;
    sdist: ResolvedFile | undefined;
    requiresPython: SpecifierSet | undefined;
    /** A source-pinned package (the resolver's `SourceDist`): written as its PEP 751 entry. */
    pinned?: { source: PinnedSource } | undefined;
  };
  dependencies: readonly ResolvedEdge[];
}

/** The resolver's `SourceDist`, structurally: paths are absolute. */
export type PinnedSource =
  | { kind: "directory"; path: string; editable: boolean; subdirectory?: string | undefined }
  | {
      kind: "archive";
      path?: string | undefined;
      url?: string | undefined;
      hashes: Readonly<Record<string, string>>;
      size?: number | undefined;
      subdirectory?: string | undefined;
    }
  | {
      kind: "vcs";
      type: string;
      url: string;
      requestedRevision?: string | undefined;
      commitId: string;
      subdirectory?: string | undefined;
    };

/** What a lock is made from: the resolver's `Resolution` fits this shape. */
export interface ResolvedGraph {
  packages: readonly ResolvedNode[];
  /** The project's own direct dependencies. */
  rootDependencies: readonly ResolvedEdge[];
  /** The resolver's fork markers. */
  forks: readonly Marker[];
}

export interface WriteLockOptions {
  /** `created-by`; default `lockstep`. */
  createdBy?: string;
  /** Keep wheels whose Python tags cannot match `requires-python` (default false: drop them). */
  keepAllWheels?: boolean;
  /** The lock file's directory: pinned paths are written relative to it (PEP 751). */
  lockDir?: string | undefined;
}

/** `path` relative to the lock's directory, with `/` separators (so the lock works on any checkout). */
export function lockRelativePath(path: string, lockDir: string | undefined): string {
  if (!lockDir) return path;
  const rel = relative(lockDir, path).split(sep).join("/");
  return rel === "" ? "." : rel;
}

/** The PEP 751 source entry of a pinned package. */
export function pinnedLockSource(s: PinnedSource, lockDir: string | undefined): LockSource {
  switch (s.kind) {
    case "directory":
      return {
        kind: "directory",
        path: lockRelativePath(s.path, lockDir),
        editable: s.editable,
        subdirectory: s.subdirectory,
      };
    case "archive":
      return {
        kind: "archive",
        url: s.url,
        path: s.path === undefined ? undefined : lockRelativePath(s.path, lockDir),
        size: s.size,
        uploadTime: undefined,
        hashes: sortedHashes(s.hashes),
        subdirectory: s.subdirectory,
      };
    case "vcs":
      return {
        kind: "vcs",
        type: s.type,
        url: s.url,
        path: undefined,
        requestedRevision: s.requestedRevision,
        commitId: s.commitId,
        subdirectory: s.subdirectory,
      };
  }
}

export function sortedHashes(hashes: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const algo of Object.keys(hashes).sort())
    out[algo.toLowerCase()] = (hashes[algo] as string).toLowerCase();
  return out;
}

function lockFile(file: ResolvedFile): LockFile {
  return {
    name: file.filename,
    url: file.url,
    path: undefined,
    uploadTime: file.uploadTime === undefined ? undefined : canonicalInstant(file.uploadTime),
    size: file.size,
    hashes: sortedHashes(file.hashes),
  };
}

export function comparePackages(
  a: { name: string; version: Version | undefined },
  b: { name: string; version: Version | undefined },
): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.version && b.version) return a.version.compare(b.version);
  return a.version ? 1 : b.version ? -1 : 0;
}

/** An entry's identity as a dependency sees it: its index (files) or undefined (pinned). */
interface EntryKey {
  marker: Marker;
  index: string | undefined;
}

/**
 * The dependency entries for the edges: by name alone when the lock has one entry of that name, with
 * the version when it has several, and when one version comes from several sources (split by
 * marker), one dependency per entry the edge reaches, with the key that tells them apart: `index`
 * when their indexes differ, else `marker` (disjoint for entries of one name).
 */
function dependencyList(
  deps: readonly ResolvedEdge[],
  ambiguous: ReadonlySet<string>,
  sameVersion: ReadonlyMap<string, readonly EntryKey[]>,
  self: string,
): LockDependency[] {
  const seen = new Map<string, LockDependency>();
  for (const d of deps) {
    const name = canonicalizeName(d.name);
    if (name === self) continue;
    const version = ambiguous.has(name) ? d.version : undefined;
    const twins = sameVersion.get(`${name}==${d.version.toString()}`);
    if (!twins) {
      seen.set(version ? `${name}==${version.toString()}` : name, { name, version });
      continue;
    }
    // An entry without an index (a pinned source) would match every entry on `index`.
    const indexes = new Set(twins.map((t) => t.index));
    const byIndex = !indexes.has(undefined) && indexes.size === twins.length;
    const reached = twins.filter((t) => !d.marker || !d.marker.isDisjoint(t.marker));
    for (const t of reached.length > 0 ? reached : twins) {
      const dep: LockDependency = byIndex
        ? { name, version, index: t.index }
        : { name, version, marker: t.marker };
      seen.set(`${name}==${d.version.toString()} ${t.index ?? ""} ${t.marker.toString()}`, dep);
    }
  }
  return [...seen.values()].sort(
    (a, b) => comparePackages(a, b) || (keyText(a) < keyText(b) ? -1 : keyText(a) > keyText(b) ? 1 : 0),
  );
}

function keyText(d: LockDependency): string {
  return `${d.index ?? ""} ${d.marker?.toString() ?? ""}`;
}

/** The lock for a resolution, before formatting. */
export function lockFromResolution(
  resolution: ResolvedGraph,
  inputs: ParsedLockInputs,
  opts: WriteLockOptions = {},
): Lock {
  const canonical = inputs.canonical;
  const requiresPython = inputs.values.requiresPython;
  const pythonRange =
    requiresPython && !opts.keepAllWheels ? VersionSet.fromSpecifierSet(requiresPython) : undefined;
  const projectName = canonical.projectName;
  const counts = new Map<string, number>();
  for (const p of resolution.packages) {
    const name = canonicalizeName(p.name);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const ambiguous = new Set([...counts].filter(([, n]) => n > 1).map(([name]) => name));
  const byVersion = new Map<string, EntryKey[]>();
  for (const p of resolution.packages) {
    const key = `${canonicalizeName(p.name)}==${p.version.toString()}`;
    const c = p.candidate;
    const index = c.pinned ? undefined : (c.sdist ?? c.wheels[0]?.file)?.source;
    byVersion.set(key, [...(byVersion.get(key) ?? []), { marker: p.marker, index }]);
  }
  const sameVersion = new Map([...byVersion].filter(([, keys]) => keys.length > 1));

  const packages: LockPackage[] = resolution.packages.map((p) => {
    const name = canonicalizeName(p.name);
    const c = p.candidate;
    const common = {
      name,
      version: p.version,
      marker: p.marker,
      requiresPython: c.requiresPython,
      dependencies: dependencyList(p.dependencies, ambiguous, sameVersion, name),
    };
    if (c.pinned)
      return { ...common, index: undefined, source: pinnedLockSource(c.pinned.source, opts.lockDir) };
    const wheels = c.wheels
      .filter((w) => wheelFitsRequiresPython(w.filename, pythonRange))
      .map((w) => lockFile(w.file))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const first = c.sdist ?? c.wheels[0]?.file;
    return {
      ...common,
      index: first?.source,
      source: { kind: "files", sdist: c.sdist ? lockFile(c.sdist) : undefined, wheels },
    };
  });
  if (canonical.isPackage) {
    packages.push({
      name: projectName,
      version: undefined,
      marker: Marker.TRUE,
      requiresPython: undefined,
      dependencies: dependencyList(resolution.rootDependencies, ambiguous, sameVersion, projectName),
      index: undefined,
      source: { kind: "directory", path: ".", editable: true, subdirectory: undefined },
    });
  }
  packages.sort(comparePackages);

  const fork = (m: Marker) => m.toString();
  return {
    lockVersion: "1.0",
    environments: [...inputs.values.environments],
    requiresPython,
    extras: Object.keys(canonical.optionalDependencies),
    dependencyGroups: Object.keys(canonical.dependencyGroups),
    defaultGroups: canonical.defaultGroups,
    createdBy: opts.createdBy ?? "lockstep",
    packages,
    lockstep: {
      fingerprint: inputs.fingerprint,
      inputs: canonical,
      forks: [...resolution.forks].sort((a, b) => (fork(a) < fork(b) ? -1 : fork(a) > fork(b) ? 1 : 0)),
    },
  };
}
