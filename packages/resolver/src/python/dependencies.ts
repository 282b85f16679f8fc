/**
 * Dependencies: what a package version requires, turned into PubGrub dependencies.
 *
 * - Where requirements come from: the root's dependencies (plus one virtual package per extra and
 *   group, behind `'x' in extras` / `'g' in dependency_groups` markers), a group's or a root
 *   extra's list, or a distribution's core metadata. For `foo[x]`, only the requirements the extra
 *   adds are kept, and `foo[x]==V` depends on `foo==V`.
 * - Which apply: in universal mode, those whose marker can hold somewhere in the current fork; in
 *   specific mode, those whose marker is true in the target environment. Overrides replace a
 *   package's requirements (except the root's own), constraints narrow their ranges.
 * - Requires-Python (upper bounds dropped) becomes a dependency on the virtual `python` package.
 * - Several requirements on one package are kept side by side when PubGrub can intersect them
 *   (equal ranges, or all unconditional in this fork); otherwise the fork must be split. A package
 *   whose source depends on the environment splits a fork that spans several of its sources.
 *
 * Every answer also records the edges (target and marker) the lockfile graph is built from.
 */
import { VersionSet } from "@lockstep/pep440";
import type { SpecifierSet, Version } from "@lockstep/pep440";
import type { MarkerEnvironment, Requirement } from "@lockstep/pep508";
import { Marker } from "@lockstep/pep508";
import type { Candidate } from "./candidates";
import type { ForkRequest, MarkedRange } from "./forks";
import { forkRequest } from "./forks";
import type { ParsedMetadata } from "./metadata";
import type { ResolveOptions } from "./options";
import type { PyPackage } from "./package";
import { PYTHON, displayPackage, extraPackage, groupPackage, packageKey, plainPackage } from "./package";
import { pythonLowerBounds } from "./requires-python";
import type { RootInput } from "./root-input";
import { sourceForkRequest, variantFor } from "./source-pins";
import { ConflictingUrlError, TransitiveUrlError } from "./transitive-url";

/** A dependency edge as recorded for the lockfile: target and the marker under which it applies. */
export interface Edge {
  to: PyPackage;
  marker: Marker;
}

/** A requirement and the marker under which it applies to the package at hand. */
export interface MarkedRequirement {
  req: Requirement;
  marker: Marker;
}

/** What one package version asks for, before markers, overrides and constraints are applied. */
export interface DependencySource {
  requirements: MarkedRequirement[];
  /** For an extra: the version its base package is pinned to. */
  selfPin: Version | undefined;
  /** Virtual packages depended on, each with the marker of its edge. */
  virtual: Array<[PyPackage, Marker]>;
  /** The Python versions it runs on (a dependency on `python`), or undefined for any. */
  python: VersionSet | undefined;
}

export type DependencyOutcome =
  | { kind: "available"; dependencies: Array<[PyPackage, VersionSet]>; edges: Edge[] }
  | { kind: "unavailable"; reason: string }
  | { kind: "fork"; request: ForkRequest };

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

const extraMarkers = new Map<string, { marker: Marker; restricted: WeakMap<Marker, Marker> }>();
/**
 * The marker with `extra` fixed to `extra` ("" = no extra), other variables kept. Memoized per
 * extra and marker: every version and every extra of a package asks again for the same markers.
 */
export function restrictExtra(m: Marker, extra: string): Marker {
  let e = extraMarkers.get(extra);
  if (!e) {
    e = { marker: Marker.parse(`extra == '${extra}'`), restricted: new WeakMap() };
    extraMarkers.set(extra, e);
  }
  let r = e.restricted.get(m);
  if (r === undefined) {
    r = m.isTrue() ? m : m.and(e.marker).withoutExtras();
    e.restricted.set(m, r);
  }
  return r;
}

function asWritten(reqs: Requirement[]): MarkedRequirement[] {
  return reqs.map((req) => ({ req, marker: req.marker }));
}

/** The root: its dependencies, a virtual package per extra and group, and `requires-python`. */
export function rootSource(root: RootInput, requiresPython: SpecifierSet | undefined): DependencySource {
  const virtual: Array<[PyPackage, Marker]> = [];
  for (const name of [...root.extras.keys()].sort()) {
    virtual.push([extraPackage(root.name, name), Marker.parse(`'${name}' in extras`)]);
  }
  for (const name of [...root.groups.keys()].sort()) {
    virtual.push([groupPackage(root.name, name), Marker.parse(`'${name}' in dependency_groups`)]);
  }
  return {
    requirements: asWritten(root.dependencies),
    selfPin: undefined,
    virtual,
    python: requiresPython ? VersionSet.fromSpecifierSet(requiresPython) : undefined,
  };
}

/** A plain list of requirements, each under its own marker. */
function listSource(reqs: Requirement[]): DependencySource {
  return { requirements: asWritten(reqs), selfPin: undefined, virtual: [], python: undefined };
}

/** A dependency group of the root (PEP 735). */
export function groupSource(root: RootInput, group: string): DependencySource {
  return listSource(root.groups.get(group) ?? []);
}

/** An extra of the root (its optional-dependencies). */
export function rootExtraSource(root: RootInput, extra: string): DependencySource {
  return listSource(root.extras.get(extra) ?? []);
}

/** `name` at `v` (or its extra `extra`), from its core metadata and the index's Requires-Python. */
export function distributionSource(
  name: string,
  extra: string | undefined,
  v: Version,
  meta: ParsedMetadata,
  candidate: Candidate,
): DependencySource {
  const requirements: MarkedRequirement[] = [];
  for (const req of meta.requiresDist) {
    const base = restrictExtra(req.marker, "");
    if (extra === undefined) {
      requirements.push({ req, marker: base });
    } else {
      const withExtra = restrictExtra(req.marker, extra);
      if (!withExtra.equals(base)) requirements.push({ req, marker: withExtra });
    }
  }
  const rp = candidate.requiresPython ?? meta.requiresPython;
  return {
    requirements,
    selfPin: extra === undefined ? undefined : v,
    virtual: extra === undefined ? [] : [[plainPackage(name), Marker.TRUE]],
    python: rp ? pythonLowerBounds(rp) : undefined,
  };
}

/** Turns a DependencySource into PubGrub dependencies for one fork (or one target environment). */
export class DependencyBuilder {
  private readonly constraints = new Map<string, VersionSet>();
  private readonly overrides = new Map<string, Requirement[]>();
  /** Whether a marker can hold in this fork (universal mode), per marker: the same ones recur. */
  private readonly overlapsFork = new WeakMap<Marker, boolean>();

  constructor(
    private readonly root: RootInput,
    private readonly options: ResolveOptions,
    /** The fork's marker (universal) — TRUE in specific mode. */
    private readonly forkMarker: Marker,
  ) {
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

  /**
   * Filtered requirements as PubGrub dependencies and lockfile edges, duplicates merged; a fork
   * request when one package is needed in different ranges under different markers.
   */
  build(p: PyPackage, source: DependencySource): DependencyOutcome {
    const target = this.options.target;
    const forkMarker = this.forkMarker;
    const entries: MarkedRange[] = [];
    const env: MarkerEnvironment | undefined = target.kind === "specific" ? target.markers : undefined;
    const selection = env
      ? { extras: [...this.root.extras.keys()], dependencyGroups: [...this.root.groups.keys()] }
      : undefined;
    const applies = (m: Marker): boolean => {
      if (env) return m.evaluate(env, selection);
      let overlaps = this.overlapsFork.get(m);
      if (overlaps === undefined) {
        overlaps = !m.isDisjoint(forkMarker);
        this.overlapsFork.set(m, overlaps);
      }
      return overlaps;
    };
    for (const [pkg, marker] of source.virtual) {
      // A fork of a declared conflict excludes some of the root's extras/groups: leave them out.
      if (!env && p.kind === "root" && !applies(marker)) continue;
      entries.push({
        pkg,
        set: source.selfPin && pkg.kind === "package" ? VersionSet.exact(source.selfPin) : VersionSet.full(),
        marker,
      });
    }
    for (const { req, marker } of source.requirements) {
      const name = req.canonicalName;
      const replaced = this.overrides.get(name);
      const effective =
        replaced && p.kind !== "root"
          ? replaced.map((o) => ({ req: o, marker: marker.and(o.marker) }))
          : [{ req, marker }];
      for (const { req: r, marker: m } of effective) {
        if (!applies(m)) continue;
        const variants = env ? undefined : this.options.conditionalSources?.get(name);
        const split = variants && sourceForkRequest(name, variants, forkMarker);
        if (split) return { kind: "fork", request: split };
        if (r.url) {
          // A direct URL: followed only where the project's own source is that URL (transitive-url.ts).
          const own =
            p.kind === "root" || p.kind === "group" || (p.kind === "extra" && p.name === this.root.name);
          const choices = this.options.conditionalSources?.get(name);
          const pin = choices
            ? variantFor(choices, forkMarker, env)?.pin
            : this.options.sourcePins?.get(name);
          if (!pin) {
            if (!own) throw new TransitiveUrlError(displayPackage(p), r);
            return {
              kind: "unavailable",
              reason: `it requires ${r.toString()}, and direct URL requirements are not supported yet`,
            };
          }
          if (!own && !pin.requested?.matches(r.url))
            throw new ConflictingUrlError(displayPackage(p), r, pin);
        }
        let set = versionSetOf(r);
        const constraint = this.constraints.get(name);
        if (constraint) set = set.intersect(constraint);
        entries.push({ pkg: plainPackage(name), set, marker: m });
        for (const extra of r.extras) entries.push({ pkg: extraPackage(name, extra), set, marker: m });
      }
    }
    // Group by package: merge equal ranges, intersect unconditional ones, fork on the rest.
    const byKey = new Map<string, MarkedRange[]>();
    for (const e of entries) {
      const k = packageKey(e.pkg);
      const list = byKey.get(k);
      if (list) list.push(e);
      else byKey.set(k, [e]);
    }
    const dependencies: Array<[PyPackage, VersionSet]> = [];
    const edges: Edge[] = [];
    for (const list of byKey.values()) {
      const first = list[0] as MarkedRange;
      if (list.length === 1) {
        dependencies.push([first.pkg, first.set]);
        edges.push({ to: first.pkg, marker: first.marker });
        continue;
      }
      const sameRange = list.every((e) => e.set.equals(first.set));
      const allUnconditional = env !== undefined || list.every((e) => forkMarker.implies(e.marker));
      if (!sameRange && !allUnconditional) return { kind: "fork", request: forkRequest(forkMarker, list) };
      // Each range stays its own dependency: PubGrub intersects them, and a report can then
      // name both requirements when they cannot hold together (`a==1` and `a==2`).
      let marker = Marker.FALSE;
      const seen: VersionSet[] = [];
      for (const e of list) {
        marker = marker.or(e.marker);
        if (seen.some((s) => s.equals(e.set))) continue;
        seen.push(e.set);
        dependencies.push([e.pkg, e.set]);
      }
      edges.push({ to: first.pkg, marker });
    }
    if (source.python && !source.python.isFull()) dependencies.push([PYTHON, source.python]);
    return { kind: "available", dependencies, edges };
  }
}
