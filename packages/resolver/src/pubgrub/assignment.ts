/**
 * The assignments made to one package, in order: derivations (terms forced by an incompatibility)
 * and at most one decision (a chosen version), each remembered with its decision level, its place
 * in the global trail and the running intersection of every term up to it.
 *
 * Keeping the running intersection per assignment is what makes conflict resolution cheap: the
 * earliest assignment that satisfies a term is found by binary search, because the intersection
 * only narrows as assignments are added.
 */

import type { Term } from "./term";

/** Cause id of a decision (a derivation's cause is an incompatibility id, never negative). */
export const DECISION = -1;

export class PackageAssignments<V, VS> {
  /** Each assignment's own term. */
  readonly terms: Term<VS>[] = [];
  /** Intersection of `terms[0..i]`. */
  readonly accumulated: Term<VS>[] = [];
  readonly levels: number[] = [];
  /** Position in the solver-wide trail; orders assignments across packages. */
  readonly globalIndex: number[] = [];
  /** Incompatibility id for a derivation, `DECISION` for a decision. */
  readonly causes: number[] = [];
  decision: V | undefined = undefined;
  hasDecision = false;
  /** Trail position of the decision, when there is one. */
  decisionGlobal = -1;
  /** Bumped on every change, so cached priorities know when they are stale. */
  stamp = 0;

  get length(): number {
    return this.terms.length;
  }

  /** What is known about the package now, or `undefined` if nothing. */
  current(): Term<VS> | undefined {
    return this.accumulated[this.accumulated.length - 1];
  }

  push(term: Term<VS>, accumulated: Term<VS>, level: number, globalIndex: number, cause: number): void {
    this.terms.push(term);
    this.accumulated.push(accumulated);
    this.levels.push(level);
    this.globalIndex.push(globalIndex);
    this.causes.push(cause);
    this.stamp++;
  }

  pop(): void {
    this.terms.pop();
    this.accumulated.pop();
    this.levels.pop();
    this.globalIndex.pop();
    if (this.causes.pop() === DECISION) {
      this.decision = undefined;
      this.hasDecision = false;
    }
    this.stamp++;
  }

  /**
   * The first index `i` for which `test(accumulated[i])` holds, assuming that once it holds it
   * keeps holding (true for "satisfies a term" as the intersection narrows); `length` if never.
   */
  firstWhere(test: (acc: Term<VS>) => boolean): number {
    let lo = 0;
    let hi = this.accumulated.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (test(this.accumulated[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
