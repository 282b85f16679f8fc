/**
 * Two git sources of one package split by marker, end to end through the built CLI: `lib` from
 * repository A's `main` elsewhere and repository B's `main` on Windows, both at version 1.0.0. Each
 * lock entry keeps its own commit: after both branches move, a re-lock changes neither commit, and
 * `lock --upgrade` takes both new heads. Both entries share name and version, so the project's
 * `dependencies` name each by its `marker`; `packaging.pylock` accepts every lock.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fixtureBackendTree, TestRepo } from "@lockstep/build/testing";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { validatePylock } from "@lockstep/lockfile/testing";
import { buildBundle, cliTestEnv, run } from "../../testing";

let main: IndexServer;
let entry: string;
let base: string;
const env = cliTestEnv();

const libFiles = (note: string) =>
  fixtureBackendTree({ name: "lib", version: "1.0.0", module: `NOTE = "${note}"\n` });

beforeAll(async () => {
  entry = (await buildBundle()).entry;
  main = await serveUniverse({
    name: "lockstep-cli-split-git-main",
    packages: { helper: { versions: { "1.0": {} } } },
  });
  base = mkdtempSync(join(tmpdir(), "lockstep-split-git-"));
  env.LOCKSTEP_CACHE_DIR = join(base, "cache");
}, 120_000);
afterAll(async () => {
  await main?.close();
  if (base) rmSync(base, { recursive: true, force: true });
});

/** Each `lib` entry as `marker commit`. */
function libCommits(text: string): string[] {
  return text
    .split("[tool.")[0]!
    .split("[[packages]]")
    .filter((b) => /^name = "lib"$/m.test(b))
    .map((b) => `${/^marker = "(.*)"$/m.exec(b)?.[1]} ${/commit-id = "([0-9a-f]+)"/.exec(b)?.[1]}`);
}

describe("two git sources split by marker", () => {
  test("each keeps its own locked commit until --upgrade", async () => {
    const a = new TestRepo(join(base, "repos", "a"));
    const b = new TestRepo(join(base, "repos", "b"));
    const a1 = a.commit("a1", libFiles("a1"));
    const b1 = b.commit("b1", libFiles("b1"));
    const dir = join(base, "app");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "pyproject.toml"),
      [
        "[build-system]",
        "requires = []",
        'build-backend = "lockstep_fixture_backend"',
        'backend-path = ["_backend"]',
        "",
        "[project]",
        'name = "app"',
        'version = "0.1.0"',
        'requires-python = ">=3.9"',
        'dependencies = ["lib"]',
        "",
        "[tool.lockstep.sources]",
        "lib = [",
        `  { git = "${a.fileUrl}", branch = "main", marker = "os_name != 'nt'" },`,
        `  { git = "${b.fileUrl}", branch = "main", marker = "os_name == 'nt'" },`,
        "]",
        "",
      ].join("\n"),
    );
    const lockstep = (...args: string[]) =>
      run(process.execPath, [entry, ...args, "--index-url", main.url], { cwd: dir, env });
    const lockText = () => readFileSync(join(dir, "pylock.toml"), "utf8");

    const first = await lockstep("lock");
    expect(first.code, first.stderr).toBe(0);
    expect(libCommits(lockText())).toEqual([`os_name != 'nt' ${a1}`, `os_name == 'nt' ${b1}`]);
    const app =
      lockText()
        .split("[[packages]]")
        .find((blk) => /^name = "app"$/m.test(blk)) ?? "";
    expect(
      /^dependencies = \[\n((?: {4}.*\n)*)\]$/m
        .exec(app)?.[1]
        ?.split("\n")
        .map((l) => l.trim()),
    ).toEqual([
      `{ name = "lib", version = "1.0.0", marker = "os_name != 'nt'" },`,
      `{ name = "lib", version = "1.0.0", marker = "os_name == 'nt'" },`,
      "",
    ]);
    validatePylock(lockText());

    const a2 = a.commit("a2", libFiles("a2"));
    const b2 = b.commit("b2", libFiles("b2"));
    // A changed input makes the re-lock resolve again (an unchanged lock is not re-resolved).
    const pyproject = join(dir, "pyproject.toml");
    writeFileSync(
      pyproject,
      readFileSync(pyproject, "utf8").replace('dependencies = ["lib"]', 'dependencies = ["lib", "helper"]'),
    );
    const again = await lockstep("lock");
    expect(again.code, again.stderr).toBe(0);
    expect(libCommits(lockText())).toEqual([`os_name != 'nt' ${a1}`, `os_name == 'nt' ${b1}`]);
    expect(lockText()).toMatch(/^name = "helper"$/m);

    const upgrade = await lockstep("lock", "--upgrade");
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(libCommits(lockText())).toEqual([`os_name != 'nt' ${a2}`, `os_name == 'nt' ${b2}`]);
    validatePylock(lockText());
  }, 180_000);
});
