/**
 * Issue 16's proof: one project's life through the built bundle, against the example universe on
 * 127.0.0.1 (the index comes from LOCKSTEP_INDEX_URL, so no command names it): init → add (a
 * dependency with an extra, a group, an optional extra) → lock → sync → run with flags after the
 * command → why → verify (clean; an installed file tampered with: exit 1) → upgrade → remove →
 * lock --check after a hand edit (exit 3) → sync of a second checkout (pyproject.toml, pylock.toml
 * and .python-version copied) gives the same venv: the same dist-infos with the same RECORDs.
 * The steps depend on each other, so they run in one test, each checked before the next.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { buildUniverse, loadUniverseFile, startIndexServer } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { buildBundle, EXAMPLE_UNIVERSE, installedDistributions, run } from "../testing";

let entry: string;
let server: IndexServer;
const root = mkdtempSync(join(tmpdir(), "lockstep-life-"));
const cacheDir = join(root, "cache");
const app = join(root, "app");
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
for (const k of Object.keys(env)) if (k.startsWith("LOCKSTEP_")) delete env[k];
delete env.VIRTUAL_ENV;

const lockstep = (args: string[], cwd = app) =>
  run(process.execPath, [entry, ...args], {
    cwd,
    env: { ...env, LOCKSTEP_CACHE_DIR: cacheDir, LOCKSTEP_INDEX_URL: server.url },
  });

const sitePackages = (project: string) => join(project, ".venv", "lib", "python3.12", "site-packages");

/**
 * Every dist-info with its RECORD, minus the lines for files outside site-packages (console
 * scripts carry their venv's interpreter path in their first line, so their hashes differ).
 */
function records(project: string): Record<string, string[]> {
  const site = sitePackages(project);
  const out: Record<string, string[]> = {};
  for (const d of readdirSync(site)
    .filter((n) => n.endsWith(".dist-info"))
    .sort()) {
    out[d] = readFileSync(join(site, d, "RECORD"), "utf8")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("../"))
      .sort();
  }
  return out;
}

beforeAll(async () => {
  const [bundle, built] = await Promise.all([
    buildBundle(),
    buildUniverse(loadUniverseFile(EXAMPLE_UNIVERSE)),
  ]);
  entry = bundle.entry;
  server = await startIndexServer(built);
  mkdirSync(app);
});

afterAll(async () => {
  await server?.close();
});

test("a project's life: init → add → lock → sync → run → why → verify → upgrade → remove → lock --check → a second checkout", async () => {
  const ok = async (args: string[], cwd = app) => {
    const res = await lockstep(args, cwd);
    expect(res.code, `lockstep ${args.join(" ")}\n${res.stderr}`).toBe(0);
    return res;
  };

  // init
  await ok(["init", "--python", "3.12", "--vcs", "none"]);
  expect(readFileSync(join(app, ".python-version"), "utf8").trim()).toBe("3.12");
  expect(readFileSync(join(app, "pyproject.toml"), "utf8")).toContain('requires-python = ">=3.12"');

  // add: a dependency with an extra, a group, an optional extra
  await ok(["add", "clickly>=8.0", "fetchkit[socks]>=2.1"]);
  await ok(["add", "--group", "dev", "testrun"]);
  await ok(["add", "--optional", "speedups", "charsniff-fast"]);
  const pyproject = readFileSync(join(app, "pyproject.toml"), "utf8");
  expect(pyproject).toContain('dependencies = [\n    "clickly>=8.0",\n    "fetchkit[socks]>=2.1",\n]');
  expect(pyproject).toContain(
    '[project.optional-dependencies]\nspeedups = [\n    "charsniff-fast>=3.0.1",\n]',
  );
  expect(pyproject).toContain('[dependency-groups]\ndev = [\n    "testrun>=8.3.3",\n]');

  // lock (fresh: nothing to do) and sync with the extra
  const lock = readFileSync(join(app, "pylock.toml"), "utf8");
  await ok(["lock"]);
  expect(readFileSync(join(app, "pylock.toml"), "utf8")).toBe(lock);
  await ok(["sync", "--extra", "speedups"]);
  expect(installedDistributions(sitePackages(app))).toContain("charsniff-fast==3.0.1");
  await ok(["sync"]);
  expect(installedDistributions(sitePackages(app))).toEqual([
    "certbundle==2024.7.4",
    "charsniff==3.3.2",
    "clickly==8.1.7",
    "fetchkit==2.2.1",
    "idnakit==3.7",
    "iniparse-lite==2.0.0",
    "packkit==24.1",
    "pluginy==1.5.0",
    "socksify==1.7.1",
    "testrun==8.3.3",
    "urlcore==2.2.2",
  ]);

  // run: the flags after the command are the command's
  const ran = await ok([
    "run",
    "python",
    "-c",
    "import sys, clickly; print(sys.argv[1:], clickly.__version__)",
    "-x",
    "--version",
  ]);
  expect(ran.stdout).toBe("['-x', '--version'] 8.1.7\n");

  // why: the chain that brings urlcore in
  const why = await ok(["why", "urlcore"]);
  expect(why.stdout).toContain("urlcore");
  expect(why.stdout).toContain("fetchkit[socks]");

  // verify: clean, then an installed file changed (exit 1, the file named), then restored
  await ok(["verify"]);
  const init = join(sitePackages(app), "clickly", "__init__.py");
  const original = readFileSync(init);
  writeFileSync(init, `${original.toString()}# changed\n`);
  const tampered = await lockstep(["verify"]);
  expect(tampered.code).toBe(1);
  expect(tampered.stdout + tampered.stderr).toContain("clickly/__init__.py");
  writeFileSync(init, original);
  await ok(["verify"]);

  // upgrade: the lower bounds rise to the locked versions
  await ok(["upgrade"]);
  expect(readFileSync(join(app, "pyproject.toml"), "utf8")).toContain(
    'dependencies = [\n    "clickly>=8.1.7",\n    "fetchkit[socks]>=2.2.1",\n]',
  );
  await ok(["lock", "--check"]);

  // remove
  const removed = await ok(["remove", "fetchkit"]);
  expect(removed.stderr).toContain(" - urlcore==2.2.2");
  expect(installedDistributions(sitePackages(app))).not.toContain("fetchkit==2.2.1");

  // a hand edit makes the lock stale: lock --check exits 3 naming the change; lock fixes it
  const file = join(app, "pyproject.toml");
  writeFileSync(
    file,
    readFileSync(file, "utf8").replace('"clickly>=8.1.7",', '"clickly>=8.1.7",\n    "timely>=2.8",'),
  );
  const stale = await lockstep(["lock", "--check"]);
  expect(stale.code).toBe(3);
  expect(stale.stderr).toContain("timely>=2.8");
  await ok(["sync"]);
  await ok(["lock", "--check"]);

  // a second, clean checkout syncs to the identical venv
  const second = join(root, "checkout");
  mkdirSync(second);
  for (const f of ["pyproject.toml", "pylock.toml", ".python-version"]) cpSync(join(app, f), join(second, f));
  await ok(["sync"], second);
  expect(existsSync(join(second, ".venv"))).toBe(true);
  expect(installedDistributions(sitePackages(second))).toEqual(installedDistributions(sitePackages(app)));
  expect(records(second)).toEqual(records(app));
  expect(Object.keys(records(app))).toContain("timely-3.0.0.dist-info");
  await ok(["verify"], second);
}, 120_000);
