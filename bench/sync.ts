/**
 * Sync benchmark: ~40 pure-Python projects from the PyPI 2026 snapshot, padded to their real sizes,
 * served on loopback. lockstep syncs a fresh venv with a cold cache, with a warm cache, and syncs an
 * up-to-date venv (no-op); pip (`python3 -m venv --without-pip` + `pip install --no-deps
 * --no-compile` of the same pins from the same index) is the reference. Medians of a few runs; the
 * ratios compare rows measured in this one run.
 *
 * Run alone with `npx tsx bench/sync.ts`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildUniverse, run as runClean, loadSnapshot, startIndexServer } from "@lockstep/fixtures";
import type { Universe } from "@lockstep/fixtures";
import { IndexClient } from "../packages/index/src/client";
import { createVenv, queryInterpreter } from "../packages/python/src/index";
import { executeSync, planSync, readInstalled } from "../packages/sync/src/index";
import type { PlannedDistribution } from "../packages/sync/src/index";

interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const SNAPSHOT = fileURLToPath(
  new URL("../../shared/data/pypi-snapshots/pypi-2026-wheels.json", import.meta.url),
);
const PROJECTS = 40;
const RUNS = Number(process.env.LOCKSTEP_BENCH_RUNS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** One version (the last listed with a py3-none-any wheel) of the first PROJECTS projects that have one. */
function pickUniverse(): Universe {
  const { universe } = loadSnapshot(SNAPSHOT, { realisticSizes: true });
  const packages: Universe["packages"] = {};
  for (const [name, project] of Object.entries(universe.packages)) {
    const versions = Object.entries(project.versions).filter(
      ([, r]) =>
        r.wheels !== false && (r.wheels ?? [{ tags: "py3-none-any" }]).some((w) => w.tags === "py3-none-any"),
    );
    const last = versions.at(-1);
    if (!last) continue;
    const [version, release] = last;
    packages[name] = {
      versions: { [version]: { ...release, requiresDist: [], wheels: [{ tags: "py3-none-any" }] } },
    };
    if (Object.keys(packages).length >= PROJECTS) break;
  }
  return { name: "bench-sync", packages };
}

export async function run(): Promise<BenchRow[]> {
  const built = await buildUniverse(pickUniverse());
  const server = await startIndexServer(built);
  const work = mkdtempSync(join(tmpdir(), "ls-bench-sync-"));
  try {
    const desired: PlannedDistribution[] = [];
    let bytes = 0;
    for (const [name, files] of Object.entries(built.manifest.projects)) {
      const f = files.find((x) => x.kind === "wheel");
      if (!f) continue;
      bytes += f.size;
      desired.push({
        name,
        version: f.version,
        kind: "wheel",
        url: `${server.origin}/${f.path}`,
        filename: f.filename,
        hashes: { sha256: f.sha256 },
        size: f.size,
      });
    }
    const interpCache = join(work, "interp");
    const exe = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], {
      encoding: "utf8",
    }).trim();
    const info = queryInterpreter(exe, interpCache);
    let n = 0;
    const lockstep = async (cacheDir: string): Promise<{ ms: number; root: string }> => {
      const root = join(work, `venv-${n++}`);
      const started = performance.now();
      const venv = createVenv(root, info);
      const client = new IndexClient({ indexes: [{ url: server.url, default: true }], cacheDir });
      await executeSync(planSync(desired, readInstalled(venv.sitePackages)), {
        venv,
        interpreter: info,
        client,
        cacheDir,
      });
      client.close();
      return { ms: performance.now() - started, root };
    };
    const cold: number[] = [];
    const warm: number[] = [];
    const noop: number[] = [];
    const pip: number[] = [];
    const warmCache = join(work, "cache-warm");
    await lockstep(warmCache);
    for (let i = 0; i < RUNS; i++) {
      const c = await lockstep(join(work, `cache-cold-${i}`));
      cold.push(c.ms);
      const w = await lockstep(warmCache);
      warm.push(w.ms);
      const started = performance.now();
      const venv = createVenv(w.root, info);
      const plan = planSync(desired, readInstalled(venv.sitePackages));
      const client = new IndexClient({ indexes: [{ url: server.url, default: true }], cacheDir: warmCache });
      await executeSync(plan, { venv, interpreter: info, client, cacheDir: warmCache });
      noop.push(performance.now() - started);
      client.close();

      // Asynchronous (the index server runs in this process); no PIP_* variables, no config file.
      const pipRoot = join(work, `pip-${i}`);
      const t = performance.now();
      const mk = await runClean("python3", ["-m", "venv", "--without-pip", pipRoot]);
      const res = await runClean("python3", [
        "-m",
        "pip",
        "--python",
        join(pipRoot, "bin", "python"),
        "install",
        "--isolated",
        "--no-cache-dir",
        "--disable-pip-version-check",
        "--no-deps",
        "--no-compile",
        "--index-url",
        server.url,
        ...desired.map((d) => `${d.name}==${d.version}`),
      ]);
      pip.push(performance.now() - t);
      if (mk.code !== 0 || res.code !== 0) throw new Error(`pip failed: ${res.stderr}`);
    }
    const note = `${desired.length} wheels, ${(bytes / 1e6).toFixed(1)} MB; median of ${RUNS}`;
    const m = { cold: median(cold), warm: median(warm), noop: median(noop), pip: median(pip) };
    return [
      { name: "lockstep sync, fresh venv, cold cache", value: m.cold, unit: "ms", note },
      { name: "lockstep sync, fresh venv, warm cache", value: m.warm, unit: "ms", note },
      {
        name: "lockstep sync, no-op",
        value: m.noop,
        unit: "ms",
        note: "read venv + plan + execute, in-process",
      },
      { name: "pip venv + install --no-deps --no-compile", value: m.pip, unit: "ms", note },
      { name: "pip / lockstep cold", value: m.pip / m.cold, unit: "x" },
      { name: "pip / lockstep warm", value: m.pip / m.warm, unit: "x" },
    ];
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const row of await run())
    console.log(
      `${row.name.padEnd(44)} ${row.value.toFixed(row.unit === "x" ? 2 : 1).padStart(9)} ${row.unit}  ${row.note ?? ""}`,
    );
}
