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
 * A package with several sources split by marker has `SourceVariant`s instead of one pin (below).
 */
import type { SpecifierSet, Version } from "@lockstep/pep440";
import type { Marker, MarkerEnvironment, Requirement } from "@lockstep/pep508";
import type { ForkRequest } from "./forks";

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

/**
 * Where a pin takes its package from, as a PEP 508 direct URL: a dependency's metadata may name
 * that package by URL only when it is the same resource (transitive-url.ts).
 */
export interface RequestedUrl {
  /** The location as a URL, credentials removed (for messages). */
  url: string;
  /** Whether a requirement's URL names the same resource (same repository and revision, same file). */
  matches(url: string): boolean;
}

export interface SourcePin {
  /** The source as requested, for messages (e.g. "path ../lib"). */
  describe: string;
  /** Its location; a pin without one (a test's) matches no requirement URL. */
  requested?: RequestedUrl | undefined;
  load(): Promise<PinnedDistribution>;
}

/** Canonical package name → its pin. */
export type SourcePins = ReadonlyMap<string, SourcePin>;

/**
 * One of several sources of a package, chosen by environment (`[tool.lockstep.sources]` entries
 * with a `marker`, as uv's): `torch` from one index on Linux and another on Windows, `lib` from a
 * path on POSIX and a git tag on Windows. Environments outside every declared marker get the default
 * variant (key ""), which resolves as the package would without these sources.
 *
 * The resolver forks wherever a package with variants is required and the fork holds environments
 * of more than one variant (see `sourceForkRequest`), so within a fork each such package has exactly
 * one source. Versions of different variants are kept apart in the caches and in the merged graph
 * (two lock entries of one name, with disjoint markers, as PEP 751 allows).
 */
export interface SourceVariant {
  /** Where this source applies; the variants of one package are disjoint and cover every environment. */
  marker: Marker;
  /** Tells this source's versions apart from the others' (e.g. "index torch-cu"); "" for the default. */
  key: string;
  /** A path, git or URL source: its one candidate. */
  pin?: SourcePin | undefined;
  /** An index source: the name of the index all its versions come from. */
  index?: string | undefined;
}

/** Canonical package name → its variants (disjoint markers covering every environment). */
export type ConditionalSources = ReadonlyMap<string, readonly SourceVariant[]>;

/**
 * The variant a fork uses: the one whose marker holds wherever the fork does (universal), or that
 * holds in the target environment (specific); undefined when the fork spans several variants.
 */
export function variantFor(
  variants: readonly SourceVariant[],
  fork: Marker,
  env: MarkerEnvironment | undefined,
): SourceVariant | undefined {
  if (env) return variants.find((v) => v.marker.evaluate(env));
  return variants.find((v) => fork.implies(v.marker));
}

/** The split of `fork` by the variants of `name`, when the fork spans more than one of them. */
export function sourceForkRequest(
  name: string,
  variants: readonly SourceVariant[],
  fork: Marker,
): ForkRequest | undefined {
  if (variantFor(variants, fork, undefined)) return undefined;
  const parts = variants.map((v) => fork.and(v.marker)).filter((m) => !m.isFalse());
  if (parts.length < 2) return undefined;
  return {
    parts,
    reason: `${name} comes from different sources where ${variants
      .filter((v) => v.key !== "")
      .map((v) => v.marker.toString())
      .join(" and where ")}`,
  };
}
