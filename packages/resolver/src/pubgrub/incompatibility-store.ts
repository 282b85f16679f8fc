/**
 * Every incompatibility of one solve, by id, with the index the loop propagates through: for each
 * package, the ids of the incompatibilities that mention it, oldest first. Also tracks which ones
 * are contradicted by the partial solution (and since which decision level), so propagation skips
 * them until a backjump undoes that.
 *
 * Dependencies are merged on the way in: `foo 1 → bar D` and `foo 2 → bar D` become one
 * `foo 1 ∪ 2 → bar D`, which the old one is unindexed for (it stays in the store, since learned
 * incompatibilities and the report may refer to it by id).
 */

import type { IncompatibilityCause } from "./incompatibility";
import { Incompatibility } from "./incompatibility";
import type { Term } from "./term";
import { negative, positive } from "./term";
import type { VersionSetOps } from "./version-set";

const NONE: readonly number[] = [];

export class IncompatibilityStore<V, VS> {
  /** By id. */
  readonly all: Incompatibility<VS>[] = [];
  /** Decision level at which each incompatibility became contradicted, or -1. */
  readonly contradictedAt: number[] = [];
  private readonly contradictedStack: number[] = [];
  /** Per package id: the indexed incompatibilities mentioning it. */
  private readonly byPackage: number[][] = [];
  /** Per (dependent, dependency) package pair: the indexed dependency incompatibilities. */
  private readonly dependencies = new Map<number, number[]>();

  constructor(
    private readonly ops: VersionSetOps<V, VS>,
    private readonly counters: { incompatibilities: number },
  ) {}

  /** Ids of the indexed incompatibilities that mention `pkg`, oldest first. */
  of(pkg: number): readonly number[] {
    return this.byPackage[pkg] ?? NONE;
  }

  /** A new incompatibility, in the store but not yet indexed (conflict resolution's candidates). */
  allocate(packages: number[], terms: Term<VS>[], cause: IncompatibilityCause): Incompatibility<VS> {
    const inc = new Incompatibility(this.all.length, packages, terms, cause);
    this.all.push(inc);
    this.contradictedAt.push(-1);
    this.counters.incompatibilities++;
    return inc;
  }

  /** Make `inc` take part in propagation. */
  index(inc: Incompatibility<VS>): void {
    for (const pkg of inc.packages) {
      while (this.byPackage.length <= pkg) this.byPackage.push([]);
      this.byPackage[pkg]!.push(inc.id);
    }
  }

  add(packages: number[], terms: Term<VS>[], cause: IncompatibilityCause): number {
    const inc = this.allocate(packages, terms, cause);
    this.index(inc);
    return inc.id;
  }

  /**
   * `{pkg ∈ version, not dep ∈ dset}`; with `merge`, folded into an earlier incompatibility that
   * has the same dependency term.
   */
  addDependency(pkg: number, version: VS, dep: number, dset: VS, merge: boolean): number {
    const { ops } = this;
    const pairKey = pkg * 0x100000 + dep;
    let list = this.dependencies.get(pairKey);
    if (list === undefined) {
      list = [];
      this.dependencies.set(pairKey, list);
    }
    if (merge) {
      for (let i = 0; i < list.length; i++) {
        const old = this.all[list[i]!]!;
        if (!ops.equals(old.terms[1]!.set, dset)) continue;
        const merged = this.add(
          [pkg, dep],
          [positive(ops.union(old.terms[0]!.set, version)), negative(dset)],
          {
            kind: "fromDependencyOf",
          },
        );
        for (const p of old.packages) {
          const ids = this.byPackage[p]!;
          const at = ids.lastIndexOf(old.id);
          if (at >= 0) ids.splice(at, 1);
        }
        list[i] = merged;
        return merged;
      }
    }
    const id = this.add([pkg, dep], [positive(version), negative(dset)], { kind: "fromDependencyOf" });
    list.push(id);
    return id;
  }

  markContradicted(id: number, level: number): void {
    this.contradictedAt[id] = level;
    this.contradictedStack.push(id);
  }

  /** Forget contradictions found above `level` (the partial solution is backjumping there). */
  backtrack(level: number): void {
    const stack = this.contradictedStack;
    while (stack.length > 0 && this.contradictedAt[stack[stack.length - 1]!]! > level) {
      this.contradictedAt[stack.pop()!] = -1;
    }
  }
}
