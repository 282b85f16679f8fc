/**
 * What the solver asks of the outside world. A provider knows packages, their versions and their
 * dependencies; the solver knows only the algorithm.
 *
 * Methods may answer synchronously or with a promise: the Python provider fetches metadata over
 * the network, but once a page is cached it answers at once, and the solver only awaits when it is
 * actually handed a promise, so a warm solve never yields to the event loop.
 */

import type { VersionSetOps } from "./version-set";

export type MaybePromise<T> = T | Promise<T>;

/** Higher is decided first. Pairs compare lexicographically. */
export type Priority = number | readonly [number, number];

/**
 * Per-package counters the solver keeps, handed to `prioritize` (a live view: read it, don't keep
 * it). `affected` counts conflicts in which this package's own incompatibility was the one found
 * satisfied; `culprit` counts conflicts in which it was the other side. Packages that keep causing
 * conflicts are worth deciding early.
 */
export interface PackageStats {
  readonly affected: number;
  readonly culprit: number;
  /** `affected + culprit`. */
  readonly conflicts: number;
}

/**
 * A provider's answer for one version. `F` is what a provider that splits its problem hands back
 * (the Python layer splits a universal resolution into forks where markers demand different
 * versions); providers that never split leave it `never`.
 */
export type Dependencies<P, VS, F = never> =
  | {
      readonly kind: "available";
      readonly dependencies: Iterable<readonly [P, VS]>;
    }
  | { readonly kind: "unavailable"; readonly reason: string }
  /**
   * The question cannot be answered inside this solve: the problem must be split first. The solve
   * stops and `Solver.run` returns `request` untouched; the core never looks inside it.
   */
  | { readonly kind: "fork"; readonly request: F };

/** What happened, for progress bars and benchmarks. Emitted synchronously; keep handlers cheap. */
export type SolverEvent<P, V> =
  | { readonly kind: "decision"; readonly package: P; readonly version: V }
  | { readonly kind: "dependencies"; readonly package: P; readonly version: V; readonly count: number }
  | { readonly kind: "noVersions"; readonly package: P }
  | { readonly kind: "unavailable"; readonly package: P; readonly version: V; readonly reason: string }
  | { readonly kind: "conflict"; readonly package: P }
  | { readonly kind: "backtrack"; readonly fromLevel: number; readonly toLevel: number };

export interface DependencyProvider<P, V, VS, F = never> {
  readonly versionSets: VersionSetOps<V, VS>;
  /** Identity of a package: equal keys are the same package. Called once per new package value. */
  packageKey(p: P): string;
  /** Which undecided package to decide next; called only when its range or stats changed. */
  prioritize(p: P, range: VS, stats: PackageStats): Priority;
  /** The version of `p` in `range` to try next (normally the best one), or `undefined` if none. */
  chooseVersion(p: P, range: VS): MaybePromise<V | undefined>;
  /** Dependencies of `p` at `v`. Asked at most once per (package, version) during a solve. */
  getDependencies(p: P, v: V): MaybePromise<Dependencies<P, VS, F>>;
  /** Checked before each decision; return true (or throw your own error) to stop the solve. */
  shouldCancel?(): boolean;
  onEvent?(event: SolverEvent<P, V>): void;
}
