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
 * This file is the loop; the state it works on lives beside it: the partial solution
 * (partial-solution.ts), the incompatibilities and their per-package index
 * (incompatibility-store.ts), and the interned packages with their counters (package-table.ts).
 * Packages are interned to small integers at the boundary; the hot loop walks arrays indexed by
 * them and never formats a string. Provider calls are awaited only when they return a promise.
 */

import { LockstepError } from "@lockstep/errors";
import { DECISION } from "./assignment";
import { buildDerivationTree } from "./derivation-tree";
import type { Incompatibility } from "./incompatibility";
import { IncompatibilityStore } from "./incompatibility-store";
import { NoSolutionError } from "./no-solution-error";
import { PackageTable } from "./package-table";
import { ProviderFailedError } from "./provider-failed-error";
import { PartialSolution, REL_CONTRADICTED, REL_SATISFIED } from "./partial-solution";
import type { Dependencies, DependencyProvider, Priority } from "./provider";
import type { ReportFormatter } from "./report-formatter";
import type { Term } from "./term";
import { SATISFIED, intersectTerms, isAny, negate, negative, positive, relation, unionTerms } from "./term";
import type { SolverStats } from "./solver-stats";
import { emptySolverStats } from "./solver-stats";
import type { VersionSetOps } from "./version-set";
import { versionKey } from "./version-set";

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

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown } | null)?.then === "function";
}

function comparePriority(a: Priority, b: Priority): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  // Indexing, not destructuring: this runs for every undecided package at every decision, mostly
  // before V8 optimizes it, and array destructuring goes through the iterator protocol.
  const a0 = typeof a === "number" ? a : a[0];
  const a1 = typeof a === "number" ? 0 : a[1];
  const b0 = typeof b === "number" ? b : b[0];
  const b1 = typeof b === "number" ? 0 : b[1];
  return a0 !== b0 ? a0 - b0 : a1 - b1;
}

/** How a solve ended, when it did not fail: a solution, or the provider's request to split. */
export type SolveOutcome<P, V, F> =
  { readonly kind: "solved"; readonly solution: Map<P, V> } | { readonly kind: "fork"; readonly request: F };

/**
 * Solve for `root` at `rootVersion`. Resolves to the chosen version of every selected package
 * (the root included), in decision order; rejects with `NoSolutionError` when there is none, and
 * with `ProviderFailedError` when the provider throws.
 */
export function resolve<P, V, VS>(
  provider: DependencyProvider<P, V, VS>,
  root: P,
  rootVersion: V,
  options: SolveOptions<P, VS> = {},
): Promise<Map<P, V>> {
  return new Solver(provider, root, rootVersion, options).solve();
}

export class Solver<P, V, VS, F = never> {
  readonly stats: SolverStats = emptySolverStats();
  private readonly ops: VersionSetOps<V, VS>;
  private readonly table: PackageTable<P>;
  private readonly store: IncompatibilityStore<V, VS>;
  private readonly ps: PartialSolution<V, VS>;
  private readonly rootPkg: number;
  private readonly queue: number[] = [];
  private started = false;

  constructor(
    private readonly provider: DependencyProvider<P, V, VS, F>,
    private readonly root: P,
    private readonly rootVersion: V,
    private readonly options: SolveOptions<P, VS> = {},
  ) {
    this.ops = provider.versionSets;
    this.ps = new PartialSolution(this.ops);
    this.table = new PackageTable((p) => provider.packageKey(p));
    this.store = new IncompatibilityStore(this.ops, this.stats);
    this.rootPkg = this.intern(root);
  }

  /**
   * The chosen version of every selected package (the root included), in decision order. Rejects
   * with `NoSolutionError` when there is none, and when the provider asks for a fork (use `run`).
   */
  async solve(): Promise<Map<P, V>> {
    const outcome = await this.run();
    if (outcome.kind === "fork") {
      throw new LockstepError(
        "resolver-fork-unhandled",
        "The provider asked to split the solve, which only Solver.run() can report.",
      );
    }
    return outcome.solution;
  }

  /**
   * Solve until there is a solution or the provider answers a `getDependencies` call with a fork
   * request, which ends the solve and is returned as it came. Rejects with `NoSolutionError` when
   * there is no solution, and with `ProviderFailedError` (naming the package and version asked
   * about, the provider's error as its cause) when a provider call throws or rejects.
   */
  async run(): Promise<SolveOutcome<P, V, F>> {
    if (this.started) throw new LockstepError("resolver-reused", "A Solver can only solve once.");
    this.started = true;
    const { ops, provider, ps, store, table } = this;
    store.add([this.rootPkg], [negative(ops.singleton(this.rootVersion))], { kind: "root" });
    let next = this.rootPkg;
    while (true) {
      this.propagate(next);
      if (provider.shouldCancel?.()) {
        throw new LockstepError("resolver-cancelled", "The resolution was cancelled.");
      }
      const pkg = this.pickPackage();
      if (pkg < 0) break;
      next = pkg;
      const p = table.packages[pkg]!;
      const range = ps.current(pkg)!.set;
      this.stats.chooseVersionCalls++;
      let v: V | undefined;
      try {
        const chosen = provider.chooseVersion(p, range);
        v = isPromise(chosen) ? await chosen : chosen;
      } catch (err) {
        throw new ProviderFailedError(provider.packageKey(p), undefined, err);
      }
      if (v === undefined) {
        store.add([pkg], [positive(range)], { kind: "noVersions" });
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
      let deps = table.added[pkg]!.get(key);
      if (deps === undefined) {
        this.stats.getDependenciesCalls++;
        let answer: Dependencies<P, VS, F>;
        try {
          const pending = provider.getDependencies(p, v);
          answer = isPromise(pending) ? await pending : pending;
        } catch (err) {
          throw new ProviderFailedError(provider.packageKey(p), String(v), err);
        }
        if (answer.kind === "fork") return answer;
        deps = this.addDependencies(pkg, v, answer);
        table.added[pkg]!.set(key, deps);
      }
      // Deciding `v` would immediately satisfy one of its incompatibilities: let propagation
      // rule `v` out instead (it will find that incompatibility almost satisfied).
      const clash = deps.find((id) => this.othersSatisfied(store.all[id]!, pkg));
      if (clash === undefined) {
        ps.addDecision(pkg, v);
        this.stats.decisions++;
        provider.onEvent?.({ kind: "decision", package: p, version: v });
      } else {
        this.recordConflict(store.all[clash]!, pkg);
        this.backjumpIfStuck(pkg, store.all[clash]!);
      }
    }
    const solution = new Map<P, V>();
    for (const [pkg, v] of ps.decisions()) solution.set(table.packages[pkg]!, v);
    return { kind: "solved", solution };
  }

  private intern(p: P): number {
    const id = this.table.intern(p);
    this.stats.packages = this.table.size;
    return id;
  }

  private addDependencies(
    pkg: number,
    v: V,
    answer: Exclude<Dependencies<P, VS, F>, { kind: "fork" }>,
  ): number[] {
    const { ops, provider, store } = this;
    const p = this.table.packages[pkg]!;
    const version = ops.singleton(v);
    if (answer.kind === "unavailable") {
      provider.onEvent?.({ kind: "unavailable", package: p, version: v, reason: answer.reason });
      return [store.add([pkg], [positive(version)], { kind: "unavailable", reason: answer.reason })];
    }
    const ids: number[] = [];
    const merge = this.options.mergeDependencies !== false;
    let count = 0;
    for (const [dp, dset] of answer.dependencies) {
      count++;
      const dep = this.intern(dp);
      if (dep === pkg) {
        // A package depending on itself is harmless when the range holds the version itself.
        if (ops.contains(dset, v)) continue;
        const reason = `depends on itself at ${ops.format(dset)}`;
        ids.push(store.add([pkg], [positive(version)], { kind: "custom", reason }));
        continue;
      }
      if (ops.isEmpty(dset)) {
        // A dependency no version can meet makes this version unusable on its own (pubgrub-rs
        // does the same); a term over the empty set would otherwise never be satisfied.
        const reason = `depends on ${provider.packageKey(dp)} with a range that no version can satisfy (${ops.format(dset)})`;
        ids.push(store.add([pkg], [positive(version)], { kind: "custom", reason }));
        continue;
      }
      ids.push(store.addDependency(pkg, version, dep, dset, merge));
    }
    provider.onEvent?.({ kind: "dependencies", package: p, version: v, count });
    return ids;
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

  private backtrack(level: number): void {
    this.provider.onEvent?.({ kind: "backtrack", fromLevel: this.ps.level, toLevel: level });
    this.stats.backtracks++;
    this.ps.backtrack(level);
    this.store.backtrack(level);
  }

  private enqueue(pkg: number): void {
    if (!this.table.queued[pkg]) {
      this.table.queued[pkg] = true;
      this.queue.push(pkg);
    }
  }

  private clearQueue(): void {
    for (const pkg of this.queue) this.table.queued[pkg] = false;
    this.queue.length = 0;
  }

  /** Derive everything the change to `start` implies, resolving conflicts on the way. */
  private propagate(start: number): void {
    const { ps, store, queue } = this;
    const { all, contradictedAt } = store;
    const queued = this.table.queued;
    this.clearQueue();
    this.enqueue(start);
    while (queue.length > 0) {
      const pkg = queue.pop()!;
      queued[pkg] = false;
      const ids = store.of(pkg);
      let conflict = -1;
      // Newest first: learned incompatibilities are the most informative.
      for (let i = ids.length - 1; i >= 0; i--) {
        const id = ids[i]!;
        if (contradictedAt[id]! >= 0) continue;
        const inc = all[id]!;
        const rel = ps.relationOf(inc);
        if (rel === REL_SATISFIED) {
          conflict = id;
          break;
        }
        if (rel >= 0) {
          const other = inc.packages[rel]!;
          ps.addDerivation(other, negate(inc.terms[rel]!), id);
          this.stats.propagations++;
          store.markContradicted(id, ps.level);
          this.enqueue(other);
        } else if (rel === REL_CONTRADICTED) {
          store.markContradicted(id, ps.level);
        }
      }
      if (conflict >= 0) {
        this.recordConflict(all[conflict]!, pkg);
        const [almost, learned] = this.resolveConflict(conflict);
        this.clearQueue();
        this.enqueue(almost);
        ps.addDerivation(almost, negate(all[learned]!.termFor(almost)!), learned);
        this.stats.propagations++;
        store.markContradicted(learned, ps.level);
      }
    }
  }

  private recordConflict(inc: Incompatibility<VS>, pkg: number): void {
    this.stats.conflicts++;
    this.table.recordConflict(inc.packages, pkg);
    this.provider.onEvent?.({ kind: "conflict", package: this.table.packages[pkg]! });
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
    if (threshold === undefined || this.table.stats[pkg]!.affected !== threshold) return;
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
    let inc = store.all[conflictId]!;
    let learned = false;
    while (!inc.isTerminal(this.rootPkg, rootContains)) {
      const s = ps.satisfier(inc);
      if (s.cause === DECISION || s.previousLevel < s.level) {
        if (learned) {
          store.index(inc);
          this.stats.learned++;
        }
        this.backtrack(s.previousLevel);
        return [s.pkg, inc.id];
      }
      inc = this.priorCause(inc, store.all[s.cause]!, s.pkg);
      learned = true;
    }
    throw new NoSolutionError(
      buildDerivationTree(store.all, inc.id, (pkg) => this.table.packages[pkg]!),
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
    return this.store.allocate(packages, terms, { kind: "derived", cause1: inc.id, cause2: cause.id });
  }

  /** The undecided package with a positive term and the highest priority; -1 when none. */
  private pickPackage(): number {
    const { ps, table } = this;
    let best = -1;
    let bestPriority: Priority = 0;
    for (let pkg = 0; pkg < ps.byPackage.length; pkg++) {
      const pa = ps.byPackage[pkg];
      if (pa === undefined || pa.hasDecision) continue;
      const term = pa.current();
      if (term === undefined || !term.positive) continue;
      let cached = table.priorityCache[pkg];
      if (cached === undefined || cached.stamp !== pa.stamp || cached.stats !== table.statsStamp[pkg]) {
        const priority = this.provider.prioritize(table.packages[pkg]!, term.set, table.stats[pkg]!);
        cached = { stamp: pa.stamp, stats: table.statsStamp[pkg]!, priority };
        table.priorityCache[pkg] = cached;
      }
      if (best < 0 || comparePriority(cached.priority, bestPriority) > 0) {
        best = pkg;
        bestPriority = cached.priority;
      }
    }
    return best;
  }
}
