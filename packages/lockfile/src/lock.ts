/**
 * The lock as plain data: what `readLock` returns and `formatLock` writes (PEP 751 `pylock.toml`).
 *
 * Strings that PEP 751 defines as markers, versions and specifiers are held parsed (`Marker`,
 * `Version`, `SpecifierSet`) so that consumers never re-parse them. Pitfalls: a package has exactly
 * one source (`vcs`, `directory`, `archive`, or index files: an sdist and/or wheels); a package
 * without a marker applies everywhere (`Marker.TRUE`); `path`s are relative to the lock file's
 * directory; upload times are kept as canonical UTC text (`2024-01-02T03:04:05Z`, millisecond
 * precision) because a TOML datetime is not a string and a JavaScript Date would lose microseconds.
 */
import type { SpecifierSet, Version } from "@lockstep/pep440";
import type { Marker } from "@lockstep/pep508";
import type { LockInputs } from "./lock-inputs";

/** One file of an index package (`packages.sdist`, `packages.wheels`). */
export interface LockFile {
  /** The file name (derived from `url`/`path` when the lock omits it). */
  name: string;
  url: string | undefined;
  path: string | undefined;
  uploadTime: string | undefined;
  size: number | undefined;
  /** Algorithm → lower-case hex digest; never empty in a valid lock. */
  hashes: Record<string, string>;
}

export type LockSource =
  | { kind: "files"; sdist: LockFile | undefined; wheels: LockFile[] }
  | { kind: "directory"; path: string; editable: boolean; subdirectory: string | undefined }
  | {
      kind: "archive";
      url: string | undefined;
      path: string | undefined;
      size: number | undefined;
      uploadTime: string | undefined;
      hashes: Record<string, string>;
      subdirectory: string | undefined;
    }
  | {
      kind: "vcs";
      type: string;
      url: string | undefined;
      path: string | undefined;
      requestedRevision: string | undefined;
      commitId: string;
      subdirectory: string | undefined;
    };

/** A `packages.dependencies` entry: enough to identify one package entry of the lock. */
export interface LockDependency {
  name: string;
  version: Version | undefined;
  /**
   * Only when name and version match several entries (one version from two sources split by
   * marker): the entry's `index`, or else its `marker`, compared key by key as PEP 751 says.
   */
  index?: string | undefined;
  marker?: Marker | undefined;
}

export interface LockPackage {
  /** PEP 503 canonical name. */
  name: string;
  /** Absent for source trees (directory, VCS without a stable version). */
  version: Version | undefined;
  marker: Marker;
  requiresPython: SpecifierSet | undefined;
  dependencies: LockDependency[];
  /** The index the files came from. */
  index: string | undefined;
  source: LockSource;
}

/** `[tool.lockstep]`: what PEP 751 has no key for. */
export interface LockstepTool {
  /** `sha256:<hex>` of the canonical inputs (see lock-inputs.ts). */
  fingerprint: string;
  /** The inputs the lock was made from, canonical. */
  inputs: LockInputs;
  /** The resolver's fork markers, so a re-lock can start from the same splits. */
  forks: Marker[];
}

export interface Lock {
  lockVersion: string;
  /** Empty when the lock does not restrict environments. */
  environments: Marker[];
  requiresPython: SpecifierSet | undefined;
  extras: string[];
  dependencyGroups: string[];
  defaultGroups: string[];
  createdBy: string;
  packages: LockPackage[];
  /** Present in locks lockstep wrote. */
  lockstep: LockstepTool | undefined;
}

/** `name version` for messages, or just `name` for unversioned entries. */
export function describePackage(p: { name: string; version: Version | undefined }): string {
  return p.version ? `${p.name} ${p.version.toString()}` : p.name;
}
