/**
 * Source-pinned packages: a requirement whose source is not an index (a workspace member, a local
 * directory, a local or remote wheel/sdist, a git checkout) resolves to exactly one candidate.
 *
 * The project layer decides which names are pinned (from `[tool.lockstep.sources]`, workspace
 * members, PEP 508 `name @ url` requirements) and hands the resolver a `SourcePins` map; the
 * resolver consults it before the index: a pinned name never reaches `IndexClient.project`. Each
 * pin's `load()` is source-specific (read a pyproject's static `[project]` table, prepare metadata
 * through the build backend, download an archive, resolve a git ref to a commit) and is called at
 * most once per resolution; its answer carries the version, the requirements and the *resolved*
 * source (e.g. the commit id a branch pointed at, an archive's sha256), which is what the lockfile
 * writes as the PEP 751 `directory`, `archive` or `vcs` entry.
 *
 * Pitfalls: paths are absolute here (the lockfile makes them relative to the lock's directory);
 * a pin applies to every requirement on that name in the graph, transitive ones included (uv's
 * rule: sources are project-wide), so `lib>=2` against a path pin of lib 1.0 has no solution;
 * a `name @ url` requirement whose name is not pinned is still refused by the dependency builder.
 */
import type { SpecifierSet, Version } from "@lockstep/pep440";
import type { Requirement } from "@lockstep/pep508";

/** Where a pinned distribution comes from, as PEP 751 records it (paths absolute). */
export type SourceDist =
  | {
      kind: "directory";
      /** Absolute path of the source tree. */
      path: string;
      editable: boolean;
      subdirectory?: string | undefined;
    }
  | {
      kind: "archive";
      /** Absolute path of a local wheel or sdist (exactly one of path and url). */
      path?: string | undefined;
      url?: string | undefined;
      /** Algorithm → hex digest of the archive. */
      hashes: Record<string, string>;
      size?: number | undefined;
      subdirectory?: string | undefined;
    }
  | {
      kind: "vcs";
      type: "git";
      /** The repository URL without the `git+` prefix, ref and fragment. */
      url: string;
      requestedRevision?: string | undefined;
      /** The full commit id the revision resolved to. */
      commitId: string;
      subdirectory?: string | undefined;
    };

/** What a pin's `load()` answers: the single candidate and its metadata. */
export interface PinnedDistribution {
  version: Version;
  requiresDist: Requirement[];
  requiresPython: SpecifierSet | undefined;
  /** The resolved source (commit ids and hashes filled in). */
  source: SourceDist;
}

export interface SourcePin {
  /** The source as requested, for messages (e.g. "path ../lib"). */
  describe: string;
  load(): Promise<PinnedDistribution>;
}

/** Canonical package name → its pin. */
export type SourcePins = ReadonlyMap<string, SourcePin>;
