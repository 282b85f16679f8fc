/**
 * The Python dependency provider: PubGrub's window onto an index, for one fork of a resolution.
 *
 * - versions come from the index client's project pages (VersionMap), filtered by yanked,
 *   pre-release policy, exclude-newer, and tried in the strategy's order with lock preferences first;
 * - a version's dependencies come from its core metadata, filtered by the fork's marker (universal)
 *   or evaluated in the target environment (specific), with constraints and overrides applied;
 *   its Requires-Python becomes a dependency on the virtual `python` package;
 * - a version without a usable file (no compatible wheel and no sdist, no-binary, no-build) is
 *   "unavailable" with a reason, which PubGrub turns into an incompatibility and a report line;
 * - when one package is required with different ranges under different markers, the provider
 *   throws `ForkRequest` with a partition of the fork; the driver (resolve.ts) solves each part;
 * - metadata is prefetched for the likely candidates of every new dependency, so the solver rarely
 *   waits on the network, and each version's metadata is fetched once.
 */
import type { DistFile, IndexClient, ProjectPage } from "@lockstep/index";
import { PackageNotFoundError } from "@lockstep/index";
import { Version, VersionSet } from "@lockstep/pep440";
import type { MarkerEnvironment } from "@lockstep/pep508";
import { Marker } from "@lockstep/pep508";
import type { Requirement } from "@lockstep/pep508";
import { parseCoreMetadata } from "@lockstep/wheel";
import type { Dependencies, DependencyProvider, PackageStats, Priority, VersionSetOps } from "../pubgrub";
import type { Candidate } from "./candidates";
import { VersionMap } from "./candidates";
import type { ResolveOptions } from "./options";
import type { PyPackage } from "./package";
import { PYTHON, extraPackage, groupPackage, packageKey, plainPackage } from "./package";

/** Conflicts after which a package is decided before the packages it clashes with. */
export const CONFLICT_THRESHOLD = 5;

export const pythonVersionSets: VersionSetOps<Version, VersionSet> = {
  empty: () => VersionSet.empty(),
  full: () => VersionSet.full(),
  singleton: (v) => VersionSet.exact(v),
  intersect: (a, b) => a.intersect(b),
  union: (a, b) => a.union(b),
  complement: (a) => a.complement(),
  contains: (s, v) => s.contains(v),
  isEmpty: (s) => s.isEmpty(),
  equals: (a, b) => a.equals(b),
  isSubset: (a, b) => a.isSubsetOf(b),
  isDisjoint: (a, b) => a.isDisjoint(b),
  isFull: (s) => s.isFull(),
  format: (s) => s.toString(),
  versionKey: (v) => v.toString(),
};

/** Thrown from getDependencies when the fork must be split; `parts` partition the current fork. */
export class ForkRequest extends Error {
  constructor(
    readonly parts: Marker[],
    readonly reason: string,
  ) {
    super(`fork: ${reason}`);
  }
}

/** The root's requirements, by where they come from. */
export interface RootInput {
  name: string;
  version: Version;
  dependencies: Requirement[];
  /** extra name → requirements (the project's optional-dependencies). */
  extras: Map<string, Requirement[]>;
  /** group name → requirements. */
  groups: Map<string, Requirement[]>;
}

/** A dependency edge as recorded for the lockfile: target and the marker under which it applies. */
export interface Edge {
  to: PyPackage;
  marker: Marker;
}

interface ParsedMetadata {
  requiresDist: Requirement[];
  requiresPython: string | undefined;
}

const specCache = new Map<string, VersionSet>();
function versionSetOf(r: Requirement): VersionSet {
  const key = r.specifier.toString();
  let s = specCache.get(key);
  if (!s) {
    s = VersionSet.fromSpecifierSet(r.specifier);
    specCache.set(key, s);
  }
  return s;
}

const extraMarkers = new Map<string, Marker>();
/** The marker with `extra` fixed to `extra` ("" = no extra), other variables kept. */
export function restrictExtra(m: Marker, extra: string): Marker {
  if (m.isTrue()) return m;
  let e = extraMarkers.get(extra);
  if (!e) {
    e = Marker.parse(`extra == '${extra}'`);
    extraMarkers.set(extra, e);
  }
  return m.and(e).withoutExtras();
}

export interface ProviderHints {
  notFound: Set<string>;
  /** name → pre-release versions skipped by the policy. */
  skippedPrereleases: Map<string, Version[]>;
  /** name → yanked versions skipped. */
  skippedYanked: Map<string, Version[]>;
}

export class PythonProvider implements DependencyProvider<PyPackage, Version, VersionSet> {
  readonly versionSets = pythonVersionSets;
  readonly hints: ProviderHints = {
    notFound: new Set(),
    skippedPrereleases: new Map(),
    skippedYanked: new Map(),
  };
  /** (package key, version) → edges, for the lockfile graph. */
  readonly edges = new Map<string, Edge[]>();
  private readonly maps: Map<string, VersionMap>;
  private readonly mapPromises: Map<string, Promise<VersionMap | undefined>>;
  private readonly metadataCache: Map<string, ParsedMetadata | Promise<ParsedMetadata>>;
  private readonly seq = new Map<string, number>();
  private readonly directNames: Set<string>;
  private readonly explicitPrerelease: Set<string>;
  private readonly pinnedByProject: Set<string>;
  private readonly constraints = new Map<string, VersionSet>();
  private readonly overrides = new Map<string, Requirement[]>();
  private readonly pythonVersion: Version;

  constructor(
    private readonly client: IndexClient,
    private readonly root: RootInput,
    private readonly rootPackage: PyPackage,
    private readonly options: ResolveOptions,
    /** The fork's marker (universal) — TRUE in specific mode. */
    readonly forkMarker: Marker,
    pythonVersion: Version,
    shared: {
      maps: Map<string, VersionMap>;
      mapPromises: Map<string, Promise<VersionMap | undefined>>;
      metadata: Map<string, ParsedMetadata | Promise<ParsedMetadata>>;
    },
  ) {
    this.pythonVersion = pythonVersion;
    this.maps = shared.maps;
    this.mapPromises = shared.mapPromises;
    this.metadataCache = shared.metadata;
    const firstParty = [
      ...root.dependencies,
      ...[...root.extras.values()].flat(),
      ...[...root.groups.values()].flat(),
    ];
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
    for (const c of options.constraints ?? []) {
      const prev = this.constraints.get(c.canonicalName) ?? VersionSet.full();
      this.constraints.set(c.canonicalName, prev.intersect(versionSetOf(c)));
    }
    for (const o of options.overrides ?? []) {
      const list = this.overrides.get(o.canonicalName) ?? [];
      list.push(o);
      this.overrides.set(o.canonicalName, list);
    }
  }

  packageKey(p: PyPackage): string {
    return packageKey(p);
  }

  prioritize(p: PyPackage, range: VersionSet, stats: PackageStats): Priority {
    const key = packageKey(p);
    let seq = this.seq.get(key);
    if (seq === undefined) {
      seq = this.seq.size;
      this.seq.set(key, seq);
    }
    if (p.kind === "python" || p.kind === "root") return [1_000_000, 0];
    if (p.kind === "group") return [900_000, -seq];
    const pinned = range.intervals.length === 1 && isPoint(range) ? 1 : 0;
    // A package that keeps being rejected because of others is decided before them (uv's rule).
    const stuck = stats.affected >= CONFLICT_THRESHOLD ? 1 : 0;
    return [pinned * 100_000 + stuck * 50_000 + Math.min(stats.conflicts, 49_999), -seq];
  }

  // ---- versions -------------------------------------------------------------------------------

  private loadMap(name: string): VersionMap | undefined | Promise<VersionMap | undefined> {
    const ready = this.maps.get(name);
    if (ready) return ready;
    let p = this.mapPromises.get(name);
    if (!p) {
      p = this.client.project(name).then(
        (page: ProjectPage) => {
          const map = new VersionMap(name, page, { excludeNewer: this.options.excludeNewer });
          this.maps.set(name, map);
          return map;
        },
        (err: unknown) => {
          if (err instanceof PackageNotFoundError) return undefined;
          throw err;
        },
      );
      this.mapPromises.set(name, p);
    }
    return p;
  }

  chooseVersion(p: PyPackage, range: VersionSet): Version | undefined | Promise<Version | undefined> {
    if (p.kind === "root") return range.contains(this.root.version) ? this.root.version : undefined;
    if (p.kind === "group") return range.contains(this.root.version) ? this.root.version : undefined;
    if (p.kind === "python") return range.contains(this.pythonVersion) ? this.pythonVersion : undefined;
    if (p.name === this.root.name) return range.contains(this.root.version) ? this.root.version : undefined;
    const map = this.loadMap(p.name);
    if (map instanceof Promise) return map.then((m) => this.pick(p.name, m, range));
    return this.pick(p.name, map, range);
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
      const list = this.hints.skippedPrereleases.get(name) ?? [];
      if (!list.some((v) => v.equals(c.version))) list.push(c.version);
      this.hints.skippedPrereleases.set(name, list);
      return false;
    }
    if (c.yanked && !this.pinnedByProject.has(`${name}==${c.version.toString()}`)) {
      const list = this.hints.skippedYanked.get(name) ?? [];
      if (!list.some((v) => v.equals(c.version))) list.push(c.version);
      this.hints.skippedYanked.set(name, list);
      return false;
    }
    return true;
  }

  private pick(name: string, map: VersionMap | undefined, range: VersionSet): Version | undefined {
    if (!map) {
      this.hints.notFound.add(name);
      return undefined;
    }
    const prereleases = this.prereleasesAllowed(name, map);
    const upgrade = this.options.upgrade;
    const preferred =
      upgrade === true || (upgrade instanceof Set && upgrade.has(name))
        ? undefined
        : this.options.preferences?.get(name);
    if (preferred) {
      const c = map.get(preferred);
      if (c && this.usable(name, c, range, prereleases || preferred.isPrerelease)) return c.version;
    }
    const strategy = this.options.resolution ?? "highest";
    const lowest = strategy === "lowest" || (strategy === "lowest-direct" && this.directNames.has(name));
    const list = map.candidates;
    if (lowest) {
      for (const c of list) if (this.usable(name, c, range, prereleases)) return c.version;
    } else {
      for (let i = list.length - 1; i >= 0; i--) {
        const c = list[i] as Candidate;
        if (this.usable(name, c, range, prereleases)) return c.version;
      }
    }
    return undefined;
  }

  // ---- dependencies ---------------------------------------------------------------------------

  getDependencies(
    p: PyPackage,
    v: Version,
  ): Dependencies<PyPackage, VersionSet> | Promise<Dependencies<PyPackage, VersionSet>> {
    switch (p.kind) {
      case "python":
        return { kind: "available", dependencies: [] };
      case "root": {
        const reqs: Array<{ req: Requirement; marker: Marker }> = this.root.dependencies.map((req) => ({
          req,
          marker: req.marker,
        }));
        const extraDeps: Array<[PyPackage, Marker]> = [];
        for (const name of [...this.root.extras.keys()].sort()) {
          extraDeps.push([extraPackage(this.root.name, name), Marker.parse(`'${name}' in extras`)]);
        }
        for (const name of [...this.root.groups.keys()].sort()) {
          extraDeps.push([
            groupPackage(this.root.name, name),
            Marker.parse(`'${name}' in dependency_groups`),
          ]);
        }
        return this.finish(
          p,
          v,
          reqs,
          undefined,
          extraDeps,
          this.options.requiresPython ? VersionSet.fromSpecifierSet(this.options.requiresPython) : undefined,
        );
      }
      case "group": {
        const reqs = (this.root.groups.get(p.group) ?? []).map((req) => ({ req, marker: req.marker }));
        return this.finish(p, v, reqs, undefined, [], undefined);
      }
      case "extra":
        if (p.name === this.root.name) {
          const reqs = (this.root.extras.get(p.extra) ?? []).map((req) => ({ req, marker: req.marker }));
          return this.finish(p, v, reqs, undefined, [], undefined);
        }
        break;
      case "package":
        break;
    }
    const name = p.name;
    const map = this.maps.get(name);
    const candidate = map?.get(v);
    if (!candidate) return { kind: "unavailable", reason: `${name}==${v} has no files on the index` };
    const unavailable = this.unavailableReason(name, candidate);
    if (unavailable) return { kind: "unavailable", reason: unavailable };
    const meta = this.metadataFor(name, candidate);
    const build = (m: ParsedMetadata) => {
      const extra = p.kind === "extra" ? p.extra : undefined;
      const reqs: Array<{ req: Requirement; marker: Marker }> = [];
      for (const req of m.requiresDist) {
        const base = restrictExtra(req.marker, "");
        if (extra === undefined) {
          reqs.push({ req, marker: base });
        } else {
          const withExtra = restrictExtra(req.marker, extra);
          if (!withExtra.equals(base)) reqs.push({ req, marker: withExtra });
        }
      }
      const rp = candidate.requiresPython?.toString() ?? m.requiresPython;
      const pythonSet = rp ? pythonLowerBounds(rp) : undefined;
      const self: Array<[PyPackage, Marker]> = extra === undefined ? [] : [[plainPackage(name), Marker.TRUE]];
      return this.finish(p, v, reqs, extra === undefined ? undefined : v, self, pythonSet);
    };
    return meta instanceof Promise ? meta.then(build) : build(meta);
  }

  private unavailableReason(name: string, c: Candidate): string | undefined {
    const noBinary = this.options.noBinary === "all" || this.options.noBinary?.has(name);
    const noBuild = this.options.noBuild === "all" || this.options.noBuild?.has(name);
    const target = this.options.target;
    const wheels = noBinary ? [] : c.wheels;
    const compatible =
      target.kind === "specific" && target.tags
        ? wheels.filter((w) => target.tags?.isCompatible(w.file.filename))
        : wheels;
    if (compatible.length > 0) return undefined;
    if (c.sdist && !noBuild) return undefined;
    if (noBinary && !c.sdist)
      return "no source distribution is available and using wheels is disabled (--no-binary)";
    if (noBuild && c.sdist && compatible.length === 0) {
      return c.wheels.length > 0
        ? "only a source distribution is compatible and building is disabled (--no-build)"
        : "it has no wheels and building source distributions is disabled (--no-build)";
    }
    if (c.wheels.length > 0) {
      return `none of its wheels is compatible with the target (${c.wheels
        .map((w) => w.file.filename)
        .sort()
        .join(", ")}) and it has no source distribution`;
    }
    return "it has no usable distribution files";
  }

  /** The file to read metadata from: the best compatible wheel, any wheel, or the sdist. */
  private metadataFile(c: Candidate): DistFile | undefined {
    const target = this.options.target;
    const noBinary = this.options.noBinary;
    const wheels = c.wheels.map((w) => w.file).sort((a, b) => (a.filename < b.filename ? -1 : 1));
    if (target.kind === "specific" && target.tags && wheels.length > 0) {
      const best = target.tags.bestWheel(wheels);
      if (best) return best;
    }
    if (noBinary === "all" && c.sdist) return c.sdist;
    return wheels[0] ?? c.sdist;
  }

  private metadataFor(name: string, c: Candidate): ParsedMetadata | Promise<ParsedMetadata> {
    const key = `${name}==${c.version.toString()}`;
    const hit = this.metadataCache.get(key);
    if (hit) return hit;
    const file = this.metadataFile(c);
    if (!file) return { requiresDist: [], requiresPython: undefined };
    const p = this.client.metadata(file).then((text) => {
      const meta = parseCoreMetadata(text, file.url);
      const parsed: ParsedMetadata = {
        requiresDist: meta.requiresDist,
        requiresPython: meta.requiresPython?.toString(),
      };
      this.metadataCache.set(key, parsed);
      return parsed;
    });
    this.metadataCache.set(key, p);
    return p;
  }

  /**
   * Turn filtered requirements into PubGrub dependencies, recording edges, merging duplicates,
   * and asking for a fork when one package is needed in different ranges under different markers.
   */
  private finish(
    p: PyPackage,
    v: Version,
    reqs: Array<{ req: Requirement; marker: Marker }>,
    selfPin: Version | undefined,
    virtual: Array<[PyPackage, Marker]>,
    pythonSet: VersionSet | undefined,
  ): Dependencies<PyPackage, VersionSet> {
    const target = this.options.target;
    const entries: Array<{ pkg: PyPackage; set: VersionSet; marker: Marker }> = [];
    const env: MarkerEnvironment | undefined = target.kind === "specific" ? target.markers : undefined;
    const applies = (m: Marker): boolean => {
      if (env)
        return m.evaluate(env, { extras: this.rootExtrasAll(), dependencyGroups: this.rootGroupsAll() });
      return !m.isDisjoint(this.forkMarker);
    };
    for (const [pkg, marker] of virtual) {
      entries.push({
        pkg,
        set: selfPin && pkg.kind === "package" ? VersionSet.exact(selfPin) : VersionSet.full(),
        marker,
      });
    }
    for (const { req, marker } of reqs) {
      const name = req.canonicalName;
      const replaced = this.overrides.get(name);
      const effective =
        replaced && p.kind !== "root"
          ? replaced.map((o) => ({ req: o, marker: marker.and(o.marker) }))
          : [{ req, marker }];
      for (const { req: r, marker: m } of effective) {
        if (!applies(m)) continue;
        if (r.url) {
          // Direct URL requirements are resolved by the build/source layer; until then, state it.
          return {
            kind: "unavailable",
            reason: `it requires ${r.toString()}, and direct URL requirements are not supported yet`,
          };
        }
        let set = versionSetOf(r);
        const constraint = this.constraints.get(name);
        if (constraint) set = set.intersect(constraint);
        entries.push({ pkg: plainPackage(name), set, marker: m });
        for (const extra of r.extras) entries.push({ pkg: extraPackage(name, extra), set, marker: m });
      }
    }
    // Group by package: merge equal ranges, intersect unconditional ones, fork on the rest.
    const byKey = new Map<string, Array<{ pkg: PyPackage; set: VersionSet; marker: Marker }>>();
    for (const e of entries) {
      const k = packageKey(e.pkg);
      const list = byKey.get(k);
      if (list) list.push(e);
      else byKey.set(k, [e]);
    }
    const deps: Array<[PyPackage, VersionSet]> = [];
    const edges: Edge[] = [];
    for (const list of byKey.values()) {
      const first = list[0] as (typeof list)[0];
      if (list.length === 1) {
        deps.push([first.pkg, first.set]);
        edges.push({ to: first.pkg, marker: first.marker });
        continue;
      }
      const sameRange = list.every((e) => e.set.equals(first.set));
      const allUnconditional = env !== undefined || list.every((e) => this.forkMarker.implies(e.marker));
      if (sameRange || allUnconditional) {
        // Each range stays its own dependency: PubGrub intersects them, and a report can then
        // name both requirements when they cannot hold together (`a==1` and `a==2`).
        let marker = Marker.FALSE;
        const seen: VersionSet[] = [];
        for (const e of list) {
          marker = marker.or(e.marker);
          if (seen.some((s) => s.equals(e.set))) continue;
          seen.push(e.set);
          deps.push([e.pkg, e.set]);
        }
        edges.push({ to: first.pkg, marker });
        continue;
      }
      let parts: Marker[] = [this.forkMarker];
      for (const e of list) {
        if (this.forkMarker.implies(e.marker)) continue;
        const next: Marker[] = [];
        for (const f of parts) {
          const yes = f.and(e.marker);
          const no = f.and(e.marker.not());
          if (!yes.isFalse()) next.push(yes);
          if (!no.isFalse()) next.push(no);
        }
        parts = next;
      }
      throw new ForkRequest(
        orderForks(parts, list),
        `${packageKey(first.pkg)} is required as ${list.map((e) => `${e.set.toString()} (${e.marker.toString() || "always"})`).join(" and ")}`,
      );
    }
    if (pythonSet && !pythonSet.isFull()) deps.push([PYTHON, pythonSet]);
    this.edges.set(`${packageKey(p)}@${v.toString()}`, edges);
    for (const [dep, set] of deps) this.prefetch(dep, set);
    return { kind: "available", dependencies: deps };
  }

  private rootExtrasAll(): string[] {
    return [...this.root.extras.keys()];
  }

  private rootGroupsAll(): string[] {
    return [...this.root.groups.keys()];
  }

  /** Start fetching what the solver will most likely ask for next; errors surface when it does. */
  private prefetch(p: PyPackage, set: VersionSet): void {
    if (p.kind !== "package") return;
    const name = p.name;
    const start = (map: VersionMap | undefined) => {
      if (!map) return;
      const v = this.pick(name, map, set);
      const c = v && map.get(v);
      if (c && !this.unavailableReason(name, c)) {
        const m = this.metadataFor(name, c);
        if (m instanceof Promise) m.catch(() => undefined);
      }
    };
    const map = this.loadMap(name);
    if (map instanceof Promise) map.then(start, () => undefined);
    else start(map);
  }

  /** Files of a chosen version (for the lockfile). */
  candidate(name: string, v: Version): Candidate | undefined {
    return this.maps.get(name)?.get(v);
  }
}

/**
 * The order forks are solved in. Later forks prefer the versions earlier ones chose, so solving
 * the most constrained fork first (the one whose requirement has the lowest upper bound) lets the
 * others reuse its versions where they can: `a<2` on macOS and `a>=1` on Linux then lock one `a`.
 */
function orderForks(parts: Marker[], entries: Array<{ set: VersionSet; marker: Marker }>): Marker[] {
  const keyed = parts.map((part, index) => {
    let set = VersionSet.full();
    let constrained = false;
    for (const e of entries) {
      if (part.isDisjoint(e.marker)) continue;
      set = set.intersect(e.set);
      constrained = true;
    }
    const last = set.intervals[set.intervals.length - 1];
    return { part, index, constrained, upper: last?.upper?.version };
  });
  keyed.sort((a, b) => {
    if (a.constrained !== b.constrained) return a.constrained ? -1 : 1;
    if (a.upper && b.upper) return a.upper.compare(b.upper) || a.index - b.index;
    if (a.upper || b.upper) return a.upper ? -1 : 1;
    return a.index - b.index;
  });
  return keyed.map((k) => k.part);
}

const lowerBoundCache = new Map<string, VersionSet>();
/**
 * A Requires-Python with its upper bounds dropped (`<`, `<=`; `~=X.Y` becomes `>=X.Y`), as uv
 * does: upper bounds on Python are almost always guesses, and honouring them rejects packages
 * that work. Lower bounds, exclusions and exact pins are kept.
 */
export function pythonLowerBounds(text: string): VersionSet {
  let set = lowerBoundCache.get(text);
  if (!set) {
    set = VersionSet.full();
    for (const clause of text
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean)) {
      if (clause.startsWith("<")) continue;
      const compatible = /^~=\s*(.+)$/.exec(clause);
      try {
        set = set.intersect(VersionSet.parse(compatible ? `>=${compatible[1] as string}` : clause));
      } catch {
        // An invalid clause is ignored, as for data-requires-python.
      }
    }
    lowerBoundCache.set(text, set);
  }
  return set;
}

function isPoint(range: VersionSet): boolean {
  const i = range.intervals[0];
  return (
    !!i?.lower &&
    !!i.upper &&
    i.lower.inclusive &&
    i.upper.inclusive &&
    i.lower.version.equals(i.upper.version)
  );
}
