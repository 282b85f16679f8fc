/**
 * The project layer's use of the index client's options and the limits (issue 13): a lock made from
 * an index that lists no hashes still carries a sha256 for every file (and reads back, and syncs);
 * a skipped link on an index page becomes a warning of the outcome; `max-archive-entries` in
 * `[tool.lockstep]` (or given by the command line) makes sync refuse a wheel, naming the file, the
 * limit and the setting that raises it; `http-timeout` bounds a stalled index and the waiting
 * notice names its host.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer, Universe } from "@lockstep/fixtures";
import { readLock } from "@lockstep/lockfile";
import { installedDistributions, projectTestEnv, testSyncOptions } from "../testing";
import { lockProject } from "./lock-project";
import { performSync } from "./sync";
import type { SyncProjectOptions } from "./sync";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const VERSION = "0.1.0";
const env = projectTestEnv();

const universe: Universe = {
  name: "project-network-settings",
  packages: {
    alpha: {
      versions: {
        "1.0": {
          requiresDist: ["beta>=1"],
          files: { "alpha/__init__.py": "", "alpha/one.py": "", "alpha/two.py": "", "alpha/three.py": "" },
        },
      },
    },
    beta: { versions: { "1.0": {}, "2.0": {} } },
  },
};

let server: IndexServer;
beforeAll(async () => {
  server = await serveUniverse(universe);
});
afterAll(() => server?.close());

/** A fresh project depending on alpha, with extra `[tool.lockstep]` lines. */
function makeProject(...settings: string[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), "lockstep-network-settings-")), "app");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "pyproject.toml"),
    [
      "[project]",
      'name = "app"',
      'version = "1.0"',
      'requires-python = ">=3.12"',
      'dependencies = ["alpha"]',
      "[tool.lockstep]",
      "package = false",
      ...settings,
      "",
    ].join("\n"),
  );
  return dir;
}

function syncOptions(
  project: string,
  cacheDir: string,
  extra: Partial<SyncProjectOptions> = {},
): SyncProjectOptions {
  return testSyncOptions({
    project,
    mode: "lock",
    python: PY312,
    indexUrl: server.url,
    cacheDir,
    env,
    lockstepVersion: VERSION,
    ...extra,
  });
}

const freshCache = (): string => mkdtempSync(join(tmpdir(), "lockstep-network-cache-"));

test("an index that lists no hashes still gives a lock with a sha256 for every file; it reads back and syncs", async () => {
  server.setOptions({ hashes: false });
  try {
    const project = makeProject();
    const cacheDir = freshCache();
    server.resetStats();
    const outcome = await lockProject({ project, indexUrl: server.url, cacheDir, lockstepVersion: VERSION });
    expect(outcome).toMatchObject({ kind: "resolved", packages: 2 });
    // Every file of the locked versions was downloaded once to be hashed: 2 wheels + 2 sdists.
    expect(server.count((r) => r.path.startsWith("/files/") && !r.path.endsWith(".metadata"))).toBe(4);
    const lockPath = join(project, "pylock.toml");
    const text = readFileSync(lockPath, "utf8");
    const lock = readLock(text, lockPath);
    const files = lock.packages.flatMap((p) =>
      p.source.kind === "files" ? [...(p.source.sdist ? [p.source.sdist] : []), ...p.source.wheels] : [],
    );
    expect(files.map((f) => f.name).sort()).toEqual([
      "alpha-1.0-py3-none-any.whl",
      "alpha-1.0.tar.gz",
      "beta-2.0-py3-none-any.whl",
      "beta-2.0.tar.gz",
    ]);
    for (const f of files) expect(f.hashes.sha256).toMatch(/^[0-9a-f]{64}$/);

    const run = await performSync(syncOptions(project, cacheDir, { mode: "locked" }));
    expect(run.kind).toBe("synced");
    if (run.kind !== "synced") return;
    expect(installedDistributions(join(run.venv, "lib", "python3.12", "site-packages"))).toEqual([
      "alpha==1.0",
      "beta==2.0",
    ]);
  } finally {
    server.setOptions({ hashes: true });
  }
});

test("a link skipped on an index page is a warning of the lock outcome", async () => {
  const fileHref = "../../files/beta-2.0-py3-none-any.whl";
  server.setOptions({
    faults: [
      {
        path: "/simple/beta/",
        kind: "raw",
        status: 200,
        headers: { "content-type": "text/html" },
        body: `<a href="${fileHref}">beta-2.0-py3-none-any.whl</a><a href="../../files/..%2F..%2Fx-1.0-py3-none-any.whl">x</a>`,
      },
    ],
  });
  try {
    const outcome = await lockProject({
      project: makeProject(),
      indexUrl: server.url,
      cacheDir: freshCache(),
      lockstepVersion: VERSION,
    });
    expect(outcome.warnings).toEqual([
      `Skipping the link "../../files/..%2F..%2Fx-1.0-py3-none-any.whl" on ${server.url}/beta/: the file name "../../x-1.0-py3-none-any.whl" contains a path separator`,
    ]);
  } finally {
    server.setOptions({ faults: [] });
  }
});

test.each([
  ["[tool.lockstep] max-archive-entries = 5", ["max-archive-entries = 5"], undefined],
  ["the command line's limits (LOCKSTEP_MAX_ARCHIVE_ENTRIES)", [], { maxArchiveEntries: 5 }],
  [
    "the command line over a looser [tool.lockstep] value",
    ["max-archive-entries = 100000"],
    { maxArchiveEntries: 5 },
  ],
])(
  "%s: sync refuses alpha's wheel (more entries), naming the file, the limit and the setting",
  async (_, settings, limits) => {
    const project = makeProject(...settings);
    const cacheDir = freshCache();
    const error: unknown = await performSync(syncOptions(project, cacheDir, { limits })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^Failed to install 1 package:\n {2}alpha==1\.0 \(http:\S+\/files\/alpha-1\.0-py3-none-any\.whl\): The archive alpha-1\.0-py3-none-any\.whl has \d+ entries, more than the limit of 5$/,
    );
    expect((error as { hint?: string }).hint).toBe(
      "refused by the limit max-archive-entries; nothing from it was kept. If the archive is trusted, raise it: `max-archive-entries = …` in [tool.lockstep] or LOCKSTEP_MAX_ARCHIVE_ENTRIES",
    );
  },
);

test("a looser limit lets the same wheel install", async () => {
  const run = await performSync(syncOptions(makeProject("max-archive-entries = 50"), freshCache()));
  expect(run.kind).toBe("synced");
});

test("http-timeout bounds a stalled index; the waiting notice names its host", async () => {
  server.setOptions({ faults: [{ path: "/simple/alpha/", kind: "stall" }] });
  const waiting: string[] = [];
  const started = Date.now();
  try {
    await expect(
      lockProject({
        project: makeProject("http-timeout = 0.5"),
        indexUrl: server.url,
        cacheDir: freshCache(),
        lockstepVersion: VERSION,
        onWaiting: (host) => waiting.push(host),
      }),
    ).rejects.toThrow(`127.0.0.1:${server.port} stopped answering: nothing received for 0.50 s`);
  } finally {
    server.setOptions({ faults: [] });
  }
  expect(Date.now() - started).toBeLessThan(5000);
  expect(waiting).toEqual([`127.0.0.1:${server.port}`]);
});
