/**
 * Generated worst cases for the PubGrub core, on the in-memory provider with integer ranges:
 * backtracking through thousands of versions, a long chain that only resolves at its lowest
 * versions, and a wide random graph that resolves. `run()` returns the figures; run this file with
 * `npx tsx bench/pubgrub.ts` (or `pnpm bench pubgrub`) to print them.
 */

import { NoSolutionError } from "../packages/resolver/src/pubgrub/no-solution-error";
import { OfflineProvider } from "../packages/resolver/src/pubgrub/offline-provider";
import { Solver } from "../packages/resolver/src/pubgrub/solver";
import type { Ranges } from "../packages/resolver/testing/semver-ranges";
import { range, rangesOps } from "../packages/resolver/testing/semver-ranges";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const ops = rangesOps(true);
const ANY = ops.full();

function provider(): OfflineProvider<number, Ranges> {
  return new OfflineProvider<number, Ranges>(ops, { compare: (a, b) => a - b });
}

/** Every version of `a` needs a version of `b` that does not exist: fails after trying them all. */
function manyVersionsFail(n: number): OfflineProvider<number, Ranges> {
  const p = provider().add("root", 0, [["a", ANY]]);
  for (let v = 0; v < n; v++) p.add("a", v, [["b", range(v + 1, v + 2)]]);
  p.add("b", 0, []);
  return p;
}

/**
 * A chain p0 → p1 → … → pK where each version v of p_i needs p_{i+1} at exactly v, and the last
 * package's versions above 0 need `x`, which conflicts with the root: only all-zero works.
 */
function deepChain(k: number, m: number): OfflineProvider<number, Ranges> {
  const p = provider().add("root", 0, [
    ["p0", ANY],
    ["x", range(0, 1)],
  ]);
  for (let i = 0; i < k; i++) {
    for (let v = 0; v < m; v++) {
      p.add(`p${i}`, v, i + 1 < k ? [[`p${i + 1}`, range(v, v + 1)]] : v > 0 ? [["x", range(1, 2)]] : []);
    }
  }
  p.add("x", 0, []).add("x", 1, []);
  return p;
}

/** Deterministic pseudo-random numbers (a small LCG), so runs compare. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `n` packages with `m` versions each; dependencies only point forward, with wide ranges. */
function wideGraph(n: number, m: number): OfflineProvider<number, Ranges> {
  const rand = lcg(42);
  const p = provider().add(
    "root",
    0,
    Array.from({ length: 20 }, (_, i) => [`w${i}`, ANY] as const),
  );
  for (let i = 0; i < n; i++) {
    for (let v = 0; v < m; v++) {
      const deps: [string, Ranges][] = [];
      for (let d = 0; d < 4 && i + 1 < n; d++) {
        const j = i + 1 + Math.floor(rand() * Math.min(50, n - i - 1));
        if (deps.some(([name]) => name === `w${j}`)) continue;
        const lo = Math.floor(rand() * m * 0.5);
        deps.push([`w${j}`, range(lo, m)]);
      }
      p.add(`w${i}`, v, deps);
    }
  }
  return p;
}

async function measure(name: string, p: OfflineProvider<number, Ranges>): Promise<BenchResult[]> {
  const solver = new Solver(p, "root", 0);
  const start = performance.now();
  let outcome = "solved";
  try {
    await solver.solve();
  } catch (e) {
    if (!(e instanceof NoSolutionError)) throw e;
    outcome = "no solution";
  }
  const ms = performance.now() - start;
  const s = solver.stats;
  const note = `${outcome}; ${s.decisions} decisions, ${s.conflicts} conflicts, ${s.backtracks} backtracks, ${s.packages} packages, ${s.getDependenciesCalls} versions visited`;
  return [
    { name: `${name}: time`, value: Math.round(ms * 10) / 10, unit: "ms", note },
    { name: `${name}: decisions/s`, value: Math.round((s.decisions / ms) * 1000), unit: "decisions/s" },
  ];
}

export async function run(): Promise<BenchResult[]> {
  return [
    ...(await measure("pubgrub many-versions-fail (a: 3000 versions)", manyVersionsFail(3000))),
    ...(await measure("pubgrub deep-chain (40 packages x 60 versions)", deepChain(40, 60))),
    ...(await measure("pubgrub wide-graph (1000 packages x 20 versions)", wideGraph(1000, 20))),
  ];
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  for (const r of await run())
    console.log(
      `${r.name.padEnd(60)} ${String(r.value).padStart(10)} ${r.unit}${r.note ? `  (${r.note})` : ""}`,
    );
}
