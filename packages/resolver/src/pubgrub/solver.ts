/**
 * The PubGrub solver: unit propagation, decisions, and conflict-driven backjumping with learned
 * incompatibilities, after Natalie Weizenbaum's design for dart pub (see docs/pubgrub.md).
 *
 * The loop is: propagate what the latest change implies; if some incompatibility is fully
 * satisfied, resolve the conflict into a learned incompatibility and backjump; otherwise pick the
 * highest-priority undecided package, ask the provider for a version and its dependencies, and
 * decide it. The solve ends when every package required so far is decided, or when conflict
 * resolution derives that the root itself cannot be selected.
 *
 * Packages are interned to small integers at the boundary; the hot loop walks arrays indexed by
 * them and never formats a string. Provider calls are awaited only when they return a promise.
 */

import { LockstepError } from "@lockstep/errors";
import { DECISION } from "./assignment";
import { buildDerivationTree } from "./derivation-tree";
import type { IncompatibilityCause } from "./incompatibility";
import { Incompatibility } from "./incompatibility";
import { NoSolutionError } from "./no-solution-error";
import { PartialSolution, REL_CONTRADICTED, REL_SATISFIED } from "./partial-solution";
import type { Dependencies, DependencyProvider, PackageStats, Priority } from "./provider";
import type { ReportFormatter } from "./report-formatter";
import type { Term } from "./term";
import { SATISFIED, intersectTerms, isAny, negate, negative, positive, relation, unionTerms } from "./term";
import type { VersionSetOps } from "./version-set";
import { versionKey } from "./version-set";

/** Counters for benchmarks and progress output. */
export interface SolverStats {
  decisions: number;
  conflicts: number;
  backtracks: number;
  /** Incompatibilities learned by conflict resolution. */
  learned: number;
  /** Derivations made by unit propagation. */
  propagations: number;
  chooseVersionCalls: number;
  getDependenciesCalls: number;
  /** Distinct packages seen. */
  packages: number;
  /** Incompatibilities in the store, learned or not. */
  incompatibilities: number;
}

export interface SolveOptions<P, VS> {
  /** Phrasing of the report in a `NoSolutionError`; defaults to `DefaultReportFormatter`. */
  formatter?: ReportFormatter<P, VS>;
  /** Merge `p 1 → dep D` and `p 2 → dep D` into `p 1 ∪ 2 → dep D` (default true). */
  mergeDependencies?: boolean;
  /**
   * After a package has been the affected side of this many conflicts, undo the decisions of the
   * packages it clashed with (see `backjumpIfStuck`). Off when undefined.
   */
  conflictBackjumpThreshold?: number;
}

interface MutableStats extends PackageStats {
  affected: number;
  culprit: number;
  conflicts: number;
}

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown } | null)?.then === "function";
}

function comparePriority(a: Priority, b: Priority): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const [a0, a1] = typeof a === "number" ? [a, 0] : a;
  const [b0, b1] = typeof b === "number" ? [b, 0] : b;
  return a0 !== b0 ? a0 - b0 : a1 - b1;
}

/**
 * Solve for `root` at `rootVersion`. Resolves to the chosen version of every selected package
 * (the root included), in decision order; rejects with `NoSolutionError` when there is none.
 */
export function resolve<P, V, VS>(
  provider: DependencyProvider<P, V, VS>,
  root: P,
  rootVersion: V,
  options: SolveOptions<P, VS> = {},
): Promise<Map<P, V>> {
  return new Solver(provider, root, rootVersion, options).solve();
}

export class Solver<P, V, VS> {
  readonly stats: SolverStats = {
    decisions: 0,
    conflicts: 0,
    backtracks: 0,
    learned: 0,
    propagations: 0,
    chooseVersionCalls: 0,
    getDependenciesCalls: 0,
    packages: 0,
    incompatibilities: 0,
  };
  private readonly ops: VersionSetOps<V, VS>;
  private readonly ids = new Map<string, number>();
  private readonly packages: P[] = [];
  private readonly pkgStats: MutableStats[] = [];
  /** Incompatibility ids per package, in the order they were added. */
  private readonly incompatsOf: number[][] = [];
  private readonly store: Incompatibility<VS>[] = [];
  /** Decision level at which each incompatibility became contradicted, or -1. */
  private readonly contradictedAt: number[] = [];
  private readonly contradictedStack: number[] = [];
  /** Per package: version key → the incompatibilities its dependencies produced. */
  private readonly added: Map<string | number, number[]>[] = [];
  /** Per (dependent, dependency) package pair: the indexed dependency incompatibilities. */
  private readonly dependencyIncompats = new Map<number, number[]>();
  private readonly priorityCache: { stamp: number; stats: number; priority: Priority }[] = [];
  private readonly statsStamp: number[] = [];
  private readonly ps: PartialSolution<V, VS>;
  private readonly rootPkg: number;
  private readonly queue: number[] = [];
  private readonly queued: boolean[] = [];
  private started = false;

  constructor(
    private readonly provider: DependencyProvider<P, V, VS>,
    private readonly root: P,
    private readonly rootVersion: V,
    private readonly options: SolveOptions<P, VS> = {},
  ) {
    this.ops = provider.versionSets;
    this.ps = new PartialSolution(this.ops);
    this.rootPkg = this.intern(root);
  }

  async solve(): Promise<Map<P, V>> {
    if (this.started) throw new LockstepError("resolver-reused", "A Solver can only solve once.");
    this.started = true;
    const { ops, provider, ps } = this;
    this.addIncompatibility([this.rootPkg], [negative(ops.singleton(this.rootVersion))], { kind: "root" });
    let next = this.rootPkg;
    while (true) {
      this.propagate(next);
      if (provider.shouldCancel?.()) {
        throw new LockstepError("resolver-cancelled", "The resolution was cancelled.");
      }
      const pkg = this.pickPackage();
      if (pkg < 0) break;
      next = pkg;
      const p = this.packages[pkg]!;
      const range = ps.current(pkg)!.set;
      this.stats.chooseVersionCalls++;
      const chosen = provider.chooseVersion(p, range);
      const v = isPromise(chosen) ? await chosen : chosen;
      if (v === undefined) {
        this.addIncompatibility([pkg], [positive(range)], { kind: "noVersions" });
        provider.onEvent?.({ kind: "noVersions", package: p });
        continue;
      }
      if (!ops.contains(range, v)) {
        throw new LockstepError(
          "resolver-provider-version",
          `The provider chose version ${String(v)} of ${provider.packageKey(p)}, outside the range ${ops.format(range)}.`,
        );
      }
      const key = versionKey(ops, v);
      let deps = this.added[pkg]!.get(key);
      if (deps === undefined) {
        this.stats.getDependenciesCalls++;
        const answer = provider.getDependencies(p, v);
        deps = this.addDependencies(pkg, v, isPromise(answer) ? await answer : answer);
        this.added[pkg]!.set(key, deps);
      }
      // Deciding `v` would immediately satisfy one of its incompatibilities: let propagation
      // rule `v` out instead (it will find that incompatibility almost satisfied).
      const clash = deps.find((id) => this.othersSatisfied(this.store[id]!, pkg));
      if (clash === undefined) {
        ps.addDecision(pkg, v);
        this.stats.decisions++;
        provider.onEvent?.({ kind: "decision", package: p, version: v });
      } else {
        this.recordConflict(this.store[clash]!, pkg);
        this.backjumpIfStuck(pkg, this.store[clash]!);
      }
    }
    const solution = new Map<P, V>();
    for (const [pkg, v] of ps.decisions()) solution.set(this.packages[pkg]!, v);
    return solution;
  }

  private intern(p: P): number {
    const key = this.provider.packageKey(p);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.packages.length;
      this.ids.set(key, id);
      this.packages.push(p);
      this.pkgStats.push({ affected: 0, culprit: 0, conflicts: 0 });
      this.incompatsOf.push([]);
      this.added.push(new Map());
      this.statsStamp.push(0);
      this.queued.push(false);
      this.stats.packages++;
    }
    return id;
  }

  private allocate(packages: number[], terms: Term<VS>[], cause: IncompatibilityCause): Incompatibility<VS> {
    const inc = new Incompatibility(this.store.length, packages, terms, cause);
    this.store.push(inc);
    this.contradictedAt.push(-1);
    this.stats.incompatibilities++;
    return inc;
  }

  private index(inc: Incompatibility<VS>): void {
    for (const pkg of inc.packages) this.incompatsOf[pkg]!.push(inc.id);
  }

  private addIncompatibility(packages: number[], terms: Term<VS>[], cause: IncompatibilityCause): number {
    const inc = this.allocate(packages, terms, cause);
    this.index(inc);
    return inc.id;
  }

  private addDependencies(pkg: number, v: V, answer: Dependencies<P, VS>): number[] {
    const { ops, provider } = this;
    const p = this.packages[pkg]!;
    const version = ops.singleton(v);
    if (answer.kind === "unavailable") {
      provider.onEvent?.({ kind: "unavailable", package: p, version: v, reason: answer.reason });
      return [
        this.addIncompatibility([pkg], [positive(version)], { kind: "unavailable", reason: answer.reason }),
      ];
    }
    const ids: number[] = [];
    let count = 0;
    for (const [dp, dset] of answer.dependencies) {
      count++;
      const dep = this.intern(dp);
      if (dep === pkg) {
        // A package depending on itself is harmless when the range holds the version itself.
        if (ops.contains(dset, v)) continue;
        const reason = `depends on itself at ${ops.format(dset)}`;
        ids.push(this.addIncompatibility([pkg], [positive(version)], { kind: "custom", reason }));
        continue;
      }
      if (ops.isEmpty(dset)) {
        // A dependency no version can meet makes this version unusable on its own (pubgrub-rs
        // does the same); a term over the empty set would otherwise never be satisfied.
        const reason = `depends on ${provider.packageKey(dp)} with a range that no version can satisfy (${ops.format(dset)})`;
        ids.push(this.addIncompatibility([pkg], [positive(version)], { kind: "custom", reason }));
        continue;
      }
      ids.push(this.addDependency(pkg, version, dep, dset));
    }
    provider.onEvent?.({ kind: "dependencies", package: p, version: v, count });
    return ids;
  }

  /**
   * `{pkg ∈ version, not dep ∈ dset}`, merged with an earlier incompatibility that has the same
   * dependency term (so "foo 1 → bar D" and "foo 2 → bar D" become one "foo 1 ∪ 2 → bar D").
   */
  private addDependency(pkg: number, version: VS, dep: number, dset: VS): number {
    const { ops } = this;
    const pairKey = pkg * 0x100000 + dep;
    let list = this.dependencyIncompats.get(pairKey);
    if (list === undefined) {
      list = [];
      this.dependencyIncompats.set(pairKey, list);
    }
    if (this.options.mergeDependencies !== false) {
      for (let i = 0; i < list.length; i++) {
        const old = this.store[list[i]!]!;
        if (!ops.equals(old.terms[1]!.set, dset)) continue;
        const merged = this.addIncompatibility(
          [pkg, dep],
          [positive(ops.union(old.terms[0]!.set, version)), negative(dset)],
          { kind: "fromDependencyOf" },
        );
        for (const p of old.packages) {
          const ids = this.incompatsOf[p]!;
          const at = ids.lastIndexOf(old.id);
          if (at >= 0) ids.splice(at, 1);
        }
        list[i] = merged;
        return merged;
      }
    }
    const id = this.addIncompatibility([pkg, dep], [positive(version), negative(dset)], {
      kind: "fromDependencyOf",
    });
    list.push(id);
    return id;
  }

  /** Every term of `inc` except `pkg`'s is satisfied by the partial solution. */
  private othersSatisfied(inc: Incompatibility<VS>, pkg: number): boolean {
    for (let i = 0; i < inc.packages.length; i++) {
      const p = inc.packages[i]!;
      if (p === pkg) continue;
      if (relation(this.ops, inc.terms[i]!, this.ps.current(p)) !== SATISFIED) return false;
    }
    return true;
  }

  private markContradicted(id: number): void {
    this.contradictedAt[id] = this.ps.level;
    this.contradictedStack.push(id);
  }

  private backtrack(level: number): void {
    this.provider.onEvent?.({ kind: "backtrack", fromLevel: this.ps.level, toLevel: level });
    this.stats.backtracks++;
    this.ps.backtrack(level);
    const stack = this.contradictedStack;
    while (stack.length > 0 && this.contradictedAt[stack[stack.length - 1]!]! > level) {
      this.contradictedAt[stack.pop()!] = -1;
    }
  }

  private enqueue(pkg: number): void {
    if (!this.queued[pkg]) {
      this.queued[pkg] = true;
      this.queue.push(pkg);
    }
  }

  private clearQueue(): void {
    for (const pkg of this.queue) this.queued[pkg] = false;
    this.queue.length = 0;
  }

  /** Derive everything the change to `start` implies, resolving conflicts on the way. */
  private propagate(start: number): void {
    const { ps, store, contradictedAt, queue } = this;
    this.clearQueue();
    this.enqueue(start);
    while (queue.length > 0) {
      const pkg = queue.pop()!;
      this.queued[pkg] = false;
      const ids = this.incompatsOf[pkg]!;
      let conflict = -1;
      // Newest first: learned incompatibilities are the most informative.
      for (let i = ids.length - 1; i >= 0; i--) {
        const id = ids[i]!;
        if (contradictedAt[id]! >= 0) continue;
        const inc = store[id]!;
        const rel = ps.relationOf(inc);
        if (rel === REL_SATISFIED) {
          conflict = id;
          break;
        }
        if (rel >= 0) {
          const other = inc.packages[rel]!;
          ps.addDerivation(other, negate(inc.terms[rel]!), id);
          this.stats.propagations++;
          this.markContradicted(id);
          this.enqueue(other);
        } else if (rel === REL_CONTRADICTED) {
          this.markContradicted(id);
        }
      }
      if (conflict >= 0) {
        this.recordConflict(store[conflict]!, pkg);
        const [almost, learned] = this.resolveConflict(conflict);
        this.clearQueue();
        this.enqueue(almost);
        ps.addDerivation(almost, negate(store[learned]!.termFor(almost)!), learned);
        this.stats.propagations++;
        this.markContradicted(learned);
      }
    }
  }

  private recordConflict(inc: Incompatibility<VS>, pkg: number): void {
    this.stats.conflicts++;
    for (const p of inc.packages) {
      const s = this.pkgStats[p]!;
      if (p === pkg) s.affected++;
      else s.culprit++;
      s.conflicts++;
      this.statsStamp[p]!++;
    }
    this.provider.onEvent?.({ kind: "conflict", package: this.packages[pkg]! });
  }

  /**
   * uv's remedy for "wrong backtracking": when the versions of `pkg` keep being rejected because
   * of an earlier decision (the culprit), PubGrub would walk down every version of `pkg` (to a
   * very old one that happens not to clash). Once `pkg` has been the affected side of
   * `conflictBackjumpThreshold` conflicts, undo the culprits' decisions instead; the provider's
   * priorities (which see the stats) then decide `pkg` before them.
   */
  private backjumpIfStuck(pkg: number, inc: Incompatibility<VS>): void {
    const threshold = this.options.conflictBackjumpThreshold;
    if (threshold === undefined || this.pkgStats[pkg]!.affected !== threshold) return;
    let lowest = Infinity;
    for (const other of inc.packages) {
      if (other === pkg) continue;
      const pa = this.ps.byPackage[other];
      if (!pa?.hasDecision) continue;
      const at = pa.causes.indexOf(DECISION);
      if (at >= 0) lowest = Math.min(lowest, pa.levels[at]!);
    }
    if (lowest !== Infinity && lowest >= 1) this.backtrack(lowest - 1);
  }

  /**
   * Resolve a satisfied incompatibility into one that, after backjumping, is almost satisfied;
   * returns the package it will derive a term for and that incompatibility's id. Throws
   * `NoSolutionError` when the derivation reaches "the root cannot be selected".
   */
  private resolveConflict(conflictId: number): [number, number] {
    const { ops, ps, store } = this;
    const rootContains = (s: VS) => ops.contains(s, this.rootVersion);
    let inc = store[conflictId]!;
    let learned = false;
    while (!inc.isTerminal(this.rootPkg, rootContains)) {
      const s = ps.satisfier(inc);
      if (s.cause === DECISION || s.previousLevel < s.level) {
        if (learned) {
          this.index(inc);
          this.stats.learned++;
        }
        this.backtrack(s.previousLevel);
        return [s.pkg, inc.id];
      }
      inc = this.priorCause(inc, store[s.cause]!, s.pkg);
      learned = true;
    }
    throw new NoSolutionError(
      buildDerivationTree(store, inc.id, (pkg) => this.packages[pkg]!),
      this.root,
      this.provider,
      this.options.formatter,
    );
  }

  /**
   * The resolution rule: from `inc` and the cause of its satisfier on `pkg`, learn the
   * incompatibility that holds both — their other terms intersected, and `pkg`'s terms united
   * (dropped when the union says nothing).
   */
  private priorCause(inc: Incompatibility<VS>, cause: Incompatibility<VS>, pkg: number): Incompatibility<VS> {
    const { ops } = this;
    const packages: number[] = [];
    const terms: Term<VS>[] = [];
    for (let i = 0; i < inc.packages.length; i++) {
      if (inc.packages[i] === pkg) continue;
      packages.push(inc.packages[i]!);
      terms.push(inc.terms[i]!);
    }
    for (let i = 0; i < cause.packages.length; i++) {
      const p = cause.packages[i]!;
      if (p === pkg) continue;
      const at = packages.indexOf(p);
      if (at < 0) {
        packages.push(p);
        terms.push(cause.terms[i]!);
      } else {
        terms[at] = intersectTerms(ops, terms[at]!, cause.terms[i]!);
      }
    }
    const united = unionTerms(ops, inc.termFor(pkg)!, cause.termFor(pkg)!);
    if (!isAny(ops, united)) {
      packages.push(pkg);
      terms.push(united);
    }
    return this.allocate(packages, terms, { kind: "derived", cause1: inc.id, cause2: cause.id });
  }

  /** The undecided package with a positive term and the highest priority; -1 when none. */
  private pickPackage(): number {
    const { ps } = this;
    let best = -1;
    let bestPriority: Priority = 0;
    for (let pkg = 0; pkg < ps.byPackage.length; pkg++) {
      const pa = ps.byPackage[pkg];
      if (pa === undefined || pa.hasDecision) continue;
      const term = pa.current();
      if (term === undefined || !term.positive) continue;
      let cached = this.priorityCache[pkg];
      if (cached === undefined || cached.stamp !== pa.stamp || cached.stats !== this.statsStamp[pkg]) {
        const priority = this.provider.prioritize(this.packages[pkg]!, term.set, this.pkgStats[pkg]!);
        cached = { stamp: pa.stamp, stats: this.statsStamp[pkg]!, priority };
        this.priorityCache[pkg] = cached;
      }
      if (best < 0 || comparePriority(cached.priority, bestPriority) > 0) {
        best = pkg;
        bestPriority = cached.priority;
      }
    }
    return best;
  }
}
