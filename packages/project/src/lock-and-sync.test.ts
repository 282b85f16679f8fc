/**
 * The project layer on its own, as another program would use it: lock the example project against
 * the example universe served on 127.0.0.1, then sync a venv from that lock — `lockProject` and
 * `performSync` called directly, no yargs, no CLI process. Checks what the lock holds, what the venv
 * holds, and that the second lock and the second sync take their no-op paths.
 */
import { readFileSync, statSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { buildUniverse, loadUniverseFile, startIndexServer } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { readLock } from "@lockstep/lockfile";
import { Requirement } from "@lockstep/pep508";
import {
  copyExampleApp,
  EXAMPLE_UNIVERSE,
  installedDistributions,
  projectTestEnv,
  testSyncOptions,
} from "../testing";
import { lockProject } from "./lock-project";
import { performSync } from "./sync";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const VERSION = "0.1.0";
const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-project-cache-"));
const env = projectTestEnv();
let server: IndexServer;
let project: string;

beforeAll(async () => {
  server = await startIndexServer(await buildUniverse(loadUniverseFile(EXAMPLE_UNIVERSE)));
  project = copyExampleApp();
});
afterAll(() => server?.close());

const LOCKED = [
  "attrly 24.2.0",
  "certbundle 2024.7.4",
  "charsniff 3.3.2",
  "charsniff-fast 3.0.1",
  "clickly 8.1.7",
  "excgroup-backport 1.2.2",
  "fastjson-native 1.3.0",
  "fetchkit 2.2.1",
  "idnakit 3.7",
  "iniparse-lite 2.0.0",
  "packkit 24.1",
  "pluginy 1.5.0",
  "sixer 1.16.0",
  "socksify 1.7.1",
  "testrun 8.3.3",
  "timely 2.9.0",
  "tinycolor 0.4.6",
  "tomlread 2.0.1",
  "urlcore 2.2.2",
  "yamlite 6.0.2",
];

/** What CPython 3.12 on Linux gets with the default groups (dev) and no extras. */
const INSTALLED = [
  "attrly==24.2.0",
  "certbundle==2024.7.4",
  "charsniff==3.3.2",
  "clickly==8.1.7",
  "fastjson-native==1.3.0",
  "fetchkit==2.2.1",
  "idnakit==3.7",
  "iniparse-lite==2.0.0",
  "packkit==24.1",
  "pluginy==1.5.0",
  "sixer==1.16.0",
  "socksify==1.7.1",
  "testrun==8.3.3",
  "timely==2.9.0",
  "urlcore==2.2.2",
  "yamlite==6.0.2",
];

test("lockProject resolves the example project and writes its lock; a second call is a no-op", async () => {
  const first = await lockProject({ project, indexUrl: server.url, cacheDir, lockstepVersion: VERSION });
  expect(first).toMatchObject({ kind: "resolved", packages: 20, created: true, wrote: true, changes: [] });
  const lockPath = join(project, "pylock.toml");
  const lock = readLock(readFileSync(lockPath, "utf8"), lockPath);
  expect(lock.packages.map((p) => `${p.name} ${p.version?.toString() ?? ""}`)).toEqual(LOCKED);
  expect(lock.extras).toEqual(["speedups"]);
  expect(lock.defaultGroups).toEqual(["dev"]);
  expect(lock.lockstep?.inputs.indexes).toEqual([{ url: server.url }]);

  const mtime = statSync(lockPath).mtimeMs;
  server.resetStats();
  const again = await lockProject({ project, indexUrl: server.url, cacheDir, lockstepVersion: VERSION });
  expect(again).toMatchObject({ kind: "fresh", packages: 20 });
  expect(server.requests).toEqual([]);
  expect(statSync(lockPath).mtimeMs).toBe(mtime);
});

test("an up-to-date lock parses each requirement of pyproject.toml once, and nothing again", async () => {
  const parse = vi.spyOn(Requirement, "parse");
  try {
    const outcome = await lockProject({ project, indexUrl: server.url, cacheDir, lockstepVersion: VERSION });
    expect(outcome.kind).toBe("fresh");
    // 7 dependencies, 1 in the extra, 1 in the dev group: read once each from pyproject.toml.
    expect(parse).toHaveBeenCalledTimes(9);
    expect(new Set(parse.mock.calls.map(([text]) => text)).size).toBe(9);
  } finally {
    parse.mockRestore();
  }
});

test("performSync creates the venv and installs exactly the lock's selection; a second call takes the fast path", async () => {
  const options = testSyncOptions({
    project,
    python: PY312,
    indexUrl: server.url,
    cacheDir,
    env,
    lockstepVersion: VERSION,
  });
  const first = await performSync(options);
  expect(first.kind).toBe("synced");
  if (first.kind !== "synced") return;
  expect(first.outcome.lock.kind).toBe("fresh");
  expect(first.venv).toBe(join(project, ".venv"));
  const site = join(first.venv, "lib", "python3.12", "site-packages");
  expect(installedDistributions(site)).toEqual(INSTALLED);
  expect(first.outcome.result?.installed.map((d) => `${d.name}==${d.version}`).sort()).toEqual(INSTALLED);

  const second = await performSync(options);
  expect(second).toMatchObject({
    kind: "fresh",
    venv: first.venv,
    state: { lockPackages: 20, selected: 16 },
  });
});
