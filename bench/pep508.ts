/**
 * Benchmarks for @lockstep/pep508: requirement parses/s over every requirement string in the
 * shared PyPI snapshots, marker parses/s over their markers, and marker and/or operations/s
 * (the resolver's hot path). Run: `npx tsx bench/pep508.ts`.
 */

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Marker, Requirement } from "../packages/pep508/src/index";

const SNAPSHOTS = join(import.meta.dirname, "..", "..", "shared", "data", "pypi-snapshots");

function requirementStrings(): string[] {
  const out: string[] = [];
  for (const file of readdirSync(SNAPSHOTS)) {
    if (!file.endsWith(".json")) continue;
    const data = JSON.parse(readFileSync(join(SNAPSHOTS, file), "utf8")) as unknown;
    if (typeof data !== "object" || data === null) continue;
    for (const versions of Object.values(data)) {
      if (typeof versions !== "object" || versions === null) continue;
      for (const info of Object.values(versions as Record<string, unknown>)) {
        const deps = (info as { dependencies?: unknown } | null)?.dependencies;
        if (Array.isArray(deps)) for (const d of deps) if (typeof d === "string") out.push(d);
      }
    }
  }
  return out;
}

function time(f: () => number): { ops: number; seconds: number } {
  const start = process.hrtime.bigint();
  const ops = f();
  return { ops, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

export async function run(): Promise<{ name: string; value: number; unit: string; note?: string }[]> {
  const reqs = requirementStrings();
  let failed = 0;
  const parsed: Requirement[] = [];
  const r = time(() => {
    for (const s of reqs) {
      try {
        parsed.push(Requirement.parse(s));
      } catch {
        failed++;
      }
    }
    return reqs.length;
  });
  const markerTexts = [...new Set(parsed.map((p) => p.marker.toString()).filter((t) => t !== ""))];
  const m = time(() => {
    let n = 0;
    for (let round = 0; round < 5; round++) {
      for (const t of markerTexts) {
        Marker.parse(t);
        n++;
      }
    }
    return n;
  });
  const markers = markerTexts.map((t) => Marker.parse(t));
  const ops = time(() => {
    let n = 0;
    for (let i = 0; i < markers.length; i++) {
      for (let j = 0; j < 50; j++) {
        const a = markers[i]!;
        const b = markers[(i * 7 + j * 13) % markers.length]!;
        a.and(b);
        a.or(b);
        a.isDisjoint(b);
        n += 3;
      }
    }
    return n;
  });
  return [
    {
      name: "pep508 requirement parse",
      value: Math.round(r.ops / r.seconds),
      unit: "ops/s",
      note: `${reqs.length} strings from pypi-snapshots, ${failed} rejected, cold caches`,
    },
    {
      name: "pep508 marker parse",
      value: Math.round(m.ops / m.seconds),
      unit: "ops/s",
      note: `${markerTexts.length} distinct canonical markers, 5 rounds (interned)`,
    },
    {
      name: "pep508 marker and/or/isDisjoint",
      value: Math.round(ops.ops / ops.seconds),
      unit: "ops/s",
      note: `${ops.ops} operations over snapshot markers`,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const row of await run())
    console.log(`${row.name.padEnd(34)} ${String(row.value).padStart(10)} ${row.unit}  ${row.note ?? ""}`);
}
