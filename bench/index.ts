/**
 * Index client benchmark (issue: the index client and the cache): fetch the project page and the
 * core metadata of every wheel of the 881-project PyPI 2026 snapshot from the loopback fixture
 * server, with a cold cache and then a warm one, in the server's three metadata modes. Reports wall
 * time, requests and bytes; a warm run must make no request at all.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSnapshot, serveUniverse } from "@lockstep/fixtures";
import type { ServerOptions } from "@lockstep/fixtures";
import { IndexClient } from "../packages/index/src/client";
import type { BenchRow } from "./run";

const SNAPSHOT = fileURLToPath(
  new URL("../../shared/data/pypi-snapshots/pypi-2026-wheels.json", import.meta.url),
);

async function fetchAll(
  url: string,
  cacheDir: string,
): Promise<{ ms: number; requests: number; bytes: number; metadata: number }> {
  const client = new IndexClient({ indexes: [{ url, default: true }], cacheDir });
  const started = performance.now();
  const { universe } = loadSnapshot(SNAPSHOT);
  const names = Object.keys(universe.packages);
  let metadata = 0;
  await Promise.all(
    names.map(async (name) => {
      const page = await client.project(name);
      await Promise.all(
        page.files
          .filter((f) => f.filename.endsWith(".whl"))
          .map(async (f) => {
            await client.metadata(f);
            metadata++;
          }),
      );
    }),
  );
  const ms = performance.now() - started;
  const { requests, bytes } = client.stats;
  client.close();
  return { ms, requests, bytes, metadata };
}

export async function run(): Promise<BenchRow[]> {
  const { universe } = loadSnapshot(SNAPSHOT, { realisticSizes: false });
  const rows: BenchRow[] = [];
  const modes: Array<[string, ServerOptions]> = [
    ["pep658", {}],
    ["range", { metadata: false }],
    ["download", { metadata: false, ranges: false }],
  ];
  for (const [label, opts] of modes) {
    const server = await serveUniverse(universe, opts);
    const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-bench-index-"));
    try {
      const cold = await fetchAll(server.url, cacheDir);
      const warm = await fetchAll(server.url, cacheDir);
      const projects = Object.keys(universe.packages).length;
      rows.push(
        {
          name: `${label}: cold wall time`,
          value: cold.ms,
          unit: "ms",
          note: `${projects} projects, ${cold.metadata} wheels`,
        },
        { name: `${label}: cold requests`, value: cold.requests, unit: "requests" },
        { name: `${label}: cold bytes read`, value: cold.bytes, unit: "bytes" },
        { name: `${label}: warm wall time`, value: warm.ms, unit: "ms" },
        { name: `${label}: warm requests`, value: warm.requests, unit: "requests", note: "must be 0" },
      );
    } finally {
      await server.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run())
    console.log(`${r.name}: ${r.value.toFixed(1)} ${r.unit}${r.note ? ` (${r.note})` : ""}`);
}
