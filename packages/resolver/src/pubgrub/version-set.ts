/**
 * The algebra PubGrub needs from a set of versions, as an interface rather than a base class.
 *
 * The core never looks inside a version or a set: it only combines them through these operations,
 * so a Python resolver can back them with PEP 440 unions of intervals and the tests with small
 * integer ranges. Sets must be immutable values: the solver shares them freely between terms.
 * `isSubset` and `isDisjoint` are optional because they follow from `intersect`, but they sit on
 * the hot path of unit propagation, so an implementation that can answer without building a new
 * set should provide them.
 */

export interface VersionSetOps<V, VS> {
  empty(): VS;
  full(): VS;
  singleton(v: V): VS;
  intersect(a: VS, b: VS): VS;
  union(a: VS, b: VS): VS;
  complement(a: VS): VS;
  contains(s: VS, v: V): boolean;
  isEmpty(s: VS): boolean;
  equals(a: VS, b: VS): boolean;
  /** `a ⊆ b`. Defaults to `equals(intersect(a, b), a)`. */
  isSubset?(a: VS, b: VS): boolean;
  /** `a ∩ b = ∅`. Defaults to `isEmpty(intersect(a, b))`. */
  isDisjoint?(a: VS, b: VS): boolean;
  /** `s` holds every version. Defaults to `equals(s, full())`. */
  isFull?(s: VS): boolean;
  /** How a set reads in a report, e.g. `>=1.0, <2.0`. */
  format(s: VS): string;
  /**
   * A key that is equal for equal versions; used to remember which (package, version) pairs
   * already had their dependencies added. Defaults to `String(v)`, which is only right when a
   * version's string form is canonical.
   */
  versionKey?(v: V): string | number;
}

/** `a ⊆ b` through the optional fast path. */
export function isSubset<V, VS>(ops: VersionSetOps<V, VS>, a: VS, b: VS): boolean {
  return ops.isSubset ? ops.isSubset(a, b) : ops.equals(ops.intersect(a, b), a);
}

/** `a ∩ b = ∅` through the optional fast path. */
export function isDisjoint<V, VS>(ops: VersionSetOps<V, VS>, a: VS, b: VS): boolean {
  return ops.isDisjoint ? ops.isDisjoint(a, b) : ops.isEmpty(ops.intersect(a, b));
}

/** `s` is the set of all versions. */
export function isFull<V, VS>(ops: VersionSetOps<V, VS>, s: VS): boolean {
  return ops.isFull ? ops.isFull(s) : ops.equals(s, ops.full());
}

/** The key under which a version is remembered. */
export function versionKey<V, VS>(ops: VersionSetOps<V, VS>, v: V): string | number {
  return ops.versionKey ? ops.versionKey(v) : String(v);
}
