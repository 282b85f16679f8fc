/**
 * Sources split by marker, end to end through the built CLI on loopback fixture indexes: `torchlike`
 * from the `cpu` index on Linux, the `cu` index on Windows and the default index elsewhere; `lib`
 * from a local path on POSIX and a git tag on Windows (`os_name == 'nt'`). The lock holds one entry
 * per source with its marker and `packaging.pylock` accepts it; `lock --check` passes until a
 * source's marker changes; `sync` here (Linux) installs the cpu build and the path package;
 * `export` writes each entry with its marker. Overlapping markers are refused with the line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fixtureBackendTree, TestRepo, writeTree } from "@lockstep/build/testing";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { validatePylock } from "@lockstep/lockfile/testing";
import { buildBundle, cliTestEnv, installedDistributions, run, writeTwinProject } from "../../testing";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
let cpu: IndexServer;
let cu: IndexServer;
let main: IndexServer;
let entry: string;
let base: string;
let repo: TestRepo;
let v1 = "";
const env = cliTestEnv();

const libFiles = (version: string, dependencies: string[]) =>
  fixtureBackendTree({ name: "lib", version, dependencies });

beforeAll(async () => {
  entry = (await buildBundle()).entry;
  cpu = await serveUniverse({
    name: "lockstep-cli-split-cpu",
    packages: { torchlike: { versions: { "1.0": { requiresDist: ["helper<2"] } } } },
  });
  cu = await serveUniverse({
    name: "lockstep-cli-split-cu",
    packages: { torchlike: { versions: { "2.0": { requiresDist: ["helper>=2"] } } } },
  });
  main = await serveUniverse({
    name: "lockstep-cli-split-main",
    packages: {
      torchlike: { versions: { "3.0": {} } },
      helper: { versions: { "1.0": {}, "2.0": {} } },
      lib: { versions: { "5.0": {} } },
    },
  });
  base = mkdtempSync(join(tmpdir(), "lockstep-split-cli-"));
  repo = new TestRepo(join(base, "repos", "lib"));
  v1 = repo.commit("1.0", libFiles("1.0.0", ["helper>=2"]));
  repo.tag("v1");
  writeTree(join(base, "lib-posix"), libFiles("0.1.0", ["helper<2"]));
  env.LOCKSTEP_CACHE_DIR = mkdtempSync(join(tmpdir(), "lockstep-split-cache-"));
}, 120_000);
afterAll(async () => {
  await Promise.all([cpu?.close(), cu?.close(), main?.close()]);
});

function project(name: string, sources: string[]): string {
  return writeTwinProject(join(base, name), { cpu, cu }, name, ["torchlike", "lib"], sources);
}

const SOURCES = [
  "torchlike = [",
  '  { index = "cpu", marker = "sys_platform == \'linux\'" },',
  '  { index = "cu", marker = "sys_platform == \'win32\'" },',
  "]",
  "lib = [",
  '  { path = "../lib-posix", marker = "os_name == \'posix\'" },',
  '  { git = "REPO", tag = "v1", marker = "os_name == \'nt\'" },',
  "]",
];

function lockstep(cwd: string, ...args: string[]) {
  return run(process.execPath, [entry, ...args, "--index-url", main.url], { cwd, env });
}

/** Each `[[packages]]` entry as `name version marker source-kind`. */
function entries(text: string): string[] {
  return text
    .split("[[packages]]")
    .slice(1)
    .map((block) => {
      const field = (key: string) => new RegExp(`^${key} = "(.*)"$`, "m").exec(block)?.[1] ?? "-";
      const kind =
        /^(directory|vcs|archive) = /m.exec(block)?.[1] ?? (block.includes("wheels") ? "wheels" : "-");
      const index = /^index = "(.*)"$/m.exec(block)?.[1] ?? "";
      const from = [cpu, cu, main].find((s) => index.startsWith(s.url));
      const label = from === cpu ? "cpu" : from === cu ? "cu" : from === main ? "main" : kind;
      return `${field("name")} ${field("version")} ${label} ; ${field("marker").replace(/\\"/g, '"')}`;
    });
}

describe("sources split by marker", () => {
  test("lock, check, sync on Linux, export, and a changed marker", async () => {
    const dir = project(
      "split",
      SOURCES.map((l) => l.replace("REPO", repo.fileUrl)),
    );
    const lock = await lockstep(dir, "lock");
    expect(lock.code, lock.stderr).toBe(0);
    const text = readFileSync(join(dir, "pylock.toml"), "utf8");
    expect(entries(text)).toEqual([
      "helper 1.0 main ; os_name == 'posix' or sys_platform == 'linux'",
      "helper 2.0 main ; os_name == 'nt' or sys_platform == 'win32'",
      "lib 0.1.0 directory ; os_name == 'posix'",
      "lib 1.0.0 vcs ; os_name == 'nt'",
      "lib 5.0 main ; os_name != 'nt' and os_name != 'posix'",
      "torchlike 1.0 cpu ; sys_platform == 'linux'",
      "torchlike 2.0 cu ; sys_platform == 'win32'",
      "torchlike 3.0 main ; sys_platform != 'linux' and sys_platform != 'win32'",
    ]);
    validatePylock(text);
    // The inputs record each source under its marker, so `lock --check` sees a changed one.
    expect(text).toContain(
      `torchlike = "split sys_platform == 'linux' => index cpu | sys_platform == 'win32' => index cu | sys_platform != 'linux' and sys_platform != 'win32' => default"`,
    );
    expect(text).toMatch(
      /^lib = "split os_name == 'posix' => directory \.\.\/lib-posix [0-9a-f]{16} \| os_name == 'nt' => git file:\/\/\/\S+\/repos\/lib tag=v1 \| os_name != 'nt' and os_name != 'posix' => default"$/m,
    );

    const check = await lockstep(dir, "lock", "--check");
    expect(check.code, check.stderr).toBe(0);

    const sync = await lockstep(dir, "sync", "--python", PY312);
    expect(sync.code, sync.stderr).toBe(0);
    expect(installedDistributions(join(dir, ".venv", "lib", "python3.12", "site-packages"))).toEqual([
      "helper==1.0",
      "lib==0.1.0",
      "torchlike==1.0",
    ]);

    // export writes each entry under its marker (without a false "out of date" warning); tree shows all.
    const exported = await run(process.execPath, [entry, "export", "--no-hashes"], { cwd: dir, env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toBe("");
    expect(exported.stdout.split("\n").filter((l) => l !== "" && !l.startsWith("#"))).toEqual([
      "../lib-posix ; os_name == 'posix'",
      "helper==1.0 ; os_name == 'posix' or sys_platform == 'linux'",
      "helper==2.0 ; os_name == 'nt' or sys_platform == 'win32'",
      `lib @ git+${repo.fileUrl}@${v1} ; os_name == 'nt'`,
      "lib==5.0 ; os_name != 'nt' and os_name != 'posix'",
      "torchlike==1.0 ; sys_platform == 'linux'",
      "torchlike==2.0 ; sys_platform == 'win32'",
      "torchlike==3.0 ; sys_platform != 'linux' and sys_platform != 'win32'",
    ]);
    const tree = await run(process.execPath, [entry, "tree"], { cwd: dir, env });
    expect(tree.code, tree.stderr).toBe(0);
    for (const line of [
      "lib v0.1.0",
      "lib v1.0.0",
      "lib v5.0",
      "torchlike v1.0",
      "torchlike v2.0",
      "torchlike v3.0",
    ])
      expect(tree.stdout).toContain(line);

    // A source's marker is part of the lock's inputs.
    writeFileSync(
      join(dir, "pyproject.toml"),
      readFileSync(join(dir, "pyproject.toml"), "utf8").replace(
        "sys_platform == 'win32'",
        "sys_platform == 'darwin'",
      ),
    );
    const stale = await lockstep(dir, "lock", "--check");
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain("torchlike");
  }, 240_000);

  test("overlapping markers are refused with the line and both markers", async () => {
    const dir = project("overlap", [
      "torchlike = [",
      '  { index = "cpu", marker = "sys_platform == \'linux\'" },',
      '  { index = "cu", marker = "os_name == \'posix\'" },',
      "]",
    ]);
    const lock = await lockstep(dir, "lock");
    expect(lock.code).toBe(1);
    expect(lock.stderr).toContain(
      `pyproject.toml:20:28: [tool.lockstep.sources] torchlike: source markers must be disjoint, but "os_name == 'posix'" overlaps "sys_platform == 'linux'" (line 19)\n  hint: replace it with "os_name == 'posix' and sys_platform != 'linux'"`,
    );
  }, 60_000);
});
