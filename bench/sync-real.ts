/**
 * Syncs of real wheels, side by side: two lockstep bundles (a baseline and the working tree's) and
 * pip, interleaved run by run (A B pip A B pip …), medians and ratios. The inner loop for issue 17's
 * install aims; `pnpm bench peers` remains the full comparison.
 *
 * Usage:
 *   node packages/cli/build.mjs --quiet --outdir /tmp/base   # from the old commit
 *   node packages/cli/build.mjs --quiet --outdir /tmp/new
 *   npx tsx bench/sync-real.ts --stack numpy --measure warm --runs 7 --bundle base=/tmp/base/lockstep.mjs \
 *     --bundle new=/tmp/new/lockstep.mjs [--pip]
 *
 * Stacks: `numpy` (numpy+pandas+scipy), `torch` (torch==2.13.0+cpu), `jupyter` (needs every
 * platform's wheels: usually fails on a partial mirror), or `fixture:<graph>` for a graph of `pnpm
 * bench peers` served by the fixture server (e.g. `fixture:jupyterlab`). Measures: `warm` (venv removed,
 * cache kept), `cold` (venv and cache removed). The wheels come from this machine's local PyPI
 * mirror (`pip config list`), served on loopback by `python3 -m http.server` (bench/peers-mirror.ts).
 * pip runs as in `pnpm bench peers`: `python3 -m venv --without-pip` plus `pip install --no-deps
 * --no-compile -r pins.txt`, with its own cache.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveUniverse } from "@lockstep/fixtures";
import { peerGraphs } from "./peers-graphs";
import { findMirror, mergeMirror, serveStatic } from "./peers-mirror";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { median, TIME } from "./peers-process";
import type { Cmd } from "./peers-process";
import { lockstepTool, pipTool } from "./peers-tools";
import type { Tool } from "./peers-tools";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
};
const stackName = opt("stack", "numpy");
const measureKind = opt("measure", "warm");
const runs = Number(opt("runs", "7"));
const bundles: Array<[string, string]> = [];
args.forEach((a, i) => {
  if (a !== "--bundle") return;
  const [label, path] = (args[i + 1] ?? "").split("=") as [string, string];
  bundles.push([label, path]);
});
const withPip = args.includes("--pip");

const STACKS: Record<string, string[]> = {
  numpy: ["numpy", "pandas", "scipy"],
  torch: ["torch==2.13.0+cpu"],
  jupyter: ["jupyterlab", "notebook"],
};
// `fixture:<graph>` runs a graph of `pnpm bench peers` (fixture wheels: real metadata, tiny payloads)
// from the fixture server instead of the real mirror.
const fixture = stackName.startsWith("fixture:")
  ? peerGraphs([]).find((g) => g.name.startsWith(stackName.slice("fixture:".length)))
  : undefined;
const roots = fixture?.roots ?? STACKS[stackName];
if (!roots) throw new Error(`unknown stack ${stackName}`);

const scratch = mkdtempSync(join(tmpdir(), "ls-sync-real-"));
let server: { url: string; close(): unknown };
if (fixture) {
  server = await serveUniverse(fixture.universe());
} else {
  const mirror = findMirror();
  if (!mirror) throw new Error("no local mirror in pip's configuration");
  const mirrorDir = join(scratch, "mirror");
  mkdirSync(mirrorDir);
  await mergeMirror(mirror, mirrorDir);
  server = await serveStatic(mirrorDir);
}
const spec = { roots, indexUrl: server.url, requiresPython: fixture ? ">=3.11,<4" : ">=3.11,<3.12" };

const tools: Array<{ label: string; tool: Tool }> = bundles.map(([label, path]) => ({
  label,
  tool: lockstepTool(join(scratch, label), path, spec),
}));
if (withPip) tools.push({ label: "pip", tool: pipTool(join(scratch, "pip"), spec) });

const timeout = 300_000;

interface Run {
  ms: number;
  /** user + system CPU seconds of the process tree (less sensitive to a shared machine than wall time). */
  cpu: number;
  peakMiB: number;
  code: number | null;
  stderr: string;
}

let seq = 0;
/** One command under GNU time: wall, CPU and peak memory. */
async function measure(cmd: Cmd): Promise<Run> {
  const out = join(scratch, `time-${seq++}.txt`);
  const started = performance.now();
  const child = spawn(TIME, ["-f", "%U %S %M", "-o", out, ...cmd.argv], {
    cwd: cmd.cwd,
    env: cmd.env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-5000)));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
  const code = await new Promise<number | null>((done) => child.on("close", done));
  clearTimeout(timer);
  const ms = performance.now() - started;
  const [user, sys, kib] = (readFileSync(out, "utf8").trim().split("\n").at(-1) ?? "").split(" ").map(Number);
  return { ms, cpu: (user ?? NaN) + (sys ?? NaN), peakMiB: (kib ?? NaN) / 1024, code, stderr };
}

/** Commands in a row as one step (pip's venv, then install): times add, memory is the max. */
async function measureSteps(cmds: Cmd[]): Promise<Run> {
  const total: Run = { ms: 0, cpu: 0, peakMiB: 0, code: 0, stderr: "" };
  for (const cmd of cmds) {
    const r = await measure(cmd);
    total.ms += r.ms;
    total.cpu += r.cpu;
    total.peakMiB = Math.max(total.peakMiB, r.peakMiB);
    total.code = r.code;
    total.stderr = r.stderr;
    if (r.code !== 0) break;
  }
  return total;
}
try {
  for (const { label, tool } of tools) {
    const locked = await measureSteps(tool.lock());
    if (locked.code !== 0) throw new Error(`${label} lock failed: ${locked.stderr}`);
    tool.afterLock();
    // One untimed sync fills the cache for warm runs.
    if (measureKind === "warm") {
      const first = await measureSteps(tool.sync());
      if (first.code !== 0) throw new Error(`${label} sync failed: ${first.stderr}`);
    }
  }
  const times = new Map<string, number[]>(tools.map((t) => [t.label, []]));
  const peaks = new Map<string, number[]>(tools.map((t) => [t.label, []]));
  const cpus = new Map<string, number[]>(tools.map((t) => [t.label, []]));
  for (let i = 0; i < runs; i++) {
    for (const { label, tool } of tools) {
      tool.removeVenv();
      if (measureKind === "cold") tool.clearCache();
      const m = await measureSteps(tool.sync());
      if (m.code !== 0) throw new Error(`${label} sync failed: ${m.stderr}`);
      times.get(label)!.push(m.ms);
      peaks.get(label)!.push(m.peakMiB);
      cpus.get(label)!.push(m.cpu);
      console.error(
        `run ${i + 1} ${label}: ${(m.ms / 1000).toFixed(3)} s, CPU ${m.cpu.toFixed(2)} s, ${m.peakMiB.toFixed(0)} MiB`,
      );
    }
  }
  console.log(`${stackName} sync ${measureKind}, ${runs} interleaved runs each, medians:`);
  const pipMedian = withPip ? median(times.get("pip")!) : NaN;
  const first = median(times.get(tools[0]!.label)!);
  for (const { label } of tools) {
    const t = median(times.get(label)!);
    const p = Math.max(...peaks.get(label)!);
    const ratios = [
      label === tools[0]!.label ? "" : `${label}/${tools[0]!.label} = ${(t / first).toFixed(2)}`,
      withPip && label !== "pip" ? `pip/${label} = ${(pipMedian / t).toFixed(2)}×` : "",
    ];
    const cpu = median(cpus.get(label)!);
    console.log(
      `  ${label.padEnd(8)} ${(t / 1000).toFixed(3)} s  CPU ${cpu.toFixed(2)} s  peak ${p.toFixed(0)} MiB  ${ratios.join("  ")}`,
    );
  }
} finally {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
}
