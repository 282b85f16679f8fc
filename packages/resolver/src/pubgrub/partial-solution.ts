/**
 * The partial solution: every assignment made so far, grouped by package, plus the global trail
 * that orders them and the current decision level.
 *
 * Decision levels count decisions: derivations made before any decision are at level 0, the root's
 * decision is at level 1. Backtracking to level L pops the trail until every remaining assignment
 * is at level ≤ L, so undoing costs only what it removes.
 */

import { DECISION, PackageAssignments } from "./assignment";
import type { Incompatibility } from "./incompatibility";
import type { Term } from "./term";
import { CONTRADICTED, INCONCLUSIVE, SATISFIED, intersectTerms, positive, relation } from "./term";
import type { VersionSetOps } from "./version-set";

/** `relationOf` results; a value ≥ 0 is the index of the one term left undecided. */
export const REL_SATISFIED = -1;
export const REL_CONTRADICTED = -2;
export const REL_INCONCLUSIVE = -3;

/** Where an incompatibility became satisfied, as conflict resolution needs it. */
export interface Satisfier {
  /** Package id of the satisfier: the latest assignment needed to satisfy the incompatibility. */
  pkg: number;
  /** The satisfier's cause: an incompatibility id, or `DECISION`. */
  cause: number;
  level: number;
  /** The level to backjump to: that of the latest other assignment needed. */
  previousLevel: number;
}

export class PartialSolution<V, VS> {
  /** Assignments by package id; `undefined` for packages never assigned. */
  readonly byPackage: (PackageAssignments<V, VS> | undefined)[] = [];
  private readonly trail: number[] = [];
  private readonly trailLevels: number[] = [];
  level = 0;

  constructor(private readonly ops: VersionSetOps<V, VS>) {}

  private slot(pkg: number): PackageAssignments<V, VS> {
    let pa = this.byPackage[pkg];
    if (pa === undefined) {
      pa = new PackageAssignments<V, VS>();
      this.byPackage[pkg] = pa;
    }
    return pa;
  }

  current(pkg: number): Term<VS> | undefined {
    return this.byPackage[pkg]?.current();
  }

  /** Record that `term` must hold for `pkg` because of incompatibility `cause`. */
  addDerivation(pkg: number, term: Term<VS>, cause: number): void {
    const pa = this.slot(pkg);
    const prev = pa.current();
    const acc = prev === undefined ? term : intersectTerms(this.ops, prev, term);
    pa.push(term, acc, this.level, this.trail.length, cause);
    this.trail.push(pkg);
    this.trailLevels.push(this.level);
  }

  /** Select version `v` of `pkg`, opening a new decision level. */
  addDecision(pkg: number, v: V): void {
    this.level++;
    const pa = this.slot(pkg);
    const term = positive(this.ops.singleton(v));
    pa.push(term, term, this.level, this.trail.length, DECISION);
    pa.decision = v;
    pa.hasDecision = true;
    pa.decisionGlobal = this.trail.length;
    this.trail.push(pkg);
    this.trailLevels.push(this.level);
  }

  /** Undo every assignment above `level`. */
  backtrack(level: number): void {
    while (this.trail.length > 0 && this.trailLevels[this.trailLevels.length - 1]! > level) {
      const pkg = this.trail.pop()!;
      this.trailLevels.pop();
      this.byPackage[pkg]!.pop();
    }
    this.level = level;
  }

  /**
   * How `inc` stands: satisfied, contradicted, inconclusive in two or more terms, or (≥ 0) almost
   * satisfied with only that term inconclusive — the case unit propagation acts on.
   */
  relationOf(inc: Incompatibility<VS>): number {
    const { packages, terms } = inc;
    let undecided = REL_SATISFIED;
    for (let i = 0; i < packages.length; i++) {
      const r = relation(this.ops, terms[i]!, this.byPackage[packages[i]!]?.current());
      if (r === CONTRADICTED) return REL_CONTRADICTED;
      if (r === INCONCLUSIVE) {
        if (undecided !== REL_SATISFIED) return REL_INCONCLUSIVE;
        undecided = i;
      }
    }
    return undecided;
  }

  /** Find the satisfier of `inc`, which must be satisfied, and the level to backjump to. */
  satisfier(inc: Incompatibility<VS>): Satisfier {
    const ops = this.ops;
    let best = -1;
    let bestGlobal = -1;
    let bestIdx = 0;
    const levels: number[] = [];
    for (let i = 0; i < inc.packages.length; i++) {
      const pa = this.byPackage[inc.packages[i]!]!;
      const t = inc.terms[i]!;
      const idx = pa.firstWhere((acc) => relation(ops, t, acc) === SATISFIED);
      levels.push(pa.levels[idx]!);
      const g = pa.globalIndex[idx]!;
      if (g > bestGlobal) {
        bestGlobal = g;
        best = i;
        bestIdx = idx;
      }
    }
    const pkg = inc.packages[best]!;
    const pa = this.byPackage[pkg]!;
    let previousLevel = 0;
    for (let i = 0; i < levels.length; i++)
      if (i !== best) previousLevel = Math.max(previousLevel, levels[i]!);
    // The satisfier's own package may also need earlier assignments: the first one whose running
    // intersection, narrowed by the satisfier's term, already satisfies the incompatibility's term.
    const t = inc.terms[best]!;
    const start = pa.terms[bestIdx]!;
    const j = pa.firstWhere((acc) => relation(ops, t, intersectTerms(ops, acc, start)) === SATISFIED);
    if (j < bestIdx) previousLevel = Math.max(previousLevel, pa.levels[j]!);
    // Never jump below the root's decision: what holds at level 0 would be derived again anyway,
    // and undoing the root would only make the solver decide it once more.
    previousLevel = Math.max(previousLevel, 1);
    return { pkg, cause: pa.causes[bestIdx]!, level: pa.levels[bestIdx]!, previousLevel };
  }

  /** Package ids in trail order that are decided, with their versions. */
  *decisions(): Generator<[number, V]> {
    for (let g = 0; g < this.trail.length; g++) {
      const pkg = this.trail[g]!;
      const pa = this.byPackage[pkg]!;
      if (pa.hasDecision && pa.decisionGlobal === g) yield [pkg, pa.decision as V];
    }
  }
}
