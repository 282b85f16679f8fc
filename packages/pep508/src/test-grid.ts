/**
 * Test support: a grid of marker environments (OS × implementation × Python) used by the
 * differential and property tests, plus a small seeded PRNG. Not exported from the package.
 *
 * The "other" platform and implementation exist so that every satisfiable combination of
 * `!=` constraints over the grid's own values has a witness in the grid.
 */

import type { MarkerEnvironment } from "./environment";

export interface GridEnv {
  env: MarkerEnvironment;
  extra: string;
}

const PLATFORMS = [
  {
    os_name: "posix",
    sys_platform: "linux",
    platform_system: "Linux",
    platform_machine: "x86_64",
    platform_release: "5.15.0",
    platform_version: "#1 SMP",
  },
  {
    os_name: "posix",
    sys_platform: "darwin",
    platform_system: "Darwin",
    platform_machine: "arm64",
    platform_release: "23.1.0",
    platform_version: "Darwin Kernel Version 23.1.0",
  },
  {
    os_name: "nt",
    sys_platform: "win32",
    platform_system: "Windows",
    platform_machine: "AMD64",
    platform_release: "10",
    platform_version: "10.0.19045",
  },
  {
    os_name: "other",
    sys_platform: "other",
    platform_system: "Other",
    platform_machine: "other",
    platform_release: "1.0",
    platform_version: "other",
  },
] as const;

const IMPLEMENTATIONS = [
  { implementation_name: "cpython", platform_python_implementation: "CPython" },
  { implementation_name: "pypy", platform_python_implementation: "PyPy" },
  { implementation_name: "other", platform_python_implementation: "Other" },
] as const;

export const PYTHONS = [
  "3.7.0",
  "3.7.17",
  "3.8.0",
  "3.8.18",
  "3.9.0",
  "3.9.18",
  "3.10.0",
  "3.10.13",
  "3.11.0",
  "3.11.7",
  "3.12.0",
  "3.12.1",
  "3.13.0",
  "3.13.1",
];

export const EXTRAS = ["", "test", "foo-bar"];

export function grid(opts: { extras?: readonly string[]; prerelease?: boolean } = {}): GridEnv[] {
  const out: GridEnv[] = [];
  const pythons = opts.prerelease ? [...PYTHONS, "3.14.0rc2"] : PYTHONS;
  for (const p of PLATFORMS) {
    for (const impl of IMPLEMENTATIONS) {
      for (const full of pythons) {
        for (const extra of opts.extras ?? [""]) {
          const [x, y] = full.split(".");
          out.push({
            env: {
              ...p,
              ...impl,
              implementation_version: impl.implementation_name === "pypy" ? "7.3.12" : full,
              python_full_version: full,
              python_version: `${x}.${y}`,
            },
            extra,
          });
        }
      }
    }
  }
  return out;
}

/** mulberry32: a tiny deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/**
 * Realistic environments only (every one consistent with marker-knowledge.ts): Linux, macOS,
 * Windows, FreeBSD and Cygwin × CPython and PyPy × several Pythons. Used to check that what the
 * algebra concludes from its environment knowledge holds wherever a real interpreter could run.
 */
export function realisticGrid(): GridEnv[] {
  const platforms = [
    PLATFORMS[0],
    PLATFORMS[1],
    PLATFORMS[2],
    {
      os_name: "posix",
      sys_platform: "freebsd14",
      platform_system: "FreeBSD",
      platform_machine: "amd64",
      platform_release: "14.1-RELEASE",
      platform_version: "FreeBSD 14.1-RELEASE",
    },
    {
      os_name: "posix",
      sys_platform: "cygwin",
      platform_system: "CYGWIN_NT-10.0-19045",
      platform_machine: "x86_64",
      platform_release: "3.5.4-1.x86_64",
      platform_version: "2024-08-25 16:52 UTC",
    },
  ];
  const out: GridEnv[] = [];
  for (const p of platforms) {
    for (const impl of IMPLEMENTATIONS.slice(0, 2)) {
      for (const full of ["3.8.18", "3.10.13", "3.12.1", "3.13.1"]) {
        const [x, y] = full.split(".");
        out.push({
          env: {
            ...p,
            ...impl,
            implementation_version: impl.implementation_name === "pypy" ? "7.3.17" : full,
            python_full_version: full,
            python_version: `${x}.${y}`,
          },
          extra: "",
        });
      }
    }
  }
  return out;
}
