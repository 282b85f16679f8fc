/**
 * Warm `lockstep lock` side by side: bundles compared on the graphs of `pnpm bench peers`, with the
 * peers bench's own project set-up (bench/peers-tools.ts: `[[tool.lockstep.index]]` default, private
 * `LOCKSTEP_CACHE_DIR`, requires-python ">=3.11,<4", a universal lock), fresh cached pages and
 * metadata, pylock.toml deleted before every run. Issue 17's warm-lock aim.
 *
 *   WARM_LOCK_BUNDLES="before=/tmp/x/packages/cli/dist/lockstep.mjs,after=packages/cli/dist/lockstep.mjs" \
 *   WARM_LOCK_GRAPHS=cheroot,jupyter,fastapi WARM_LOCK_RUNS=9 npx tsx bench/warm-lock.ts
 *
 * Every repetition runs each bundle in turn, then bare `node -e ''` (the floor under the same load),
 * so load on a shared machine falls on all alike; rows are medians. The lock files the bundles write
 * must be byte-identical (a speed change must not change the answer); the bench fails otherwise.
 *
 * WARM_LOCK_KEEP=1 serves the graphs, warms one project per graph and bundle, writes
 * `<work>/env-<graph>.sh` (cd + LOCKSTEP_CACHE_DIR) and waits, for `node --cpu-prof … lock` by hand.
 * Pitfall: the fixture server marks pages `max-age=600`; after ten minutes a lock revalidates them.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serveUniverse } from "@lockstep/fixtures";
import { peerGraphs } from "./peers-graphs";
import { measureOne, median } from "./peers-process";
import type { Cmd } from "./peers-process";
import { lockstepTool } from "./peers-tools";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.WARM_LOCK_RUNS ?? 9);
const ONLY = (process.env.WARM_LOCK_GRAPHS ?? "cheroot,jupyter,fastapi").split(",");
const KEEP = process.env.WARM_LOCK_KEEP === "1";

function bundles(): Array<{ label: string; path: string }> {
  const spec = process.env.WARM_LOCK_BUNDLES;
  if (!spec) return [{ label: "lockstep", path: join(ROOT, "packages/cli/dist/lockstep.mjs") }];
  return spec.split(",").map((item) => {
    const at = item.indexOf("=");
    return { label: item.slice(0, at), path: resolve(item.slice(at + 1)) };
  });
}

const PERF = "/usr/bin/perf";

/**
 * Wall and CPU time of one process, in ms. CPU time is what this work cuts and is far steadier
 * than wall time on a loaded machine; both are reported. CPU time is `perf stat`'s task-clock (all
 * threads, µs precision) when perf is installed, else GNU time's user + system (10 ms steps).
 */
async function timed(cmd: Cmd, scratch: string): Promise<{ wall: number; cpu: number }> {
  const out = join(scratch, `cpu-${process.pid}.txt`);
  const usePerf = existsSync(PERF);
  const useTime = !usePerf && existsSync("/usr/bin/time");
  const argv = usePerf
    ? [PERF, "stat", "-x", ",", "-e", "task-clock", "-o", out, "--", ...cmd.argv]
    : useTime
      ? ["/usr/bin/time", "-f", "%U %S", "-o", out, ...cmd.argv]
      : cmd.argv;
  const started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: cmd.cwd,
    env: cmd.env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const code = await new Promise<number | null>((done, fail) => {
    child.on("error", fail);
    child.on("close", done);
  });
  const wall = performance.now() - started;
  if (code !== 0) throw new Error(`${cmd.argv.join(" ")} failed (${code}):\n${stderr}`);
  let cpu = NaN;
  if (usePerf) {
    const line = readFileSync(out, "utf8")
      .split("\n")
      .find((l) => l.includes("task-clock"));
    cpu = Number(line?.split(",")[0]);
  } else if (useTime) {
    const [u, s] = readFileSync(out, "utf8").trim().split("\n").at(-1)!.split(" ").map(Number);
    cpu = ((u ?? NaN) + (s ?? NaN)) * 1000;
  }
  return { wall, cpu };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "ls-warm-lock-"));
  const targets = bundles();
  const graphs = peerGraphs([]).filter((g) => ONLY.some((w) => g.name.includes(w)));
  const servers: Array<{ close(): Promise<void> }> = [];
  const lines: string[] = [];
  try {
    for (const g of graphs) {
      const server = await serveUniverse(g.universe());
      servers.push(server);
      const spec = { roots: g.roots, indexUrl: server.url, requiresPython: ">=3.11,<4" };
      const tools = targets.map((b, k) =>
        lockstepTool(join(work, `${g.name.replace(/\W+/g, "-")}-${k}`), b.path, spec),
      );
      // Warm: a cold lock fills the cache (pages and metadata).
      for (const t of tools) {
        const m = await measureOne(t.lock()[0]!, work, 120_000);
        if (m.code !== 0) throw new Error(`${g.name}: warming lock failed:\n${m.stderr}`);
      }
      if (KEEP) {
        for (const [k, t] of tools.entries()) {
          const cmd = t.lock()[0]!;
          const file = join(work, `env-${g.name.replace(/\W+/g, "-")}-${k}.sh`);
          writeFileSync(file, `cd ${cmd.cwd}\nexport LOCKSTEP_CACHE_DIR=${cmd.env.LOCKSTEP_CACHE_DIR}\n`);
          process.stdout.write(`${g.name} ${targets[k]!.label}: source ${file}\n`);
        }
        continue;
      }
      const xs = targets.map(() => [] as number[]);
      const cpus = targets.map(() => [] as number[]);
      const floor: number[] = [];
      const floorCpu: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        for (const [k, t] of tools.entries()) {
          t.removeLock();
          const m = await timed(t.lock()[0]!, work);
          xs[k]!.push(m.wall);
          cpus[k]!.push(m.cpu);
        }
        // The floor in the tools' own environment: NODE_EXTRA_CA_CERTS, for one, costs every Node
        // process tens of ms at start-up (the certificates are read eagerly).
        const f = await timed({ ...tools[0]!.lock()[0]!, argv: [process.execPath, "-e", ""] }, work);
        floor.push(f.wall);
        floorCpu.push(f.cpu);
      }
      const locks = tools.map((t) => readFileSync(t.lockFile, "utf8"));
      const same = locks.every((l) => l === locks[0]);
      const row = [
        g.name,
        ...targets.map(
          (b, k) => `${b.label} ${median(xs[k]!).toFixed(0)} ms (cpu ${median(cpus[k]!).toFixed(0)} ms)`,
        ),
        `node -e '' ${median(floor).toFixed(0)} ms (cpu ${median(floorCpu).toFixed(0)} ms)`,
        `locks ${same ? "identical" : "DIFFER"}`,
        `(${tools[0]!.lockedCount()} packages, median of ${RUNS})`,
      ].join(" | ");
      lines.push(row);
      process.stdout.write(row + "\n");
      if (!same) process.exitCode = 1;
    }
    if (KEEP) {
      process.stdout.write("serving; Ctrl-C (or kill this pid) to stop: " + process.pid + "\n");
      await new Promise<void>((done) => process.once("SIGINT", done).once("SIGTERM", done));
    }
  } finally {
    for (const s of servers) await s.close();
    if (!KEEP || process.env.WARM_LOCK_KEEP_DIRS !== "1") rmSync(work, { recursive: true, force: true });
  }
}

await main();
