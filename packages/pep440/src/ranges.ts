/**
 * Version sets for the resolver: unions of disjoint intervals of PEP 440 versions, closed under
 * intersection, union and complement, built from specifiers so that
 * `VersionSet.fromSpecifierSet(s).contains(v) === s.contains(v, { prereleases: true })` for every v.
 *
 * Pitfalls:
 * - `<V` and `>V` are not intervals of the version order: `<1.0.post2` keeps 1.0.post1 but drops
 *   1.0.post1.dev0, and `>1.0.post1` keeps 1.0.post2 but drops 1.0.post2+local. So a set keeps one
 *   interval list per kind of version (pre-release? post-release? local?), eight in all, and shares a
 *   single list when they agree (the common case, and the fast path).
 * - Bounds use marker points: `==1.0` is [1.0, 1.0+∞), `>1.0` starts after 1.0.post∞ for post and
 *   local versions.
 * - Wildcards follow packaging 23.0's string matching, including its epoch quirks (see specifier.ts).
 * - `===V` becomes the single point V, so it also admits versions that compare equal to V but are
 *   written differently (1.0.0 for ===1.0); see docs/pep440.md.
 */
import { LockstepError } from "@lockstep/errors";
import { Version, type PreLabel, baseMax, compareVersions, isLocalMax, localMax } from "./version";
import { Specifier, SpecifierSet, canonicalizeVersion, compatiblePrefix } from "./specifier";
import {
  CLASS_LOCAL,
  CLASS_POST,
  CLASS_PRE,
  EMPTY,
  FULL,
  type Interval,
  type IntervalList,
  classOf,
  complementList,
  hasMember,
  intersectionHasMember,
  intersectLists,
  isFullList,
  listContains,
  listsEqual,
  lowerBound,
  unionLists,
  upperBound,
} from "./interval-list";

export type { Interval, Bound } from "./interval-list";

const CLASSES = 8;

/** Kinds of versions whose intervals may differ within one set. */
export interface VersionKind {
  prerelease: boolean;
  postrelease: boolean;
  local: boolean;
}

/** Unions of disjoint intervals of versions. Immutable. */
export class VersionSet {
  /** The shared list when every kind agrees, otherwise undefined and `byClass` holds eight. */
  private readonly uniform: IntervalList | undefined;
  private readonly byClass: readonly IntervalList[] | undefined;
  private complementMemo: VersionSet | undefined;
  private emptyMemo: boolean | undefined;

  /** @internal */
  constructor(uniform: IntervalList | undefined, byClass: readonly IntervalList[] | undefined) {
    this.uniform = uniform;
    this.byClass = byClass;
  }

  /** @internal */
  static of(list: IntervalList): VersionSet {
    if (list.length === 0) return EMPTY_SET;
    if (isFullList(list)) return FULL_SET;
    return new VersionSet(list, undefined);
  }

  /** @internal */
  static ofClasses(lists: IntervalList[]): VersionSet {
    const first = lists[0] as IntervalList;
    if (lists.every((l) => listsEqual(l, first))) return VersionSet.of(first);
    return new VersionSet(undefined, lists);
  }

  private part(cls: number): IntervalList {
    return this.uniform ?? (this.byClass as readonly IntervalList[])[cls] ?? EMPTY;
  }

  private combine(o: VersionSet, f: (a: IntervalList, b: IntervalList) => IntervalList): VersionSet {
    if (this.uniform !== undefined && o.uniform !== undefined)
      return VersionSet.of(f(this.uniform, o.uniform));
    const lists: IntervalList[] = [];
    for (let c = 0; c < CLASSES; c++) lists.push(f(this.part(c), o.part(c)));
    return VersionSet.ofClasses(lists);
  }

  static empty(): VersionSet {
    return EMPTY_SET;
  }
  static full(): VersionSet {
    return FULL_SET;
  }
  /** Exactly `v` (local label included: 1.0 excludes 1.0+abc). */
  static exact(v: Version): VersionSet {
    return VersionSet.of([
      { lower: { version: v, inclusive: true }, upper: { version: v, inclusive: true } },
    ]);
  }
  /** A single interval; omit a bound for "unbounded". */
  static interval(interval: Interval): VersionSet {
    return VersionSet.of([interval]);
  }

  static fromSpecifier(s: Specifier): VersionSet {
    return specifierSet(s);
  }

  /** Memoized per set object (SpecifierSet.parse shares one object per text). */
  static fromSpecifierSet(s: SpecifierSet): VersionSet {
    let out = fromSets.get(s);
    if (out === undefined) {
      out = FULL_SET;
      for (const spec of s.specifiers) out = out.intersect(specifierSet(spec));
      fromSets.set(s, out);
    }
    return out;
  }

  /** Parse a comma-separated specifier set (cached; sets are immutable). */
  static parse(specifiers: string): VersionSet {
    let set = parsed.get(specifiers);
    if (set === undefined) {
      set = VersionSet.fromSpecifierSet(SpecifierSet.parse(specifiers));
      if (parsed.size >= 50_000) parsed.clear();
      parsed.set(specifiers, set);
    }
    return set;
  }

  intersect(o: VersionSet): VersionSet {
    if (this === o || o === FULL_SET || this === EMPTY_SET) return this;
    if (this === FULL_SET || o === EMPTY_SET) return o;
    return this.combine(o, intersectLists);
  }

  union(o: VersionSet): VersionSet {
    if (this === o || o === EMPTY_SET || this === FULL_SET) return this;
    if (this === EMPTY_SET || o === FULL_SET) return o;
    return this.combine(o, unionLists);
  }

  complement(): VersionSet {
    // Sets are immutable, and the resolver asks for the complement of the same set over and over
    // (every subset test): remember it, and let the complement know its own complement.
    if (this.complementMemo === undefined) {
      const c =
        this.uniform !== undefined
          ? VersionSet.of(complementList(this.uniform))
          : VersionSet.ofClasses((this.byClass as IntervalList[]).map(complementList));
      if (c !== FULL_SET && c !== EMPTY_SET && c.complementMemo === undefined) c.complementMemo = this;
      this.complementMemo = c;
    }
    return this.complementMemo;
  }

  contains(v: Version): boolean {
    return listContains(this.uniform ?? this.part(classOf(v)), v);
  }

  /**
   * Sound and, for sets built from specifiers, exact: true only when no version is in the set.
   * Remembered (sets are immutable; the resolver asks again with every subset test).
   */
  isEmpty(): boolean {
    return (this.emptyMemo ??= this.computeEmpty());
  }

  private computeEmpty(): boolean {
    if (this.uniform !== undefined) return this.uniform.every((iv) => !hasMember(iv, -1));
    for (let c = 0; c < CLASSES; c++) if (this.part(c).some((iv) => hasMember(iv, c))) return false;
    return true;
  }

  isFull(): boolean {
    return this === FULL_SET || this.complement().isEmpty();
  }

  isSubsetOf(o: VersionSet): boolean {
    return this.intersectionIsEmpty(o.complement());
  }

  isDisjoint(o: VersionSet): boolean {
    return this.intersectionIsEmpty(o);
  }

  /**
   * `this.intersect(o).isEmpty()`, without building the intersection. Per class even when both
   * sides are uniform would give the same answer: a uniform list holds a version of some class
   * exactly when `hasMember(iv, -1)` says it may hold one (every class's verdict is covered).
   */
  private intersectionIsEmpty(o: VersionSet): boolean {
    if (this === o || o === FULL_SET || this === EMPTY_SET) return this.isEmpty();
    if (this === FULL_SET || o === EMPTY_SET) return o.isEmpty();
    if (this.uniform !== undefined && o.uniform !== undefined)
      return !intersectionHasMember(this.uniform, o.uniform, -1);
    for (let c = 0; c < CLASSES; c++) if (intersectionHasMember(this.part(c), o.part(c), c)) return false;
    return true;
  }

  equals(o: VersionSet): boolean {
    if (this === o) return true;
    if (this.uniform !== undefined && o.uniform !== undefined && listsEqual(this.uniform, o.uniform))
      return true;
    return this.isSubsetOf(o) && o.isSubsetOf(this);
  }

  /** Intervals of final releases (public, neither pre- nor post-release): the whole set when `isUniform`. */
  get intervals(): readonly Interval[] {
    return this.part(0);
  }

  /** Intervals that apply to one kind of version. */
  intervalsFor(kind: VersionKind): readonly Interval[] {
    return this.part(
      (kind.prerelease ? CLASS_PRE : 0) |
        (kind.postrelease ? CLASS_POST : 0) |
        (kind.local ? CLASS_LOCAL : 0),
    );
  }

  /** True when every kind of version shares the same intervals. */
  get isUniform(): boolean {
    return this.uniform !== undefined;
  }

  /** ">=1.0, <2.0", "==1.5", "<1.0 || >=2.0", "*", "∅"; kinds that differ are listed in brackets. */
  toString(): string {
    if (this.uniform !== undefined) return listToString(this.uniform.filter((iv) => hasMember(iv, -1)));
    const texts: string[] = [];
    for (let c = 0; c < CLASSES; c++) texts.push(listToString(this.part(c).filter((iv) => hasMember(iv, c))));
    const main = texts[0] as string;
    const groups = new Map<string, number[]>();
    texts.forEach((t, c) => {
      if (t !== main) groups.set(t, [...(groups.get(t) ?? []), c]);
    });
    if (groups.size === 0) return main;
    const extra = [...groups].map(([t, cs]) => `${kindLabel(cs)}: ${t}`);
    return `${main} [${extra.join("; ")}]`;
  }
}

const EMPTY_SET: VersionSet = new VersionSet(EMPTY, undefined);
const FULL_SET: VersionSet = new VersionSet(FULL, undefined);
const parsed = new Map<string, VersionSet>();
const fromSets = new WeakMap<SpecifierSet, VersionSet>();

function kindLabel(classes: number[]): string {
  const set = new Set(classes);
  const names: [number, string][] = [
    [CLASS_PRE, "pre-releases"],
    [CLASS_POST, "post-releases"],
    [CLASS_LOCAL, "local versions"],
  ];
  const covering = names.filter(([bit]) => {
    for (let c = 0; c < CLASSES; c++) if (c & bit && !set.has(c)) return false;
    return true;
  });
  const covered = new Set<number>();
  for (const [bit] of covering) for (let c = 0; c < CLASSES; c++) if (c & bit) covered.add(c);
  if (covered.size === set.size) return covering.map(([, n]) => n).join(", ");
  return classes
    .map(
      (c) =>
        names
          .filter(([bit]) => c & bit)
          .map(([, n]) => n)
          .join("+") || "final releases",
    )
    .join(", ");
}

function listToString(list: IntervalList): string {
  if (list.length === 0) return "∅";
  return list.map(intervalToString).join(" || ");
}

function intervalToString(iv: Interval): string {
  const { lower, upper } = iv;
  if (lower === undefined && upper === undefined) return "*";
  if (lower !== undefined && upper !== undefined) {
    const lv = lower.version;
    if (
      lower.inclusive &&
      !lv.isLocal &&
      isLocalMax(upper.version) &&
      compareVersions(upper.version.withoutLocal(), lv) === 0
    )
      return `==${lv}`;
    if (lower.inclusive && upper.inclusive && compareVersions(lv, upper.version) === 0)
      return lv.isLocal ? `==${lv}` : `===${lv}`;
  }
  const parts: string[] = [];
  if (lower !== undefined) parts.push(`${lower.inclusive ? ">=" : ">"}${lower.version}`);
  if (upper !== undefined) {
    if (isLocalMax(upper.version)) parts.push(`<=${upper.version.withoutLocal()}`);
    else parts.push(`${upper.inclusive ? "<=" : "<"}${upper.version}`);
  }
  return parts.join(", ");
}

// ---------------------------------------------------------------------------------------------
// From specifiers

const below = (v: Version, inclusive: boolean): IntervalList => [{ upper: upperBound(v, inclusive) }];
const above = (v: Version, inclusive: boolean): IntervalList => {
  const lower = lowerBound(v, inclusive);
  return lower === undefined ? FULL : [{ lower }];
};
const between = (lo: Version, hi: Version): IntervalList => {
  const lower = lowerBound(lo, true);
  const upper = upperBound(hi, false);
  return lower === undefined ? [{ upper }] : [{ lower, upper }];
};

const fromSpecifiers = new WeakMap<Specifier, VersionSet>();

/** The set of one clause, memoized per clause object (clauses are immutable). */
function specifierSet(s: Specifier): VersionSet {
  let set = fromSpecifiers.get(s);
  if (set === undefined) {
    set = specifierSetUncached(s);
    fromSpecifiers.set(s, set);
  }
  return set;
}

function specifierSetUncached(s: Specifier): VersionSet {
  const v = s.parsed;
  if (s.operator === "===") {
    if (v === undefined || v.toString() !== s.version.toLowerCase()) return EMPTY_SET;
    return VersionSet.exact(v);
  }
  if (v === undefined) throw new LockstepError("pep440-internal", `specifier ${s} has no version`);
  switch (s.operator) {
    case "==":
    case "!=": {
      const eq = s.wildcard
        ? prefixSet(s.version)
        : v.isLocal
          ? VersionSet.exact(v)
          : VersionSet.of([{ lower: lowerBound(v, true), upper: upperBound(localMax(v), false) }]);
      return s.operator === "==" ? eq : eq.complement();
    }
    case "<=":
      return VersionSet.of(below(localMax(v), false));
    case ">=":
      return VersionSet.of(above(v, true));
    case "~=":
      return VersionSet.of(above(v, true)).intersect(prefixSet(compatiblePrefix(s.version)));
    case "<": {
      if (v.isPrerelease) return VersionSet.of(below(v, false));
      // Pre-releases of V's release are out, whatever else V has (<1.0.post2 drops 1.0.post1.dev0).
      const preBound = below(Version.from({ epoch: v.epoch, release: v.release, dev: 0 }), false);
      const finals = below(v, false);
      return VersionSet.ofClasses(
        Array.from({ length: CLASSES }, (_, c) => (c & CLASS_PRE ? preBound : finals)),
      );
    }
    case ">": {
      const afterBase = above(baseMax(v), false);
      const after = above(v, false);
      return VersionSet.ofClasses(
        Array.from({ length: CLASSES }, (_, c) =>
          c & CLASS_LOCAL || (c & CLASS_POST && !v.isPostrelease) ? afterBase : after,
        ),
      );
    }
  }
}

/**
 * `==prefix.*` as packaging 23.0 evaluates it (normalized strings split on dots, the candidate
 * zero-padded): the release-prefix interval, with two quirks that come from comparing strings.
 */
function prefixSet(prefix: string): VersionSet {
  const canonical = canonicalizeVersion(prefix, false);
  const w = Version.tryParse(canonical);
  if (w === undefined)
    throw new LockstepError("pep440-internal", `prefix ${JSON.stringify(prefix)} is not a version`);
  const epoch = w.epoch;
  const rel = w.release;
  const k = rel.length;
  const last = rel[k - 1] as number;
  const hasTail = w.pre !== undefined || w.post !== undefined || w.dev !== undefined;
  if (hasTail) {
    // Release equal, then the written pre/post/dev must lead the candidate's.
    if (epoch !== 0 && k >= 2 && last === 0) return EMPTY_SET;
    const lo = Version.from({ epoch, release: rel, pre: w.pre, post: w.post, dev: w.dev ?? 0 });
    const hi =
      w.dev !== undefined
        ? Version.from({ epoch, release: rel, pre: w.pre, post: w.post, dev: w.dev + 1 })
        : w.post !== undefined
          ? Version.from({ epoch, release: rel, pre: w.pre, post: w.post + 1, dev: 0 })
          : Version.from({
              epoch,
              release: rel,
              pre: [(w.pre as readonly [PreLabel, number])[0], (w.pre as readonly [PreLabel, number])[1] + 1],
              dev: 0,
            });
    return VersionSet.of(between(lo, hi));
  }
  const start = Version.from({ epoch, release: rel, dev: 0 });
  const end = Version.from({ epoch, release: [...rel.slice(0, -1), last + 1], dev: 0 });
  if (epoch === 0) {
    const base = VersionSet.of(between(start, end));
    // "0.*": a candidate with an epoch pads to zeros and matches.
    if (rel.every((n) => n === 0))
      return base.union(VersionSet.of(above(Version.from({ epoch: 1, release: [0], dev: 0 }), true)));
    return base;
  }
  if (k === 1) {
    // "E!r.*" does not match E!r with a pre-release: "1!1rc1" is one token, not "1!1", "rc1".
    const preStart = Version.from({ epoch, release: rel, pre: ["a", 0], dev: 0 });
    const final = Version.from({ epoch, release: rel });
    return VersionSet.of([...between(start, preStart), ...between(final, end)]);
  }
  if (last === 0) {
    // With an epoch nothing is padded, so "1!1.0.*" needs a written second segment: not 1!1 itself.
    return VersionSet.of([{ lower: lowerBound(baseMax(w), false), upper: upperBound(end, false) }]);
  }
  return VersionSet.of(between(start, end));
}
