/**
 * A whole Python resolution: the fork loop, then the merge into one graph for the lockfile.
 *
 * Universal mode starts from one fork, the project's `requires-python` (narrowed by `environments`).
 * When the provider finds a package needed in different ranges under different markers, it asks
 * for a fork; each part is solved on its own (depth first, later forks preferring the versions
 * earlier ones chose, so the lock does not differ between forks without need). Each fork's solution
 * is then walked from the root: a package's marker is the disjunction, over its incoming edges, of
 * (the parent's marker ∧ the edge's marker), and over forks, of the fork's marker ∧ that. That marker
 * is what the lockfile records for the package.
 */
import type { IndexClient } from "@lockstep/index";
import { LockstepError } from "@lockstep/errors";
import { Version, VersionSet } from "@lockstep/pep440";
import { Marker } from "@lockstep/pep508";
import { NoSolutionError, Solver, addSolverStats, emptySolverStats } from "../pubgrub";
import type { SolverStats } from "../pubgrub";
import type { Candidate, VersionMap } from "./candidates";
import type { ResolveOptions } from "./options";
import type { PyPackage } from "./package";
import { distributionName, packageKey, rootPackage } from "./package";
import type { Edge } from "./dependencies";
import { CONFLICT_THRESHOLD } from "./priority";
import { conflictForks, conflictingRegion, simplifyWithConflicts, undeclaredConflictHint } from "./conflicts";
import { PythonProvider } from "./provider";
import { PythonReportFormatter, reportHints } from "./report";
import type { ReportContext } from "./report";
import { lowerBoundOf, lowestPython, requiresPythonMarker } from "./requires-python";
import type { RootInput } from "./root-input";

export interface ResolvedDependency {
  name: string;
  version: Version;
  marker: Marker;
}

export interface ResolvedPackage {
  name: string;
  version: Version;
  /** Where this package applies (universal), simplified under requires-python. TRUE = everywhere. */
  marker: Marker;
  /** The union of the forks that chose this version (uv's "resolution markers"); TRUE without forks. */
  forkMarker: Marker;
  candidate: Candidate;
  /** Extras of this package that are used somewhere. */
  extras: string[];
  dependencies: ResolvedDependency[];
}

export interface Resolution {
  root: RootInput;
  /** Fork markers, in the order they were solved (empty when the solve did not fork). */
  forks: Marker[];
  packages: ResolvedPackage[];
  /** The root's direct dependencies (names with their markers), for summaries. */
  rootDependencies: ResolvedDependency[];
  stats: SolverStats & { forks: number; wallMs: number };
}

export class ResolutionError extends LockstepError {
  constructor(
    message: string,
    readonly report: string,
    hints: string[],
  ) {
    super("no-solution", message, { hint: hints.length ? hints.join("\n") : undefined });
  }
}

function involvedPackages(tree: unknown): Set<PyPackage> {
  const packages = new Set<PyPackage>();
  const walk = (n: { terms?: Array<{ package: PyPackage }>; cause1?: unknown; cause2?: unknown }) => {
    for (const t of n.terms ?? []) packages.add(t.package);
    if (n.cause1) walk(n.cause1 as typeof n);
    if (n.cause2) walk(n.cause2 as typeof n);
  };
  walk(tree as Parameters<typeof walk>[0]);
  return packages;
}

/**
 * What the report formatter learns from this fork's provider: the versions that may be chosen (to
 * simplify ranges) and the markers of the requirements it recorded (to show them where they apply).
 */
function reportContext(provider: PythonProvider, root: RootInput, options: ResolveOptions): ReportContext {
  const under = options.requiresPython ? VersionSet.fromSpecifierSet(options.requiresPython) : undefined;
  return {
    rootName: root.name,
    versions: (name) => provider.allowedVersions(name),
    edgeMarker: (p, set, dependency) => {
      // The root's edges to its own extras and groups are the activation markers: the subject says it.
      if (
        dependency.kind === "python" ||
        ((dependency.kind === "extra" || dependency.kind === "group") && dependency.name === root.name)
      )
        return undefined;
      const versions =
        p.kind === "python"
          ? []
          : p.kind === "root" || p.kind === "group" || p.name === root.name
            ? [root.version]
            : (provider.allowedVersions(p.name) ?? []).filter((v) => set.contains(v));
      const target = packageKey(dependency);
      const seen = new Set<string>();
      for (const v of versions) {
        const edges = provider.edges.get(`${packageKey(p)}@${v.toString()}`);
        if (!edges) continue;
        const edge = edges.find((e) => packageKey(e.to) === target);
        seen.add(edge ? edge.marker.simplify(under).toString() : "");
      }
      const [only] = seen;
      return seen.size === 1 && only ? only : undefined;
    },
  };
}

export async function resolvePython(
  client: IndexClient,
  root: RootInput,
  options: ResolveOptions,
): Promise<Resolution> {
  const started = performance.now();
  const rootPkg = rootPackage(root.name);
  const universal = options.target.kind === "universal";
  let base = Marker.TRUE;
  if (options.target.kind === "universal") {
    base = requiresPythonMarker(options.requiresPython);
    const envs = options.target.environments ?? [];
    if (envs.length > 0) base = base.and(envs.reduce((acc, m) => acc.or(m), Marker.FALSE));
  }
  const specificPython =
    options.target.kind === "specific"
      ? (options.pythonVersion ?? Version.parse(options.target.markers.python_full_version))
      : undefined;
  const shared = {
    maps: new Map<string, VersionMap>(),
    mapPromises: new Map<string, Promise<VersionMap | undefined>>(),
    metadata: new Map(),
  };
  const preferences = new Map(options.preferences ?? []);
  const solved: Array<{ fork: Marker; solution: Map<PyPackage, Version>; provider: PythonProvider }> = [];
  const conflicts = options.target.kind === "universal" ? (options.target.conflicts ?? []) : [];
  // Declared conflicts split the start: a fork per conflicting extra/group, one with none of them.
  const queue: Marker[] = conflictForks(base, conflicts, root.name);
  const starts = new Set(queue);
  const totals = emptySolverStats();
  let forkCount = 0;
  while (queue.length > 0) {
    const fork = queue.shift() as Marker;
    const pythonVersion = specificPython ?? lowestPython(fork, lowerBoundOf(options.requiresPython));
    if (!pythonVersion) continue; // a fork no Python can be in
    const provider = new PythonProvider(
      client,
      root,
      { ...options, preferences },
      fork,
      pythonVersion,
      shared,
    );
    const formatter = new PythonReportFormatter(pythonVersion, reportContext(provider, root, options));
    const solver = new Solver(provider, rootPkg, root.version, {
      formatter,
      conflictBackjumpThreshold: CONFLICT_THRESHOLD,
    });
    try {
      const outcome = await solver.run();
      if (outcome.kind === "fork") {
        forkCount++;
        queue.unshift(...outcome.request.parts);
        continue;
      }
      const solution = outcome.solution;
      solved.push({ fork, solution, provider });
      for (const [p, v] of solution) {
        const name = distributionName(p);
        // Another fork may take such a package from another source: its versions are not comparable.
        if (name && !preferences.has(name) && !options.conditionalSources?.has(name))
          preferences.set(name, v);
      }
    } catch (err) {
      if (err instanceof NoSolutionError) {
        const tree = (err as NoSolutionError<PyPackage, VersionSet>).simplified;
        const report = (err as NoSolutionError<PyPackage, VersionSet>).report(formatter, []);
        const forkText = fork
          .simplify(options.requiresPython ? VersionSet.fromSpecifierSet(options.requiresPython) : undefined)
          .toString();
        const where = universal && !fork.equals(base) && !starts.has(fork) ? ` for split (${forkText})` : "";
        const conflictFork =
          starts.size > 1 && starts.has(fork) ? ` for the conflict fork (${forkText})` : "";
        const involved = involvedPackages(tree);
        const hints = reportHints(
          tree,
          provider.hints,
          {
            allVersions: (name) =>
              shared.maps
                .get(name)
                ?.candidates.map((c) => ({ version: c.version, yanked: c.yanked !== false })),
            requiresPython: universal ? options.requiresPython?.toString() : undefined,
            target:
              options.target.kind === "specific"
                ? `${options.target.markers.platform_python_implementation} ${options.target.markers.python_full_version} on ${options.target.markers.sys_platform} ${options.target.markers.platform_machine}`
                : undefined,
          },
          formatter,
        );
        const conflictHint = undeclaredConflictHint(involved, root.name);
        if (conflictHint) hints.push(conflictHint);
        throw new ResolutionError(
          `No solution found when resolving dependencies${where}${conflictFork}:\n${indent(report)}`,
          report,
          hints,
        );
      }
      throw err;
    } finally {
      addSolverStats(totals, solver.stats);
    }
  }

  const merged = new Map<string, { pkg: ResolvedPackage; markers: Marker; forks: Marker }>();
  const simplifyUnder = options.requiresPython
    ? VersionSet.fromSpecifierSet(options.requiresPython)
    : undefined;
  const rootDeps = new Map<string, ResolvedDependency>();
  for (const { fork, solution, provider } of solved) {
    const reach = propagate(rootPkg, fork, solution, provider.edges);
    const versionOf = new Map<string, Version>();
    for (const [p, v] of solution) versionOf.set(packageKey(p), v);
    // The extras chosen for each name, in solution order (one pass, not one per package).
    const extrasOf = new Map<string, Array<PyPackage & { kind: "extra" }>>();
    for (const q of solution.keys()) {
      if (q.kind !== "extra") continue;
      const list = extrasOf.get(q.name);
      if (list) list.push(q);
      else extrasOf.set(q.name, [q]);
    }
    for (const [p, v] of solution) {
      if (p.kind !== "package") continue;
      const marker = reach.get(packageKey(p)) ?? Marker.FALSE;
      if (marker.isFalse()) continue;
      // A package with several sources (source-pins.ts) gets one entry per source, even at one version.
      const source = provider.sourceKey(p.name);
      const key = `${p.name}==${v.toString()}${source === "" ? "" : ` ${source}`}`;
      let entry = merged.get(key);
      if (!entry) {
        const candidate = provider.candidate(p.name, v) as Candidate;
        entry = {
          pkg: {
            name: p.name,
            version: v,
            marker: Marker.FALSE,
            forkMarker: Marker.FALSE,
            candidate,
            extras: [],
            dependencies: [],
          },
          markers: Marker.FALSE,
          forks: Marker.FALSE,
        };
        merged.set(key, entry);
      }
      entry.markers = entry.markers.or(marker);
      entry.forks = entry.forks.or(fork);
      // Dependencies of the package and of each of its extras that this fork uses.
      const sources: PyPackage[] = [p];
      for (const q of extrasOf.get(p.name) ?? []) {
        sources.push(q);
        if (!entry.pkg.extras.includes(q.extra)) entry.pkg.extras.push(q.extra);
      }
      for (const src of sources) {
        for (const e of provider.edges.get(`${packageKey(src)}@${v.toString()}`) ?? []) {
          const depName = distributionName(e.to);
          const depVersion = versionOf.get(packageKey(e.to));
          if (!depName || !depVersion || depName === p.name) continue;
          addDependency(entry.pkg.dependencies, {
            name: depName,
            version: depVersion,
            marker: fork.and(e.marker),
          });
        }
      }
    }
    for (const e of provider.edges.get(`${packageKey(rootPkg)}@${root.version.toString()}`) ?? []) {
      const depName = distributionName(e.to);
      const depVersion = versionOf.get(packageKey(e.to));
      if (!depName || !depVersion) continue;
      const key = `${depName}==${depVersion.toString()}`;
      const prev = rootDeps.get(key);
      rootDeps.set(key, {
        name: depName,
        version: depVersion,
        marker: (prev?.marker ?? Marker.FALSE).or(fork.and(e.marker)),
      });
    }
  }
  const region = conflictingRegion(conflicts, root.name);
  const simplify = (m: Marker) => simplifyWithConflicts(m, region, (x) => x.simplify(simplifyUnder));
  // Versions of one name must keep disjoint markers (PEP 751 installers pick at most one), so
  // those are not widened into the conflicting region.
  const versionsOf = new Map<string, number>();
  for (const { pkg } of merged.values()) versionsOf.set(pkg.name, (versionsOf.get(pkg.name) ?? 0) + 1);
  const packageMarker = (name: string, m: Marker) =>
    (versionsOf.get(name) ?? 0) > 1 ? m.simplify(simplifyUnder) : simplify(m);
  const packages = [...merged.values()]
    .map(({ pkg, markers, forks }) => ({
      ...pkg,
      marker: universal ? packageMarker(pkg.name, markers) : Marker.TRUE,
      forkMarker: universal && solved.length > 1 ? simplify(forks) : Marker.TRUE,
      extras: pkg.extras.sort(),
      dependencies: pkg.dependencies
        .map((d) => ({ ...d, marker: universal ? simplify(d.marker) : Marker.TRUE }))
        .sort((a, b) => compareNames(a.name, b.name) || a.version.compare(b.version)),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version.compare(b.version)));
  return {
    root,
    forks: solved.length > 1 ? solved.map((s) => simplify(s.fork)) : [],
    packages,
    rootDependencies: [...rootDeps.values()]
      .map((d) => ({ ...d, marker: universal ? simplify(d.marker) : Marker.TRUE }))
      .sort((a, b) => compareNames(a.name, b.name) || a.version.compare(b.version)),
    stats: { ...totals, forks: forkCount, wallMs: performance.now() - started },
  };
}

const PLAIN_NAME = /^[a-z0-9-]*$/;

/**
 * `a.localeCompare(b)`, without ICU for normalized names: over `[a-z0-9-]` the root collation
 * orders like code units (`-` < digits < letters), and the first `localeCompare` of a process
 * costs ~6 ms (ICU's collator is built then). A project name as written (`My_App`) still goes
 * through `localeCompare`, so the order never changes.
 */
function compareNames(a: string, b: string): number {
  if (PLAIN_NAME.test(a) && PLAIN_NAME.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}

function addDependency(list: ResolvedDependency[], dep: ResolvedDependency): void {
  const same = list.find((d) => d.name === dep.name && d.version.equals(dep.version));
  if (same) same.marker = same.marker.or(dep.marker);
  else list.push(dep);
}

/** Reachability markers over one fork's solution graph (fixed point; the graph may have cycles). */
export function propagate(
  root: PyPackage,
  fork: Marker,
  solution: Map<PyPackage, Version>,
  edges: Map<string, Edge[]>,
): Map<string, Marker> {
  const versionOf = new Map<string, Version>();
  for (const [p, v] of solution) versionOf.set(packageKey(p), v);
  const reach = new Map<string, Marker>([[packageKey(root), fork]]);
  const work: PyPackage[] = [root];
  let steps = 0;
  while (work.length > 0 && steps++ < 1_000_000) {
    const p = work.pop() as PyPackage;
    const key = packageKey(p);
    const v = versionOf.get(key);
    if (!v) continue;
    const from = reach.get(key) ?? Marker.FALSE;
    for (const e of edges.get(`${key}@${v.toString()}`) ?? []) {
      if (e.to.kind === "python") continue;
      const toKey = packageKey(e.to);
      if (!versionOf.has(toKey)) continue;
      const old = reach.get(toKey) ?? Marker.FALSE;
      const next = old.or(from.and(e.marker));
      if (!next.equals(old)) {
        reach.set(toKey, next);
        work.push(e.to);
      }
    }
  }
  return reach;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => (l ? `  ${l}` : l))
    .join("\n");
}
