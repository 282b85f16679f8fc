/**
 * The graphs `pnpm bench peers` locks and syncs: real-metadata PyPI snapshots (cheroot, pandas, the
 * 2026 jupyterlab+notebook and fastapi[standard] graphs) and generated universes of a chosen size,
 * all as fixture universes served on 127.0.0.1.
 *
 * Pitfalls (see ../shared/peers.md): every release is written with Metadata-Version 2.1, because
 * poetry 1.3's pkginfo reads no Requires-Dist from 2.3 files and would silently lock the root alone;
 * the 2026 snapshot lacks a few projects reachable from these roots (appnope, pywinpty, fastapi-cli,
 * …), so a stand-in release with no dependencies is added for each missing name, at a version that
 * satisfies the requirements naming it, and the names are reported.
 */
import { join } from "node:path";
import { loadSnapshot } from "@lockstep/fixtures";
import type { ReleaseSpec, Universe } from "@lockstep/fixtures";

const SNAPSHOTS = join(import.meta.dirname, "../../shared/data/pypi-snapshots");

export interface PeerGraph {
  name: string;
  /** PEP 508 requirements of the benchmark project. */
  roots: string[];
  universe: () => Universe;
  /**
   * Which measures: "all"; "lock" (every lock measure, no sync: keeps the whole bench within
   * ~15 min on a shared 2-core machine); "cold+warm" (generated graphs: syncing thousands of stub
   * packages says little). Default "all".
   */
  measures?: "all" | "lock" | "cold+warm";
  /** Generated graphs: the number of projects in the universe. */
  size?: number;
  /** Stand-in projects added for names the snapshot lacks. */
  standIns?: string[];
}

/** Every release written as Metadata-Version 2.1 (poetry 1.3 cannot read 2.3). */
function asMetadata21(u: Universe): Universe {
  for (const project of Object.values(u.packages))
    for (const release of Object.values(project.versions)) release.metadataVersion = "2.1";
  return u;
}

const canon = (n: string) => n.toLowerCase().replace(/[-_.]+/g, "-");

const REQ = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*([^;]*)(?:;(.*))?$/;

/**
 * Adds a stand-in for every name reachable from `roots` that no project provides: one py3-none-any
 * release with the extras asked for, versioned at the `==` pin if a requirement has one, else at the
 * highest `>=`/`~=`/`>` bound any requirement names. Reachable: through any version's requirements whose marker asks for no extra,
 * or for an extra that was requested (as a universal lock explores them); other extras (docs,
 * tests) are not followed.
 */
function addStandIns(u: Universe, roots: string[], found: string[]): Universe {
  const byName = new Map(Object.entries(u.packages).map(([n, p]) => [canon(n), p]));
  const wanted = new Map<string, { versions: string[]; extras: Set<string> }>();
  /** An exact pin wins: the stand-in must be that version. */
  const pins = new Map<string, string>();
  const seen = new Set<string>();
  const queue: Array<[string, string[]]> = [];
  const visit = (req: string) => {
    const m = REQ.exec(req);
    if (!m) return;
    const name = canon(m[1] as string);
    const extras = (m[2] ?? "")
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    if (!byName.has(name)) {
      const entry = wanted.get(name) ?? { versions: [], extras: new Set<string>() };
      for (const e of extras) entry.extras.add(e);
      for (const b of (m[3] ?? "").matchAll(/(>=|==|~=|>)\s*([0-9][0-9a-z.]*)/gi)) {
        entry.versions.push(b[2] as string);
        if (b[1] === "==") pins.set(name, b[2] as string);
      }
      wanted.set(name, entry);
      return;
    }
    for (const key of [name, ...extras.map((e) => `${name}[${canon(e)}]`)])
      if (!seen.has(key)) {
        seen.add(key);
        queue.push([name, key === name ? [] : [canon(key.slice(name.length + 1, -1))]]);
      }
  };
  for (const r of roots) visit(r);
  while (queue.length > 0) {
    const [name, extras] = queue.shift() as [string, string[]];
    for (const release of Object.values(byName.get(name)?.versions ?? {}))
      for (const req of release.requiresDist ?? []) {
        const marker = REQ.exec(req)?.[4] ?? "";
        const asked = [...marker.matchAll(/extra\s*==\s*["']([^"']+)["']/g)].map((x) =>
          canon(x[1] as string),
        );
        if (asked.length === 0 ? extras.length === 0 : asked.some((e) => extras.includes(e))) visit(req);
      }
  }
  const num = (v: string) => v.split(".").map((x) => Number.parseInt(x, 10) || 0);
  const newer = (a: string, b: string) => {
    const x = num(a);
    const y = num(b);
    for (let i = 0; i < Math.max(x.length, y.length); i++)
      if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
    return false;
  };
  for (const [name, { versions, extras }] of wanted) {
    const version =
      pins.get(name) ?? versions.reduce((best, v) => (newer(v, best) ? v : best), versions[0] ?? "1.0");
    const release: ReleaseSpec = { requiresDist: [], sdist: false, extras: [...extras] };
    u.packages[name] = { versions: { [version]: release } };
    found.push(`${name} ${version}`);
  }
  return u;
}

function snapshot(file: string, roots: string[], standIns?: string[]): () => Universe {
  return () => {
    const u = loadSnapshot(join(SNAPSHOTS, file)).universe;
    if (standIns) standIns.length = 0;
    return asMetadata21(standIns ? addStandIns(u, roots, standIns) : u);
  };
}

/** mulberry32: a small seeded PRNG, so a generated universe is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const GENERATED_ROOTS = 20;

/**
 * `size` projects `gen-00000`…, three versions each (1.0, 1.1, 2.0); each release depends on up to
 * three projects with a higher number (a DAG, so no conflicts), with a lower bound its target
 * satisfies. The root asks for the first GENERATED_ROOTS projects; with ~2 edges per release almost
 * every project is reachable, so the locked set grows with `size`.
 */
export function generatedUniverse(size: number, seed = 17): Universe {
  const rnd = prng(seed + size);
  const name = (i: number) => `gen-${String(i).padStart(5, "0")}`;
  const packages: Universe["packages"] = {};
  for (let i = 0; i < size; i++) {
    const versions: Record<string, ReleaseSpec> = {};
    for (const v of ["1.0", "1.1", "2.0"]) {
      const deps = new Set<string>();
      const n = i + 1 < size ? Math.floor(rnd() * 4) : 0;
      for (let k = 0; k < n; k++) {
        // Mostly near neighbours, sometimes far: keeps the graph connected and the depth moderate.
        const span = rnd() < 0.8 ? 40 : size;
        const j = Math.min(size - 1, i + 1 + Math.floor(rnd() * span));
        if (j > i) deps.add(`${name(j)}>=${rnd() < 0.5 ? "1.0" : "1.1"}`);
      }
      versions[v] = { requiresDist: [...deps].sort(), sdist: false, metadataVersion: "2.1" };
    }
    packages[name(i)] = { versions };
  }
  return { name: `bench-peers-generated-${size}-${seed}`, packages };
}

export function generatedRoots(): string[] {
  return Array.from({ length: GENERATED_ROOTS }, (_, i) => `gen-${String(i).padStart(5, "0")}`);
}

export function peerGraphs(sizes: number[]): PeerGraph[] {
  const jupyterStandIns: string[] = [];
  const fastapiStandIns: string[] = [];
  return [
    { name: "cheroot", roots: ["cheroot"], universe: snapshot("pypi-2020-11-17-cheroot.json", ["cheroot"]) },
    {
      name: "pandas",
      roots: ["pandas"],
      universe: snapshot("pypi-2020-02-15-pandas.json", ["pandas"]),
      measures: "lock",
    },
    {
      name: "jupyterlab+notebook",
      roots: ["jupyterlab", "notebook"],
      universe: snapshot("pypi-2026-wheels.json", ["jupyterlab", "notebook"], jupyterStandIns),
      standIns: jupyterStandIns,
    },
    {
      name: "fastapi[standard]",
      roots: ["fastapi[standard]"],
      universe: snapshot("pypi-2026-wheels.json", ["fastapi[standard]"], fastapiStandIns),
      measures: "lock",
      standIns: fastapiStandIns,
    },
    ...sizes.map((size) => ({
      name: `generated-${size}`,
      roots: generatedRoots(),
      universe: () => generatedUniverse(size),
      measures: "cold+warm" as const,
      size,
    })),
  ];
}
