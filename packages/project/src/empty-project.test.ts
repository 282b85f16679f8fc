/**
 * A project with no dependencies, through the project library: `lockProject` writes a lock with
 * `packages = []` (virtual project) or only the project itself (a package), `performSync` creates
 * the venv (and installs the project when it is a package, built editable with a backend from the
 * index), and a command runs in that venv.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BACKEND_SOURCE, serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { readLock } from "@lockstep/lockfile";
import { afterAll, beforeAll, expect, test } from "vitest";
import { projectTestEnv, testSyncOptions } from "../testing";
import { lockProject } from "./lock-project";
import { runCommand, venvEnvironment } from "./run-command";
import { performSync } from "./sync";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const VERSION = "0.1.0";
const work = mkdtempSync(join(tmpdir(), "lockstep-empty-project-"));
const cacheDir = join(work, "cache");
const env = projectTestEnv();
let server: IndexServer;

beforeAll(async () => {
  server = await serveUniverse({
    name: "empty-project-backend",
    packages: {
      "lockstep-test-backend": {
        versions: { "1.0": { sdist: false, files: { "lockstep_test_backend.py": BACKEND_SOURCE } } },
      },
    },
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

function project(name: string, isPackage: boolean): string {
  const dir = mkdtempSync(join(work, `${name}-`));
  const buildSystem = isPackage
    ? '[build-system]\nrequires = ["lockstep-test-backend>=1.0"]\nbuild-backend = "lockstep_test_backend"\n\n'
    : "";
  writeFileSync(
    join(dir, "pyproject.toml"),
    `${buildSystem}[project]\nname = "${name}"\nversion = "0.3.0"\nrequires-python = ">=3.9"\ndependencies = []\n`,
  );
  if (isPackage) {
    writeFileSync(join(dir, "PKG-INFO"), `Metadata-Version: 2.2\nName: ${name}\nVersion: 0.3.0\n`);
    writeFileSync(join(dir, `${name.replace(/-/g, "_")}.py`), "VALUE = 3\n");
  }
  return dir;
}

async function lockSyncRun(dir: string, code: string) {
  const outcome = await lockProject({
    project: dir,
    indexUrl: server.url,
    cacheDir,
    lockstepVersion: VERSION,
  });
  expect(outcome.kind).toBe("resolved");
  const lock = readLock(readFileSync(join(dir, "pylock.toml"), "utf8"), "pylock.toml");
  const sync = await performSync(
    testSyncOptions({
      project: dir,
      python: PY312,
      indexUrl: server.url,
      cacheDir,
      env,
      lockstepVersion: VERSION,
    }),
  );
  expect(sync.kind).toBe("synced");
  const venv = join(dir, ".venv");
  expect(sync.venv).toBe(venv);
  const out = join(dir, "out.txt");
  const status = await runCommand(
    ["python", "-c", `import sys; ${code}; open(${JSON.stringify(out)}, "w").write(RESULT)`],
    venvEnvironment({ root: venv, bin: join(venv, "bin") }, env),
    dir,
  );
  return {
    packages: lock.packages.map((p) => p.name),
    installed: sync.kind === "synced" ? (sync.outcome.result?.installed.map((d) => d.name) ?? []) : [],
    status,
    result: existsSync(out) ? readFileSync(out, "utf8") : "(no output)",
  };
}

test("a virtual project with no dependencies locks, syncs an empty venv, and runs", async () => {
  const dir = project("nothing", false);
  const got = await lockSyncRun(dir, "RESULT = sys.prefix");
  expect(got).toEqual({ packages: [], installed: [], status: 0, result: join(dir, ".venv") });
}, 120_000);

test("a package with no dependencies is installed into its venv and imports", async () => {
  const dir = project("lonely-pkg", true);
  const got = await lockSyncRun(dir, "import lonely_pkg; RESULT = str(lonely_pkg.VALUE)");
  expect(got).toEqual({ packages: ["lonely-pkg"], installed: ["lonely-pkg"], status: 0, result: "3" });
}, 180_000);
