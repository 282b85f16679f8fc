/**
 * git and direct-URL sources on every path that installs, not only a project's `sync`: a lock with
 * `vcs` and `archive` entries synced by `sync --lockfile` in a directory with no pyproject.toml; a
 * `--with` environment (and a script's, which takes the same path) asking for `name @ git+…` and
 * `name @ https://…#subdirectory=…`; and a `{ url = …, subdirectory = … }` source (a repository
 * snapshot archive served by the fixture index server, the project in a subdirectory of its top
 * directory) locked, synced and exported; and a dependency whose own metadata names a URL, refused
 * unless the project declares that package itself at the same URL (another URL: conflicting URLs). The in-tree
 * fixture backend builds every source, so no network but loopback is used.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fixtureBackendTree, TestRepo, writeTree } from "@lockstep/build/testing";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { readLock } from "@lockstep/lockfile";
import { validatePylock } from "@lockstep/lockfile/testing";
import { Requirement } from "@lockstep/pep508";
import { queryInterpreter } from "@lockstep/python";
import {
  installedDistributions,
  pipInstallRequirements,
  projectTestEnv,
  testSyncOptions,
  writePyproject,
} from "../testing";
import { exportRequirementsTxt } from "./export-requirements";
import { lockProject } from "./lock-project";
import { runEnvironment } from "./run-environment";
import { runTarget } from "./run-target";
import { DEFAULT_SELECTION, performSync } from "./sync";
import type { SyncProjectOptions } from "./sync";
import { syncLockfile } from "./sync-lockfile";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const VERSION = "0.1.0";
const env = projectTestEnv();
let server: IndexServer;
let base: string;
let cacheDir: string;
let repo: TestRepo;
let snapshotUrl: string;

const sourceTree = (name: string, version: string, dependencies: string[]) =>
  fixtureBackendTree({ name, version, dependencies });

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), "lockstep-url-everywhere-"));
  cacheDir = join(base, "cache");
  // A private build of the universe: the snapshot archive is written into its files/ directory.
  server = await serveUniverse(
    { name: "lockstep-url-everywhere", packages: { helper: { versions: { "1.0": {} } } } },
    { cacheDir: join(base, "fixture-cache") },
  );
  repo = new TestRepo(join(base, "repos", "gitpkg"));
  repo.commit("1.0", sourceTree("gitpkg", "1.0.0", []));
  repo.tag("v1");
  repo.commit("2.0", sourceTree("gitpkg", "2.0.0", ["helper>=1"]));
  repo.tag("v2");
  repo.commit(
    "subpkg in a subdirectory",
    Object.fromEntries(
      Object.entries(sourceTree("subpkg", "0.6.0", [])).map(([k, v]) => [`sub/subpkg/${k}`, v]),
    ),
  );
  repo.tag("sub");
  // A repository snapshot (as GitHub serves them): one top directory, the project two levels down.
  const snap = join(base, "snapshot");
  writeTree(join(snap, "monorepo-1.0"), {
    "README.md": "not a project at the top\n",
    ...Object.fromEntries(
      Object.entries(sourceTree("subpkg", "0.5.0", ["helper"])).map(([k, v]) => [`packages/subpkg/${k}`, v]),
    ),
  });
  execFileSync("tar", [
    "-czf",
    join(server.root, "files", "monorepo-1.0.tar.gz"),
    "-C",
    snap,
    "monorepo-1.0",
  ]);
  snapshotUrl = `${server.origin}/files/monorepo-1.0.tar.gz`;
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

function project(dependencies: string[], extra = ""): string {
  return writePyproject(mkdtempSync(join(base, "app-")), "app", dependencies, extra);
}

function syncOptions(dir: string): SyncProjectOptions {
  return testSyncOptions({
    project: dir,
    mode: "lock",
    indexUrl: server.url,
    python: PY312,
    cacheDir,
    lockstepVersion: VERSION,
    env,
  });
}

function directUrl(sitePackages: string, name: string): unknown {
  const dist = readdirSync(sitePackages).find((n) => n.startsWith(`${name}-`) && n.endsWith(".dist-info"));
  return JSON.parse(readFileSync(join(sitePackages, dist ?? "missing", "direct_url.json"), "utf8"));
}

const sitePackages = (venv: string) => join(venv, "lib", "python3.12", "site-packages");

describe("a URL source with a subdirectory (a project inside a repository snapshot)", () => {
  test("{ url, subdirectory } is locked as an archive entry with its subdirectory, synced and exported", async () => {
    const dir = project(
      ["subpkg"],
      `[tool.lockstep.sources]\nsubpkg = { url = "${snapshotUrl}", subdirectory = "packages/subpkg" }\n`,
    );
    const outcome = await lockProject({
      project: dir,
      indexUrl: server.url,
      cacheDir,
      lockstepVersion: VERSION,
    });
    expect(outcome.kind).toBe("resolved");
    const lockPath = join(dir, "pylock.toml");
    const lock = readLock(readFileSync(lockPath, "utf8"), lockPath);
    const subpkg = lock.packages.find((p) => p.name === "subpkg");
    expect([subpkg?.version?.toString(), subpkg?.source]).toMatchObject([
      "0.5.0",
      {
        kind: "archive",
        url: snapshotUrl,
        subdirectory: "packages/subpkg",
        hashes: { sha256: expect.any(String) },
      },
    ]);
    expect(lock.packages.map((p) => p.name)).toEqual(["helper", "subpkg"]);
    validatePylock(readFileSync(lockPath, "utf8"));
    expect(lock.lockstep?.inputs.sources).toMatchObject({ subpkg: `url ${snapshotUrl} packages/subpkg` });

    const synced = await performSync(syncOptions(dir));
    expect(installedDistributions(sitePackages(synced.venv))).toEqual(["helper==1.0", "subpkg==0.5.0"]);
    expect(directUrl(sitePackages(synced.venv), "subpkg")).toEqual({
      url: snapshotUrl,
      archive_info: {
        hash: `sha256=${subpkg?.source.kind === "archive" ? subpkg.source.hashes.sha256 : ""}`,
        hashes: { sha256: subpkg?.source.kind === "archive" ? subpkg.source.hashes.sha256 : "" },
      },
      subdirectory: "packages/subpkg",
    });
    const exported = exportRequirementsTxt(lock, { hashes: false });
    expect(exported).toContain(`subpkg @ ${snapshotUrl}#subdirectory=packages/subpkg\n`);
    // pip reads the export the same way: the same installed set.
    const { venv: pipVenv, result: pip } = await pipInstallRequirements({
      python: PY312,
      dir,
      requirements: exported,
      indexUrl: server.url,
      env,
    });
    expect(pip.code, pip.stderr).toBe(0);
    expect(
      installedDistributions(sitePackages(pipVenv)).filter((d) => !/^(pip|setuptools)==/.test(d)),
    ).toEqual(["helper==1.0", "subpkg==0.5.0"]);
  }, 120_000);

  test("a PEP 508 `#subdirectory=` fragment is the same source", async () => {
    const dir = project([`subpkg @ ${snapshotUrl}#subdirectory=packages/subpkg`]);
    await lockProject({ project: dir, indexUrl: server.url, cacheDir, lockstepVersion: VERSION });
    const lock = readLock(readFileSync(join(dir, "pylock.toml"), "utf8"), "pylock.toml");
    expect(lock.packages.find((p) => p.name === "subpkg")?.source).toMatchObject({
      kind: "archive",
      url: snapshotUrl,
      subdirectory: "packages/subpkg",
    });
  }, 120_000);

  test.each([
    [
      `subpkg = { url = "${"URL"}", subdirectory = "packages/nope" }`,
      'has no project in subdirectory "packages/nope" (no pyproject.toml or setup.py at "monorepo-1.0/packages/nope")',
    ],
    [
      `subpkg = { url = "${"URL"}", subdirectory = "../x" }`,
      'subdirectory "../x" of "URL" must be a relative path inside the archive',
    ],
    [
      'subpkg = { url = "http://127.0.0.1:1/subpkg-1.0-py3-none-any.whl", subdirectory = "a" }',
      'subdirectory = "a" applies to source archives, but http://127.0.0.1:1/subpkg-1.0-py3-none-any.whl is a wheel',
    ],
  ])(
    "refused: %s",
    async (source, message) => {
      const dir = project(["subpkg"], `[tool.lockstep.sources]\n${source.replace("URL", snapshotUrl)}\n`);
      await expect(
        lockProject({ project: dir, indexUrl: server.url, cacheDir, lockstepVersion: VERSION }),
      ).rejects.toThrow(message.replace("URL", snapshotUrl));
    },
    120_000,
  );
});

describe("sync --lockfile installs vcs and archive entries", () => {
  test("a lock with a git entry and a subdirectory archive, in a directory without pyproject.toml", async () => {
    const dir = project([
      `gitpkg @ git+${repo.fileUrl}@v2`,
      `subpkg @ ${snapshotUrl}#subdirectory=packages/subpkg`,
    ]);
    await lockProject({ project: dir, indexUrl: server.url, cacheDir, lockstepVersion: VERSION });
    const elsewhere = mkdtempSync(join(base, "lock-only-"));
    cpSync(join(dir, "pylock.toml"), join(elsewhere, "pylock.toml"));
    const outcome = await syncLockfile({
      ...DEFAULT_SELECTION,
      lockfile: "pylock.toml",
      cwd: elsewhere,
      python: PY312,
      inexact: false,
      compileBytecode: false,
      dryRun: false,
      cacheDir,
      lockstepVersion: VERSION,
      env,
    });
    const site = sitePackages(outcome.venv);
    expect(installedDistributions(site)).toEqual(["gitpkg==2.0.0", "helper==1.0", "subpkg==0.5.0"]);
    expect(directUrl(site, "gitpkg")).toMatchObject({
      url: `git+${repo.fileUrl}`,
      vcs_info: { vcs: "git", requested_revision: "v2", commit_id: repo.git("rev-parse", "v2^{commit}") },
    });
    expect(directUrl(site, "subpkg")).toMatchObject({ url: snapshotUrl, subdirectory: "packages/subpkg" });
  }, 180_000);
});

test("another tool's lock naming a local repository by path (PEP 751 vcs.path)", async () => {
  const dir = mkdtempSync(join(base, "hand-lock-"));
  writeFileSync(
    join(dir, "pylock.toml"),
    [
      'lock-version = "1.0"',
      'created-by = "another-tool"',
      'requires-python = ">=3.9"',
      "",
      "[[packages]]",
      'name = "gitpkg"',
      'version = "1.0.0"',
      `vcs = { type = "git", path = "../repos/gitpkg", commit-id = "${repo.git("rev-parse", "v1^{commit}")}" }`,
      "",
    ].join("\n"),
  );
  const outcome = await syncLockfile({
    ...DEFAULT_SELECTION,
    lockfile: "pylock.toml",
    cwd: dir,
    python: PY312,
    inexact: false,
    compileBytecode: false,
    dryRun: false,
    cacheDir,
    lockstepVersion: VERSION,
    env,
  });
  expect(installedDistributions(sitePackages(outcome.venv))).toEqual(["gitpkg==1.0.0"]);
  expect(directUrl(sitePackages(outcome.venv), "gitpkg")).toMatchObject({ url: `git+${repo.fileUrl}` });
}, 180_000);

describe("run environments take git and URL requirements", () => {
  test("--with name @ git+…@tag and name @ https://…#subdirectory=…", async () => {
    const interpreter = queryInterpreter(PY312, cacheDir);
    const environment = await runEnvironment({
      kind: "with",
      requirements: [
        Requirement.parse(`gitpkg @ git+${repo.fileUrl}@v1`),
        Requirement.parse(`subpkg @ ${snapshotUrl}#subdirectory=packages/subpkg`),
      ],
      interpreter,
      indexes: [{ name: undefined, url: server.url, explicit: false, default: true }],
      cacheDir,
      lockstepVersion: VERSION,
    });
    expect(environment.installed.sort()).toEqual(["gitpkg==1.0.0", "helper==1.0", "subpkg==0.5.0"]);
    expect(
      execFileSync(
        environment.python,
        ["-c", "import gitpkg, subpkg; print(gitpkg.VERSION, subpkg.VERSION)"],
        {
          encoding: "utf8",
        },
      ),
    ).toBe("1.0.0 0.5.0\n");
  }, 180_000);
});

describe("a PEP 723 script's dependencies with a URL", () => {
  test("name @ git+…@tag and name @ file:///dir from the script's block", async () => {
    const lib = join(base, "scriptlib");
    writeTree(lib, sourceTree("scriptlib", "3.0.0", ["helper"]));
    const script = join(base, "tool.py");
    writeFileSync(
      script,
      [
        "# /// script",
        `# dependencies = ["gitpkg @ git+${repo.fileUrl}@v2", "scriptlib @ ${pathToFileURL(lib).href}"]`,
        "# ///",
        "import gitpkg, scriptlib",
        "print(gitpkg.VERSION, scriptlib.VERSION)",
        "",
      ].join("\n"),
    );
    const target = runTarget([script], false, base);
    if (target.kind !== "script") throw new Error(`not a script: ${target.kind}`);
    const environment = await runEnvironment({
      kind: "script",
      requirements: target.metadata.dependencies,
      interpreter: queryInterpreter(PY312, cacheDir),
      indexes: [{ name: undefined, url: server.url, explicit: false, default: true }],
      cacheDir,
      lockstepVersion: VERSION,
    });
    expect(environment.installed.sort()).toEqual(["gitpkg==2.0.0", "helper==1.0", "scriptlib==3.0.0"]);
    expect(execFileSync(environment.python, [script], { encoding: "utf8" })).toBe("2.0.0 3.0.0\n");
  }, 180_000);
});

describe("a URL in a dependency's own metadata (transitive direct URL)", () => {
  /** A local path dependency `tool` whose dependencies name subpkg by URL. */
  function toolProject(dependencies: string[], extra = ""): string {
    const dir = project(dependencies, `[tool.lockstep.sources]\ntool = { path = "tool" }\n${extra}`);
    writeTree(
      join(dir, "tool"),
      sourceTree("tool", "1.0.0", [`subpkg @ ${snapshotUrl}#subdirectory=packages/subpkg`]),
    );
    return dir;
  }

  test("refused when the project does not declare the package, naming both and how to fix it", async () => {
    const dir = toolProject(["tool"]);
    const err = await lockProject({
      project: dir,
      indexUrl: server.url,
      cacheDir,
      lockstepVersion: VERSION,
    }).catch((e: unknown) => e);
    // The solver says whose dependencies it was reading; the cause is the refusal itself.
    expect(err).toMatchObject({ cause: { code: "transitive-url", dependent: "tool" } });
    expect(err).toMatchObject({
      message: `Failed to read the dependencies of tool 1.0.0: tool requires subpkg from the direct URL ${snapshotUrl}#subdirectory=packages/subpkg, but the project does not declare subpkg. A package's own dependencies may not name URLs: only the project decides where code comes from.`,
      hint: `declare it in the project: add "subpkg @ ${snapshotUrl}#subdirectory=packages/subpkg" to [project] dependencies, or "subpkg" there with [tool.lockstep.sources] subpkg = { url = "${snapshotUrl}#subdirectory=packages/subpkg" }`,
    });
  }, 120_000);

  test.each([
    [
      "as a requirement with the same URL",
      [`subpkg @ ${"URL"}#subdirectory=packages/subpkg`],
      "",
      "archive",
      ["helper", "subpkg", "tool"],
    ],
    [
      "through [tool.lockstep.sources] with the same URL (subdirectory given apart)",
      ["subpkg"],
      `subpkg = { url = "${"URL"}", subdirectory = "packages/subpkg" }`,
      "archive",
      ["helper", "subpkg", "tool"],
    ],
  ])(
    "allowed when the project declares it %s",
    async (_label, deps, source, kind, names) => {
      const dir = toolProject(
        ["tool", ...deps.map((d) => d.replace("URL", snapshotUrl))],
        source.replace("URL", snapshotUrl),
      );
      await lockProject({ project: dir, indexUrl: server.url, cacheDir, lockstepVersion: VERSION });
      const lock = readLock(readFileSync(join(dir, "pylock.toml"), "utf8"), "pylock.toml");
      expect(lock.packages.map((p) => p.name)).toEqual(names);
      validatePylock(readFileSync(join(dir, "pylock.toml"), "utf8"));
      expect(lock.packages.find((p) => p.name === "subpkg")?.source.kind).toBe(kind);
    },
    120_000,
  );

  test("refused when the project's source is another URL, naming both and who asked for each", async () => {
    const dir = toolProject(
      ["tool", "subpkg"],
      `subpkg = { git = "${repo.fileUrl}", tag = "sub", subdirectory = "sub/subpkg" }`,
    );
    const err = await lockProject({
      project: dir,
      indexUrl: server.url,
      cacheDir,
      lockstepVersion: VERSION,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      cause: {
        code: "conflicting-urls",
        dependent: "tool",
        message: [
          "Requirements contain conflicting URLs for package `subpkg`:",
          `- git+${repo.fileUrl}@sub#subdirectory=sub/subpkg (the project: [tool.lockstep.sources] subpkg = { git = "${repo.fileUrl}", tag = "sub" })`,
          `- ${snapshotUrl}#subdirectory=packages/subpkg (required by tool)`,
        ].join("\n"),
        hint: `the project decides where subpkg comes from, and tool's own metadata names another location: point the project's source for subpkg at ${snapshotUrl}#subdirectory=packages/subpkg, or use a version of tool that does not name a URL`,
      },
    });
  }, 120_000);
});
