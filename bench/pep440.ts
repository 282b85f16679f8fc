/**
 * PEP 440 benchmark: parse, sort and version-set intersection over every version string in the
 * real PyPI snapshots (../shared/data/pypi-snapshots/*.json, keys of each project's versions).
 * Figures are medians of several timed rounds after a warm-up, on one core.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Version, VersionSet, compareVersions } from "../packages/pep440/src/index";
import { parseVersionUncached } from "../packages/pep440/src/version";
import type { BenchRow } from "./run";

const SNAPSHOTS = new URL("../../shared/data/pypi-snapshots/", import.meta.url);

function corpus(): string[] {
  const dir = SNAPSHOTS.pathname;
  const out: string[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const data = JSON.parse(readFileSync(join(dir, file), "utf8")) as Record<string, Record<string, unknown>>;
    for (const versions of Object.values(data)) out.push(...Object.keys(versions));
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Operations per second: run `fn` (doing `ops` operations) for several rounds, take the median. */
function rate(ops: number, fn: () => void, rounds = 7): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  return ops / median(times);
}

export async function run(): Promise<BenchRow[]> {
  const strings = corpus();
  const valid = strings.filter((s) => Version.tryParse(s) !== undefined);
  const versions = valid.map((s) => Version.parse(s));
  const distinct = new Set(valid).size;
  let sink = 0;

  const parse = rate(valid.length, () => {
    for (const s of valid) sink += parseVersionUncached(s).release.length;
  });
  const cached = rate(valid.length, () => {
    for (const s of valid) sink += Version.parse(s).release.length;
  });

  // Sorting: count comparisons to report comparisons per second, not sorts.
  let comparisons = 0;
  // A seeded shuffle, so sorting does real work.
  const shuffled = [...versions];
  let seed = 440;
  for (let i = shuffled.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j] as Version, shuffled[i] as Version];
  }
  [...shuffled].sort((a, b) => (comparisons++, compareVersions(a, b)));
  const sortRate = rate(comparisons, () => {
    const copy = [...shuffled];
    copy.sort(compareVersions);
    sink += copy.length;
  });
  const packed = versions.filter((v) => v._k1 >= 0).length;

  // Version sets: intersect sets built from the snapshot's own versions, as a resolver narrows ranges.
  const sets = versions
    .slice(0, 2000)
    .map((v, i) =>
      i % 3 === 0
        ? VersionSet.parse(`>=${v}`)
        : i % 3 === 1
          ? VersionSet.parse(`<${v}`)
          : VersionSet.parse(`>=${v.withoutLocal()},!=${v.release.join(".")}.*`),
    );
  const uniformSets = sets.filter((s) => s.isUniform);
  const intersect = (pool: VersionSet[]) => {
    let n = 0;
    const fn = () => {
      n = 0;
      for (let i = 0; i + 1 < pool.length; i++) {
        const x = (pool[i] as VersionSet).intersect(pool[(i * 7 + 1) % pool.length] as VersionSet);
        sink += x.isUniform ? 1 : 0;
        n++;
      }
    };
    fn();
    return rate(n, fn);
  };
  const contains = rate(versions.length * 4, () => {
    for (let k = 0; k < 4; k++) {
      const s = sets[k] as VersionSet;
      for (const v of versions) if (s.contains(v)) sink++;
    }
  });

  if (sink === 0.5) console.log(sink);
  return [
    {
      name: "corpus",
      value: strings.length,
      unit: "strings",
      note: `${distinct} distinct valid, ${strings.length - valid.length} invalid`,
    },
    { name: "parse (cold, no cache)", value: parse, unit: "versions/s" },
    { name: "parse (cached)", value: cached, unit: "versions/s" },
    {
      name: "compare (sorting)",
      value: sortRate,
      unit: "comparisons/s",
      note: `${packed}/${versions.length} versions packed`,
    },
    {
      name: "VersionSet.intersect (mixed)",
      value: intersect(sets),
      unit: "intersections/s",
      note: "from >=, < and !=X.*",
    },
    {
      name: "VersionSet.intersect (uniform)",
      value: intersect(uniformSets),
      unit: "intersections/s",
      note: "all kinds share intervals",
    },
    { name: "VersionSet.contains", value: contains, unit: "checks/s" },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const row of await run())
    console.log(
      `${row.name}: ${Math.round(row.value).toLocaleString("en-US")} ${row.unit}${row.note ? ` (${row.note})` : ""}`,
    );
}
