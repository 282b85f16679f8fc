/**
 * The CLI end to end: the real bundle spawned against the example universe served on 127.0.0.1, in
 * a temporary copy of examples/example-app. One project is carried through the steps in order
 * (first lock, no-op, edit, check, re-lock, upgrade, conflict), as a user would.
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildUniverse, loadUniverseFile, startIndexServer } from "@lockstep/fixtures";
import type { IndexServer, Manifest, Universe } from "@lockstep/fixtures";
import { buildBundle, copyExampleApp, EXAMPLE_UNIVERSE, run } from "../testing";

let entry: string;
let metafile: Awaited<ReturnType<typeof buildBundle>>["metafile"];
let server: IndexServer;
let manifest: Manifest;
let newer: IndexServer;
let project: string;
const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-cli-cache-"));
const env = { ...process.env, LOCKSTEP_CACHE_DIR: cacheDir, NO_COLOR: "1" };

function lockstep(args: string[], cwd = project) {
  return run(process.execPath, [entry, ...args], { cwd, env });
}

/** The example universe plus one newer yamlite release. */
function withNewerYamlite(u: Universe): Universe {
  const yamlite = u.packages.yamlite;
  if (!yamlite) throw new Error("the example universe has no yamlite");
  return {
    ...u,
    name: `${u.name}-newer-yamlite`,
    packages: {
      ...u.packages,
      yamlite: {
        ...yamlite,
        versions: {
          ...yamlite.versions,
          "6.0.3": {
            summary: "A YAML parser and emitter",
            requiresPython: ">=3.8",
            uploadTime: "2024-10-01T00:00:00Z",
          },
        },
      },
    },
  };
}

beforeAll(async () => {
  const universe = loadUniverseFile(EXAMPLE_UNIVERSE);
  const [bundle, built, builtNewer] = await Promise.all([
    buildBundle(),
    buildUniverse(universe),
    buildUniverse(withNewerYamlite(universe)),
  ]);
  entry = bundle.entry;
  metafile = bundle.metafile;
  manifest = built.manifest;
  server = await startIndexServer(built);
  newer = await startIndexServer(builtNewer);
  project = copyExampleApp();
});

afterAll(async () => {
  await server?.close();
  await newer?.close();
});

describe("lockstep lock, step by step", () => {
  test("the first lock resolves and writes pylock.toml", async () => {
    const res = await lockstep(["lock", "--index-url", server.url]);
    expect(res.stderr).toMatch(/^Resolved 20 packages in [\d.]+m?s\n$/);
    expect(res.code).toBe(0);
    const lock = readFileSync(join(project, "pylock.toml"), "utf8");
    expect(lock).toContain('name = "fetchkit"\nversion = "2.2.1"'); // 2.3.0 is yanked
    expect(lock).toContain(`[tool.lockstep.inputs]\nproject-name = "example-app"`);
  });

  test("an up-to-date lock is neither re-resolved nor rewritten, and asks the index nothing", async () => {
    const path = join(project, "pylock.toml");
    const before = { bytes: readFileSync(path), mtime: statSync(path).mtimeMs };
    server.resetStats();
    const res = await lockstep(["lock", "--index-url", server.url]);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/^Resolved 20 packages in \d+ms\n$/);
    expect(server.requests).toEqual([]);
    expect(readFileSync(path).equals(before.bytes)).toBe(true);
    expect(statSync(path).mtimeMs).toBe(before.mtime);
  });

  test("--check passes on a fresh lock and --frozen reads it as it is", async () => {
    const check = await lockstep(["lock", "--check", "--index-url", server.url]);
    expect(check).toMatchObject({ code: 0, stdout: "" });
    expect(check.stderr).toMatch(/^Resolved 20 packages in/);
    const frozen = await lockstep(["lock", "--frozen"]);
    expect(frozen.code).toBe(0);
  });

  test("after adding a dependency, --check fails naming it, and lock adds it", async () => {
    const pyproject = join(project, "pyproject.toml");
    writeFileSync(
      pyproject,
      readFileSync(pyproject, "utf8").replace(
        '    "yamlite>=6.0",\n',
        '    "yamlite>=6.0",\n    "importlib-meta>=6",\n',
      ),
    );
    const lockPath = join(project, "pylock.toml");
    const before = readFileSync(lockPath, "utf8");
    const check = await lockstep(["lock", "--check", "--index-url", server.url]);
    expect(check.code).toBe(3); // the lock is out of date
    expect(check.stderr).toMatchInlineSnapshot(`
      "error: The lock file \`pylock.toml\` needs to be updated, but --check was given:
        - dependency \`importlib-meta>=6\` was added
        hint: run \`lockstep lock\` to update it
      "
    `);
    expect(readFileSync(lockPath, "utf8")).toBe(before);
    const lock = await lockstep(["lock", "--index-url", server.url]);
    expect(lock.code).toBe(0);
    expect(lock.stderr).toMatch(
      /^Resolved 21 packages in [\d.]+m?s\nAdded importlib-meta v6\.7\.0 \(new requirement importlib-meta>=6\)\n$/,
    );
  });

  test("--upgrade-package takes a newer version the index gained, and only that", async () => {
    const res = await lockstep(["lock", "--index-url", newer.url, "--upgrade-package", "yamlite"]);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /^Resolved 21 packages in [\d.]+m?s\nUpdated yamlite v6\.0\.2 -> v6\.0\.3 \(--upgrade-package yamlite\)\n$/,
    );
  });

  test("a conflict prints the resolver's report and exits 1, leaving the lock alone", async () => {
    const pyproject = join(project, "pyproject.toml");
    const original = readFileSync(pyproject, "utf8");
    const lockBefore = readFileSync(join(project, "pylock.toml"), "utf8");
    // timely 3 needs Python 3.10, but the project supports 3.9.
    writeFileSync(pyproject, original.replace('"timely>=2.8"', '"timely>=3"'));
    try {
      const res = await lockstep(["lock", "--index-url", newer.url]);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatchInlineSnapshot(`
        "error: No solution found when resolving dependencies:
          Because the requested Python version (3.9) does not satisfy Python>=3.10 and timely==3.0.0 requires Python>=3.10, timely==3.0.0 cannot be used.
          So, because your project depends on timely>=3, version solving failed.
          hint: The project supports Python \`>=3.9\`, but \`timely==3.0.0\` requires Python \`>=3.10\`: raise \`requires-python\` (e.g. to \`>=3.10\`), or limit the requirement with a marker such as \`python_version >= '3.10'\`.
        "
      `);
      expect(readFileSync(join(project, "pylock.toml"), "utf8")).toBe(lockBefore);
    } finally {
      writeFileSync(pyproject, original);
    }
  });
});

describe("lockstep tree and export", () => {
  let app: string;
  beforeAll(async () => {
    app = copyExampleApp();
    const res = await lockstep(["lock", "--index-url", server.url], app);
    expect(res.code).toBe(0);
  });

  test("tree shows the project's requirements, their extras and groups", async () => {
    const res = await lockstep(["tree"], app);
    expect(res.stderr).toBe("");
    expect(res.stdout).toMatchInlineSnapshot(`
      "example-app v1.1.0
      ├── attrly v24.2.0
      ├── charsniff-fast v3.0.1 (extra: speedups)
      │   └── charsniff v3.3.2
      ├── clickly v8.1.7
      │   └── tinycolor v0.4.6
      ├── fastjson-native v1.3.0
      ├── fetchkit[socks] v2.2.1
      │   ├── certbundle v2024.7.4
      │   ├── charsniff v3.3.2
      │   ├── idnakit v3.7
      │   ├── socksify v1.7.1
      │   └── urlcore v2.2.2
      ├── testrun v8.3.3 (group: dev)
      │   ├── excgroup-backport v1.2.2
      │   ├── iniparse-lite v2.0.0
      │   ├── packkit v24.1
      │   ├── pluginy v1.5.0
      │   ├── tinycolor v0.4.6
      │   └── tomlread v2.0.1
      ├── timely v2.9.0
      │   └── sixer v1.16.0
      ├── tinycolor v0.4.6
      └── yamlite v6.0.2
      "
    `);
  });

  test("tree --depth 1, --invert --package", async () => {
    const shallow = await lockstep(["tree", "--depth", "1"], app);
    const lines = shallow.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("example-app v1.1.0");
    expect(lines.slice(1).every((l) => /^[├└]── [a-z-]+(\[socks\])? v/.test(l))).toBe(true);
    expect(lines).toHaveLength(10);
    const inverted = await lockstep(["tree", "--invert", "--package", "tinycolor"], app);
    expect(inverted.stdout).toMatchInlineSnapshot(`
      "tinycolor v0.4.6
      ├── clickly v8.1.7
      │   └── example-app v1.1.0
      ├── example-app v1.1.0
      └── testrun v8.3.3
          └── example-app v1.1.0 (group: dev)
      "
    `);
  });

  test("export writes pinned requirements with every file's sha256 and environment markers", async () => {
    const res = await lockstep(["export"], app);
    expect(res.code).toBe(0);
    const text = res.stdout;
    // Every file of a locked version, with the hash the index advertised.
    for (const [name, version] of [
      ["attrly", "24.2.0"],
      ["fastjson-native", "1.3.0"],
      ["testrun", "8.3.3"],
    ] as const) {
      const files = (manifest.projects[name] ?? []).filter((f) => f.version === version);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(text).toContain(`--hash=sha256:${f.sha256}`);
    }
    expect(text).toContain("tinycolor==0.4.6 ; sys_platform == 'win32' \\\n    --hash=sha256:");
    expect(text).toContain("excgroup-backport==1.2.2 ; python_version < '3.11' \\\n");
    expect(text).not.toContain("charsniff-fast"); // the extra is not asked for
    expect(text).not.toMatch(/in extras|dependency_groups/);
  });

  test("export --no-dev --no-hashes --extra, -o FILE, and --format pylock", async () => {
    const res = await lockstep(["export", "--no-dev", "--no-hashes", "--extra", "speedups"], app);
    expect(res.stdout).toMatchInlineSnapshot(`
      "# This file was autogenerated by lockstep from pylock.toml:
      #    lockstep export --format requirements-txt
      attrly==24.2.0
      certbundle==2024.7.4
      charsniff==3.3.2
      charsniff-fast==3.0.1
      clickly==8.1.7
      fastjson-native==1.3.0
      fetchkit==2.2.1
      idnakit==3.7
      sixer==1.16.0
      socksify==1.7.1
      timely==2.9.0
      tinycolor==0.4.6 ; sys_platform == 'win32'
      urlcore==2.2.2
      yamlite==6.0.2
      "
    `);
    const out = join(app, "requirements.txt");
    const toFile = await lockstep(["export", "-o", out], app);
    expect(toFile).toMatchObject({ code: 0, stdout: "" });
    expect(readFileSync(out, "utf8")).toContain("testrun==8.3.3");
    const pylock = await lockstep(["export", "--format", "pylock"], app);
    expect(pylock.stdout).toBe(readFileSync(join(app, "pylock.toml"), "utf8"));
    const unknown = await lockstep(["export", "--extra", "nope"], app);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error: The lock has no extra `nope`");
  });
});

describe("finding the project", () => {
  test("from a workspace member's directory, the workspace root is locked into one pylock.toml", async () => {
    const root = mkdtempSync(join(tmpdir(), "lockstep-cli-ws-"));
    writeFileSync(
      join(root, "pyproject.toml"),
      '[project]\nname = "root-app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["yamlite"]\n\n[tool.lockstep.workspace]\nmembers = ["packages/*"]\n',
    );
    mkdirSync(join(root, "packages", "lib", "src"), { recursive: true });
    writeFileSync(
      join(root, "packages", "lib", "pyproject.toml"),
      '[project]\nname = "lib"\nversion = "1.0"\n',
    );
    const res = await lockstep(["lock", "--index-url", server.url], join(root, "packages", "lib", "src"));
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/^Resolved 2 packages in [\d.]+m?s\n$/);
    const text = readFileSync(join(root, "pylock.toml"), "utf8");
    expect(text).toContain('name = "yamlite"');
    // The member is locked too, as an editable directory relative to the root.
    expect(text).toContain(
      'name = "lib"\nversion = "1.0"\ndirectory = { path = "packages/lib", editable = true }',
    );
    const viaFlag = await lockstep(
      ["lock", "--check", "--project", root, "--index-url", server.url],
      tmpdir(),
    );
    expect(viaFlag.code).toBe(0);
  });
});

describe("errors and start-up", () => {
  test("usage errors exit 2, other errors 1", async () => {
    const bad = await lockstep(["lock", "--resolution", "sideways"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: --resolution: "sideways" is not one of highest, lowest, lowest-direct\n');
    const exclusive = await lockstep(["lock", "--check", "--upgrade"]);
    expect(exclusive.code).toBe(2);
    const nowhere = mkdtempSync(join(tmpdir(), "lockstep-cli-empty-"));
    const missing = await lockstep(["lock"], nowhere);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^error: no pyproject.toml found in .* or any parent directory\n {2}hint: /,
    );
    const noLock = await lockstep(["tree"], copyExampleApp());
    expect(noLock.code).toBe(1);
    expect(noLock.stderr).toContain("Unable to find lock file `pylock.toml`");
  });

  test("the bundle's entry is one file (--version and the fast path) without yargs, colour or anything heavy; parsing is a chunk without the resolver, index client, lockfile or pino", () => {
    const outputs = Object.entries(metafile.outputs) as [
      string,
      { inputs: Record<string, unknown>; imports?: { path: string; kind: string }[] },
    ][];
    const [, entryOut] = outputs.find(([k]) => k.endsWith("/lockstep.mjs")) ?? [];
    const entryInputs = Object.keys(entryOut?.inputs ?? {});
    expect(entryInputs).toEqual(expect.arrayContaining(["src/main.ts", "src/fast-path.ts"]));
    for (const heavy of ["/yargs/", "/picocolors/", "/pino/", "/smol-toml/", "/got/", "packages/lockfile/"])
      expect(entryInputs.filter((i) => i.includes(heavy))).toEqual([]);
    // Static imports are Node built-ins only: a no-op loads this one file.
    expect(
      (entryOut?.imports ?? []).filter((i) => i.kind === "import-statement" && !i.path.startsWith("node:")),
    ).toEqual([]);
    const [, parserOut] = outputs.find(([, o]) => Object.keys(o.inputs).includes("src/run-cli.ts")) ?? [];
    const inputs = Object.keys(parserOut?.inputs ?? {});
    expect(inputs.some((i) => i.includes("yargs"))).toBe(true);
    for (const heavy of [
      "packages/resolver/",
      "packages/index/src/client",
      "packages/lockfile/",
      "packages/pyproject/",
      "/got/",
      "/pino/",
      "/smol-toml/",
    ]) {
      expect(inputs.filter((i) => i.includes(heavy))).toEqual([]);
    }
  });

  test("--version", async () => {
    const res = await lockstep(["--version"]);
    expect(res).toEqual({ code: 0, stdout: "0.1.0\n", stderr: "" });
  });
});
