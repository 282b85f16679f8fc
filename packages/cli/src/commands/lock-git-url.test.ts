/**
 * Git and direct-URL dependencies through the built CLI: a local repository (two tags and a
 * branch) served over file:// and `git daemon` on loopback, locked at each tag and at the branch;
 * the branch moved — `lock` keeps the locked commit, `lock --upgrade` takes the new head; `sync`
 * builds the checkout and installs it; direct-URL wheels and sdists from the fixture index server,
 * a wrong `#sha256` refused; every lock accepted by `packaging.pylock`; clear errors for a missing
 * ref and a URL that is not an archive.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fixtureBackendTree, serveGitDaemon, serveGitHttp, TestRepo } from "@lockstep/build/testing";
import type { GitDaemon } from "@lockstep/build/testing";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { validatePylock } from "@lockstep/lockfile/testing";
import {
  buildBundle,
  cliTestEnv,
  installedDistributions,
  pipInstallRequirements,
  run,
  writePyproject,
} from "../../testing";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
let server: IndexServer;
let daemon: GitDaemon;
let entry: string;
let base: string;
let repo: TestRepo;
const commits: Record<string, string> = {};
const env = cliTestEnv();

const gitpkgFiles = (version: string, dependencies: string[], name = "gitpkg") =>
  fixtureBackendTree({ name, version, dependencies });

beforeAll(async () => {
  entry = (await buildBundle()).entry;
  server = await serveUniverse({
    name: "lockstep-cli-git-url",
    packages: {
      helper: { versions: { "1.0": {} } },
      urlwheel: { versions: { "1.0": { sdist: false } } },
      urlsdist: { versions: { "2.0": { wheels: false, requiresDist: ["helper>=1"] } } },
    },
  });
  base = mkdtempSync(join(tmpdir(), "lockstep-git-cli-"));
  repo = new TestRepo(join(base, "repos", "gitpkg"));
  commits.v1 = repo.commit("1.0", gitpkgFiles("1.0.0", []));
  repo.tag("v1");
  commits.v2 = repo.commit("2.0", gitpkgFiles("2.0.0", ["helper>=1"]));
  repo.tag("v2");
  repo.branch("dev", true);
  commits.dev = repo.commit("2.1.dev", gitpkgFiles("2.1.0", ["helper>=1"]));
  repo.checkout("main");
  const sub = Object.fromEntries(
    Object.entries(gitpkgFiles("0.5.0", [], "subpkg")).map(([k, v]) => [`sub/pkg/${k}`, v]),
  );
  commits.sub = repo.commit("subpkg", sub);
  repo.tag("sub");
  daemon = await serveGitDaemon(join(base, "repos"));
  env.LOCKSTEP_CACHE_DIR = mkdtempSync(join(tmpdir(), "lockstep-git-cache-"));
}, 120_000);
afterAll(async () => {
  await daemon?.close();
  await server?.close();
});

function project(name: string, dependencies: string[], extra = ""): string {
  return writePyproject(join(base, name), name, dependencies, extra);
}

function lockstep(cwd: string, ...args: string[]) {
  return run(process.execPath, [entry, ...args, "--index-url", server.url], { cwd, env });
}

function pylock(dir: string): string {
  return readFileSync(join(dir, "pylock.toml"), "utf8");
}

/** The `[[packages]]` table of `name` in a lock, as text. */
function entryOf(text: string, name: string): string {
  const start = text.indexOf(`[[packages]]\nname = "${name}"`);
  expect(start, `${name} in\n${text}`).toBeGreaterThanOrEqual(0);
  const next = text.indexOf("[[packages]]", start + 1);
  return text.slice(start, next < 0 ? undefined : next);
}

test.each([
  ["v1", "1.0.0"],
  ["v2", "2.0.0"],
  ["dev", "2.1.0"],
])("git+file:// at %s is locked as a vcs entry with its commit", async (rev, version) => {
  const dir = project(`at-${rev}`, [`gitpkg @ git+${repo.fileUrl}@${rev}`]);
  const res = await lockstep(dir, "lock");
  expect(res.code, res.stderr).toBe(0);
  const text = pylock(dir);
  const e = entryOf(text, "gitpkg");
  expect(e).toContain(`version = "${version}"`);
  expect(e).toContain(
    `vcs = { type = "git", url = "${repo.fileUrl}", requested-revision = "${rev}", commit-id = "${commits[rev]}" }`,
  );
  validatePylock(text);
});

test("a branch from [tool.lockstep.sources] over git daemon: kept when it moves, taken with --upgrade; synced", async () => {
  const url = daemon.url("gitpkg");
  const moving = new TestRepo(join(base, "repos", "moving"));
  moving.git("fetch", "--quiet", repo.dir, "dev:dev");
  moving.checkout("dev");
  const dir = project(
    "branch",
    ["gitpkg"],
    `\n[tool.lockstep.sources]\ngitpkg = { git = "${url.replace("gitpkg", "moving")}", branch = "dev" }\n`,
  );
  let res = await lockstep(dir, "lock");
  expect(res.code, res.stderr).toBe(0);
  expect(entryOf(pylock(dir), "gitpkg")).toContain(`commit-id = "${commits.dev}"`);
  expect(entryOf(pylock(dir), "gitpkg")).toContain('requested-revision = "dev"');

  const head = moving.commit("2.2", gitpkgFiles("2.2.0", ["helper>=1"]));
  // A moved branch is not an input change: `lock --check` still passes.
  res = await lockstep(dir, "lock", "--check");
  expect(res.code, res.stderr).toBe(0);
  // An input change forces a resolution: the branch's locked commit is still kept.
  const py = readFileSync(join(dir, "pyproject.toml"), "utf8");
  writeFileSync(
    join(dir, "pyproject.toml"),
    py.replace('dependencies = ["gitpkg"]', 'dependencies = ["gitpkg", "urlwheel"]'),
  );
  res = await lockstep(dir, "lock");
  expect(res.code, res.stderr).toBe(0);
  expect(entryOf(pylock(dir), "gitpkg")).toContain(`commit-id = "${commits.dev}"`);
  expect(entryOf(pylock(dir), "gitpkg")).toContain('version = "2.1.0"');

  res = await lockstep(dir, "lock", "--upgrade");
  expect(res.code, res.stderr).toBe(0);
  const text = pylock(dir);
  expect(entryOf(text, "gitpkg")).toContain(`commit-id = "${head}"`);
  expect(entryOf(text, "gitpkg")).toContain('version = "2.2.0"');
  validatePylock(text);

  res = await lockstep(dir, "sync", "--python", PY312);
  expect(res.code, res.stderr).toBe(0);
  expect(res.stderr).toContain("+ gitpkg==2.2.0");
  const site = join(dir, ".venv", "lib", "python3.12", "site-packages");
  expect(readFileSync(join(site, "gitpkg.py"), "utf8")).toBe('VERSION = "2.2.0"\n');
  const direct = JSON.parse(readFileSync(join(site, "gitpkg-2.2.0.dist-info", "direct_url.json"), "utf8"));
  expect(direct).toEqual({
    url: `git+${url.replace("gitpkg", "moving")}`,
    vcs_info: { vcs: "git", commit_id: head, requested_revision: "dev" },
  });

  res = await run(process.execPath, [entry, "export", "--format", "requirements-txt", "--no-hashes"], {
    cwd: dir,
    env,
  });
  expect(res.code, res.stderr).toBe(0);
  expect(res.stdout).toContain(`gitpkg @ git+${url.replace("gitpkg", "moving")}@${head}`);
}, 180_000);

function servedFile(pattern: RegExp): { url: string; sha256: string } {
  const files = readdirSync(join(server.root, "files")).filter((f) => pattern.test(f));
  const name = files[0] as string;
  const sha256 = createHash("sha256")
    .update(readFileSync(join(server.root, "files", name)))
    .digest("hex");
  return { url: `${server.origin}/files/${name}`, sha256 };
}

test("direct-URL wheel (with #sha256) and sdist (hash computed) are locked as archive entries", async () => {
  const wheel = servedFile(/^urlwheel-1\.0-.*\.whl$/);
  const sdist = servedFile(/^urlsdist-2\.0\.tar\.gz$/);
  const dir = project("direct", [
    `urlwheel @ ${wheel.url}#sha256=${wheel.sha256}`,
    `urlsdist @ ${sdist.url}`,
  ]);
  const res = await lockstep(dir, "lock");
  expect(res.code, res.stderr).toBe(0);
  const text = pylock(dir);
  expect(entryOf(text, "urlwheel")).toContain(
    `archive = { url = "${wheel.url}", hashes = { sha256 = "${wheel.sha256}" } }`,
  );
  expect(entryOf(text, "urlsdist")).toContain(
    `archive = { url = "${sdist.url}", hashes = { sha256 = "${sdist.sha256}" } }`,
  );
  expect(entryOf(text, "urlsdist")).toContain('version = "2.0"');
  // The sdist's own dependency comes from the index.
  expect(entryOf(text, "helper")).toContain('version = "1.0"');
  validatePylock(text);
}, 120_000);

test("a wrong #sha256 is refused naming the URL, expected and actual", async () => {
  const wheel = servedFile(/^urlwheel-1\.0-.*\.whl$/);
  const wrong = "0".repeat(64);
  const dir = project("wrong-hash", [`urlwheel @ ${wheel.url}#sha256=${wrong}`]);
  const res = await lockstep(dir, "lock");
  expect(res.code).not.toBe(0);
  expect(res.stderr).toContain(wheel.url);
  expect(res.stderr).toContain(wrong);
  expect(res.stderr).toContain(wheel.sha256);
});

test.each([
  [
    "a git tag that does not exist",
    () => [`gitpkg @ git+${repo.fileUrl}@v9`],
    () => `revision "v9" was not found in ${repo.fileUrl}`,
  ],
  [
    "a URL that is not an archive",
    () => [`urlwheel @ ${server.origin}/files/`],
    () => `is not a wheel or source archive (.whl, .tar.gz, .zip)`,
  ],
])("%s is a clear error", async (_label, deps, message) => {
  const dir = project(`err-${_label.replace(/\W+/g, "-")}`, deps());
  const res = await lockstep(dir, "lock");
  expect(res.code).not.toBe(0);
  expect(res.stderr).toContain(message());
});

test("add git+file://…@v1 writes the name and a [tool.lockstep.sources] entry with tag, then locks it", async () => {
  const dir = project("added", []);
  const res = await run(
    process.execPath,
    [entry, "add", `git+${repo.fileUrl}@v1`, "--no-sync", "--index-url", server.url],
    { cwd: dir, env },
  );
  expect(res.code, res.stderr).toBe(0);
  const py = readFileSync(join(dir, "pyproject.toml"), "utf8");
  expect(py).toMatch(/dependencies = \[\s*"gitpkg(>=1\.0\.0)?",?\s*\]/);
  expect(py).toContain(`[tool.lockstep.sources]\ngitpkg = { git = "${repo.fileUrl}", tag = "v1" }\n`);
  expect(entryOf(pylock(dir), "gitpkg")).toContain(`commit-id = "${commits.v1}"`);
});

test("credentials in a git URL are used but never written to the lock", async () => {
  const http = await serveGitHttp(join(base, "repos"), "alice", "s3cret");
  try {
    const dir = project("creds", [`gitpkg @ git+${http.url("gitpkg")}@v2`]);
    const res = await lockstep(dir, "lock");
    expect(res.code, res.stderr).toBe(0);
    const text = pylock(dir);
    expect(text).not.toContain("s3cret");
    expect(entryOf(text, "gitpkg")).toContain(`url = "${http.url("gitpkg").replace("alice:s3cret@", "")}"`);
    expect(entryOf(text, "gitpkg")).toContain(`commit-id = "${commits.v2}"`);
    const bad = project("creds-bad", [`gitpkg @ git+${http.url("gitpkg").replace("s3cret", "wrong")}@v2`]);
    const refused = await lockstep(bad, "lock");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("Could not fetch http://127.0.0.1:");
    expect(refused.stderr.replace(/pyproject\.toml.*\n/g, "")).not.toContain("wrong@");
  } finally {
    await http.close();
  }
});

test("#subdirectory= is locked, synced from the checkout's subdirectory and exported", async () => {
  const dir = project("subdir", [`subpkg @ git+${repo.fileUrl}@sub#subdirectory=sub/pkg`]);
  let res = await lockstep(dir, "lock");
  expect(res.code, res.stderr).toBe(0);
  const text = pylock(dir);
  expect(entryOf(text, "subpkg")).toContain(
    `vcs = { type = "git", url = "${repo.fileUrl}", requested-revision = "sub", commit-id = "${commits.sub}", subdirectory = "sub/pkg" }`,
  );
  validatePylock(text);
  res = await run(process.execPath, [entry, "export", "--format", "requirements-txt", "--no-hashes"], {
    cwd: dir,
    env,
  });
  expect(res.stdout).toContain(`subpkg @ git+${repo.fileUrl}@${commits.sub}#subdirectory=sub/pkg`);
  res = await run(process.execPath, [entry, "tree", "--frozen"], { cwd: dir, env });
  expect(res.code, res.stderr).toBe(0);
  expect(res.stdout).toContain("subpkg");
  res = await lockstep(dir, "sync", "--python", PY312);
  expect(res.code, res.stderr).toBe(0);
  const site = join(dir, ".venv", "lib", "python3.12", "site-packages");
  expect(readFileSync(join(site, "subpkg.py"), "utf8")).toBe('VERSION = "0.5.0"\n');
}, 120_000);

test("lock --check notices a changed tag in [tool.lockstep.sources]", async () => {
  const sources = (tag: string) =>
    `\n[tool.lockstep.sources]\ngitpkg = { git = "${repo.fileUrl}", tag = "${tag}" }\n`;
  const dir = project("check-tag", ["gitpkg"], sources("v1"));
  let res = await lockstep(dir, "lock");
  expect(res.code, res.stderr).toBe(0);
  expect(entryOf(pylock(dir), "gitpkg")).toContain(`commit-id = "${commits.v1}"`);
  project("check-tag", ["gitpkg"], sources("v2"));
  res = await lockstep(dir, "lock", "--check");
  expect(res.code).toBe(3);
  res = await lockstep(dir, "lock");
  expect(res.code, res.stderr).toBe(0);
  expect(entryOf(pylock(dir), "gitpkg")).toContain(`commit-id = "${commits.v2}"`);
});

test("with the git server stopped, a re-lock after an input change and a fresh sync use the cached commit", async () => {
  const own = await serveGitDaemon(join(base, "repos"));
  const dir = project("server-gone", [`gitpkg @ git+${own.url("gitpkg")}@v2`]);
  let res = await lockstep(dir, "lock");
  expect(res.code, res.stderr).toBe(0);
  await own.close();
  const py = readFileSync(join(dir, "pyproject.toml"), "utf8");
  writeFileSync(join(dir, "pyproject.toml"), py.replace(`@v2"]`, `@v2", "urlwheel"]`));
  res = await lockstep(dir, "lock");
  expect(res.code, res.stderr).toBe(0);
  expect(entryOf(pylock(dir), "gitpkg")).toContain(`commit-id = "${commits.v2}"`);
  res = await lockstep(dir, "sync", "--python", PY312);
  expect(res.code, res.stderr).toBe(0);
  expect(res.stderr).toContain("+ gitpkg==2.0.0");
  // --upgrade has to ask the (stopped) server: a clear fetch error naming the repository.
  res = await lockstep(dir, "lock", "--upgrade");
  expect(res.code).not.toBe(0);
  expect(res.stderr).toContain(`Could not fetch ${own.url("gitpkg")}`);
}, 120_000);

test("pip install -r of the export gives the same installed set as sync", async () => {
  const wheel = servedFile(/^urlwheel-1\.0-.*\.whl$/);
  const sdist = servedFile(/^urlsdist-2\.0\.tar\.gz$/);
  // Over git daemon: pip 23's PEP 508 parser refuses a `git+file:///` URL (no host).
  const dir = project("pip-export", [
    `gitpkg @ git+${daemon.url("gitpkg")}@v2`,
    `urlwheel @ ${wheel.url}#sha256=${wheel.sha256}`,
    `urlsdist @ ${sdist.url}`,
  ]);
  let res = await lockstep(dir, "sync", "--python", PY312);
  expect(res.code, res.stderr).toBe(0);
  res = await run(process.execPath, [entry, "export", "--format", "requirements-txt", "--no-hashes"], {
    cwd: dir,
    env,
  });
  expect(res.code, res.stderr).toBe(0);
  const { venv: pipVenv, result: pip } = await pipInstallRequirements({
    python: PY312,
    dir,
    requirements: res.stdout,
    indexUrl: server.url,
    env,
  });
  expect(pip.code, pip.stderr).toBe(0);
  const site = (venv: string) => join(venv, "lib", "python3.12", "site-packages");
  const ours = installedDistributions(site(join(dir, ".venv"))).filter((d) => !d.startsWith("pip-export"));
  const theirs = installedDistributions(site(pipVenv)).filter((d) => !/^(pip|setuptools)==/.test(d));
  expect(ours).toEqual(["gitpkg==2.0.0", "helper==1.0", "urlsdist==2.0", "urlwheel==1.0"]);
  expect(theirs).toEqual(ours);
}, 180_000);

test("without git on PATH the error says what needed it", async () => {
  const dir = project("no-git", [`gitpkg @ git+https://tok:secret@git.invalid/org/gitpkg.git@v1`]);
  const res = await run(process.execPath, [entry, "lock", "--index-url", server.url], {
    cwd: dir,
    env: { ...env, PATH: join(base, "empty-path"), LOCKSTEP_CACHE_DIR: join(base, "no-git-cache") },
  });
  expect(res.code).not.toBe(0);
  expect(res.stderr).toContain(
    "git is needed for https://git.invalid/org/gitpkg.git but was not found on PATH",
  );
  expect(res.stderr).not.toContain("secret");
});
