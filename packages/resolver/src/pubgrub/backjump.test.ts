import { describe, expect, test } from "vitest";
import type { PackageStats, Priority } from "./provider";
import { resolve } from "./solver";
import { formatSemver, semver } from "../../testing/semver-ranges";
import type { Ranges } from "../../testing/semver-ranges";
import { universe } from "../../testing/universe";

// packse's backtracking/wrong-backtracking-basic, in toy form: `a 2` clashes with every new `b`,
// and only the ancient `b 1.0.0` does not depend on `a`. Plain PubGrub decides `a 2` first and
// walks `b` down to that ancient version; with the conflict backjump it undoes `a 2` instead.
const table = {
  "root 1.0.0": { a: "*", b: "*" },
  "a 1.0.0": {},
  "a 2.0.0": {},
  "too-old 1.0.0": {},
  "b 1.0.0": { "too-old": "*" },
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`b 2.0.${i}`, { a: "^1.0.0" }])),
};

function provider() {
  const p = universe(table);
  // Declare `a` first (as the root's list does), and let repeatedly affected packages jump ahead.
  const order = ["root", "a", "b", "too-old"];
  p.prioritize = (name: string, _range: Ranges, stats: PackageStats): Priority => [
    stats.affected >= 5 ? 1 : 0,
    -order.indexOf(name),
  ];
  return p;
}

describe("conflict backjump", () => {
  test.each([
    [undefined, { root: "1.0.0", a: "2.0.0", b: "1.0.0", "too-old": "1.0.0" }],
    [5, { root: "1.0.0", a: "1.0.0", b: "2.0.9" }],
  ])("threshold %s", async (threshold, expected) => {
    const solution = await resolve(provider(), "root", semver("1.0.0"), {
      conflictBackjumpThreshold: threshold,
    });
    expect(Object.fromEntries([...solution].map(([k, v]) => [k, formatSemver(v)]))).toEqual(expected);
  });
});
