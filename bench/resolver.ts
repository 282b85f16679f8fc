/**
 * `npx tsx bench/resolver.ts` (or, once registered, `pnpm bench resolver`): the Python resolver on
 * realistic graphs and a generated worst case, against pip's resolver on the same loopback index,
 * in the same run.
 *
 * Graphs: the PyPI snapshots of resolvelib's test suite (chalice, dask, pandas, pyrax,
 * virtualenv-six, cheroot) with the roots its cases request, a few 2026 roots (marker- and
 * extra-heavy), and a generated deep conflict with thousands of versions. Each graph's index is
 * built once and served on 127.0.0.1.
 *
 * Method (warm caches on both sides):
 * - lockstep: one run fills the index client's disk cache; then 3 runs, each with a new client on
 *   that cache (so no in-memory pages or metadata carry over), in this process; the median wall
 *   time is reported, with the solver's counters and the peak RSS growth sampled during the run.
 *   Process start is not included (Node's own start is measured separately as a floor).
 * - pip: `pip install --dry-run --ignore-installed --report` with a private `--cache-dir`, warmed
 *   by one run; then 3 runs; median. Its wall time includes the interpreter's start and pip's
 *   imports, which are measured separately (`pip --version`) so the ratio can be read both ways.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { serveUniverse, loadSnapshot } from "@lockstep/fixtures";
import type { ReleaseSpec, Universe } from "@lockstep/fixtures";
import { lockstepResolve, newClient, specificOptions } from "../packages/resolver/testing/lockstep-runner";
import type { LockstepOutcome } from "../packages/resolver/testing/lockstep-runner";
import { isolatedPipEnv, pipResolve } from "../packages/resolver/testing/pip-runner";
import type { PipOutcome } from "../packages/resolver/testing/pip-runner";

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const SNAPSHOTS = join(import.meta.dirname, "../../shared/data/pypi-snapshots");
const RUNS = 3;
/** pip gets this long per run before it is reported as timed out. */
const PIP_TIMEOUT_MS = 180_000;

interface Graph {
  name: string;
  universe: () => Universe;
  root: string[];
}

const snapshot = (file: string) => () => loadSnapshot(join(SNAPSHOTS, file)).universe;

const GRAPHS: Graph[] = [
  { name: "chalice", universe: snapshot("pypi-2020-02-13-chalice.json"), root: ["chalice"] },
  {
    name: "virtualenv-six",
    universe: snapshot("pypi-2020-02-19-virtualenv-six.json"),
    root: ["six<1.12", "virtualenv"],
  },
  { name: "pyrax", universe: snapshot("pypi-2020-02-15-pyrax.json"), root: ["pyrax==1.9.8"] },
  { name: "pandas", universe: snapshot("pypi-2020-02-15-pandas.json"), root: ["pandas"] },
  { name: "cheroot", universe: snapshot("pypi-2020-11-17-cheroot.json"), root: ["cheroot"] },
  {
    name: "dask (conflicting extras)",
    universe: snapshot("pypi-2020-02-13-dask.json"),
    root: ["dask[diagnostics]==2.10.1", "dask[delayed]==2.10.1"],
  },
  { name: "2026 accelerate", universe: snapshot("pypi-2026-wheels.json"), root: ["accelerate"] },
  {
    name: "2026 fastapi[standard]",
    universe: snapshot("pypi-2026-wheels.json"),
    root: ["fastapi[standard]"],
  },
  {
    name: "2026 jupyterlab+notebook",
    universe: snapshot("pypi-2026-wheels.json"),
    root: ["jupyterlab", "notebook"],
  },
  {
    name: "2026 transformers[torch]",
    universe: snapshot("pypi-2026-wheels.json"),
    root: ["transformers[torch]"],
  },
  { name: "generated deep conflict", universe: () => deepConflict(1000), root: ["top", "base>=1"] },
];

/**
 * A conflict found only at the bottom of a chain, for every one of thousands of versions: version
 * i of `top` needs `mid==i`, which needs `leaf==i`, and every `leaf` but the oldest needs `base<1`
 * while the root needs `base>=1`. The only solution is top 1, mid 1, leaf 1, found after ruling
 * out every newer `top` through two levels of dependencies.
 */
export function deepConflict(versions: number): Universe {
  const range = (n: number, make: (i: number) => ReleaseSpec) =>
    Object.fromEntries(Array.from({ length: n }, (_, k) => [`${k + 1}.0`, { sdist: false, ...make(k + 1) }]));
  return {
    name: `deep-conflict-${versions}`,
    packages: {
      top: { versions: range(versions, (i) => ({ requiresDist: [`mid==${i}.0`] })) },
      mid: { versions: range(versions, (i) => ({ requiresDist: [`leaf==${i}.0`] })) },
      leaf: { versions: range(versions, (i) => (i === 1 ? {} : { requiresDist: ["base<1"] })) },
      base: { versions: { "0.5": { sdist: false }, "1.0": { sdist: false } } },
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function timedLockstep(
  url: string,
  cacheDir: string,
  root: string[],
): Promise<{ outcome: LockstepOutcome; peakRss: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 2);
  try {
    const outcome = await lockstepResolve(newClient(url, cacheDir), root, specificOptions());
    peak = Math.max(peak, process.memoryUsage().rss);
    return { outcome, peakRss: peak - start };
  } finally {
    clearInterval(sampler);
  }
}

async function timedPip(url: string, root: string[], cacheDir: string): Promise<PipOutcome | "timeout"> {
  const timer = new Promise<"timeout">((resolve) =>
    setTimeout(() => resolve("timeout"), PIP_TIMEOUT_MS).unref(),
  );
  return Promise.race([pipResolve(url, root, { cacheDir }), timer]);
}

function floor(program: string, args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    spawnSync(program, args, { env: isolatedPipEnv(), stdio: "ignore" });
    times.push(performance.now() - t);
  }
  return median(times);
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const work = mkdtempSync(join(tmpdir(), "lockstep-bench-resolver-"));
  const ratios: number[] = [];
  try {
    rows.push({ name: "floor: node -e 0", value: floor(process.execPath, ["-e", "0"]), unit: "ms" });
    rows.push({
      name: "floor: python3 -m pip --version",
      value: floor("python3", ["-m", "pip", "--version"]),
      unit: "ms",
    });
    const universes = new Map<() => Universe, Universe>();
    // RESOLVER_BENCH=chalice,deep runs only the graphs whose names contain one of the words.
    const only = process.env.RESOLVER_BENCH?.split(",").filter(Boolean);
    for (const graph of GRAPHS.filter((g) => !only || only.some((w) => g.name.includes(w)))) {
      let universe = universes.get(graph.universe);
      if (!universe) {
        universe = graph.universe();
        universes.set(graph.universe, universe);
      }
      const server = await serveUniverse(universe);
      const slug = graph.name.replace(/[^\w]+/g, "-");
      const cacheDir = join(work, `lockstep-${slug}`);
      const pipCache = join(work, `pip-${slug}`);
      try {
        await lockstepResolve(newClient(server.url, cacheDir), graph.root, specificOptions()); // warm the cache
        const times: number[] = [];
        let rss = 0;
        let last: LockstepOutcome | undefined;
        for (let i = 0; i < RUNS; i++) {
          const { outcome, peakRss } = await timedLockstep(server.url, cacheDir, graph.root);
          times.push(outcome.wallMs);
          rss = Math.max(rss, peakRss);
          last = outcome;
        }
        const ours = median(times);
        const answer =
          last?.kind === "solved" ? `${last.resolution.packages.length} packages` : "no solution";
        rows.push({
          name: `${graph.name}: lockstep`,
          value: ours,
          unit: "ms",
          note: `${answer}; root ${graph.root.join(" ")}`,
        });
        rows.push({ name: `${graph.name}: lockstep peak RSS growth`, value: rss / 2 ** 20, unit: "MiB" });
        if (last?.kind === "solved") {
          const s = last.resolution.stats;
          rows.push({
            name: `${graph.name}: solver work`,
            value: s.decisions,
            unit: "decisions",
            note: `chooseVersion ${s.chooseVersionCalls}, getDependencies ${s.getDependenciesCalls}, packages ${s.packages}, conflicts ${s.conflicts}, backtracks ${s.backtracks}, forks ${s.forks}`,
          });
        }

        const warm = await timedPip(server.url, graph.root, pipCache);
        const pipTimes: number[] = [];
        let pipLast: PipOutcome | "timeout" = warm;
        for (let i = 0; i < RUNS && warm !== "timeout"; i++) {
          pipLast = await timedPip(server.url, graph.root, pipCache);
          if (pipLast === "timeout") break;
          pipTimes.push(pipLast.wallMs);
        }
        if (pipLast === "timeout") {
          rows.push({
            name: `${graph.name}: pip`,
            value: PIP_TIMEOUT_MS,
            unit: "ms",
            note: "timed out (lower bound)",
          });
          ratios.push(PIP_TIMEOUT_MS / ours);
          rows.push({
            name: `${graph.name}: pip / lockstep`,
            value: PIP_TIMEOUT_MS / ours,
            unit: "x",
            note: "at least",
          });
          continue;
        }
        const theirs = median(pipTimes);
        const pipAnswer = pipLast.kind === "solved" ? `${pipLast.chosen.size} packages` : pipLast.kind;
        const agree =
          last?.kind === "solved" && pipLast.kind === "solved"
            ? last.resolution.packages.every(
                (p) => pipLast.kind === "solved" && pipLast.chosen.get(p.name) === p.version.toString(),
              )
              ? "same versions"
              : "different versions"
            : "";
        rows.push({
          name: `${graph.name}: pip`,
          value: theirs,
          unit: "ms",
          note: [pipAnswer, agree].filter(Boolean).join("; "),
        });
        rows.push({ name: `${graph.name}: pip / lockstep`, value: theirs / ours, unit: "x" });
        ratios.push(theirs / ours);
      } finally {
        await server.close();
      }
    }
    const geo = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
    rows.push({
      name: "geometric mean pip / lockstep",
      value: geo,
      unit: "x",
      note: `${ratios.length} graphs`,
    });
    rows.push({ name: "min pip / lockstep", value: Math.min(...ratios), unit: "x" });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await run();
  for (const r of rows) {
    const v = Math.abs(r.value) >= 100 ? Math.round(r.value).toString() : r.value.toPrecision(3);
    console.log(`${r.name.padEnd(48)} ${v.padStart(9)} ${r.unit.padEnd(9)} ${r.note ?? ""}`);
  }
}
