/**
 * A term: a statement about one package, positive ("the package is selected, at a version in S")
 * or negative ("the package is not selected at a version in S" — it may be absent altogether).
 *
 * The asymmetry matters: `not S` is never empty, because "not selected" always satisfies it, and a
 * negative term can never imply a positive one. The relation functions below are written case by
 * case so that unit propagation asks one subset or disjointness question per term instead of
 * building intersections.
 */

import type { VersionSetOps } from "./version-set";
import { isDisjoint, isFull, isSubset } from "./version-set";

export interface Term<VS> {
  readonly positive: boolean;
  readonly set: VS;
}

export function positive<VS>(set: VS): Term<VS> {
  return { positive: true, set };
}

export function negative<VS>(set: VS): Term<VS> {
  return { positive: false, set };
}

export function negate<VS>(t: Term<VS>): Term<VS> {
  return { positive: !t.positive, set: t.set };
}

export function intersectTerms<V, VS>(ops: VersionSetOps<V, VS>, a: Term<VS>, b: Term<VS>): Term<VS> {
  if (a.positive && b.positive) return positive(ops.intersect(a.set, b.set));
  if (a.positive) return positive(ops.intersect(a.set, ops.complement(b.set)));
  if (b.positive) return positive(ops.intersect(b.set, ops.complement(a.set)));
  return negative(ops.union(a.set, b.set));
}

export function unionTerms<V, VS>(ops: VersionSetOps<V, VS>, a: Term<VS>, b: Term<VS>): Term<VS> {
  return negate(intersectTerms(ops, negate(a), negate(b)));
}

/** The term no assignment constrains: `not ∅`. */
export function isAny<V, VS>(ops: VersionSetOps<V, VS>, t: Term<VS>): boolean {
  return !t.positive && ops.isEmpty(t.set);
}

/** How a term stands against what the partial solution knows about its package. */
export const SATISFIED = 0;
export const CONTRADICTED = 1;
export const INCONCLUSIVE = 2;
export type TermRelation = typeof SATISFIED | typeof CONTRADICTED | typeof INCONCLUSIVE;

/**
 * Relation of term `t` to `known` (the intersection of every assignment to the package so far;
 * `undefined` when there is none, which is the term `not ∅`). Satisfied: `known ⊆ t`.
 * Contradicted: `known ∩ t` is empty.
 */
export function relation<V, VS>(
  ops: VersionSetOps<V, VS>,
  t: Term<VS>,
  known: Term<VS> | undefined,
): TermRelation {
  if (known === undefined) {
    if (t.positive) return ops.isEmpty(t.set) ? CONTRADICTED : INCONCLUSIVE;
    return ops.isEmpty(t.set) ? SATISFIED : INCONCLUSIVE;
  }
  if (known.positive) {
    if (t.positive) {
      if (isSubset(ops, known.set, t.set)) return SATISFIED;
      return isDisjoint(ops, known.set, t.set) ? CONTRADICTED : INCONCLUSIVE;
    }
    if (isDisjoint(ops, known.set, t.set)) return SATISFIED;
    return isSubset(ops, known.set, t.set) ? CONTRADICTED : INCONCLUSIVE;
  }
  if (t.positive) {
    // "not A" never implies "in B": the package may be absent.
    return isSubset(ops, t.set, known.set) ? CONTRADICTED : INCONCLUSIVE;
  }
  // not A ⊆ not B ⟺ B ⊆ A; two negative terms always overlap in "absent".
  return isSubset(ops, t.set, known.set) ? SATISFIED : INCONCLUSIVE;
}

/** `a ⊆ b` as terms. */
export function termSubset<V, VS>(ops: VersionSetOps<V, VS>, a: Term<VS>, b: Term<VS>): boolean {
  return relation(ops, b, a) === SATISFIED;
}

/** Whether `t` says nothing beyond "some version, or none": a positive full set is not "any". */
export function termIsFullPositive<V, VS>(ops: VersionSetOps<V, VS>, t: Term<VS>): boolean {
  return t.positive && isFull(ops, t.set);
}

export function termEquals<V, VS>(ops: VersionSetOps<V, VS>, a: Term<VS>, b: Term<VS>): boolean {
  return a.positive === b.positive && ops.equals(a.set, b.set);
}
