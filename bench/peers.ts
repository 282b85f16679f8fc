/**
 * `pnpm bench peers`: lockstep against pip, poetry and pdm, whole processes as a user runs them,
 * side by side in one run, on the same loopback index.
 *
 * lockstep is the bundled CLI (built fresh from the sources into a scratch directory with
 * packages/cli/build.mjs, run as `node lockstep.mjs`), not tsx. Peers: pip 23 through `python3 -m
 * pip` (the interpreter on PATH), poetry and pdm from Debian's packages, installed with apt-get when
 * missing and running as root, else skipped with a message. Set-up per tool: `peers-tools.ts`.
 *
 * Graphs (`peers-graphs.ts`): PyPI snapshots with real metadata (cheroot, pandas, the 2026
 * jupyterlab+notebook and fastapi[standard] graphs) served by the fixture server (ETag, Cache-Control)
 * and generated universes of PEERS_SIZES packages (lock measures only); then, when pip's config names a
 * local mirror of real releases, real stacks from it served by `python3 -m http.server`
 * (`peers-mirror.ts`).
 *
 * Measures, each a whole process (or pip's two, venv + install), medians of PEERS_RUNS_FAST (5) or
 * PEERS_RUNS_SLOW (3) runs, fewer when a cell's runs pass PEERS_CELL_BUDGET_S (5 s) — the number of
 * runs is recorded with every figure. Peak memory is GNU time's %M (largest single process).
 *
 * Knobs: PEERS_CLI=<bundle> (instead of building), PEERS_GRAPHS=cheroot,generated (substring filter), PEERS_TOOLS=lockstep,pdm, PEERS_SIZES,
 * PEERS_REAL=0 (skip the mirror), PEERS_PROFILE=0, PEERS_DOCS=0 (do not rewrite docs/benchmarks.md).
 * Run alone with `npx tsx bench/peers.ts`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveUniverse } from "@lockstep/fixtures";
import { peerGraphs } from "./peers-graphs";
import type { PeerGraph } from "./peers-graphs";
import { findMirror, mergeMirror, serveStatic } from "./peers-mirror";
import { measureOne, measureSteps, median, TIME } from "./peers-process";
import type { Cmd } from "./peers-process";
import { profileIn, summariseProfile } from "./peers-profile";
import type { ProfileSummary } from "./peers-profile";
import { writeReport } from "./peers-report";
import { cleanEnv, lockstepTool, pdmTool, pipTool, poetryTool } from "./peers-tools";
import type { ProjectSpec, Tool, ToolName } from "./peers-tools";

interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export const MEASURES = [
  "lock cold",
  "lock warm",
  "re-lock unchanged",
  "lock --check",
  "upgrade one",
  "sync cold",
  "sync warm",
  "no-op sync",
  "--version",
] as const;
export type Measure = (typeof MEASURES)[number] | "floor";

export interface Cell {
  graph: string;
  measure: Measure;
  tool: ToolName | "node -e ''" | "python3 -c ''";
  ms: number;
  peakMiB: number;
  runs: number;
  samples: number[];
  failed?: string;
  /** Killed at PEERS_TIMEOUT_S after this long: the time is at least this. */
  timedOutMs?: number;
}

export interface GraphInfo {
  name: string;
  roots: string[];
  counts: Partial<Record<ToolName, number>>;
  standIns?: string[];
  real?: boolean;
}

export interface PeersResult {
  date: string;
  machine: string;
  versions: Record<string, string>;
  cells: Cell[];
  graphs: GraphInfo[];
  profiles: Array<{ what: string; summary: ProfileSummary }>;
  skipped: string[];
  seconds: number;
}

const env = process.env;
const RUNS_FAST = Number(env.PEERS_RUNS_FAST ?? 5);
const RUNS_SLOW = Number(env.PEERS_RUNS_SLOW ?? 3);
const BUDGET_MS = Number(env.PEERS_CELL_BUDGET_S ?? 5) * 1000;
const TIMEOUT_MS = Number(env.PEERS_TIMEOUT_S ?? 90) * 1000;
const SIZES = (env.PEERS_SIZES ?? "500,2000,5000").split(",").map(Number).filter(Boolean);
const ONLY_GRAPHS = env.PEERS_GRAPHS?.split(",").filter(Boolean);
const ONLY_TOOLS = env.PEERS_TOOLS?.split(",").filter(Boolean);
const REQUIRES_PYTHON = ">=3.11,<4";
const REAL_REQUIRES_PYTHON = ">=3.11,<3.12";
const PEER_MAX_MS = Number(env.PEERS_PEER_MAX_S ?? 30) * 1000;
const REPO = fileURLToPath(new URL("..", import.meta.url));

function log(line: string): void {
  process.stderr.write(`[peers ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function have(program: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" }).status === 0;
}

/** apt-get install when root; otherwise a message. Returns whether `check` holds afterwards. */
function ensureDebian(pkgs: string[], check: () => boolean, skipped: string[], why: string): boolean {
  if (check()) return true;
  if (process.getuid?.() !== 0 || !have("apt-get")) {
    const msg = `${why}: not installed and not root (install with: apt-get install -y ${pkgs.join(" ")})`;
    log(msg);
    skipped.push(msg);
    return false;
  }
  log(`installing ${pkgs.join(" ")} with apt-get (missing)`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["update", "-qq"], { stdio: "ignore", env: aptEnv });
  const r = spawnSync("apt-get", ["install", "-y", "-qq", ...pkgs], { encoding: "utf8", env: aptEnv });
  if (r.status !== 0 || !check()) {
    const msg = `${why}: apt-get install ${pkgs.join(" ")} failed: ${(r.stderr ?? "").trim().split("\n").at(-1)}`;
    log(msg);
    skipped.push(msg);
    return false;
  }
  return true;
}

function versionOf(argv: string[]): string {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8", env: cleanEnv({}) });
  return `${r.stdout}${r.stderr}`.trim().split("\n")[0] ?? "?";
}

/** One tool's part of an interleaved measure: what to run, and the untimed steps around it. */
interface Entry {
  tool: Cell["tool"];
  cmds: () => Cmd[] | undefined;
  prepare?: () => void;
  after?: () => void;
}

class Bench {
  cells: Cell[] = [];
  constructor(readonly scratch: string) {}

  /**
   * `node -e ''`, measured inside a measure's interleaved runs: the load on a shared machine
   * changes over a run, so "≤1.3× bare node" compares figures taken at the same moments.
   */
  nodeFloor(): Entry {
    const env = cleanEnv({});
    return {
      tool: "node -e ''",
      cmds: () => [{ argv: [process.execPath, "-e", ""], cwd: this.scratch, env }],
    };
  }

  /**
   * Measures `entries` interleaved — run 1 of every tool, then run 2 of every tool, … — so that load
   * from other work on the machine falls on all tools alike. Each entry runs `prepare` (untimed),
   * its commands, then `after` (untimed), up to `runs` times; a tool gets no further runs once its
   * runs so far took longer than the budget, or after a failure. Records the median per tool.
   */
  async measure(graph: string, measure: Measure, runs: number, entries: Entry[]): Promise<Cell[]> {
    const state = entries.map((e) => ({
      e,
      times: [] as number[],
      peaks: [] as number[],
      spent: 0,
      failed: undefined as string | undefined,
      timedOutMs: undefined as number | undefined,
      skip: false,
    }));
    for (let i = 0; i < runs; i++) {
      for (const s of state) {
        if (s.skip || s.failed || (i > 0 && s.spent >= BUDGET_MS)) continue;
        s.e.prepare?.();
        const c = s.e.cmds();
        if (!c) {
          s.skip = true;
          continue;
        }
        const m = await measureSteps(c, this.scratch, TIMEOUT_MS);
        s.spent += m.ms;
        if (m.code === null) s.timedOutMs = m.ms;
        if (m.code !== 0) {
          s.failed =
            m.code === null
              ? `killed after ${Math.round(m.ms / 1000)} s`
              : `exit ${m.code}: ${m.stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 300)}`;
          log(`${graph} / ${measure} / ${s.e.tool}: FAILED ${s.failed}`);
          continue;
        }
        s.e.after?.();
        s.times.push(m.ms);
        s.peaks.push(m.peakMiB);
      }
    }
    const out: Cell[] = [];
    for (const s of state) {
      if (s.skip) continue;
      const cell: Cell = {
        graph,
        measure,
        tool: s.e.tool,
        ms: s.failed ? NaN : median(s.times),
        peakMiB: s.failed ? NaN : Math.max(...s.peaks),
        runs: s.times.length,
        samples: s.times.map((t) => Math.round(t)),
        ...(s.failed ? { failed: s.failed } : {}),
        ...(s.timedOutMs === undefined ? {} : { timedOutMs: s.timedOutMs }),
      };
      this.cells.push(cell);
      out.push(cell);
    }
    log(
      `${graph} / ${measure}: ` +
        out
          .map(
            (c) =>
              `${c.tool} ${c.failed ? "failed" : `${(c.ms / 1000).toFixed(3)} s ${c.peakMiB.toFixed(0)} MiB ×${c.runs}`}`,
          )
          .join(", "),
    );
    return out;
  }

  /**
   * Every measure on one graph for every tool, interleaved, in an order that leaves each tool's
   * project in the state the next measure needs; `measures` as in PeerGraph.
   */
  async graph(
    graph: string,
    tools: Tool[],
    upgradeTarget: string,
    measures: NonNullable<PeerGraph["measures"]>,
    info: GraphInfo,
  ): Promise<void> {
    const cold = await this.measure(
      graph,
      "lock cold",
      RUNS_SLOW,
      tools.map((t) => ({
        tool: t.name,
        cmds: () => t.lock(),
        prepare: () => {
          t.clearCache();
          t.removeLock();
          t.removeVenv();
        },
        after: () => t.afterLock(),
      })),
    );
    const ok = tools.filter((t) => cold.some((c) => c.tool === t.name && !c.failed));
    for (const t of ok) info.counts[t.name] = t.lockedCount();
    const each = (runs: number, measure: Measure, make: (t: Tool) => Omit<Entry, "tool">) =>
      this.measure(
        graph,
        measure,
        runs,
        ok.map((t) => ({ tool: t.name, ...make(t) })),
      );
    await each(RUNS_FAST, "lock warm", (t) => ({
      cmds: () => t.lock(),
      prepare: () => t.removeLock(),
      after: () => t.afterLock(),
    }));
    if (measures === "cold+warm") return;
    await each(RUNS_FAST, "re-lock unchanged", (t) => ({
      cmds: () => t.relock(),
      after: () => t.afterLock(),
    }));
    await each(RUNS_FAST, "lock --check", (t) => ({ cmds: () => t.check() }));
    await each(RUNS_SLOW, "upgrade one", (t) => ({
      cmds: () => t.upgrade(upgradeTarget),
      after: () => t.afterLock(),
    }));
    if (measures === "lock") return;
    await each(RUNS_SLOW, "sync cold", (t) => ({
      cmds: () => t.sync(),
      prepare: () => {
        t.clearCache();
        t.removeVenv();
      },
    }));
    await each(RUNS_SLOW, "sync warm", (t) => ({ cmds: () => t.sync(), prepare: () => t.removeVenv() }));
    await this.measure(graph, "no-op sync", RUNS_FAST, [
      ...ok.map((t) => ({ tool: t.name, cmds: () => t.sync() })),
      this.nodeFloor(),
    ]);
  }
}

function makeTools(base: string, bundle: string, p: ProjectSpec, available: Set<ToolName>): Tool[] {
  const all: Array<[ToolName, () => Tool]> = [
    ["lockstep", () => lockstepTool(base, bundle, p)],
    ["pip", () => pipTool(base, p)],
    ["poetry", () => poetryTool(base, p)],
    ["pdm", () => pdmTool(base, p)],
  ];
  return all.filter(([n]) => available.has(n)).map(([, make]) => make());
}

async function profile(
  what: string,
  t: Tool,
  args: string[],
  bundle: string,
  scratch: string,
  prepare: () => void,
): Promise<{ what: string; summary: ProfileSummary } | undefined> {
  const dir = mkdtempSync(join(scratch, "prof-"));
  prepare();
  const base = t.lock()[0] as Cmd;
  const m = await measureOne(
    {
      argv: [process.execPath, "--cpu-prof", "--cpu-prof-dir", dir, bundle, ...args],
      cwd: t.dir,
      env: base.env,
    },
    scratch,
    TIMEOUT_MS,
  );
  if (m.code !== 0) {
    log(`profile ${what}: exit ${m.code}`);
    return undefined;
  }
  const summary = summariseProfile(profileIn(dir));
  log(`profile ${what}: ${summary.totalMs.toFixed(0)} ms profiled`);
  return { what, summary };
}

export async function runPeers(): Promise<PeersResult> {
  const started = performance.now();
  const skipped: string[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "lockstep-bench-peers-"));
  const bench = new Bench(scratch);
  const graphsInfo: GraphInfo[] = [];
  const profiles: PeersResult["profiles"] = [];
  try {
    ensureDebian(["time"], () => existsSync(TIME), skipped, "GNU time (peak memory)");
    const available = new Set<ToolName>(["lockstep", "pip"]);
    if (ensureDebian(["python3-poetry"], () => have("poetry"), skipped, "poetry")) available.add("poetry");
    if (ensureDebian(["python3-pdm"], () => have("pdm"), skipped, "pdm")) available.add("pdm");
    for (const n of [...available]) if (ONLY_TOOLS && !ONLY_TOOLS.includes(n)) available.delete(n);

    // PEERS_CLI=path/to/lockstep.mjs runs a bundle built earlier (e.g. while the sources are mid-change).
    let bundle = env.PEERS_CLI ?? "";
    if (bundle === "") {
      log("building the CLI bundle (packages/cli/build.mjs)");
      const cliDir = join(scratch, "cli");
      const b = spawnSync(
        process.execPath,
        [join(REPO, "packages/cli/build.mjs"), "--quiet", "--outdir", cliDir],
        {
          encoding: "utf8",
        },
      );
      if (b.status !== 0)
        throw new Error(`building the CLI failed (set PEERS_CLI to use a built bundle): ${b.stderr}`);
      bundle = join(cliDir, "lockstep.mjs");
    }
    const versions: Record<string, string> = {
      node: process.version,
      lockstep: versionOf([process.execPath, bundle, "--version"]),
      python3: versionOf(["python3", "--version"]),
      pip: versionOf(["python3", "-m", "pip", "--version"]).replace(/ from .*\(/, " ("),
    };
    if (available.has("poetry")) versions.poetry = versionOf(["poetry", "--version"]);
    if (available.has("pdm")) versions.pdm = versionOf(["pdm", "--version"]);

    const graphs = peerGraphs(SIZES).filter(
      (g) => !ONLY_GRAPHS || ONLY_GRAPHS.some((w) => g.name.includes(w)),
    );
    let versionDone = false;
    /** Per tool, the warm-lock time and locked count of the last generated size, to extrapolate. */
    const lastGenerated = new Map<ToolName, { ms: number; size: number }>();
    for (const g of graphs) {
      log(`graph ${g.name}: building and serving the universe`);
      const server = await serveUniverse(g.universe());
      const info: GraphInfo = {
        name: g.name,
        roots: g.roots,
        counts: {},
        ...(g.standIns ? { standIns: [...g.standIns] } : {}),
      };
      graphsInfo.push(info);
      try {
        const base = join(scratch, g.name.replace(/[^\w]+/g, "-"));
        const p: ProjectSpec = { roots: g.roots, indexUrl: server.url, requiresPython: REQUIRES_PYTHON };
        let tools = makeTools(base, bundle, p, available);
        if (g.size !== undefined) {
          // Peers whose warm lock at the previous size, scaled linearly, would pass the limit are left out.
          tools = tools.filter((t) => {
            const last = lastGenerated.get(t.name);
            const guess = last ? (last.ms * (g.size as number)) / last.size : 0;
            if (t.name === "lockstep" || guess <= PEER_MAX_MS) return true;
            const msg = `${g.name}: ${t.name} left out (its warm lock at ${last?.size} projects took ${((last?.ms ?? 0) / 1000).toFixed(1)} s; scaled to ${g.size}: ~${(guess / 1000).toFixed(0)} s per run, over PEERS_PEER_MAX_S)`;
            log(msg);
            skipped.push(msg);
            return false;
          });
        }
        const target = (g.roots[0] as string).replace(/[[<>=;].*$/, "");
        await bench.graph(g.name, tools, target, g.measures ?? "all", info);
        if (g.size !== undefined)
          for (const c of bench.cells)
            if (
              c.graph === g.name &&
              c.measure === "lock warm" &&
              !c.failed &&
              c.tool !== "node -e ''" &&
              c.tool !== "python3 -c ''"
            )
              lastGenerated.set(c.tool, { ms: c.ms, size: g.size });
        if (!versionDone) {
          versionDone = true;
          const floorEnv = cleanEnv({});
          await bench.measure("-", "--version", 10, [
            {
              tool: "node -e ''",
              cmds: () => [{ argv: [process.execPath, "-e", ""], cwd: scratch, env: floorEnv }],
            },
            {
              tool: "python3 -c ''",
              cmds: () => [{ argv: ["python3", "-c", ""], cwd: scratch, env: floorEnv }],
            },
            ...tools.map((t) => ({ tool: t.name, cmds: () => t.version() })),
          ]);
        }
        const ls = tools.find((t) => t.name === "lockstep");
        if (ls && env.PEERS_PROFILE !== "0" && (g.name === "cheroot" || g.name.startsWith("jupyterlab"))) {
          // The sync measures emptied the cache: one unprofiled lock fills it again first.
          ls.removeLock();
          await measureSteps(ls.lock(), scratch, TIMEOUT_MS);
          const p1 = await profile(`warm lock, ${g.name}`, ls, ["lock"], bundle, scratch, () =>
            ls.removeLock(),
          );
          if (p1) profiles.push(p1);
          if (g.name.startsWith("jupyterlab")) {
            // The venv is still in sync (the profiled lock rewrote the same bytes): a no-op.
            const p2 = await profile(`no-op sync, ${g.name}`, ls, ["sync"], bundle, scratch, () => {});
            if (p2) profiles.push(p2);
            const p3 = await profile("--version", ls, ["--version"], bundle, scratch, () => {});
            if (p3) profiles.push(p3);
          }
        }
        rmSync(base, { recursive: true, force: true });
      } finally {
        await server.close();
      }
    }

    if (env.PEERS_REAL !== "0") await realWheels(bench, scratch, bundle, available, graphsInfo, skipped);

    return {
      date: new Date().toISOString(),
      machine: `${readCpu()}; ${process.platform} ${process.arch}`,
      versions,
      cells: bench.cells,
      graphs: graphsInfo,
      profiles,
      skipped,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function readCpu(): string {
  try {
    const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
    const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "cpu";
    const n = cpuinfo.match(/^processor\s*:/gm)?.length ?? 0;
    return `${n} × ${model}`;
  } catch {
    return "unknown cpu";
  }
}

/** Real stacks from the local mirror: lock cold/warm once or a few times, syncs cold and warm, no-op. */
async function realWheels(
  bench: Bench,
  scratch: string,
  bundle: string,
  available: Set<ToolName>,
  graphs: GraphInfo[],
  skipped: string[],
): Promise<void> {
  const mirror = findMirror();
  if (!mirror) {
    const msg = "real wheels: no local mirror in pip's configuration (`pip config list`); skipped";
    log(msg);
    skipped.push(msg);
    return;
  }
  const dir = join(scratch, "mirror");
  mkdirSync(dir);
  const projects = await mergeMirror(mirror, dir);
  log(`real wheels: ${projects} projects from ${[...mirror.indexes, ...mirror.findLinks].join(", ")}`);
  const server = await serveStatic(dir);
  // The CUDA build on the mirror pulls ~2.5 GB of nvidia-* wheels; the CPU build is one 183 MB wheel.
  // torch's sync is measured cold only (one run of each tool is about a minute).
  const stacks: Array<{ name: string; roots: string[]; warmSync: boolean }> = [
    { name: "real: numpy+pandas+scipy", roots: ["numpy", "pandas", "scipy"], warmSync: true },
    { name: "real: torch (cpu)", roots: ["torch==2.13.0+cpu"], warmSync: false },
  ].filter((s) => !ONLY_GRAPHS || ONLY_GRAPHS.some((w) => s.name.includes(w)));
  const has = (name: string) => existsSync(join(dir, "simple", name));
  try {
    for (const s of stacks) {
      const missing = s.roots.map((r) => r.replace(/[[<>=;].*$/, "")).filter((n) => !has(n));
      if (missing.length > 0) {
        const msg = `${s.name}: ${missing.join(", ")} not on the local mirror; skipped`;
        log(msg);
        skipped.push(msg);
        continue;
      }
      const info: GraphInfo = { name: s.name, roots: s.roots, counts: {}, real: true };
      graphs.push(info);
      const base = join(scratch, s.name.replace(/[^\w]+/g, "-"));
      // The mirror has CPython 3.11 wheels only, and pdm 2.2 refuses a requires-python wider than
      // a dependency's (networkx: >=3.11,!=3.14.1), so real stacks are locked for 3.11 by every tool.
      const p: ProjectSpec = { roots: s.roots, indexUrl: server.url, requiresPython: REAL_REQUIRES_PYTHON };
      const tools = makeTools(base, bundle, p, available);
      const cold = await bench.measure(
        s.name,
        "lock cold",
        1,
        tools.map((t) => ({
          tool: t.name,
          cmds: () => t.lock(),
          prepare: () => t.clearCache(),
          after: () => t.afterLock(),
        })),
      );
      const ok = tools.filter((t) => cold.some((c) => c.tool === t.name && !c.failed));
      for (const t of ok) info.counts[t.name] = t.lockedCount();
      const each = (runs: number, measure: Measure, make: (t: Tool) => Omit<Entry, "tool">) =>
        bench.measure(
          s.name,
          measure,
          runs,
          ok.map((t) => ({ tool: t.name, ...make(t) })),
        );
      await each(RUNS_SLOW, "lock warm", (t) => ({
        cmds: () => t.lock(),
        prepare: () => t.removeLock(),
        after: () => t.afterLock(),
      }));
      await each(RUNS_SLOW, "sync cold", (t) => ({
        cmds: () => t.sync(),
        prepare: () => {
          t.clearCache();
          t.removeVenv();
        },
      }));
      if (s.warmSync)
        await each(RUNS_SLOW, "sync warm", (t) => ({ cmds: () => t.sync(), prepare: () => t.removeVenv() }));
      await bench.measure(s.name, "no-op sync", RUNS_FAST, [
        ...ok.map((t) => ({ tool: t.name, cmds: () => t.sync() })),
        bench.nodeFloor(),
      ]);
      rmSync(base, { recursive: true, force: true });
    }
  } finally {
    server.close();
  }
}

function rowsOf(r: PeersResult): BenchRow[] {
  const rows: BenchRow[] = [];
  const ours = (c: Cell) =>
    r.cells.find((x) => x.graph === c.graph && x.measure === c.measure && x.tool === "lockstep");
  for (const c of r.cells) {
    const name = `${c.graph} | ${c.measure} | ${c.tool}`;
    rows.push({
      name,
      value: c.ms,
      unit: "ms",
      note: c.failed ? `failed: ${c.failed}` : `median of ${c.runs}; peak ${c.peakMiB.toFixed(0)} MiB`,
    });
    rows.push({ name: `${name} peak memory`, value: c.peakMiB, unit: "MiB" });
    const l = ours(c);
    if (l && c.tool !== "lockstep" && !c.failed && !l.failed)
      rows.push({ name: `${c.graph} | ${c.measure} | ${c.tool} / lockstep`, value: c.ms / l.ms, unit: "x" });
  }
  return rows;
}

export async function run(): Promise<BenchRow[]> {
  const result = await runPeers();
  const table = writeReport(result, REPO, env.PEERS_DOCS !== "0");
  process.stdout.write(`${table}\n`);
  return rowsOf(result);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const row of await run())
    console.log(`${row.name.padEnd(60)} ${row.value.toFixed(1).padStart(10)} ${row.unit}`);
}

export type { PeerGraph };
