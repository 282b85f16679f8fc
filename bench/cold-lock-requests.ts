/**
 * `pnpm bench cold-lock`: what a cold `lockstep lock` (empty cache, no pylock.toml) asks the index
 * for, against what it locks. Each snapshot graph of `pnpm bench peers` is served by the fixture
 * server in three set-ups — PEP 658 metadata files; no metadata files (range requests); no metadata
 * files and no ranges (a static mirror: the whole wheel) — and the bundled CLI locks it once; the
 * server's own request log is counted: project pages, `.metadata` files, requests for wheels (and
 * their bytes), against the packages in the lock. Counts, not timings: they hold on a loaded
 * machine, and a request that is not needed shows up as a count above the package count.
 *
 * COLD_LOCK_CLI=path/to/lockstep.mjs uses a bundle built earlier; otherwise one is built.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveUniverse } from "@lockstep/fixtures";
import type { ServerOptions } from "@lockstep/fixtures";
import { peerGraphs } from "./peers-graphs";
import type { BenchRow } from "./run";

const REPO = fileURLToPath(new URL("..", import.meta.url));

const SETUPS: Array<[string, Partial<ServerOptions>]> = [
  ["pep658", {}],
  ["ranges", { metadata: false }],
  ["static", { metadata: false, ranges: false }],
];

function bundle(scratch: string): string {
  if (process.env.COLD_LOCK_CLI) return process.env.COLD_LOCK_CLI;
  const out = join(scratch, "cli");
  const b = spawnSync(process.execPath, [join(REPO, "packages/cli/build.mjs"), "--quiet", "--outdir", out], {
    encoding: "utf8",
  });
  if (b.status !== 0) throw new Error(`building the CLI failed: ${b.stderr}`);
  return join(out, "lockstep.mjs");
}

export async function run(): Promise<BenchRow[]> {
  const scratch = mkdtempSync(join(tmpdir(), "lockstep-cold-lock-"));
  const cli = bundle(scratch);
  const rows: BenchRow[] = [];
  const only = process.env.PEERS_GRAPHS?.split(",");
  try {
    for (const g of peerGraphs([])) {
      if (g.name.startsWith("generated") || (only && !only.some((w) => g.name.includes(w)))) continue;
      const server = await serveUniverse(g.universe());
      try {
        for (const [setup, options] of SETUPS) {
          server.setOptions({ metadata: true, ranges: true, ...options });
          const dir = join(scratch, `${g.name.replace(/\W+/g, "-")}-${setup}`);
          const cache = join(dir, ".cache");
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          writeFileSync(
            join(dir, "pyproject.toml"),
            `[project]\nname = "bench-app"\nversion = "0.1.0"\nrequires-python = ">=3.11,<4"\n` +
              `dependencies = [${g.roots.map((r) => JSON.stringify(r)).join(", ")}]\n\n` +
              `[[tool.lockstep.index]]\nname = "bench"\nurl = "${server.url}/"\ndefault = true\n`,
          );
          server.resetStats();
          // Asynchronously: the server answers from this process's event loop.
          await promisify(execFile)(process.execPath, [cli, "lock"], {
            cwd: dir,
            env: { ...process.env, LOCKSTEP_CACHE_DIR: cache },
          }).catch((e: { stderr?: string }) => {
            throw new Error(`${g.name} (${setup}): lock failed: ${e.stderr ?? String(e)}`);
          });
          const locked = (readFileSync(join(dir, "pylock.toml"), "utf8").match(/^\[\[packages\]\]/gm) ?? [])
            .length;
          const reqs = server.requests;
          const pages = reqs.filter((q) => q.path.startsWith("/simple/")).length;
          const metadata = reqs.filter((q) => q.path.endsWith(".metadata")).length;
          const files = reqs.filter((q) => q.path.startsWith("/files/") && !q.path.endsWith(".metadata"));
          const mib = files.reduce((n, q) => n + q.bytes, 0) / 1024 ** 2;
          const note = `${locked} locked: ${pages} pages, ${metadata} .metadata, ${files.length} wheel requests (${mib.toFixed(1)} MiB)`;
          rows.push({
            name: `${g.name} ${setup}: requests per package locked`,
            value: reqs.length / locked,
            unit: "×",
            note,
          });
        }
      } finally {
        await server.close();
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}
