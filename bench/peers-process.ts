/**
 * Whole-process measurement for `pnpm bench peers`: wall time from spawn to exit, and peak memory
 * through GNU time (`/usr/bin/time -f %M`, the largest resident set of any single process in the
 * tree, in KiB — poetry's per-package pip children are not summed).
 *
 * Children are spawned asynchronously because the fixture index server runs in this process: a
 * synchronous spawn would block the event loop that answers the child's requests.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface Cmd {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Measured {
  ms: number;
  /** Peak RSS in MiB (NaN when GNU time is unavailable). */
  peakMiB: number;
  code: number | null;
  stderr: string;
  stdout: string;
}

export const TIME = "/usr/bin/time";

let seq = 0;

export async function measureOne(cmd: Cmd, scratch: string, timeoutMs: number): Promise<Measured> {
  const memFile = join(scratch, `time-${process.pid}-${seq++}.txt`);
  const useTime = existsSync(TIME);
  const [program, ...args] = useTime
    ? [TIME, "-f", "%M", "-o", memFile, ...cmd.argv]
    : (cmd.argv as [string, ...string[]]);
  const started = performance.now();
  const child = spawn(program as string, args, {
    cwd: cmd.cwd,
    env: cmd.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout = (stdout + d).slice(-20_000)));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-20_000)));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c) => resolve(c));
  });
  clearTimeout(timer);
  const ms = performance.now() - started;
  let peakMiB = NaN;
  if (useTime && existsSync(memFile)) {
    // GNU time writes "Command exited with non-zero status N" before the figure on failure.
    const lines = readFileSync(memFile, "utf8").trim().split("\n");
    peakMiB = Number(lines.at(-1)) / 1024;
    rmSync(memFile, { force: true });
  }
  return { ms, peakMiB, code, stderr, stdout };
}

/** Several commands in a row counted as one step (pip's `venv` then `install`): times add, memory is the max. */
export async function measureSteps(cmds: Cmd[], scratch: string, timeoutMs: number): Promise<Measured> {
  let total: Measured = { ms: 0, peakMiB: 0, code: 0, stderr: "", stdout: "" };
  for (const cmd of cmds) {
    const m = await measureOne(cmd, scratch, timeoutMs);
    total = {
      ms: total.ms + m.ms,
      peakMiB: Math.max(total.peakMiB, m.peakMiB),
      code: m.code,
      stderr: m.stderr,
      stdout: m.stdout,
    };
    if (m.code !== 0) break;
  }
  return total;
}

export function median(xs: number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
