/**
 * Sources narrowed by `extra` and `group` (uv's `{ index = "cu", extra = "gpu" }`) through the built
 * CLI: `torchlike` from the `cpu` index with extra `cpu` and from the `cu` index with extra `gpu`
 * (declared as conflicting), `devtool` from `dev-idx` in group `dev`. The lock holds one entry per
 * source under the extra's (group's) marker (`'gpu' in extras`); `sync --extra gpu` installs the cu
 * build, `--extra cpu` the cpu one; the dev group takes devtool from its index; `packaging.pylock`
 * accepts the lock; without the declared conflict, `lock` refuses.
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
let dev: IndexServer;
let main: IndexServer;
let entry: string;
let base: string;
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
delete env.VIRTUAL_ENV;

beforeAll(async () => {
  entry = (await buildBundle()).entry;
  cpu = await serveUniverse({
    name: "lockstep-cli-scoped-cpu",
    packages: { torchlike: { versions: { "1.0": {} } } },
  });
  cu = await serveUniverse({
    name: "lockstep-cli-scoped-cu",
    packages: { torchlike: { versions: { "2.0": {} } } },
  });
  dev = await serveUniverse({
    name: "lockstep-cli-scoped-dev",
    packages: { devtool: { versions: { "9.0": {} } } },
  });
  main = await serveUniverse({
    name: "lockstep-cli-scoped-main",
    packages: { torchlike: { versions: { "3.0": {} } }, devtool: { versions: { "1.0": {} } } },
  });
  base = mkdtempSync(join(tmpdir(), "lockstep-scoped-cli-"));
  env.LOCKSTEP_CACHE_DIR = join(base, "cache");
}, 120_000);
afterAll(async () => {
  await Promise.all([cpu?.close(), cu?.close(), dev?.close(), main?.close()]);
  if (base) rmSync(base, { recursive: true, force: true });
});

function project(dir: string, conflicts: boolean): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "pyproject.toml"),
    [
      "[project]",
      'name = "scoped"',
      'version = "0.1.0"',
      'requires-python = ">=3.9"',
      "dependencies = []",
      "",
      "[project.optional-dependencies]",
      'cpu = ["torchlike"]',
      'gpu = ["torchlike"]',
      "",
      "[dependency-groups]",
      'dev = ["devtool"]',
      "",
      "[tool.lockstep]",
      ...(conflicts ? ['conflicts = [[{ extra = "cpu" }, { extra = "gpu" }]]'] : []),
      "",
      ...[
        ["cpu", cpu.url],
        ["cu", cu.url],
        ["dev-idx", dev.url],
      ].flatMap(([name, url]) => [
        "[[tool.lockstep.index]]",
        `name = "${name}"`,
        `url = "${url}"`,
        "explicit = true",
        "",
      ]),
      "[tool.lockstep.sources]",
      'torchlike = [{ index = "cpu", extra = "cpu" }, { index = "cu", extra = "gpu" }]',
      'devtool = { index = "dev-idx", group = "dev" }',
      "",
    ].join("\n"),
  );
}

function validatePylock(text: string): void {
  const script = [
    "import sys, tomllib",
    "from packaging.pylock import Pylock",
    "Pylock.from_dict(tomllib.loads(sys.stdin.read())).validate()",
    "print('ok')",
  ].join("\n");
  expect(execFileSync("python3", ["-c", script], { input: text, encoding: "utf8" }).trim()).toBe("ok");
}

describe("sources narrowed by extra and group", () => {
  test("lock: one entry per source under its extra's or group's marker; sync per extra", async () => {
    const dir = join(base, "ok");
    project(dir, true);
    const lockstep = (...args: string[]) =>
      run(process.execPath, [entry, ...args, "--index-url", main.url], { cwd: dir, env });
    const lock = await lockstep("lock");
    expect(lock.code, lock.stderr).toBe(0);
    const text = readFileSync(join(dir, "pylock.toml"), "utf8");
    const entries = text
      .split("[[packages]]")
      .slice(1)
      .map(
        (b) =>
          `${/^name = "(.*)"$/m.exec(b)?.[1]} ${/^version = "(.*)"$/m.exec(b)?.[1]} ${/^marker = "(.*)"$/m.exec(b)?.[1]}`,
      );
    expect(entries).toEqual([
      "devtool 9.0 'cpu' in extras and 'gpu' in extras or 'dev' in dependency_groups",
      "torchlike 1.0 'cpu' in extras and 'gpu' not in extras",
      "torchlike 2.0 'cpu' not in extras and 'gpu' in extras",
    ]);
    validatePylock(text);
    expect((await lockstep("lock", "--check")).code).toBe(0);

    const site = join(dir, ".venv", "lib", "python3.12", "site-packages");
    for (const [args, installed] of [
      [
        ["--extra", "gpu"],
        ["devtool==9.0", "torchlike==2.0"],
      ],
      [["--extra", "cpu", "--no-dev"], ["torchlike==1.0"]],
      [[], ["devtool==9.0"]],
    ] as const) {
      const sync = await lockstep("sync", "--python", PY312, ...args);
      expect(sync.code, sync.stderr).toBe(0);
      expect(installedDistributions(site)).toEqual(installed);
    }
    // Both extras at once is the conflicting region (never installed), which is why devtool's
    // marker above may mention it.
    const both = await lockstep("sync", "--python", PY312, "--extra", "cpu", "--extra", "gpu");
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain(
      "error: The extras `cpu` and `gpu` are declared as conflicting in pyproject.toml (`[tool.lockstep] conflicts`) and cannot be installed together",
    );
  }, 240_000);

  test("extras with different sources must be declared as conflicting", async () => {
    const dir = join(base, "refused");
    project(dir, false);
    const res = await run(process.execPath, [entry, "lock", "--index-url", main.url], { cwd: dir, env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `${join(dir, "pyproject.toml")}: [tool.lockstep.sources] torchlike: the extra \`cpu\` and the extra \`gpu\` take torchlike from different sources, but they are not declared as conflicting, so both could be installed together (requirements would contain conflicting sources for torchlike)`,
    );
    expect(res.stderr).toContain(
      'declare them as conflicting: [tool.lockstep] conflicts = [[{ extra = "cpu" }, { extra = "gpu" }]]',
    );
  }, 60_000);
});
