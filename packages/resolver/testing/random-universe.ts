/**
 * Seeded random universes for differential and grid tests: 5–25 projects, 1–8 versions each,
 * dependencies with random specifier sets, some extras, some markers on `sys_platform` and
 * `python_version`, some Requires-Python, and a few releases whose only file is a wheel for
 * another platform.
 *
 * Two flavours: `satisfiable` aims specifiers at versions that exist (most such universes
 * resolve), `conflicting` adds pins and disjoint ranges on shared packages (many do not).
 * Only conflicting universes contain specifiers that match no version at all (`>=1.0,<1.0`).
 * Dependencies only point "down" the project list, so there are no cycles, and every project is
 * named `p<i>` with some written in another spelling (`P_3`) to exercise name normalization.
 *
 * Deliberately absent, because the tools disagree by design rather than by bug: pre-releases (pip
 * admits one whenever no final release matches; lockstep only when every version is one or the
 * requirement names one) and yanked releases (pip may pick a yanked release that is the only match;
 * lockstep only when it is pinned with `==`).
 */
import { VersionSet } from "@lockstep/pep440";
import type { ReleaseSpec, Universe } from "@lockstep/fixtures";

/** mulberry32: small, fast, good enough for test data, and the same on every platform. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

export type Flavour = "satisfiable" | "conflicting";

export interface GeneratorOptions {
  flavour: Flavour;
  /** Probability that a dependency carries a marker (default 0.15; grid tests raise it). */
  markerRate?: number;
  /** Allow Requires-Python upper bounds (`<3.11`). Default true; universal tests turn them off. */
  upperRequiresPython?: boolean;
  /** Give a few releases only a Windows wheel. Default true; universal tests turn it off (a universal
   * lock does not filter by platform tags, so such a release would be locked for Linux too). */
  platformWheels?: boolean;
}

export interface GeneratedUniverse {
  universe: Universe;
  /** The root's requirements (PEP 508 strings). */
  root: string[];
  seed: number;
  flavour: Flavour;
}

const MARKERS = [
  "sys_platform == 'win32'",
  "sys_platform != 'win32'",
  "sys_platform == 'linux'",
  "sys_platform == 'darwin'",
  "python_version < '3.10'",
  "python_version >= '3.11'",
  "python_version >= '3.12'",
  "sys_platform == 'linux' and python_version >= '3.10'",
  "sys_platform == 'darwin' or python_version < '3.9'",
];

const EXTRAS = ["fast", "cli"];

function projectName(i: number, rng: Rng): string {
  return rng.chance(0.15) ? `P_${i}` : `p${i}`;
}

/** Versions of one project, ascending: 1.0, 1.1, 2.0, 2.0.1 … */
function versionList(rng: Rng, count: number): string[] {
  const out: string[] = [];
  let major = rng.int(0, 2);
  let minor = 0;
  let patch = 0;
  for (let i = 0; i < count; i++) {
    out.push(patch > 0 ? `${major}.${minor}.${patch}` : `${major}.${minor}`);
    const step = rng.next();
    if (step < 0.3) {
      major++;
      minor = 0;
      patch = 0;
    } else if (step < 0.8) {
      minor++;
      patch = 0;
    } else {
      patch++;
    }
  }
  return out;
}

/** A specifier set over `versions` (the target's), or one that matches nothing when `conflict`. */
function specifier(rng: Rng, versions: readonly string[], conflict: boolean, allowEmpty: boolean): string {
  const a = rng.int(0, versions.length - 1);
  const b = rng.int(0, versions.length - 1);
  const v = versions[a] ?? "1.0";
  const lo = versions[Math.min(a, b)] ?? v;
  const hi = versions[Math.max(a, b)] ?? v;
  if (conflict && rng.chance(0.4))
    return rng.pick([`==${v}`, `>${versions[versions.length - 1] ?? v}`, `<${versions[0] ?? v}`]);
  const forms = [
    "",
    `>=${v}`,
    `<${v}`,
    `<=${v}`,
    `!=${v}`,
    `==${v}`,
    `>=${lo},<${hi}`,
    `>=${lo},!=${hi}`,
    `~=${v.split(".").slice(0, 2).join(".")}`,
    `==${v.split(".")[0] ?? "1"}.*`,
  ];
  const chosen = rng.pick(forms);
  // An empty set (`>=1.0,<1.0`, `<0.0`) is a conflict by construction: only conflicting universes get one.
  return !allowEmpty && chosen !== "" && VersionSet.parse(chosen).isEmpty() ? `>=${v}` : chosen;
}

function requirement(
  rng: Rng,
  name: string,
  versions: readonly string[],
  extras: readonly string[],
  opts: Required<GeneratorOptions>,
): string {
  const conflict = opts.flavour === "conflicting";
  const spec = specifier(rng, versions, conflict && rng.chance(0.3), conflict);
  const extra = extras.length > 0 && rng.chance(0.3) ? `[${rng.pick(extras)}]` : "";
  const marker = rng.chance(opts.markerRate) ? ` ; ${rng.pick(MARKERS)}` : "";
  return `${name}${extra}${spec}${marker}`;
}

export function generateUniverse(seed: number, options: GeneratorOptions): GeneratedUniverse {
  const rng = new Rng(seed);
  const opts: Required<GeneratorOptions> = {
    markerRate: 0.15,
    upperRequiresPython: true,
    platformWheels: true,
    ...options,
  };
  const n = rng.int(5, 25);
  const names = Array.from({ length: n }, (_, i) => projectName(i, rng));
  const versions = names.map(() => versionList(rng, rng.int(1, 8)));
  const extrasOf = names.map(() => (rng.chance(0.35) ? EXTRAS.slice(0, rng.int(1, 2)) : []));
  const universe: Universe = { name: `random-${opts.flavour}-${seed}`, packages: {} };
  const depRate = opts.flavour === "conflicting" ? 2.2 : 1.6;
  for (let i = 0; i < n; i++) {
    const releases: Record<string, ReleaseSpec> = {};
    for (const v of versions[i] ?? []) {
      const spec: ReleaseSpec = {};
      const deps: string[] = [];
      const below = n - i - 1;
      const count = below === 0 ? 0 : Math.min(below, Math.floor(rng.next() * depRate * 2));
      const targets = new Set<number>();
      for (let k = 0; k < count; k++) targets.add(rng.int(i + 1, n - 1));
      for (const j of targets) {
        deps.push(requirement(rng, names[j] as string, versions[j] ?? [], extrasOf[j] ?? [], opts));
      }
      const extras = extrasOf[i] ?? [];
      if (extras.length > 0) {
        spec.extras = [...extras];
        for (const extra of extras) {
          if (below === 0 || rng.chance(0.3)) continue;
          const j = rng.int(i + 1, n - 1);
          const base = requirement(rng, names[j] as string, versions[j] ?? [], [], {
            ...opts,
            markerRate: 0,
          });
          const marker = rng.chance(opts.markerRate) ? ` and ${rng.pick(MARKERS.slice(0, 4))}` : "";
          deps.push(`${base} ; extra == '${extra}'${marker}`);
        }
      }
      if (deps.length > 0) spec.requiresDist = deps;
      const rp = rng.next();
      if (rp < 0.08) spec.requiresPython = ">=3.12";
      else if (rp < 0.16) spec.requiresPython = ">=3.8";
      else if (rp < 0.22 && opts.upperRequiresPython) spec.requiresPython = "<3.11";
      if (rng.chance(0.04) && opts.platformWheels) {
        spec.wheels = [{ tags: "cp311-cp311-win_amd64" }];
        spec.sdist = false;
      } else {
        // Wheels only: pip would otherwise build an sdist to read its metadata, which is slow.
        spec.sdist = false;
      }
      releases[v] = spec;
    }
    universe.packages[names[i] as string] = { versions: releases };
  }
  const rootCount = rng.int(1, Math.min(4, n));
  const rootTargets = new Set<number>();
  for (let k = 0; k < rootCount; k++) rootTargets.add(rng.int(0, Math.min(n - 1, 4)));
  const root = [...rootTargets].map((j) => {
    const r = requirement(rng, names[j] as string, versions[j] ?? [], extrasOf[j] ?? [], {
      ...opts,
      markerRate: opts.markerRate / 2,
    });
    return r;
  });
  return { universe, root, seed, flavour: opts.flavour };
}
