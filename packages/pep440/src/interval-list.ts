/**
 * Sorted lists of disjoint intervals over the PEP 440 order, the building block of version sets.
 *
 * Pitfalls:
 * - Bounds may be marker points (`p+∞`, `B.post∞`) that no real version equals; they are always stored
 *   exclusive, and two intervals meeting at one are adjacent (nothing lies between them).
 * - There is a least version, 0.dev0; a lower bound of `>=0.dev0` is stored as unbounded.
 * - Between p+∞ and p's successor (1.0.dev1+∞ .. 1.0.dev2) there is no version at all; `hasMember`
 *   knows this and a few other provably empty shapes, so emptiness is sound (never claims "empty"
 *   wrongly) and exact for the shapes specifiers produce.
 */
import { Version, compareVersions, isBaseMax, isLocalMax, isMarker, localMax, baseMax } from "./version";

export interface Bound {
  version: Version;
  inclusive: boolean;
}
export interface Interval {
  lower?: Bound;
  upper?: Bound;
}
export type IntervalList = readonly Interval[];

export const FULL: IntervalList = Object.freeze([Object.freeze({})]);
export const EMPTY: IntervalList = Object.freeze([]);
export const MIN_VERSION = Version.from({ release: [0], dev: 0 });

export function lowerBound(version: Version, inclusive: boolean): Bound | undefined {
  if (inclusive && compareVersions(version, MIN_VERSION) === 0) return undefined;
  return { version, inclusive: inclusive && !isMarker(version) };
}

export function upperBound(version: Version, inclusive: boolean): Bound {
  return { version, inclusive: inclusive && !isMarker(version) };
}

export function isFullList(a: IntervalList): boolean {
  return a.length === 1 && a[0]?.lower === undefined && a[0]?.upper === undefined;
}

function cmpLower(a: Bound | undefined, b: Bound | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  const c = compareVersions(a.version, b.version);
  if (c !== 0 || a.inclusive === b.inclusive) return c;
  return a.inclusive ? -1 : 1;
}

function cmpUpper(a: Bound | undefined, b: Bound | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  const c = compareVersions(a.version, b.version);
  if (c !== 0 || a.inclusive === b.inclusive) return c;
  return a.inclusive ? 1 : -1;
}

/** Does [lo, hi] contain any point at all (treating 0.dev0 as the least version)? */
export function nonEmpty(lo: Bound | undefined, hi: Bound | undefined): boolean {
  if (hi === undefined) return true;
  if (lo === undefined) {
    const c = compareVersions(hi.version, MIN_VERSION);
    return c > 0 || (c === 0 && hi.inclusive);
  }
  const c = compareVersions(lo.version, hi.version);
  return c < 0 || (c === 0 && lo.inclusive && hi.inclusive);
}

export function intersectLists(a: IntervalList, b: IntervalList): IntervalList {
  if (a.length === 0 || b.length === 0) return EMPTY;
  if (isFullList(a)) return b;
  if (isFullList(b)) return a;
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval;
    const y = b[j] as Interval;
    const lo = cmpLower(x.lower, y.lower) >= 0 ? x.lower : y.lower;
    const upperCmp = cmpUpper(x.upper, y.upper);
    const hi = upperCmp <= 0 ? x.upper : y.upper;
    if (nonEmpty(lo, hi))
      out.push(
        lo === undefined
          ? hi === undefined
            ? {}
            : { upper: hi }
          : hi === undefined
            ? { lower: lo }
            : { lower: lo, upper: hi },
      );
    if (upperCmp <= 0) i++;
    else j++;
  }
  return out.length === 0 ? EMPTY : out;
}

/**
 * Whether `intersectLists(a, b)` has an interval that `hasMember(iv, cls)` accepts, without
 * building it: the resolver's subset and disjointness questions need only the answer, and stop at
 * the first overlap that holds a version.
 */
export function intersectionHasMember(a: IntervalList, b: IntervalList, cls: number): boolean {
  if (a.length === 0 || b.length === 0) return false;
  if (isFullList(a)) return b.some((iv) => hasMember(iv, cls));
  if (isFullList(b)) return a.some((iv) => hasMember(iv, cls));
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval;
    const y = b[j] as Interval;
    const lo = cmpLower(x.lower, y.lower) >= 0 ? x.lower : y.lower;
    const upperCmp = cmpUpper(x.upper, y.upper);
    const hi = upperCmp <= 0 ? x.upper : y.upper;
    if (nonEmpty(lo, hi) && hasMember({ lower: lo, upper: hi }, cls)) return true;
    if (upperCmp <= 0) i++;
    else j++;
  }
  return false;
}

/** Do an interval ending at `u` and one starting at `l` (not before) overlap or touch? */
function touches(u: Bound | undefined, l: Bound | undefined): boolean {
  if (u === undefined || l === undefined) return true;
  const c = compareVersions(u.version, l.version);
  return c > 0 || (c === 0 && (u.inclusive || l.inclusive || isMarker(u.version)));
}

export function unionLists(a: IntervalList, b: IntervalList): IntervalList {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  if (isFullList(a) || isFullList(b)) return FULL;
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  let cur: Interval | undefined;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    let next: Interval;
    if (y === undefined || (x !== undefined && cmpLower(x.lower, y.lower) <= 0)) {
      next = x as Interval;
      i++;
    } else {
      next = y;
      j++;
    }
    if (cur === undefined) cur = next;
    else if (touches(cur.upper, next.lower)) {
      if (cmpUpper(next.upper, cur.upper) > 0)
        cur =
          cur.lower === undefined
            ? next.upper === undefined
              ? {}
              : { upper: next.upper }
            : next.upper === undefined
              ? { lower: cur.lower }
              : { lower: cur.lower, upper: next.upper };
    } else {
      out.push(cur);
      cur = next;
    }
  }
  if (cur !== undefined) out.push(cur);
  return isFullList(out) ? FULL : out;
}

function flip(b: Bound): Bound {
  return { version: b.version, inclusive: !b.inclusive && !isMarker(b.version) };
}

export function complementList(a: IntervalList): IntervalList {
  if (a.length === 0) return FULL;
  if (isFullList(a)) return EMPTY;
  const out: Interval[] = [];
  let prev: Bound | undefined;
  let first = true;
  for (const iv of a) {
    if (iv.lower !== undefined) {
      const hi = flip(iv.lower);
      const lo = first ? undefined : prev;
      if (nonEmpty(lo, hi)) out.push(lo === undefined ? { upper: hi } : { lower: lo, upper: hi });
    }
    first = false;
    if (iv.upper === undefined) return out.length === 0 ? EMPTY : out;
    const f = flip(iv.upper);
    prev = f.inclusive ? lowerBound(f.version, true) : f;
  }
  out.push(prev === undefined ? {} : { lower: prev });
  return isFullList(out) ? FULL : out;
}

export function listContains(a: IntervalList, v: Version): boolean {
  // Binary search for the first interval whose upper bound is not below `v` (the list is sorted
  // and disjoint): a resolver's ranges gain one hole per rejected version, so they can be long.
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const upper = a[mid]!.upper;
    let below = false;
    if (upper !== undefined) {
      const c = compareVersions(v, upper.version);
      below = c > 0 || (c === 0 && !upper.inclusive);
    }
    if (below) lo = mid + 1;
    else hi = mid;
  }
  const iv = a[lo];
  if (iv === undefined) return false;
  if (iv.lower === undefined) return true;
  const c = compareVersions(v, iv.lower.version);
  return c > 0 || (c === 0 && iv.lower.inclusive);
}

function boundsEqual(a: Bound | undefined, b: Bound | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.inclusive === b.inclusive &&
    compareVersions(a.version, b.version) === 0 &&
    a.version._marker === b.version._marker
  );
}

export function listsEqual(a: IntervalList, b: IntervalList): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Interval;
    const y = b[i] as Interval;
    if (!boundsEqual(x.lower, y.lower) || !boundsEqual(x.upper, y.upper)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Membership by kind of version. Class bits: 1 pre-release, 2 post-release, 4 local; -1 any kind.

export const CLASS_PRE = 1;
export const CLASS_POST = 2;
export const CLASS_LOCAL = 4;

export function classOf(v: Version): number {
  return (
    (v.isPrerelease ? CLASS_PRE : 0) | (v.isPostrelease ? CLASS_POST : 0) | (v.isLocal ? CLASS_LOCAL : 0)
  );
}

/** The next public version after `p` (public): nothing but p's local versions lies between. */
const successors = new WeakMap<Version, Version>();

/** The least version above every local version of `p` (memoized: bounds recur in set operations). */
export function successor(p: Version): Version {
  let next = successors.get(p);
  if (next === undefined) {
    if (p.dev !== undefined) next = Version.from({ ...p, local: undefined, dev: p.dev + 1 });
    else if (p.post !== undefined) next = Version.from({ ...p, local: undefined, post: p.post + 1, dev: 0 });
    else next = Version.from({ ...p, local: undefined, post: 0, dev: 0 });
    successors.set(p, next);
  }
  return next;
}

function below(hi: Bound, v: Version): boolean {
  const c = compareVersions(hi.version, v);
  return c < 0 || (c === 0 && !hi.inclusive);
}

/**
 * Could the interval hold a version of class `cls` (-1: of any class)? Returns false only when it
 * provably cannot.
 */
export function hasMember(iv: Interval, cls: number): boolean {
  const lo = iv.lower ?? { version: MIN_VERSION, inclusive: true };
  const hi = iv.upper;
  if (!nonEmpty(lo, hi)) return false;
  if (hi === undefined) return true;
  const lv = lo.version;
  if (isBaseMax(lv)) return true;
  const p = lv.withoutLocal();
  if (compareVersions(hi.version, localMax(p)) <= 0 || below(hi, successor(p))) {
    // Inside one cloud: p and its local versions (nothing lies between p+∞ and p's successor).
    if (isLocalMax(lv)) return false;
    if (cls < 0) return true;
    if (p.isPrerelease !== ((cls & CLASS_PRE) !== 0) || p.isPostrelease !== ((cls & CLASS_POST) !== 0))
      return false;
    if (cls & CLASS_LOCAL) return lv.isLocal || compareVersions(hi.version, p) > 0;
    return !lv.isLocal && lo.inclusive;
  }
  if (cls < 0) return true;
  const pre = (cls & CLASS_PRE) !== 0;
  const post = (cls & CLASS_POST) !== 0;
  const final = lv.base();
  const sameBase =
    hi.version.epoch === lv.epoch &&
    compareVersions(hi.version.base(), final) === 0 &&
    !isBaseMax(hi.version);
  // [B.dev0, B): pre-releases only.
  if (!pre && sameBase && below(hi, final)) return false;
  // (B+∞, B.post∞]: post-releases only.
  if (!post && compareVersions(lv, localMax(final)) >= 0 && compareVersions(hi.version, baseMax(final)) <= 0)
    return false;
  return true;
}
