/**
 * The Python dependency provider: PubGrub's window onto an index, for one fork of a resolution.
 * It composes the concepts that each live in their own file:
 *
 * - candidate-selection.ts: which version to try (yanked, pre-releases, preferences, strategy);
 * - availability.ts: why an existing version cannot be used ("unavailable" with a reason, which
 *   PubGrub turns into an incompatibility and a report line);
 * - metadata.ts and dependencies.ts: a version's requirements as dependencies, filtered by the
 *   fork's marker (universal) or the target environment (specific), with virtual packages for
 *   extras, groups and Python; forks.ts when one package needs different ranges under different
 *   markers (the answer is then a `fork` value carrying a ForkRequest, which ends this solve;
 *   the driver, resolve.ts, solves each part);
 * - prefetch.ts: metadata of the likely next candidates is fetched ahead of the solver;
 * - priority.ts: which package to decide next.
 */
import type { IndexClient } from "@lockstep/index";
import { VersionSet } from "@lockstep/pep440";
import type { Version } from "@lockstep/pep440";
import type { Marker } from "@lockstep/pep508";
import type { Dependencies, DependencyProvider, PackageStats, Priority } from "../pubgrub";
import { noFilesReason, unavailableReason } from "./availability";
import type { Candidate, VersionMap } from "./candidates";
import type { ProviderHints, VersionMapCache } from "./candidate-selection";
import { CandidateSelector } from "./candidate-selection";
import type { DependencySource, Edge } from "./dependencies";
import type { ForkRequest } from "./forks";
import {
  DependencyBuilder,
  distributionSource,
  groupSource,
  rootExtraSource,
  rootSource,
} from "./dependencies";
import type { MetadataCache, ParsedMetadata } from "./metadata";
import { MetadataSource } from "./metadata";
import type { ResolveOptions } from "./options";
import type { PyPackage } from "./package";
import { distributionName, packageKey, rootPackage } from "./package";
import { prefetch } from "./prefetch";
import { RequiredEnvironments } from "./required-environments";
import { lowerBoundOf, pythonFloorSplit, pythonLowerBounds } from "./requires-python";
import { Prioritizer } from "./priority";
import type { RootInput } from "./root-input";
import { pythonVersionSets } from "./version-sets";

/** Caches shared by every fork of one resolution: project pages and metadata are fetched once. */
export interface SharedCaches extends VersionMapCache {
  metadata: MetadataCache;
}

/** PubGrub's answer from this provider: dependencies, a reason a version is unusable, or a fork. */
export type PyDependencies = Dependencies<PyPackage, VersionSet, ForkRequest>;

export class PythonProvider implements DependencyProvider<PyPackage, Version, VersionSet, ForkRequest> {
  readonly versionSets = pythonVersionSets;
  readonly hints: ProviderHints;
  /** (package key, version) → edges, for the lockfile graph. */
  readonly edges = new Map<string, Edge[]>();
  private readonly selector: CandidateSelector;
  private readonly metadata: MetadataSource;
  private readonly builder: DependencyBuilder;
  private readonly priorities = new Prioritizer();
  /** `required-environments` (universal mode only). */
  private readonly required: RequiredEnvironments | undefined;

  constructor(
    client: IndexClient,
    private readonly root: RootInput,
    private readonly options: ResolveOptions,
    /** The fork's marker (universal) — TRUE in specific mode. */
    readonly forkMarker: Marker,
    private readonly pythonVersion: Version,
    shared: SharedCaches,
  ) {
    this.selector = new CandidateSelector(client, root, options, shared, forkMarker);
    this.hints = this.selector.hints;
    this.metadata = new MetadataSource(client, options, shared.metadata);
    this.builder = new DependencyBuilder(root, options, forkMarker);
    const required = options.target.kind === "universal" ? options.target.requiredEnvironments : undefined;
    this.required = required?.length
      ? new RequiredEnvironments(required, rootPackage(root.name), forkMarker)
      : undefined;
  }

  packageKey(p: PyPackage): string {
    return packageKey(p);
  }

  prioritize(p: PyPackage, range: VersionSet, stats: PackageStats): Priority {
    return this.priorities.prioritize(p, range, stats);
  }

  chooseVersion(p: PyPackage, range: VersionSet): Version | undefined | Promise<Version | undefined> {
    if (p.kind === "root") return range.contains(this.root.version) ? this.root.version : undefined;
    if (p.kind === "group") return range.contains(this.root.version) ? this.root.version : undefined;
    if (p.kind === "python") return range.contains(this.pythonVersion) ? this.pythonVersion : undefined;
    if (p.name === this.root.name) return range.contains(this.root.version) ? this.root.version : undefined;
    return this.selector.choose(p.name, range);
  }

  getDependencies(p: PyPackage, v: Version): PyDependencies | Promise<PyDependencies> {
    switch (p.kind) {
      case "python":
        return { kind: "available", dependencies: [] };
      case "root":
        return this.finish(p, v, rootSource(this.root, this.options.requiresPython));
      case "group":
        return this.finish(p, v, groupSource(this.root, p.group));
      case "extra":
        if (p.name === this.root.name) return this.finish(p, v, rootExtraSource(this.root, p.extra));
        break;
      case "package":
        break;
    }
    const name = p.name;
    const candidate = this.selector.candidate(name, v);
    if (!candidate) return { kind: "unavailable", reason: noFilesReason(name, v) };
    const unavailable = unavailableReason(name, candidate, this.options);
    if (unavailable) return { kind: "unavailable", reason: unavailable };
    const missing = this.required?.unavailableReason(
      p,
      candidate,
      !(this.options.noBinary === "all" || this.options.noBinary?.has(name)),
      !(this.options.noBuild === "all" || this.options.noBuild?.has(name)),
    );
    if (missing) return { kind: "unavailable", reason: missing };
    const extra = p.kind === "extra" ? p.extra : undefined;
    const meta = this.metadata.get(this.selector.mapKey(name), candidate);
    const build = (m: ParsedMetadata) => this.finish(p, v, distributionSource(name, extra, v, m, candidate));
    return meta instanceof Promise ? meta.then(build) : build(meta);
  }

  /** Record the edges and start prefetching, or pass on the request for a fork. */
  private finish(
    p: PyPackage,
    v: Version,
    source: DependencySource,
  ): PyDependencies | Promise<PyDependencies> {
    const outcome = this.builder.build(p, source);
    if (outcome.kind !== "available") return outcome;
    const split = this.pythonSplit(outcome.dependencies, outcome.edges);
    if (split instanceof Promise) return split.then((f) => f ?? this.record(p, v, outcome));
    return split ?? this.record(p, v, outcome);
  }

  private record(
    p: PyPackage,
    v: Version,
    outcome: { dependencies: Array<[PyPackage, VersionSet]>; edges: Edge[] },
  ): PyDependencies {
    this.edges.set(`${packageKey(p)}@${v.toString()}`, outcome.edges);
    this.required?.record(p, outcome.edges);
    for (const [dep, set] of outcome.dependencies)
      prefetch(this.selector, this.metadata, this.options, dep, set);
    return { kind: "available", dependencies: outcome.dependencies };
  }

  /**
   * Universal mode: a fork answer when an edge's marker raises the lowest Python (see
   * requires-python.ts) and the version that would be chosen for it does not run on the fork's
   * lowest Python but does on the raised one; the fork is then split at the raised Python.
   */
  private pythonSplit(
    dependencies: Array<[PyPackage, VersionSet]>,
    edges: Edge[],
  ): PyDependencies | undefined | Promise<PyDependencies | undefined> {
    if (this.options.target.kind !== "universal") return undefined;
    const projectFloor = lowerBoundOf(this.options.requiresPython);
    const checks: Array<() => PyDependencies | undefined | Promise<PyDependencies | undefined>> = [];
    for (const e of edges) {
      const name = distributionName(e.to);
      if (!name || name === this.root.name) continue;
      const raise = pythonFloorSplit(this.forkMarker, e.marker, this.pythonVersion, projectFloor);
      if (!raise) continue;
      let set = VersionSet.full();
      for (const [dep, s] of dependencies) if (dep === e.to) set = set.intersect(s);
      const decide = (map: VersionMap | undefined): PyDependencies | undefined => {
        const chosen = this.selector.pick(name, map, set);
        const rp = chosen && map?.get(chosen)?.requiresPython;
        if (!rp) return undefined;
        const runs = pythonLowerBounds(rp);
        if (runs.contains(this.pythonVersion) || !runs.contains(raise.floor)) return undefined;
        return {
          kind: "fork",
          request: {
            parts: [this.forkMarker.and(raise.split.not()), this.forkMarker.and(raise.split)],
            reason: `${name} ${chosen.toString()} requires Python ${rp.toString()} and is needed only where ${e.marker.toString()}`,
          },
        };
      };
      checks.push(() => {
        const map = this.selector.loadMap(name);
        return map instanceof Promise ? map.then(decide) : decide(map);
      });
    }
    if (checks.length === 0) return undefined;
    const run = (i: number): PyDependencies | undefined | Promise<PyDependencies | undefined> => {
      if (i >= checks.length) return undefined;
      const r = (checks[i] as (typeof checks)[number])();
      if (r instanceof Promise) return r.then((x) => x ?? run(i + 1));
      return r ?? run(i + 1);
    };
    return run(0);
  }

  /** Which of a package's sources this fork uses ("" unless it has several, see source-pins.ts). */
  sourceKey(name: string): string {
    return this.selector.sourceKey(name);
  }

  /** Files of a chosen version (for the lockfile). */
  candidate(name: string, v: Version): Candidate | undefined {
    return this.selector.candidate(name, v);
  }

  /** The versions of `name` that may be chosen, ascending (for failure reports). */
  allowedVersions(name: string): Version[] | undefined {
    return this.selector.allowedVersions(name);
  }
}
