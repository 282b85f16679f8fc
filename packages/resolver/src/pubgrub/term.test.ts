import { describe, expect, test } from "vitest";
import type { Term } from "./term";
import {
  CONTRADICTED,
  INCONCLUSIVE,
  SATISFIED,
  intersectTerms,
  negative,
  positive,
  relation,
  unionTerms,
} from "./term";
import type { Ranges } from "../../testing/semver-ranges";
import { formatRanges, parseRange, rangesOps } from "../../testing/semver-ranges";

const ops = rangesOps(true);
const P = (s: string) => positive(parseRange(s, true));
const N = (s: string) => negative(parseRange(s, true));
const show = (t: Term<Ranges>) => `${t.positive ? "" : "not "}${formatRanges(t.set, true)}`;

describe("terms", () => {
  // relation(term, known): does what is known about the package satisfy / contradict the term?
  test.each([
    ["P >=2", "P >=3", SATISFIED],
    ["P >=2", "P <2", CONTRADICTED],
    ["P >=2", "P >=1", INCONCLUSIVE],
    ["N >=2", "P <2", SATISFIED],
    ["N >=2", "P >=3", CONTRADICTED],
    ["N >=2", "P >=1", INCONCLUSIVE],
    ["P >=2", "N <2", INCONCLUSIVE], // "not <2" may still mean "absent"
    ["P >=2", "N >=1", CONTRADICTED],
    ["N >=2", "N >=1", SATISFIED],
    ["N >=1", "N >=2", INCONCLUSIVE],
    ["P >=2", undefined, INCONCLUSIVE],
    ["N any", "P >=3", CONTRADICTED],
  ] as const)("%s against %s", (term, known, expected) => {
    const parse = (s: string) => (s.startsWith("P ") ? P(s.slice(2)) : N(s.slice(2)));
    expect(relation(ops, parse(term), known === undefined ? undefined : parse(known))).toBe(expected);
  });

  test.each([
    ["in >=2", P(">=2"), "in <5", P("<5"), ">=2 <5", "any"],
    ["in >=2", P(">=2"), "not <5", N("<5"), ">=5", "not <2"],
    ["not >=2 <4", N(">=2 <4"), "not >=3 <6", N(">=3 <6"), "not >=2 <6", "not 3"],
  ])("%s with %s", (_a, a, _b, b, inter, union) => {
    expect(show(intersectTerms(ops, a, b))).toBe(inter);
    expect(show(intersectTerms(ops, b, a))).toBe(inter);
    expect(show(unionTerms(ops, a, b))).toBe(union);
  });
});
