/**
 * Whole-process start-up benchmark: how long `lockstep` takes as a user runs it (the bundle,
 * `node packages/cli/dist/lockstep.mjs …`), against bare `node -e ''`, on loopback fixture indexes.
 *
 * Graphs: the example app (fixtures/universes/example-app.toml) and the 2026 PyPI snapshot's
 * jupyterlab+notebook. Measures, each the median of LOCKSTEP_BENCH_RUNS (default 20) processes:
 * `--version`; a no-op `sync` (venv already in sync); an up-to-date `lock` with a warm cache; a
 * re-lock (`lock --upgrade`) with a warm cache; a cold `lock` (empty cache, no pylock.toml).
 * The index serves pages the way a static mirror does (ETag and Last-Modified, no Cache-Control)
 * unless LOCKSTEP_BENCH_CACHE_CONTROL=1; the request counts per process are reported alongside.
 *
 * Run alone with `npx tsx bench/startup.ts` (it builds the bundle first unless
 * LOCKSTEP_BENCH_NO_BUILD=1); `pnpm bench startup` runs it in the suite.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildUniverse } from "../fixtures/src/build";
import { resolveUniverseSource } from "../fixtures/src/resolve-source";
import { startIndexServer } from "../fixtures/src/server";
import type { IndexServer } from "../fixtures/src/server";

interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUNDLE = process.env.LOCKSTEP_BENCH_BUNDLE ?? join(ROOT, "packages/cli/dist/lockstep.mjs");
const RUNS = Number(process.env.LOCKSTEP_BENCH_RUNS ?? 20);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/**
 * Wall time (ms) of one process; rejects with its output when it fails. Asynchronous: the index
 * server runs in this process and must answer while the child waits.
 */
function time(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (status === 0) resolve(ms);
      else reject(new Error(`${cmd} ${args.join(" ")} failed (${status}):\n${output}`));
    });
  });
}

interface Graph {
  name: string;
  source: string;
  dependencies: string[];
  requiresPython: string;
  sync: boolean;
}

const GRAPHS: Graph[] = [
  {
    name: "example-app",
    source: "example-app",
    dependencies: ["example-app"],
    requiresPython: ">=3.9",
    sync: true,
  },
  {
    name: "jupyterlab+notebook",
    source: join(ROOT, "../shared/data/pypi-snapshots/pypi-2026-wheels.json"),
    dependencies: ["jupyterlab", "notebook"],
    requiresPython: ">=3.11",
    sync: true,
  },
];

async function serve(graph: Graph, cacheControl: boolean): Promise<IndexServer> {
  const source = resolveUniverseSource(graph.source);
  const built = await buildUniverse(source.universe);
  return startIndexServer(built, { cacheControl });
}

export async function run(): Promise<BenchRow[]> {
  if (process.env.LOCKSTEP_BENCH_NO_BUILD !== "1") {
    spawnSync(process.execPath, [join(ROOT, "packages/cli/build.mjs"), "--quiet"], { stdio: "inherit" });
  }
  const cacheControl = process.env.LOCKSTEP_BENCH_CACHE_CONTROL === "1";
  const work = mkdtempSync(join(tmpdir(), "ls-bench-startup-"));
  const rows: BenchRow[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.LOCKSTEP_CACHE_DIR;
  const node = process.execPath;
  const measure = async (
    name: string,
    args: string[],
    cwd: string,
    e = env,
    before?: () => void,
  ): Promise<number> => {
    const xs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      before?.();
      xs.push(await time(node, args, e, cwd));
    }
    const m = median(xs);
    rows.push({ name, value: m, unit: "ms", note: `median of ${RUNS}` });
    process.stderr.write(`${name}: ${m.toFixed(1)} ms\n`);
    return m;
  };
  try {
    await measure("node -e ''", ["-e", ""], work);
    await measure("lockstep --version", [BUNDLE, "--version"], work);
    for (const graph of GRAPHS) {
      const server = await serve(graph, cacheControl);
      try {
        const dir = join(work, graph.name.replace(/\W+/g, "-"));
        const cacheDir = join(dir, "cache");
        mkdirSync(dir, { recursive: true });
        writeFileSync(
          join(dir, "pyproject.toml"),
          `[project]\nname = "bench-app"\nversion = "0.1.0"\nrequires-python = "${graph.requiresPython}"\n` +
            `dependencies = ${JSON.stringify(graph.dependencies)}\n`,
        );
        const e = { ...env, LOCKSTEP_CACHE_DIR: cacheDir };
        const lockArgs = [BUNDLE, "lock", "--index-url", server.url];
        const requests = async (args: string[]): Promise<number> => {
          const n = server.requests.length;
          await time(node, args, e, dir);
          return server.requests.length - n;
        };
        await measure(`${graph.name}: cold lock`, lockArgs, dir, e, () => {
          rmSync(cacheDir, { recursive: true, force: true });
          rmSync(join(dir, "pylock.toml"), { force: true });
        });
        const lockRequests = await requests([...lockArgs, "--upgrade"]);
        await measure(`${graph.name}: warm lock (up to date)`, lockArgs, dir, e);
        await measure(`${graph.name}: warm re-lock (--upgrade)`, [...lockArgs, "--upgrade"], dir, e);
        rows.push({
          name: `${graph.name}: requests of a warm re-lock`,
          value: lockRequests,
          unit: "requests",
        });
        if (graph.sync) {
          await time(node, [BUNDLE, "sync", "--index-url", server.url], e, dir);
          await measure(`${graph.name}: no-op sync`, [BUNDLE, "sync", "--index-url", server.url], dir, e);
        }
      } finally {
        await server.close();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run();
  for (const r of rows) process.stdout.write(`${r.name}\t${r.value.toFixed(1)} ${r.unit}\n`);
}
