/**
 * One version of a package on two indexes, split by marker, end to end through the built CLI:
 * `torchlike` 1.0 from the `cpu` index on Linux and 1.0 from the `cu` index on Windows. The lock
 * holds both entries, and the dependent `vision`'s `dependencies` name each by its `index` (name and version
 * alone would match both, which PEP 751 forbids); `packaging.pylock` accepts the lock, `lock
 * --check` reads it back, and `sync` here (Linux) installs the cpu one. `run --with torchlike` in
 * a project with those sources installs the cpu build too.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { buildBundle, installedDistributions, run } from "../../testing";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
let cpu: IndexServer;
let cu: IndexServer;
let main: IndexServer;
let entry: string;
let base: string;
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
delete env.VIRTUAL_ENV;

beforeAll(async () => {
  entry = (await buildBundle()).entry;
  cpu = await serveUniverse({
    name: "lockstep-cli-twin-cpu",
    packages: { torchlike: { versions: { "1.0": { requiresDist: ["helper<2"] } } } },
  });
  cu = await serveUniverse({
    name: "lockstep-cli-twin-cu",
    packages: { torchlike: { versions: { "1.0": { requiresDist: ["helper>=2"] } } } },
  });
  main = await serveUniverse({
    name: "lockstep-cli-twin-main",
    packages: {
      torchlike: { versions: { "3.0": {} } },
      helper: { versions: { "1.0": {}, "2.0": {} } },
      vision: { versions: { "1.0": { requiresDist: ["torchlike"] } } },
    },
  });
  base = mkdtempSync(join(tmpdir(), "lockstep-twin-cli-"));
  env.LOCKSTEP_CACHE_DIR = join(base, "cache");
}, 120_000);
afterAll(async () => {
  await Promise.all([cpu?.close(), cu?.close(), main?.close()]);
  if (base) rmSync(base, { recursive: true, force: true });
});

function validatePylock(text: string): void {
  const script = [
    "import sys, tomllib",
    "from packaging.pylock import Pylock",
    "Pylock.from_dict(tomllib.loads(sys.stdin.read())).validate()",
    "print('ok')",
  ].join("\n");
  expect(execFileSync("python3", ["-c", script], { input: text, encoding: "utf8" }).trim()).toBe("ok");
}

describe("one version on two indexes, split by marker", () => {
  test("the dependency names each entry by its index; pylock valid; check and sync", async () => {
    const dir = join(base, "twin");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "pyproject.toml"),
      [
        "[project]",
        'name = "twin"',
        'version = "0.1.0"',
        'requires-python = ">=3.9"',
        'dependencies = ["vision"]',
        "",
        "[[tool.lockstep.index]]",
        'name = "cpu"',
        `url = "${cpu.url}"`,
        "explicit = true",
        "",
        "[[tool.lockstep.index]]",
        'name = "cu"',
        `url = "${cu.url}"`,
        "explicit = true",
        "",
        "[tool.lockstep.sources]",
        "torchlike = [",
        '  { index = "cpu", marker = "sys_platform == \'linux\'" },',
        '  { index = "cu", marker = "sys_platform == \'win32\'" },',
        "]",
        "",
      ].join("\n"),
    );
    const lockstep = (...args: string[]) =>
      run(process.execPath, [entry, ...args, "--index-url", main.url], { cwd: dir, env });
    const lock = await lockstep("lock");
    expect(lock.code, lock.stderr).toBe(0);
    const text = readFileSync(join(dir, "pylock.toml"), "utf8");
    const vision = text.split("[[packages]]").find((b) => /^name = "vision"$/m.test(b)) ?? "";
    const deps = /^dependencies = \[\n((?: {4}.*\n)*)\]$/m.exec(vision)?.[1] ?? "";
    // The entries' `index` is the project page each was listed on; the two sort by URL (ports vary).
    expect(deps.split("\n").map((l) => l.trim())).toEqual([
      ...[cpu.url, cu.url]
        .sort()
        .map((url) => `{ name = "torchlike", version = "1.0", index = "${url}/torchlike/" },`),
      '{ name = "torchlike", version = "3.0" },',
      "",
    ]);
    const torchMarkers = text
      .split("[[packages]]")
      .filter((b) => /^name = "torchlike"$/m.test(b))
      .map((b) => `${/^version = "(.*)"$/m.exec(b)?.[1]} ${/^marker = "(.*)"$/m.exec(b)?.[1]}`);
    expect(torchMarkers).toEqual([
      "1.0 sys_platform == 'linux'",
      "1.0 sys_platform == 'win32'",
      "3.0 sys_platform != 'linux' and sys_platform != 'win32'",
    ]);
    validatePylock(text);

    const check = await lockstep("lock", "--check");
    expect(check.code, check.stderr).toBe(0);
    const sync = await lockstep("sync", "--python", PY312);
    expect(sync.code, sync.stderr).toBe(0);
    expect(installedDistributions(join(dir, ".venv", "lib", "python3.12", "site-packages"))).toEqual([
      "helper==1.0",
      "torchlike==1.0",
      "vision==1.0",
    ]);
  }, 180_000);

  test("run --with takes the project's split source for this interpreter (the cpu index on Linux)", async () => {
    const dir = join(base, "with");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "pyproject.toml"),
      [
        "[project]",
        'name = "with"',
        'version = "0.1.0"',
        'requires-python = ">=3.9"',
        "dependencies = []",
        "",
        "[[tool.lockstep.index]]",
        'name = "cpu"',
        `url = "${cpu.url}"`,
        "explicit = true",
        "",
        "[[tool.lockstep.index]]",
        'name = "cu"',
        `url = "${cu.url}"`,
        "explicit = true",
        "",
        "[tool.lockstep.sources]",
        "torchlike = [",
        '  { index = "cpu", marker = "sys_platform == \'linux\'" },',
        '  { index = "cu", marker = "sys_platform == \'win32\'" },',
        "]",
        "",
      ].join("\n"),
    );
    const show = "import importlib.metadata as m; print(m.version('torchlike'), m.version('helper'))";
    const res = await run(
      process.execPath,
      [entry, "run", "--python", PY312, "--index-url", main.url, "--with", "torchlike", "python", "-c", show],
      { cwd: dir, env },
    );
    expect(res.code, res.stderr).toBe(0);
    // The default index alone would give torchlike 3.0 (and no helper).
    expect(res.stdout.trim()).toBe("1.0 1.0");
  }, 180_000);
});
