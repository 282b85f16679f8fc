/**
 * Declared conflicts end to end through the project layer: a cpu/gpu-style pair of extras pinning
 * different versions of one package. Without `conflicts` the lock has no solution (and the report
 * names both extras); with it, both versions are locked behind `'cpu' in extras` /
 * `'cu128' in extras` markers, `packaging.pylock` picks the right one for each extra, sync installs
 * the right one, and selecting both is refused before anything is installed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildUniverse, parseUniverse, run, startIndexServer } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { readLock } from "@lockstep/lockfile";
import { installedDistributions, projectTestEnv, testSyncOptions } from "../testing";
import { lockProject } from "./lock-project";
import { checkConflictingSelection } from "./conflicting-selection";
import { syncProject } from "./sync-project";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const VERSION = "0.1.0";
const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-conflicts-cache-"));
const env = projectTestEnv();

const UNIVERSE = `
name = "conflicts"
[packages.torchlike.versions."1.0"]
requires-dist = ["helper>=1"]
[packages.torchlike.versions."2.0"]
requires-dist = ["helper>=1"]
[packages.helper.versions."1.0"]
[packages.plain.versions."1.0"]
`;

function pyproject(conflicts: string | undefined): string {
  return [
    "[project]",
    'name = "app"',
    'version = "0.1.0"',
    'requires-python = ">=3.11"',
    'dependencies = ["plain"]',
    "[project.optional-dependencies]",
    'cpu = ["torchlike==1.0"]',
    'cu128 = ["torchlike==2.0"]',
    ...(conflicts === undefined ? [] : ["[tool.lockstep]", `conflicts = ${conflicts}`]),
    "",
  ].join("\n");
}

function newProject(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-conflicts-"));
  writeFileSync(join(dir, "pyproject.toml"), text);
  return dir;
}

let server: IndexServer;
beforeAll(async () => {
  server = await startIndexServer(await buildUniverse(parseUniverse(UNIVERSE, "conflicts.toml")));
});
afterAll(() => server?.close());

test("without declared conflicts the extras cannot be locked together, and the report names both", async () => {
  const project = newProject(pyproject(undefined));
  const error = await lockProject({ project, indexUrl: server.url, cacheDir, lockstepVersion: VERSION }).then(
    () => undefined,
    (e: Error) => e,
  );
  expect((error as { hint?: string }).hint).toMatchInlineSnapshot(
    `"if these are never installed together, declare them conflicting in pyproject.toml: [tool.lockstep] conflicts = [[{ extra = "cpu" }, { extra = "cu128" }]]"`,
  );
  expect(error?.message).toMatch(/app\[cpu\]/);
  expect(error?.message).toMatch(/app\[cu128\]/);
  expect(error?.message).toMatchInlineSnapshot(`
    "No solution found when resolving dependencies:
      Because app[cpu] depends on torchlike==1.0 and app[cu128] depends on torchlike==2.0, app[cpu] and app[cu128] are incompatible.
      So, because your project depends on both app[cpu] and app[cu128], version solving failed."
  `);
});

describe("with conflicts = [[{ extra = 'cpu' }, { extra = 'cu128' }]]", () => {
  let project: string;
  beforeAll(async () => {
    project = newProject(pyproject('[[{ extra = "cpu" }, { extra = "cu128" }]]'));
    await lockProject({ project, indexUrl: server.url, cacheDir, lockstepVersion: VERSION });
  });

  test("the lock holds both versions, each behind its extra's marker, and records the conflict", () => {
    const lockPath = join(project, "pylock.toml");
    const lock = readLock(readFileSync(lockPath, "utf8"), lockPath);
    expect(lock.packages.map((p) => `${p.name} ${p.version?.toString() ?? ""} ${p.marker?.toString() ?? ""}`))
      .toMatchInlineSnapshot(`
        [
          "helper 1.0 'cpu' in extras or 'cu128' in extras",
          "plain 1.0 ",
          "torchlike 1.0 'cpu' in extras and 'cu128' not in extras",
          "torchlike 2.0 'cpu' not in extras and 'cu128' in extras",
        ]
      `);
    expect(lock.lockstep?.inputs.conflicts).toEqual(["extra:cpu, extra:cu128"]);
  });

  test.each([
    [["cpu"], ["helper==1.0", "plain==1.0", "torchlike==1.0"]],
    [["cu128"], ["helper==1.0", "plain==1.0", "torchlike==2.0"]],
    [[], ["plain==1.0"]],
  ])("packaging.pylock selects for extras %j: %j", async (extras, expected) => {
    const script = [
      "import json, sys, tomllib",
      "from packaging.pylock import Pylock",
      "lock = Pylock.from_dict(tomllib.load(open(sys.argv[1], 'rb')))",
      "picked = lock.select(extras=set(json.loads(sys.argv[2])), dependency_groups=set())",
      "print(json.dumps(sorted(f'{p.name}=={p.version}' for p, _ in picked)))",
    ].join("\n");
    const out = await run("python3", ["-c", script, join(project, "pylock.toml"), JSON.stringify(extras)]);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(expected);
  });

  const sync = (extras: string[]) =>
    syncProject(
      testSyncOptions({
        extras,
        project,
        python: PY312,
        indexUrl: server.url,
        cacheDir,
        env,
        key: `conflicts-test-${extras.join(",")}`,
        lockstepVersion: VERSION,
      }),
    );

  test.each([
    [["cpu"], ["helper==1.0", "plain==1.0", "torchlike==1.0"]],
    [["cu128"], ["helper==1.0", "plain==1.0", "torchlike==2.0"]],
  ])("sync --extra %j installs %j", async (extras, expected) => {
    const synced = await sync(extras);
    expect(installedDistributions(join(synced.venv, "lib", "python3.12", "site-packages"))).toEqual(expected);
  });

  test("sync --extra cpu --extra cu128 is refused, naming both and the setting", async () => {
    const error = await sync(["cpu", "cu128"]).then(
      () => undefined,
      (e: Error & { hint?: string }) => e,
    );
    expect(error?.message).toMatchInlineSnapshot(
      `"The extras \`cpu\` and \`cu128\` are declared as conflicting in pyproject.toml (\`[tool.lockstep] conflicts\`) and cannot be installed together"`,
    );
    expect((error as { hint?: string }).hint).toMatchInlineSnapshot(
      `"select one of them: \`--extra cpu\` or \`--extra cu128\`"`,
    );
  });
});

test("conflicting dependency groups lock in separate forks too", async () => {
  const project = newProject(
    [
      "[project]",
      'name = "app"',
      'version = "0.1.0"',
      'requires-python = ">=3.11"',
      "dependencies = []",
      "[dependency-groups]",
      'old = ["torchlike==1.0"]',
      'new = ["torchlike==2.0"]',
      "[tool.lockstep]",
      'conflicts = [[{ group = "old" }, { group = "new" }]]',
      "",
    ].join("\n"),
  );
  await lockProject({ project, indexUrl: server.url, cacheDir, lockstepVersion: VERSION });
  const lockPath = join(project, "pylock.toml");
  const lock = readLock(readFileSync(lockPath, "utf8"), lockPath);
  expect(lock.packages.map((p) => `${p.name} ${p.version?.toString() ?? ""} ${p.marker?.toString() ?? ""}`))
    .toMatchInlineSnapshot(`
      [
        "helper 1.0 'new' in dependency_groups or 'old' in dependency_groups",
        "torchlike 1.0 'new' not in dependency_groups and 'old' in dependency_groups",
        "torchlike 2.0 'new' in dependency_groups and 'old' not in dependency_groups",
      ]
    `);
});

test.each<[string, string[], string[], string | undefined]>([
  ["one extra", ["cpu"], [], undefined],
  ["both extras", ["cpu", "cu128"], [], "The extras `cpu` and `cu128` are declared as conflicting"],
  [
    "names compared normalized",
    ["CPU", "cu128"],
    [],
    "The extras `cpu` and `cu128` are declared as conflicting",
  ],
  ["an extra and a group", ["cpu"], ["lint"], "The extra `cpu` and group `lint` are declared as conflicting"],
  ["an unrelated group", ["cpu"], ["dev"], undefined],
])("checkConflictingSelection: %s", (_name, extras, groups, message) => {
  const conflicts = [
    [
      { package: undefined, kind: "extra" as const, name: "cpu" },
      { package: undefined, kind: "extra" as const, name: "cu128" },
      { package: undefined, kind: "group" as const, name: "lint" },
    ],
  ];
  let error: Error | undefined;
  try {
    checkConflictingSelection(conflicts, extras, groups);
  } catch (e) {
    error = e as Error;
  }
  if (message === undefined) expect(error).toBeUndefined();
  else expect(error?.message).toContain(message);
});
