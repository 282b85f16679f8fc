/**
 * Shared by the sync tests and the crash-test child: a small fixture universe with
 * upgrades, downgrades, scripts and data files; plans built from its manifest; venvs; a tree
 * snapshot to compare venvs file by file. Test support: not shipped.
 */
import { execFileSync } from "node:child_process";
import { lstatSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { createVenv, queryInterpreter } from "@lockstep/python";
import type { InterpreterInfo, Venv } from "@lockstep/python";
import type { BuiltIndex, Universe } from "@lockstep/fixtures";
import type { PlannedDistribution } from "../src/plan";

const many = (prefix: string, n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}/m${i}.py`, `X = ${i}\n`]));

export const SYNC_UNIVERSE: Universe = {
  name: "sync-tests",
  packages: {
    alpha: {
      versions: {
        "1.0": { files: { "alpha/__init__.py": "V = 1\n", ...many("alpha/old", 3) } },
        "2.0": {
          files: {
            "alpha/__init__.py": "V = 2\n",
            "alpha/cli.py": "def main():\n    print('alpha 2')\n",
            ...many("alpha/new", 2),
          },
          entryPoints: { console_scripts: { alpha: "alpha.cli:main" } },
        },
      },
    },
    beta: {
      versions: {
        "1.0": { files: { "beta.py": "B = 1\n" } },
        "1.1": { files: { "beta.py": "B = 11\n", "beta_extra/x.txt": "x\n" } },
      },
    },
    gamma: {
      versions: {
        "0.5": {
          files: { "gamma/__init__.py": "" },
          dataFiles: {
            scripts: { "gamma-tool": "#!python\nprint('g')\n" },
            data: { "share/gamma/g.txt": "g\n" },
          },
        },
      },
    },
    delta: {
      versions: {
        "3.0": {
          files: { "delta/__init__.py": "D = 3\n" },
          dataFiles: { headers: { "delta.h": "int d;\n" } },
        },
      },
    },
  },
};

/** The planned distribution for `name==version` from a built universe served at `origin`. */
export function planned(
  built: BuiltIndex,
  origin: string,
  name: string,
  version: string,
): PlannedDistribution {
  const file = (built.manifest.projects[name] ?? []).find((f) => f.kind === "wheel" && f.version === version);
  if (!file) throw new Error(`no wheel for ${name}==${version} in the fixture universe`);
  return {
    name,
    version,
    kind: "wheel",
    url: `${origin}/${file.path}`,
    filename: file.filename,
    hashes: { sha256: file.sha256 },
    size: file.size,
  };
}

export function plannedSet(
  built: BuiltIndex,
  origin: string,
  pins: Record<string, string>,
): PlannedDistribution[] {
  return Object.entries(pins)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([n, v]) => planned(built, origin, n, v));
}

export function python3(cacheDir?: string): InterpreterInfo {
  const exe = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], {
    encoding: "utf8",
  }).trim();
  return queryInterpreter(exe, cacheDir);
}

export function newVenv(root: string, info: InterpreterInfo): Venv {
  return createVenv(root, info, { prompt: "venv" });
}

/** Every file and symlink under `root`, relative, sorted (directories implied by them; empty ones listed with a trailing `/`). */
export function tree(root: string, dir = root, out: string[] = []): string[] {
  const names = readdirSync(dir);
  if (names.length === 0 && dir !== root) out.push(`${relative(root, dir)}/`);
  for (const name of names) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory() && !st.isSymbolicLink()) tree(root, path, out);
    else out.push(relative(root, path));
  }
  return out.sort();
}
