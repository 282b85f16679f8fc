/**
 * Whole-process start-up benchmark: how long `lockstep` takes as a user runs it (the bundle,
 * `node packages/cli/dist/lockstep.mjs …`), against bare `node -e ''`, on loopback fixture indexes.
 *
 * Graphs: the example app (fixtures/universes/example-app.toml) and the 2026 PyPI snapshot's
 * jupyterlab+notebook. Measures, each the median of LOCKSTEP_BENCH_RUNS (default 20) processes:
 * `--version`; a no-op `sync` (venv already in sync; also with the index URL from
 * `LOCKSTEP_INDEX_URL`, and with `--frozen`); an up-to-date `lock` with a warm cache; a
 * re-lock (`lock --upgrade`) with a warm cache; a cold `lock` (empty cache, no pylock.toml).
 * The index serves pages the way a static mirror does (ETag and Last-Modified, no Cache-Control)
 * unless LOCKSTEP_BENCH_CACHE_CONTROL=1; the request counts per process are reported alongside.
 *
 * Run alone with `npx tsx bench/startup.ts` (it builds the bundle first unless
 * LOCKSTEP_BENCH_NO_BUILD=1); `pnpm bench startup` runs it in the suite. Compare bundles (a copy of
 * dist/ from before a change, and after) with LOCKSTEP_BENCH_BUNDLES="before=PATH,after=PATH": each
 * repetition runs every bundle in turn. LOCKSTEP_BENCH_GRAPHS=example-app limits the graphs.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildUniverse, resolveUniverseSource, startIndexServer } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";

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
  /** Extra pyproject.toml text (the snapshot only holds what Linux x86-64 needs). */
  tool?: string;
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
    tool: `[tool.lockstep]\nenvironments = ["sys_platform == 'linux' and platform_machine == 'x86_64'"]\n`,
    sync: true,
  },
];

async function serve(graph: Graph, cacheControl: boolean): Promise<IndexServer> {
  const source = resolveUniverseSource(graph.source);
  const built = await buildUniverse(source.universe);
  return startIndexServer(built, { cacheControl });
}

/**
 * The bundles to compare: LOCKSTEP_BENCH_BUNDLES="before=/path/a/lockstep.mjs,after=/path/b/…"
 * (each measured in turn within every repetition, so load on a shared machine hits all alike), or
 * the repository's bundle alone.
 */
function bundles(): Array<{ label: string; path: string }> {
  const spec = process.env.LOCKSTEP_BENCH_BUNDLES;
  if (!spec) return [{ label: "", path: BUNDLE }];
  return spec.split(",").map((item) => {
    const at = item.indexOf("=");
    return { label: `${item.slice(0, at)} `, path: item.slice(at + 1) };
  });
}

export async function run(): Promise<BenchRow[]> {
  if (process.env.LOCKSTEP_BENCH_NO_BUILD !== "1") {
    spawnSync(process.execPath, [join(ROOT, "packages/cli/build.mjs"), "--quiet"], { stdio: "inherit" });
  }
  const cacheControl = process.env.LOCKSTEP_BENCH_CACHE_CONTROL === "1";
  const only = process.env.LOCKSTEP_BENCH_GRAPHS?.split(",");
  const work = mkdtempSync(join(tmpdir(), "ls-bench-startup-"));
  const rows: BenchRow[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.LOCKSTEP_CACHE_DIR;
  const node = process.execPath;
  const targets = bundles();
  /** One measure for every bundle, interleaved: `make(bundle)` gives its args, cwd, env and set-up. */
  const measure = async (
    name: string,
    make: (
      b: { label: string; path: string },
      k: number,
    ) => {
      args: string[];
      cwd: string;
      env?: NodeJS.ProcessEnv;
      before?: () => void;
    },
    perBundle = true,
  ): Promise<void> => {
    const list = perBundle ? targets : [{ label: "", path: "" }];
    // Bare `node -e ''` runs in every repetition too: the floor under the same load as the row.
    const xs = list.map(() => [] as number[]);
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const [k, b] of list.entries()) {
        const m = make(b, k);
        m.before?.();
        xs[k]?.push(await time(node, m.args, m.env ?? env, m.cwd));
      }
      if (perBundle) floor.push(await time(node, ["-e", ""], env, work));
    }
    for (const [k, b] of list.entries()) {
      const value = median(xs[k] ?? []);
      rows.push({ name: `${b.label}${name}`, value, unit: "ms", note: `median of ${RUNS}` });
      process.stderr.write(`${b.label}${name}: ${value.toFixed(1)} ms\n`);
    }
    if (perBundle) {
      const value = median(floor);
      rows.push({ name: `node -e '' beside ${name}`, value, unit: "ms", note: `median of ${RUNS}` });
      process.stderr.write(`node -e '' beside ${name}: ${value.toFixed(1)} ms\n`);
    }
  };
  try {
    await measure("node -e ''", () => ({ args: ["-e", ""], cwd: work }), false);
    await measure("lockstep --version", (b) => ({ args: [b.path, "--version"], cwd: work }));
    for (const graph of GRAPHS) {
      if (only && !only.includes(graph.name)) continue;
      const server = await serve(graph, cacheControl);
      try {
        const setups = targets.map((_, k) => {
          const dir = join(work, `${graph.name.replace(/\W+/g, "-")}-${k}`);
          const cacheDir = join(dir, "cache");
          mkdirSync(dir, { recursive: true });
          writeFileSync(
            join(dir, "pyproject.toml"),
            `[project]\nname = "bench-app"\nversion = "0.1.0"\nrequires-python = "${graph.requiresPython}"\n` +
              `dependencies = ${JSON.stringify(graph.dependencies)}\n` +
              (graph.tool ?? ""),
          );
          return { dir, cacheDir, env: { ...env, LOCKSTEP_CACHE_DIR: cacheDir } };
        });
        const at = (k: number) => setups[k] as (typeof setups)[number];
        const lockArgs = (b: { path: string }) => [b.path, "lock", "--index-url", server.url];
        await measure(`${graph.name}: cold lock`, (b, k) => ({
          args: lockArgs(b),
          cwd: at(k).dir,
          env: at(k).env,
          before: () => {
            rmSync(at(k).cacheDir, { recursive: true, force: true });
            rmSync(join(at(k).dir, "pylock.toml"), { force: true });
          },
        }));
        for (const [k, b] of targets.entries()) {
          const n = server.requests.length;
          await time(node, [...lockArgs(b), "--upgrade"], at(k).env, at(k).dir);
          const value = server.requests.length - n;
          rows.push({ name: `${b.label}${graph.name}: requests of a warm re-lock`, value, unit: "requests" });
          process.stderr.write(`${b.label}${graph.name}: requests of a warm re-lock: ${value}\n`);
        }
        await measure(`${graph.name}: warm lock (up to date)`, (b, k) => ({
          args: lockArgs(b),
          cwd: at(k).dir,
          env: at(k).env,
        }));
        await measure(`${graph.name}: warm re-lock (--upgrade)`, (b, k) => ({
          args: [...lockArgs(b), "--upgrade"],
          cwd: at(k).dir,
          env: at(k).env,
        }));
        if (graph.sync) {
          for (const [k, b] of targets.entries())
            await time(node, [b.path, "sync", "--index-url", server.url], at(k).env, at(k).dir);
          await measure(`${graph.name}: no-op sync`, (b, k) => ({
            args: [b.path, "sync", "--index-url", server.url],
            cwd: at(k).dir,
            env: at(k).env,
          }));
          // The same no-op with the flags and settings the fast path learned to take: the index
          // URL from the environment instead of the flag (the same key), and --frozen.
          await measure(`${graph.name}: no-op sync, LOCKSTEP_INDEX_URL`, (b, k) => ({
            args: [b.path, "sync"],
            cwd: at(k).dir,
            env: { ...at(k).env, LOCKSTEP_INDEX_URL: server.url },
          }));
          await measure(`${graph.name}: no-op sync --frozen`, (b, k) => ({
            args: [b.path, "sync", "--frozen", "--index-url", server.url],
            cwd: at(k).dir,
            env: at(k).env,
          }));
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
