/**
 * Interleaved A/B start-up timing of whole processes, wall time and CPU time (user + system), with
 * bare `node -e ''` in every repetition as the floor. CPU time moves less than wall time when the
 * machine is shared, so small start-up differences show through the load.
 *
 *   npx tsx bench/startup-cpu.ts DIR RUNS "label=/path/a/lockstep.mjs sync" "label2=/path/b/lockstep.mjs sync" …
 *
 * Each command runs with DIR as its working directory and the environment of this process (set
 * LOCKSTEP_CACHE_DIR as the project needs). CPU time comes from bash's `time` (getrusage of the
 * child, millisecond resolution); medians of RUNS. Prints one line per command.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [dir, runsText, ...specs] = process.argv.slice(2);
if (!dir || !runsText) throw new Error('usage: startup-cpu.ts DIR RUNS "label=BUNDLE ARGS…" …');
const runs = Number(runsText);
const commands = [
  { label: "node -e ''", argv: ["-e", ""] },
  ...specs.map((s) => {
    const at = s.indexOf("=");
    return { label: s.slice(0, at), argv: s.slice(at + 1).split(" ") };
  }),
];
const out = join(mkdtempSync(join(tmpdir(), "ls-startup-cpu-")), "time");
const wall = commands.map(() => [] as number[]);
const cpu = commands.map(() => [] as number[]);
const script = `TIMEFORMAT="%3U %3S"; { time "$@" >/dev/null 2>/dev/null; } 2>${out}`;
for (let i = 0; i < runs; i++) {
  for (const [k, c] of commands.entries()) {
    const started = process.hrtime.bigint();
    const r = spawnSync("bash", ["-c", script, "bash", process.execPath, ...c.argv], {
      cwd: dir,
      stdio: "ignore",
    });
    wall[k]?.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (r.status !== 0) throw new Error(`${c.label} failed (${r.status})`);
    const [user, sys] = readFileSync(out, "utf8").trim().split(/\s+/).map(Number);
    cpu[k]?.push(((user ?? NaN) + (sys ?? NaN)) * 1000);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const [w0, c0] = [median(wall[0] ?? []), median(cpu[0] ?? [])];
for (const [k, c] of commands.entries()) {
  const [w, u] = [median(wall[k] ?? []), median(cpu[k] ?? [])];
  process.stdout.write(
    `${c.label.padEnd(28)} wall ${w.toFixed(1).padStart(7)} ms ×${(w / w0).toFixed(2)}   cpu ${u.toFixed(1).padStart(6)} ms ×${(u / c0).toFixed(2)}\n`,
  );
}
