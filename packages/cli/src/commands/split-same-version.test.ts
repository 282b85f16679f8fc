/**
 * One version of a package on two indexes, split by marker, end to end through the built CLI:
 * `torchlike` 1.0 from the `cpu` index on Linux and 1.0 from the `cu` index on Windows. The lock
 * holds both entries, and the dependent `vision`'s `dependencies` name each by its `index` (name and version
 * alone would match both, which PEP 751 forbids); `packaging.pylock` accepts the lock, `lock
 * --check` reads it back, and `sync` here (Linux) installs the cpu one. `run --with torchlike` in
 * a project with those sources installs the cpu build too.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { IndexServer } from "@lockstep/fixtures";
import { validatePylock } from "@lockstep/lockfile/testing";
import {
  buildBundle,
  cliTestEnv,
  installedDistributions,
  run,
  serveTwinIndexes,
  writeTwinProject,
} from "../../testing";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
let cpu: IndexServer;
let cu: IndexServer;
let main: IndexServer;
let entry: string;
let base: string;
const env = cliTestEnv();

beforeAll(async () => {
  entry = (await buildBundle()).entry;
  ({ cpu, cu, main } = await serveTwinIndexes("lockstep-cli-twin"));
  base = mkdtempSync(join(tmpdir(), "lockstep-twin-cli-"));
  env.LOCKSTEP_CACHE_DIR = join(base, "cache");
}, 120_000);
afterAll(async () => {
  await Promise.all([cpu?.close(), cu?.close(), main?.close()]);
  if (base) rmSync(base, { recursive: true, force: true });
});

describe("one version on two indexes, split by marker", () => {
  test("the dependency names each entry by its index; pylock valid; check and sync", async () => {
    const dir = writeTwinProject(join(base, "twin"), { cpu, cu }, "twin", ["vision"]);
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
    const dir = writeTwinProject(join(base, "with"), { cpu, cu }, "with", []);
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
