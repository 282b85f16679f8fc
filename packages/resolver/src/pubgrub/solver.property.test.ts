import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { DerivationTree } from "./derivation-tree";
import { NoSolutionError } from "./no-solution-error";
import { OfflineProvider } from "./offline-provider";
import { resolve } from "./solver";
import type { Ranges } from "../../testing/semver-ranges";
import { range, rangesOps } from "../../testing/semver-ranges";

/** A universe: package → version → dependencies as [package, lo, hi) (integer versions). */
type Universe = Map<string, Map<number, [string, Ranges][]>>;

const NAMES = ["a", "b", "c", "d"];
const ops = rangesOps(true);

const depArb = fc.tuple(
  fc.constantFrom(...NAMES),
  fc.integer({ min: 0, max: 4 }),
  fc.integer({ min: 1, max: 4 }),
);
/** A package never depends on itself here; one entry per dependency name (first wins). */
function depsOf(name: string, deps: readonly (readonly [string, number, number])[]): [string, Ranges][] {
  const seen = new Set<string>();
  const list: [string, Ranges][] = [];
  for (const [d, lo, w] of deps) {
    if (d === name || seen.has(d)) continue;
    seen.add(d);
    list.push([d, range(lo, lo + w)]);
  }
  return list;
}

const universeArb = fc
  .record({
    root: fc.array(depArb, { maxLength: 3 }),
    packages: fc.array(
      fc.tuple(
        fc.constantFrom(...NAMES),
        fc.integer({ min: 1, max: 4 }),
        fc.array(depArb, { maxLength: 3 }),
        fc.boolean(), // mostly available; sometimes "unavailable"
      ),
      { maxLength: 14 },
    ),
  })
  .map(({ root, packages }) => {
    const u: Universe = new Map([["root", new Map([[1, depsOf("root", root)]])]]);
    const unavailable = new Set<string>();
    for (const [name, version, deps, ok] of packages) {
      const versions = u.get(name) ?? new Map<number, [string, Ranges][]>();
      u.set(name, versions);
      versions.set(version, depsOf(name, deps));
      if (!ok && version === 2) unavailable.add(`${name}@${version}`);
      else unavailable.delete(`${name}@${version}`);
    }
    return { u, unavailable };
  });

function providerFor(u: Universe, unavailable: Set<string>) {
  const provider = new OfflineProvider<number, Ranges>(ops, { compare: (a, b) => a - b });
  for (const [name, versions] of u) {
    for (const [v, deps] of versions) {
      if (unavailable.has(`${name}@${v}`)) provider.addUnavailable(name, v, "its metadata is broken");
      else provider.add(name, v, deps);
    }
  }
  return provider;
}

/** Every selected package exists, is usable, and has each dependency selected in range. */
function valid(u: Universe, unavailable: Set<string>, chosen: ReadonlyMap<string, number>): boolean {
  if (chosen.get("root") !== 1) return false;
  for (const [name, v] of chosen) {
    const deps = u.get(name)?.get(v);
    if (deps === undefined || unavailable.has(`${name}@${v}`)) return false;
    for (const [d, set] of deps) {
      const dv = chosen.get(d);
      if (dv === undefined || !ops.contains(set, dv)) return false;
    }
  }
  return true;
}

/** Try every combination: each package absent or at one of its versions. */
function bruteForce(u: Universe, unavailable: Set<string>): boolean {
  const names = [...u.keys()].filter((n) => n !== "root");
  const chosen = new Map<string, number>([["root", 1]]);
  const go = (i: number): boolean => {
    if (i === names.length) return valid(u, unavailable, chosen);
    const name = names[i]!;
    chosen.delete(name);
    if (go(i + 1)) return true;
    for (const v of u.get(name)!.keys()) {
      chosen.set(name, v);
      if (go(i + 1)) return true;
    }
    chosen.delete(name);
    return false;
  };
  return go(0);
}

/** Every external fact in the tree is true of the universe. */
function externalsHold(u: Universe, unavailable: Set<string>, tree: DerivationTree<string, Ranges>): boolean {
  const stack = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === "derived") {
      stack.push(node.cause1, node.cause2);
      continue;
    }
    const c = node.cause;
    const versionsIn = (p: string, set: Ranges) =>
      [...(u.get(p)?.keys() ?? [])].filter((v) => ops.contains(set, v));
    switch (c.kind) {
      case "root":
        if (c.package !== "root") return false;
        break;
      case "noVersions":
        if (versionsIn(c.package, c.set).length > 0) return false;
        break;
      case "unavailable":
        if (!versionsIn(c.package, c.set).every((v) => unavailable.has(`${c.package}@${v}`))) return false;
        break;
      case "fromDependencyOf":
        for (const v of versionsIn(c.package, c.set)) {
          const dep = u
            .get(c.package)!
            .get(v)!
            .find(([d]) => d === c.dependency);
          if (
            unavailable.has(`${c.package}@${v}`) ||
            dep === undefined ||
            !ops.equals(dep[1], c.dependencySet)
          ) {
            return false;
          }
        }
        break;
      case "custom":
        return false;
    }
  }
  return true;
}

describe("solver against brute force on small universes", () => {
  test("solutions are valid, failures are real, and failure trees state true facts", async () => {
    const outcomes = { solved: 0, failed: 0 };
    await fc.assert(
      fc.asyncProperty(universeArb, async ({ u, unavailable }) => {
        const expected = bruteForce(u, unavailable);
        try {
          const solution = await resolve(providerFor(u, unavailable), "root", 1);
          expect(valid(u, unavailable, solution)).toBe(true);
          expect(expected).toBe(true);
          outcomes.solved++;
        } catch (e) {
          if (!(e instanceof NoSolutionError)) throw e;
          expect(expected).toBe(false);
          const tree = e.tree as DerivationTree<string, Ranges>;
          expect(externalsHold(u, unavailable, tree)).toBe(true);
          expect(e.message).toMatch(/version solving failed\.$/);
          outcomes.failed++;
        }
      }),
      { numRuns: 1000, seed: 20240601 },
    );
    // Both branches must be exercised for the comparison to mean anything.
    expect(outcomes.solved).toBeGreaterThan(100);
    expect(outcomes.failed).toBeGreaterThan(100);
  });
});
