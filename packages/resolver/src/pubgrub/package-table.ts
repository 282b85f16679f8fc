/**
 * The packages of one solve, interned to small integers at the boundary (by the provider's
 * `packageKey`), with the per-package state the loop keeps beside the partial solution: conflict
 * counters handed to `prioritize`, the cached priority, and the incompatibilities each version's
 * dependencies produced (so a provider is asked once per version).
 *
 * Every array is indexed by package id and grown together in `intern`, so they stay dense.
 */

import type { PackageStats, Priority } from "./provider";

export interface MutableStats extends PackageStats {
  affected: number;
  culprit: number;
  conflicts: number;
}

interface CachedPriority {
  /** The package's assignment stamp when computed (its range changes with it). */
  stamp: number;
  /** Its stats stamp when computed. */
  stats: number;
  priority: Priority;
}

export class PackageTable<P> {
  readonly packages: P[] = [];
  readonly stats: MutableStats[] = [];
  /** Bumped whenever a package's stats change, so its cached priority is recomputed. */
  readonly statsStamp: number[] = [];
  readonly priorityCache: (CachedPriority | undefined)[] = [];
  /** Per package: version key → the incompatibilities its dependencies produced. */
  readonly added: Map<string | number, number[]>[] = [];
  /** Per package: whether it waits in the propagation queue. */
  readonly queued: boolean[] = [];
  private readonly ids = new Map<string, number>();

  constructor(private readonly keyOf: (p: P) => string) {}

  get size(): number {
    return this.packages.length;
  }

  intern(p: P): number {
    const key = this.keyOf(p);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.packages.length;
      this.ids.set(key, id);
      this.packages.push(p);
      this.stats.push({ affected: 0, culprit: 0, conflicts: 0 });
      this.statsStamp.push(0);
      this.priorityCache.push(undefined);
      this.added.push(new Map());
      this.queued.push(false);
    }
    return id;
  }

  /** Count a conflict on `packages`, `affected` being the one whose incompatibility was found satisfied. */
  recordConflict(packages: readonly number[], affected: number): void {
    for (const p of packages) {
      const s = this.stats[p]!;
      if (p === affected) s.affected++;
      else s.culprit++;
      s.conflicts++;
      this.statsStamp[p]!++;
    }
  }
}
