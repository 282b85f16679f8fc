/**
 * Properties of the marker algebra over random markers (fast-check) and the environment grid.
 * The generator only uses variables that the grid covers independently (platform, implementation,
 * Python version, extra) and values whose regions all have a witness in the grid, so "no grid
 * environment satisfies it" really means "unsatisfiable".
 */

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Version, VersionSet } from "@lockstep/pep440";
import { Marker } from "./marker";
import { EXTRAS, grid } from "./test-grid";

const cells = grid({ extras: EXTRAS });
const truthTable = (m: Marker) => cells.map((g) => m.evaluate(g.env, { extra: g.extra }));

const minor = fc.integer({ min: 8, max: 12 }).map((y) => `3.${y}`);
// Not X.Y.0: the grid has no pre-releases to witness [X.Y.dev0, X.Y.0).
const full = fc.constantFrom("3.7.17", "3.8.18", "3.9.18", "3.10.13", "3.11.7", "3.12.1", "3.13.1");
const atom = fc.oneof(
  fc
    .tuple(fc.constantFrom("<", "<=", "==", "!=", ">=", ">"), minor)
    .map(([op, v]) => `python_version ${op} '${v}'`),
  // Only `>=`: `<V` cuts at V.dev0 and `==V` ends at V+∞, leaving gaps no grid version fills.
  full.map((v) => `python_full_version >= '${v}'`),
  fc
    .tuple(fc.constantFrom("==", "!="), fc.constantFrom("linux", "darwin", "win32"))
    .map(([op, v]) => `sys_platform ${op} '${v}'`),
  fc
    .tuple(fc.constantFrom("==", "!="), fc.constantFrom("CPython", "PyPy"))
    .map(([op, v]) => `platform_python_implementation ${op} '${v}'`),
  fc
    .tuple(fc.constantFrom("==", "!="), fc.constantFrom("test", "foo-bar"))
    .map(([op, v]) => `extra ${op} '${v}'`),
);

const marker: fc.Arbitrary<Marker> = fc.letrec<{ m: Marker }>((tie) => ({
  m: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atom.map((s) => Marker.parse(s)),
    fc.tuple(tie("m"), tie("m")).map(([a, b]) => a.and(b)),
    fc.tuple(tie("m"), tie("m")).map(([a, b]) => a.or(b)),
    tie("m").map((a) => a.not()),
  ),
})).m;

const runs = { numRuns: 300, seed: 508 };

describe("marker algebra properties", () => {
  test("and / or / not agree with evaluation", () => {
    fc.assert(
      fc.property(marker, marker, (a, b) => {
        const ta = truthTable(a);
        const tb = truthTable(b);
        expect(truthTable(a.and(b))).toEqual(ta.map((x, i) => x && tb[i]!));
        expect(truthTable(a.or(b))).toEqual(ta.map((x, i) => x || tb[i]!));
        expect(truthTable(a.not())).toEqual(ta.map((x) => !x));
      }),
      runs,
    );
  });

  test("isDisjoint, isTrue, isFalse, implies agree with the grid", () => {
    fc.assert(
      fc.property(marker, marker, (a, b) => {
        const ta = truthTable(a);
        const tb = truthTable(b);
        expect(a.isDisjoint(b)).toBe(!ta.some((x, i) => x && tb[i]!));
        expect(a.isTrue()).toBe(ta.every((x) => x));
        expect(a.isFalse()).toBe(!ta.some((x) => x));
        expect(a.implies(b)).toBe(ta.every((x, i) => !x || tb[i]!));
      }),
      runs,
    );
  });

  test("print / parse round trip, and equal truth tables mean the same node", () => {
    fc.assert(
      fc.property(marker, marker, (a, b) => {
        const text = a.toString();
        expect(Marker.parse(text).equals(a), text).toBe(true);
        expect(Marker.parse(text).toString()).toBe(text);
        expect(a.equals(b)).toBe(JSON.stringify(truthTable(a)) === JSON.stringify(truthTable(b)));
      }),
      runs,
    );
  });

  test("simplify keeps evaluation inside requires-python", () => {
    const requiresPython = fc.constantFrom(
      ">=3.8",
      ">=3.9, <3.12",
      ">=3.10",
      "<3.11",
      ">=3.8.1",
      ">=3.8, !=3.10.*",
    );
    fc.assert(
      fc.property(marker, requiresPython, (a, rp) => {
        const set = VersionSet.parse(rp);
        const s = a.simplify(set);
        for (const g of cells) {
          if (!set.contains(Version.parse(g.env.python_full_version))) continue;
          expect(s.evaluate(g.env, { extra: g.extra })).toBe(a.evaluate(g.env, { extra: g.extra }));
        }
        expect(s.toString().length).toBeLessThanOrEqual(a.toString().length);
      }),
      runs,
    );
  });

  test("withoutExtras / onlyExtras over-approximate and split extra-free markers exactly", () => {
    fc.assert(
      fc.property(marker, (a) => {
        expect(a.implies(a.withoutExtras())).toBe(true);
        expect(a.implies(a.onlyExtras())).toBe(true);
        expect(a.withoutExtras().toString()).not.toContain("extra");
        expect(a.withoutExtras().withoutExtras().equals(a.withoutExtras())).toBe(true);
      }),
      runs,
    );
  });
});
