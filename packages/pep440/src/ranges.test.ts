import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { SpecifierSet, Version, VersionSet } from "./index";

describe("VersionSet.toString", () => {
  test.each([
    ["", "*"],
    [">=1.0,<2.0", ">=1.0, <2.0 [pre-releases: >=1.0, <2.0.dev0]"],
    [">=1.0,<2.0rc1", ">=1.0, <2.0rc1"],
    ["==1.5", "==1.5"],
    ["==1.5+abc", "==1.5+abc"],
    ["===1.5", "===1.5"],
    ["!=1.5", "<1.5 || >1.5+∞"],
    ["<=1.5", "<=1.5"],
    ["~=1.4.5", ">=1.4.5, <1.5.dev0"],
    ["==1.*", ">=1.dev0, <2.dev0"],
    [">1.0", ">1.0 [post-releases, local versions: >1.0.post∞]"],
    [">1.0.post1", ">1.0.post1 [local versions: >1.0.post∞]"],
    [">=2,<1", "∅"],
    [">=1.0,<=1.0", "==1.0"],
    ["==1.0a1,>=1.0", "∅"],
    [">1.0.dev1,<1.0.dev2", "∅"],
  ])("%j -> %s", (spec, text) => {
    expect(VersionSet.parse(spec).toString()).toBe(text);
  });
});

describe("algebra examples", () => {
  const p = (s: string) => VersionSet.parse(s);
  test.each([
    // [a, b, a ∩ b is empty, a ⊆ b]
    [">=1.0", ">=0.5", false, true],
    [">1.0", "!=1.0+abc", false, true],
    [">1.0", "<=1.0", true, false],
    ["<1.0", ">=1.0.dev0", true, false], // only pre-releases of 1.0 lie between, and <1.0 excludes them
    ["<1.0", "<1.0.dev0", false, true],
    ["==1.0.dev1", "!=1.0.dev1", true, false],
    [">1.0.dev1", "<1.0.dev2", true, false], // only 1.0.dev1's local versions lie between, and > excludes them
    ["==1.0", "==1.0.0", false, true],
    ["===1.0", "==1.0", false, true],
  ])("%s vs %s: disjoint %s, subset %s", (a, b, disjoint, subset) => {
    expect(p(a).isDisjoint(p(b))).toBe(disjoint);
    expect(p(a).isSubsetOf(p(b))).toBe(subset);
  });

  test("full and empty", () => {
    expect(VersionSet.full().isFull()).toBe(true);
    expect(VersionSet.empty().isEmpty()).toBe(true);
    expect(p(">=0.dev0").isFull()).toBe(true);
    expect(p("<0.dev0").isEmpty()).toBe(true);
    // 1.0a1 is in neither: <1.0 excludes pre-releases of 1.0.
    expect(p(">=1.0").union(p("<1.0")).isFull()).toBe(false);
    expect(p(">=1.0").union(p("<1.0")).contains(Version.parse("1.0a1"))).toBe(false);
    expect(p(">=1.0.dev0").union(p("<1.0.dev0")).equals(VersionSet.full())).toBe(true);
    expect(p("<1.0").union(p("<1.0").complement()).isFull()).toBe(true);
    expect(VersionSet.exact(Version.parse("1.0")).contains(Version.parse("1.0+abc"))).toBe(false);
  });
});

// --- properties -----------------------------------------------------------------------------------

const num = fc.constantFrom(0, 0, 1, 1, 2, 3, 10);
const versionArb = fc
  .record({
    epoch: fc.constantFrom(0, 0, 0, 0, 1),
    release: fc.array(num, { minLength: 1, maxLength: 3 }),
    pre: fc.option(fc.tuple(fc.constantFrom("a" as const, "b" as const, "rc" as const), num), {
      nil: undefined,
    }),
    post: fc.option(num, { nil: undefined }),
    dev: fc.option(num, { nil: undefined }),
    local: fc.option(
      fc.array(fc.constantFrom<string | number>("abc", "x", 0, 1, 7), { minLength: 1, maxLength: 2 }),
      {
        nil: undefined,
      },
    ),
  })
  .map((parts) => Version.from(parts));

const publicArb = versionArb.map((v) => v.withoutLocal());
const opArb = fc.constantFrom("==", "!=", "<", "<=", ">", ">=", "~=", "===");
const clauseArb = fc.oneof(
  fc
    .tuple(opArb, publicArb)
    .map(([op, v]) =>
      op === "~=" && v.release.length < 2
        ? `~=${Version.from({ ...v, release: [...v.release, 0] })}`
        : `${op}${v}`,
    ),
  fc.tuple(fc.constantFrom("==", "!="), versionArb).map(([op, v]) => `${op}${v}`),
  fc
    .tuple(fc.constantFrom("==", "!="), publicArb)
    .map(([op, v]) => `${op}${v.epoch ? `${v.epoch}!` : ""}${v.release.join(".")}.*`),
);
const setArb = fc.array(clauseArb, { minLength: 0, maxLength: 3 }).map((cs) => {
  const spec = SpecifierSet.parse(cs.join(","));
  return { spec, set: VersionSet.fromSpecifierSet(spec) };
});
// Sets combined with the algebra, to reach shapes specifiers alone do not produce.
const algebraArb = fc
  .tuple(setArb, setArb, fc.constantFrom("and", "or", "not"))
  .map(([a, b, how]) =>
    how === "and" ? a.set.intersect(b.set) : how === "or" ? a.set.union(b.set) : a.set.complement(),
  );
const anySet = fc.oneof(
  setArb.map((x) => x.set),
  algebraArb,
);
const runs = { numRuns: 400 };

describe("properties", () => {
  test("fromSpecifierSet agrees with SpecifierSet.contains(prereleases=true)", () => {
    fc.assert(
      fc.property(setArb, fc.array(versionArb, { minLength: 1, maxLength: 10 }), ({ spec, set }, vs) => {
        for (const v of vs)
          expect(set.contains(v)).toBe(
            spec.contains(v, { prereleases: true }) || isArbitraryEqualQuirk(spec, v),
          );
      }),
      runs,
    );
  });

  test("intersect, union and complement are pointwise and, or, not", () => {
    fc.assert(
      fc.property(anySet, anySet, fc.array(versionArb, { minLength: 1, maxLength: 10 }), (a, b, vs) => {
        const and = a.intersect(b);
        const or = a.union(b);
        const not = a.complement();
        for (const v of vs) {
          expect(and.contains(v)).toBe(a.contains(v) && b.contains(v));
          expect(or.contains(v)).toBe(a.contains(v) || b.contains(v));
          expect(not.contains(v)).toBe(!a.contains(v));
        }
      }),
      runs,
    );
  });

  test("subset, disjoint, equals and emptiness agree with each other and with members", () => {
    fc.assert(
      fc.property(anySet, anySet, fc.array(versionArb, { minLength: 1, maxLength: 10 }), (a, b, vs) => {
        const subset = a.isSubsetOf(b);
        const disjoint = a.isDisjoint(b);
        expect(disjoint).toBe(a.intersect(b).isEmpty());
        expect(subset).toBe(a.intersect(b.complement()).isEmpty());
        expect(a.equals(b)).toBe(subset && b.isSubsetOf(a));
        expect(a.isSubsetOf(a.union(b))).toBe(true);
        expect(a.intersect(b).isSubsetOf(a)).toBe(true);
        expect(a.intersect(a.complement()).isEmpty()).toBe(true);
        expect(a.union(a.complement()).isFull()).toBe(true);
        expect(a.complement().complement().equals(a)).toBe(true);
        for (const v of vs) {
          if (subset && a.contains(v)) expect(b.contains(v)).toBe(true);
          if (disjoint) expect(a.contains(v) && b.contains(v)).toBe(false);
          if (a.contains(v)) expect(a.isEmpty()).toBe(false);
          if (!a.contains(v)) expect(a.isFull()).toBe(false);
        }
      }),
      runs,
    );
  });
});

/** `===1.0` as a set is the point 1.0, which also holds 1.0.0 (docs/pep440.md). */
function isArbitraryEqualQuirk(spec: SpecifierSet, v: Version): boolean {
  const failing = spec.specifiers.filter((s) => !s.matches(v));
  return failing.length > 0 && failing.every((s) => s.operator === "===" && s.parsed?.equals(v) === true);
}
