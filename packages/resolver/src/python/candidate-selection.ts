/**
 * Candidate selection: which version of a package to try next, from its index page.
 *
 * A version is a candidate when it lies in the range PubGrub asks about, is not a pre-release the
 * policy rules out, and is not yanked (PEP 592) unless the project pins it with `==`; files
 * uploaded after `exclude-newer` are already gone from the VersionMap. A preferred version (from
 * an existing lock) is tried first unless the package is being upgraded; otherwise the strategy
 * picks the highest or the lowest. Under index-strategy `unsafe-first-match` (uv's meaning: every
 * index is read, but the first index's versions are exhausted before the next index's are tried),
 * the strategy picks within the lowest index rank that has a usable version in range.
 *
 * Pitfalls: uv's "explicit" pre-release rule counts any clause naming a pre-release, `>1.0a1`
 * included; "necessary" means every version of the package is a pre-release. Skipped pre-releases
 * and yanked versions are remembered as hints for the failure report, even when they were skipped
 * while prefetching.
 */
import type { IndexClient, ProjectPage } from "@lockstep/index";
import { PackageNotFoundError } from "@lockstep/index";
import { LockstepError } from "@lockstep/errors";
import { Version } from "@lockstep/pep440";
import type { VersionSet } from "@lockstep/pep440";
import { Marker } from "@lockstep/pep508";
import type { Candidate } from "./candidates";
import { VersionMap } from "./candidates";
import type { ResolveOptions } from "./options";
import type { RootInput } from "./root-input";
import { firstPartyRequirements } from "./root-input";
import type { SourceVariant } from "./source-pins";
import { variantFor } from "./source-pins";

export interface ProviderHints {
  notFound: Set<string>;
  /** name → pre-release versions skipped by the policy. */
  skippedPrereleases: Map<string, Version[]>;
  /** name → yanked versions skipped. */
  skippedYanked: Map<string, Version[]>;
}

/** Project pages parsed into VersionMaps, shared by every fork of one resolution. */
export interface VersionMapCache {
  maps: Map<string, VersionMap>;
  mapPromises: Map<string, Promise<VersionMap | undefined>>;
}

export class CandidateSelector {
  readonly hints: ProviderHints = {
    notFound: new Set(),
    skippedPrereleases: new Map(),
    skippedYanked: new Map(),
  };
  private readonly directNames: Set<string>;
  private readonly explicitPrerelease: Set<string>;
  private readonly pinnedByProject: Set<string>;

  constructor(
    private readonly client: IndexClient,
    root: RootInput,
    private readonly options: ResolveOptions,
    private readonly cache: VersionMapCache,
    /** The fork's marker: picks the source of a package with several (see source-pins.ts). */
    private readonly forkMarker: Marker = Marker.TRUE,
  ) {
    const firstParty = firstPartyRequirements(root);
    this.directNames = new Set(firstParty.map((r) => r.canonicalName));
    // uv's "explicit" rule counts any clause naming a pre-release, `>1.0a1` included (packaging's
    // own `prereleases` property ignores `<` and `>` clauses, which is right for `contains` only).
    this.explicitPrerelease = new Set(
      firstParty
        .filter((r) => r.specifier.specifiers.some((c) => Version.tryParse(c.version)?.isPrerelease))
        .map((r) => r.canonicalName),
    );
    // A yanked version may be used only when the project itself pins it with `==`.
    this.pinnedByProject = new Set(
      firstParty.flatMap((r) =>
        r.specifier.specifiers
          .filter((c) => (c.operator === "==" || c.operator === "===") && !c.wildcard)
          .map((c) => `${r.canonicalName}==${Version.tryParse(c.version)?.toString() ?? c.version}`),
      ),
    );
  }

  /**
   * The source of `name` in this fork when it has several (undefined otherwise). The dependency
   * builder forks before a package spanning several sources is needed, so a fork spanning them
   * here is a bug, not a user error.
   */
  private variant(name: string, strict = true): SourceVariant | undefined {
    const variants = this.options.conditionalSources?.get(name);
    if (!variants) return undefined;
    const target = this.options.target;
    const found = variantFor(
      variants,
      this.forkMarker,
      target.kind === "specific" ? target.markers : undefined,
    );
    if (!found && strict) {
      throw new LockstepError(
        "internal-source-fork",
        `${name} has several sources and the fork (${this.forkMarker.toString()}) was not split by them`,
      );
    }
    return found;
  }

  /** `name` as the caches key it: with the source's key appended when the package has several. */
  mapKey(name: string): string {
    if (!this.options.conditionalSources?.has(name)) return name;
    const key = this.variant(name, false)?.key ?? "";
    return key === "" ? name : `${name} ${key}`;
  }

  /** The source key of `name` in this fork ("" unless it has several sources). */
  sourceKey(name: string): string {
    return this.options.conditionalSources?.has(name) ? (this.variant(name, false)?.key ?? "") : "";
  }

  /** The versions of `name`, at once when already loaded; `undefined` when the index has no such project. */
  loadMap(name: string): VersionMap | undefined | Promise<VersionMap | undefined> {
    const key = this.mapKey(name);
    const ready = this.cache.maps.get(key);
    if (ready) return ready;
    let p = this.cache.mapPromises.get(key);
    const variant = this.variant(name);
    const pin = variant ? variant.pin : this.options.sourcePins?.get(name);
    if (!p && pin) {
      // A source-pinned name never reaches the index: its one candidate comes from the pin.
      p = pin.load().then((dist) => {
        const map = VersionMap.pinned(name, dist);
        this.cache.maps.set(key, map);
        return map;
      });
      this.cache.mapPromises.set(key, p);
    }
    if (!p) {
      const page = variant?.index ? this.client.project(name, variant.index) : this.client.project(name);
      p = page.then(
        (page: ProjectPage) => {
          const map = new VersionMap(name, page, { excludeNewer: this.options.excludeNewer });
          this.cache.maps.set(key, map);
          return map;
        },
        (err: unknown) => {
          if (err instanceof PackageNotFoundError) return undefined;
          throw err;
        },
      );
      this.cache.mapPromises.set(key, p);
    }
    return p;
  }

  /** The files of `name` at `v`, if its page is loaded and has that version. */
  candidate(name: string, v: Version): Candidate | undefined {
    return this.cache.maps.get(this.mapKey(name))?.get(v);
  }

  /** The version of `name` in `range` to try next, or `undefined` when none may be chosen. */
  choose(name: string, range: VersionSet): Version | undefined | Promise<Version | undefined> {
    const map = this.loadMap(name);
    if (map instanceof Promise) return map.then((m) => this.pick(name, m, range));
    return this.pick(name, map, range);
  }

  pick(name: string, map: VersionMap | undefined, range: VersionSet): Version | undefined {
    if (!map) {
      this.hints.notFound.add(name);
      return undefined;
    }
    const only = map.candidates[0];
    if (only?.pinned) return range.contains(only.version) ? only.version : undefined;
    const prereleases = this.prereleasesAllowed(name, map);
    const upgrade = this.options.upgrade;
    const preferred =
      upgrade === true || (upgrade instanceof Set && upgrade.has(name))
        ? undefined
        : // A package with several sources is preferred per source (its versions differ by source).
          this.options.preferences?.get(this.mapKey(name));
    if (preferred) {
      const c = map.get(preferred);
      if (c && this.usable(name, c, range, prereleases || preferred.isPrerelease)) return c.version;
    }
    const strategy = this.options.resolution ?? "highest";
    const lowest = strategy === "lowest" || (strategy === "lowest-direct" && this.directNames.has(name));
    // unsafe-first-match: the first index's versions are exhausted before the next index is
    // looked at, so the strategy runs once per index rank, lowest rank first.
    const ranks = this.client.indexStrategy === "unsafe-first-match" ? ranksOf(map) : [undefined];
    for (const rank of ranks) {
      const list = rank === undefined ? map.candidates : map.candidates.filter((c) => c.indexRank === rank);
      if (lowest) {
        for (const c of list) if (this.usable(name, c, range, prereleases)) return c.version;
      } else {
        for (let i = list.length - 1; i >= 0; i--) {
          const c = list[i] as Candidate;
          if (this.usable(name, c, range, prereleases)) return c.version;
        }
      }
    }
    return undefined;
  }

  /**
   * The versions of `name` PubGrub may be given (ascending; pre-releases and yanked versions only
   * where allowed), for simplifying the ranges a failure report mentions; undefined when not loaded.
   */
  allowedVersions(name: string): Version[] | undefined {
    const map = this.cache.maps.get(this.mapKey(name));
    if (!map) return undefined;
    const prereleases = this.prereleasesAllowed(name, map);
    return map.candidates
      .filter(
        (c) =>
          (prereleases || !c.version.isPrerelease) &&
          (!c.yanked || this.pinnedByProject.has(`${name}==${c.version.toString()}`)),
      )
      .map((c) => c.version);
  }

  private prereleasesAllowed(name: string, map: VersionMap): boolean {
    const mode = this.options.prerelease ?? "if-necessary-or-explicit";
    if (mode === "allow") return true;
    if (mode === "disallow") return false;
    const explicit = this.explicitPrerelease.has(name);
    const necessary = map.candidates.length > 0 && map.candidates.every((c) => c.version.isPrerelease);
    if (mode === "explicit") return explicit;
    if (mode === "if-necessary") return necessary;
    return explicit || necessary;
  }

  private usable(name: string, c: Candidate, range: VersionSet, prereleases: boolean): boolean {
    if (!range.contains(c.version)) return false;
    if (c.version.isPrerelease && !prereleases) {
      remember(this.hints.skippedPrereleases, name, c.version);
      return false;
    }
    if (c.yanked && !this.pinnedByProject.has(`${name}==${c.version.toString()}`)) {
      remember(this.hints.skippedYanked, name, c.version);
      return false;
    }
    return true;
  }
}

/** The index ranks a project's versions come from, ascending; `[undefined]` (all at once) for one index. */
function ranksOf(map: VersionMap): Array<number | undefined> {
  const ranks = [...new Set(map.candidates.map((c) => c.indexRank))].sort((a, b) => a - b);
  return ranks.length > 1 ? ranks : [undefined];
}

function remember(skipped: Map<string, Version[]>, name: string, v: Version): void {
  const list = skipped.get(name) ?? [];
  if (!list.some((w) => w.equals(v))) list.push(v);
  skipped.set(name, list);
}
