/**
 * `sync`, `run`, `add` and `remove` end to end: the real bundle, spawned against the example
 * universe (plus one package with a console script that exits with the code it is given) served on
 * 127.0.0.1, in a temporary copy of examples/example-app whose pyproject names that index. One
 * project is carried through the steps in order, as a user would; the venv uses CPython 3.12.1.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildUniverse, loadUniverseFile, startIndexServer } from "@lockstep/fixtures";
import type { IndexServer, Universe } from "@lockstep/fixtures";
import {
  buildBundle,
  copyExampleApp,
  declareFixtureIndex,
  EXAMPLE_UNIVERSE,
  installedDistributions,
  run,
} from "../../testing";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-sync-cache-"));
const env: NodeJS.ProcessEnv = { ...process.env, LOCKSTEP_CACHE_DIR: cacheDir, NO_COLOR: "1" };
delete env.VIRTUAL_ENV;
delete env.LOCKSTEP_PROJECT_ENVIRONMENT;

let entry: string;
let server: IndexServer;
let project: string;
let site: string;
let original: Buffer;

/** The example universe plus `exitcode`, whose console script exits with its first argument. */
function withExitcode(u: Universe): Universe {
  return {
    ...u,
    name: `${u.name}-exitcode`,
    packages: {
      ...u.packages,
      exitcode: {
        versions: {
          "1.2.0": {
            requiresPython: ">=3.8",
            entryPoints: { console_scripts: { exitcode: "exitcode:main" } },
            files: {
              "exitcode/__init__.py":
                'import sys\n\n\ndef main():\n    print("exitcode says", " ".join(sys.argv[1:]))\n    return int(sys.argv[1]) if len(sys.argv) > 1 else 0\n',
            },
          },
        },
      },
    },
  };
}

const lockstep = (args: string[], cwd = project) => run(process.execPath, [entry, ...args], { cwd, env });

/** `name==version` of every `.dist-info` in the venv. */
const installed = () => installedDistributions(site);

/** Every entry of site-packages with its mtime: a venv nobody touched gives the same list. */
function venvStamp(): string[] {
  return readdirSync(site)
    .map((n) => `${n}@${statSync(join(site, n)).mtimeMs}`)
    .sort();
}

const BASE = [
  "attrly==24.2.0",
  "certbundle==2024.7.4",
  "charsniff==3.3.2",
  "clickly==8.1.7",
  "fastjson-native==1.3.0",
  "fetchkit==2.2.1",
  "idnakit==3.7",
  "sixer==1.16.0",
  "socksify==1.7.1",
  "timely==2.9.0",
  "urlcore==2.2.2",
  "yamlite==6.0.2",
];
const DEV = ["iniparse-lite==2.0.0", "packkit==24.1", "pluginy==1.5.0", "testrun==8.3.3"];
const sorted = (xs: string[]) => [...xs].sort();

beforeAll(async () => {
  const [bundle, built] = await Promise.all([
    buildBundle(),
    buildUniverse(withExitcode(loadUniverseFile(EXAMPLE_UNIVERSE))),
  ]);
  entry = bundle.entry;
  server = await startIndexServer(built);
  project = copyExampleApp();
  // The project names the fixture index, so every command finds it without flags.
  const file = declareFixtureIndex(project, server.url);
  original = readFileSync(file);
  site = join(project, ".venv", "lib", "python3.12", "site-packages");
});

afterAll(async () => {
  await server?.close();
});

describe("lockstep sync, run, add, remove — step by step", () => {
  test("the first sync locks, creates .venv with CPython 3.12 and installs exactly the lock's selection", async () => {
    const res = await lockstep(["sync", "--python", PY312]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/^Resolved 20 packages in [\d.]+m?s\n/);
    expect(res.stderr).toContain(
      `Using CPython 3.12.1 interpreter at: ${PY312}\nCreating virtual environment at: `,
    );
    expect(res.stderr).toMatch(
      /\nPrepared 16 packages in [\d.]+m?s\nInstalled 16 packages in [\d.]+m?s\n \+ attrly==24\.2\.0\n/,
    );
    expect(installed()).toEqual(sorted([...BASE, ...DEV]));
    expect(readFileSync(join(project, ".venv", "pyvenv.cfg"), "utf8")).toContain("version_info = 3.12.1");
  });

  test("a second sync changes nothing, asks the index nothing and leaves the venv untouched", async () => {
    const before = venvStamp();
    server.resetStats();
    const res = await lockstep(["sync", "--python", PY312]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/^Resolved 20 packages in [\d.]+m?s\nAudited 16 packages in [\d.]+m?s\n$/);
    expect(server.requests).toEqual([]);
    expect(venvStamp()).toEqual(before);
  });

  test("--extra and --group add packages; a plain sync removes them again (exact)", async () => {
    const extra = await lockstep(["sync", "--python", PY312, "--extra", "speedups"]);
    expect(extra.code, extra.stderr).toBe(0);
    expect(extra.stderr).toMatch(/Installed 1 package in [\d.]+m?s\n \+ charsniff-fast==3\.0\.1\n$/);
    expect(installed()).toContain("charsniff-fast==3.0.1");

    const noDev = await lockstep(["sync", "--python", PY312, "--no-dev"]);
    expect(noDev.code, noDev.stderr).toBe(0);
    expect(installed()).toEqual(sorted(BASE));

    const group = await lockstep(["sync", "--python", PY312, "--no-default-groups", "--group", "dev"]);
    expect(group.stderr).toMatch(/Installed 4 packages/);
    expect(installed()).toEqual(sorted([...BASE, ...DEV]));

    const only = await lockstep(["sync", "--python", PY312, "--only-group", "dev", "--dry-run"]);
    expect(only.code, only.stderr).toBe(0);
    expect(only.stderr).toContain(`Would uninstall ${BASE.length} packages\n`);
    expect(only.stderr).not.toContain("testrun");
    expect(installed()).toEqual(sorted([...BASE, ...DEV])); // --dry-run changed nothing

    const plain = await lockstep(["sync", "--python", PY312]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toMatch(/^Resolved 20 packages in [\d.]+m?s\nAudited 16 packages/);
    expect(installed()).toEqual(sorted([...BASE, ...DEV]));
  });

  test("run puts the venv first on PATH, sets VIRTUAL_ENV and passes the exit code", async () => {
    const res = await lockstep([
      "run",
      "--python",
      PY312,
      "python",
      "-c",
      "import os, sys; print(sys.prefix == os.environ['VIRTUAL_ENV'], 'PYTHONHOME' in os.environ); sys.exit(7)",
    ]);
    expect(res.stderr).toMatch(/^Resolved 20 packages in [\d.]+m?s\nAudited 16 packages/);
    expect(res.stdout).toBe("True False\n");
    expect(res.code).toBe(7);
    const missing = await lockstep(["run", "--no-sync", "--", "no-such-command-here"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      "error: Failed to spawn: `no-such-command-here`: No such file or directory",
    );
    const none = await lockstep(["run"]);
    expect(none.code).toBe(2);
  });

  test("add then remove round-trips pyproject.toml and the venv; run executes the added console script", async () => {
    const before = installed();
    const add = await lockstep(["add", "--python", PY312, "exitcode"]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toMatch(
      /^Resolved 21 packages in [\d.]+m?s\nAdded exitcode v1\.2\.0 \(new requirement exitcode\)\n/,
    );
    expect(add.stderr).toMatch(/Installed 1 package in [\d.]+m?s\n \+ exitcode==1\.2\.0\n$/);
    // Without a specifier, the locked version becomes the lower bound.
    expect(readFileSync(join(project, "pyproject.toml"), "utf8")).toContain('    "exitcode>=1.2.0",\n');

    const script = await lockstep(["run", "--python", PY312, "exitcode", "3", "--with-flag"]);
    expect(script.stdout).toBe("exitcode says 3 --with-flag\n");
    expect(script.code).toBe(3);

    const remove = await lockstep(["remove", "--python", PY312, "exitcode"]);
    expect(remove.code, remove.stderr).toBe(0);
    expect(remove.stderr).toMatch(/Uninstalled 1 package in [\d.]+m?s\n - exitcode==1\.2\.0\n$/);
    expect(readFileSync(join(project, "pyproject.toml"))).toEqual(original);
    expect(installed()).toEqual(before);
  });

  test("a conflicting add exits 1 with the report and leaves pyproject.toml unchanged", async () => {
    const lockBefore = readFileSync(join(project, "pylock.toml"));
    const res = await lockstep(["add", "yamlite<6"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("error: No solution found when resolving dependencies:");
    expect(res.stderr).toContain("yamlite<6");
    expect(readFileSync(join(project, "pyproject.toml"))).toEqual(original);
    expect(readFileSync(join(project, "pylock.toml"))).toEqual(lockBefore);
    const missing = await lockstep(["remove", "not-a-dependency"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('"not-a-dependency" is not a dependency in [project].dependencies');
  });

  test("--locked fails on a stale lock; a venv with another Python is recreated", async () => {
    const file = join(project, "pyproject.toml");
    writeFileSync(file, readFileSync(file, "utf8").replace('"yamlite>=6.0",', '"yamlite>=6.0.1",'));
    const locked = await lockstep(["sync", "--python", PY312, "--locked"]);
    expect(locked.code).toBe(3); // the lock is out of date
    expect(locked.stderr).toContain("but --locked was given");
    writeFileSync(file, original);

    const other = await lockstep(["sync", "--python", "3.11"]);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toMatch(
      /Removed virtual environment at: .*\.venv \(it uses CPython 3\.12\.1, which does not satisfy the request `3\.11`\)/,
    );
    expect(readFileSync(join(project, ".venv", "pyvenv.cfg"), "utf8")).toMatch(/version_info = 3\.11\./);
  });
});
