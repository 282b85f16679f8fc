/**
 * From a resolver `Resolution` and the project's inputs to the `Lock` data that `formatLock` writes.
 *
 * Everything is sorted here, so that the bytes depend only on the resolution's content, never on the
 * order the resolver or the index produced things in: packages by (name, version), wheels by file
 * name, dependencies by (name, version), hash algorithms by name. Pitfalls: a dependency entry must
 * identify one package entry (PEP 751), so it names the version only when the lock holds more than one
 * entry of that name; the project itself is a source tree, so its entry has no version; wheels that
 * no Python in `requires-python` could install are dropped (see wheel-python.ts), all others kept.
 */
import { SpecifierSet, VersionSet } from "@lockstep/pep440";
import type { Version } from "@lockstep/pep440";
import { Marker, canonicalizeName } from "@lockstep/pep508";
import type { Resolution, ResolvedDependency } from "@lockstep/resolver";
import type { Candidate } from "@lockstep/resolver";
import type { Lock, LockDependency, LockFile, LockPackage } from "./lock";
import { canonicalizeInputs, fingerprintInputs } from "./lock-inputs";
import type { LockInputs } from "./lock-inputs";
import { canonicalInstant } from "./toml-writer";
import { wheelFitsRequiresPython } from "./wheel-python";

type DistFile = NonNullable<Candidate["sdist"]>;

export interface WriteLockOptions {
  /** `created-by`; default `lockstep`. */
  createdBy?: string;
  /** Keep wheels whose Python tags cannot match `requires-python` (default false: drop them). */
  keepAllWheels?: boolean;
}

export function sortedHashes(hashes: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const algo of Object.keys(hashes).sort())
    out[algo.toLowerCase()] = (hashes[algo] as string).toLowerCase();
  return out;
}

function lockFile(file: DistFile): LockFile {
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

function dependencyList(
  deps: readonly ResolvedDependency[],
  ambiguous: ReadonlySet<string>,
  self: string,
): LockDependency[] {
  const seen = new Map<string, LockDependency>();
  for (const d of deps) {
    const name = canonicalizeName(d.name);
    if (name === self) continue;
    const version = ambiguous.has(name) ? d.version : undefined;
    seen.set(version ? `${name}==${version.toString()}` : name, { name, version });
  }
  return [...seen.values()].sort(comparePackages);
}

/** The lock for a resolution, before formatting. */
export function lockFromResolution(
  resolution: Resolution,
  inputs: LockInputs,
  opts: WriteLockOptions = {},
): Lock {
  const canonical = canonicalizeInputs(inputs);
  const requiresPython = canonical.requiresPython
    ? SpecifierSet.tryParse(canonical.requiresPython)
    : undefined;
  const pythonRange =
    requiresPython && !opts.keepAllWheels ? VersionSet.fromSpecifierSet(requiresPython) : undefined;
  const projectName = canonical.projectName;
  const counts = new Map<string, number>();
  for (const p of resolution.packages) {
    const name = canonicalizeName(p.name);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const ambiguous = new Set([...counts].filter(([, n]) => n > 1).map(([name]) => name));

  const packages: LockPackage[] = resolution.packages.map((p) => {
    const name = canonicalizeName(p.name);
    const c = p.candidate;
    const wheels = c.wheels
      .filter((w) => wheelFitsRequiresPython(w.filename, pythonRange))
      .map((w) => lockFile(w.file))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const first = c.sdist ?? c.wheels[0]?.file;
    return {
      name,
      version: p.version,
      marker: p.marker,
      requiresPython: c.requiresPython,
      dependencies: dependencyList(p.dependencies, ambiguous, name),
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
      dependencies: dependencyList(resolution.rootDependencies, ambiguous, projectName),
      index: undefined,
      source: { kind: "directory", path: ".", editable: true, subdirectory: undefined },
    });
  }
  packages.sort(comparePackages);

  const fork = (m: Marker) => m.toString();
  return {
    lockVersion: "1.0",
    environments: canonical.environments.map((e) => Marker.parse(e)),
    requiresPython,
    extras: Object.keys(canonical.optionalDependencies),
    dependencyGroups: Object.keys(canonical.dependencyGroups),
    defaultGroups: canonical.defaultGroups,
    createdBy: opts.createdBy ?? "lockstep",
    packages,
    lockstep: {
      fingerprint: fingerprintInputs(canonical),
      inputs: canonical,
      forks: [...resolution.forks].sort((a, b) => (fork(a) < fork(b) ? -1 : fork(a) > fork(b) ? 1 : 0)),
    },
  };
}
