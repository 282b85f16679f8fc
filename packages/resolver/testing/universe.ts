/**
 * Test helper: an `OfflineProvider` over semver-like integer ranges built from a table such as
 * `{ "root 1.0.0": { foo: "^1.0.0" }, "foo 1.0.0": {} }`, and a one-call solve that returns either
 * the solution as `{ name: "x.y.z" }` or the failure report.
 */

import { NoSolutionError } from "../src/pubgrub/no-solution-error";
import { OfflineProvider } from "../src/pubgrub/offline-provider";
import { resolve } from "../src/pubgrub/solver";
import type { Ranges } from "./semver-ranges";
import { formatSemver, parseRange, rangesOps, semver } from "./semver-ranges";

export type Table = Readonly<Record<string, Readonly<Record<string, string>>>>;

export function universe(table: Table, options: { async?: boolean } = {}): OfflineProvider<number, Ranges> {
  const provider = new OfflineProvider<number, Ranges>(rangesOps(), { compare: (a, b) => a - b, ...options });
  for (const [key, deps] of Object.entries(table)) {
    const [name, version] = key.split(" ") as [string, string];
    provider.add(
      name,
      semver(version),
      Object.entries(deps).map(([d, r]) => [d, parseRange(r)] as const),
    );
  }
  return provider;
}

export type Outcome = { solution: Record<string, string> } | { report: string };

export async function solveTable(table: Table, options: { async?: boolean } = {}): Promise<Outcome> {
  const provider = universe(table, options);
  try {
    const solution = await resolve(provider, "root", semver("1.0.0"));
    return { solution: Object.fromEntries([...solution].map(([p, v]) => [p, formatSemver(v)])) };
  } catch (e) {
    if (e instanceof NoSolutionError) return { report: e.message };
    throw e;
  }
}
