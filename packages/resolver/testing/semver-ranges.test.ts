import { describe, expect, test } from "vitest";
import { formatRanges, parseRange, rangesOps, semver } from "./semver-ranges";

const ops = rangesOps(true);
const r = (text: string) => parseRange(text, true);

describe("toy integer ranges", () => {
  test.each([
    ["any", "any"],
    ["3", "3"],
    [">=3", ">=3"],
    ["<3", "<3"],
    [">=3 <7", ">=3 <7"],
    [">=7 <3", "∅"],
  ])("parse and format %s", (input, shown) => {
    expect(formatRanges(r(input), true)).toBe(shown);
  });

  test.each([
    ["intersect", ops.intersect(r(">=2 <6"), r(">=4")), ">=4 <6"],
    ["union adjacent", ops.union(r(">=2 <4"), r(">=4 <6")), ">=2 <6"],
    ["union apart", ops.union(r("<2"), r(">=4")), "<2 || >=4"],
    ["complement", ops.complement(r(">=2 <4")), "<2 || >=4"],
    ["complement of full", ops.complement(ops.full()), "∅"],
  ])("%s", (_name, set, shown) => {
    expect(formatRanges(set, true)).toBe(shown);
  });

  test("predicates", () => {
    expect(ops.contains(r(">=2 <4"), 3)).toBe(true);
    expect(ops.contains(r(">=2 <4"), 4)).toBe(false);
    expect(ops.isSubset!(r(">=2 <3"), r(">=1 <4"))).toBe(true);
    expect(ops.isSubset!(r(">=2 <5"), r(">=1 <4"))).toBe(false);
    expect(ops.isDisjoint!(r("<2"), r(">=2"))).toBe(true);
    expect(ops.isDisjoint!(r("<3"), r(">=2"))).toBe(false);
    expect(ops.equals(ops.union(r("<2"), r(">=2")), ops.full())).toBe(true);
  });

  test("semver caret ranges", () => {
    expect(parseRange("^1.2.0")).toEqual([semver("1.2.0"), semver("2.0.0")]);
    expect(parseRange("^0.3.0")).toEqual([semver("0.3.0"), semver("0.4.0")]);
    expect(rangesOps().format(parseRange(">=1.0.0 <1.5.0"))).toBe(">=1.0.0 <1.5.0");
    expect(rangesOps().format(parseRange("^1.0.0"))).toBe("^1.0.0");
  });
});
