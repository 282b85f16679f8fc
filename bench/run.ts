/**
 * `pnpm bench [NAME...]`: runs the registered benchmarks, prints one table, and writes the same
 * figures to `bench/results/<name>.json`. Each benchmark module exports
 * `run(): Promise<BenchRow[]>`; the figures are medians measured in this one run, so ratios between
 * rows of one table are meaningful even on a noisy shared machine.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Name → module path relative to the repository root. */
const registry: Record<string, string> = {
  pep440: "bench/pep440.ts",
  pep508: "bench/pep508.ts",
  pubgrub: "bench/pubgrub.ts",
  index: "bench/index.ts",
  sync: "bench/sync.ts",
  resolver: "bench/resolver.ts",
  peers: "bench/peers.ts",
  startup: "bench/startup.ts",
  "cold-lock": "bench/cold-lock-requests.ts",
};

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return value.toPrecision(4);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const unknown = wanted.filter((w) => !(w in registry));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark(s): ${unknown.join(", ")}; known: ${Object.keys(registry).join(", ")}\n`,
    );
    process.exitCode = 2;
    return;
  }
  // `peers` (whole processes against pip, poetry and pdm, ~15 min) and `startup` (whole lockstep
  // processes, ~5 min) run only when named.
  const onlyNamed = new Set(["peers", "startup"]);
  const names = wanted.length > 0 ? wanted : Object.keys(registry).filter((n) => !onlyNamed.has(n));
  const table: Array<[string, BenchRow]> = [];
  for (const name of names) {
    const modulePath = join(here, "..", registry[name] as string);
    const mod = (await import(pathToFileURL(modulePath).href)) as { run: () => Promise<BenchRow[]> };
    const rows = await mod.run();
    mkdirSync(join(here, "results"), { recursive: true });
    writeFileSync(
      join(here, "results", `${name}.json`),
      JSON.stringify({ name, date: new Date().toISOString(), node: process.version, rows }, null, 2) + "\n",
    );
    for (const row of rows) table.push([name, row]);
  }
  const header = ["bench", "measure", "value", "unit", "note"];
  const lines = table.map(([b, r]) => [b, r.name, format(r.value), r.unit, r.note ?? ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (i === 2 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(fmt(l));
}

await main();
