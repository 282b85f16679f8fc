/**
 * A workspace of three (the root `app` depending on member `liba`, and `libb`), on a loopback
 * fixture index: `verify` checks exactly the members `sync` installed with the same selection
 * (`--package`, `--all-packages`, the member you stand in), and refuses `--package` with
 * `--lockfile`; the no-op `sync` fast path does not take a venv for fresh after a new member
 * directory appears under the members glob.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BACKEND_SOURCE, serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { DEFAULT_SELECTION, checkFresh, performSync } from "./sync";
import type { SyncProjectOptions } from "./sync";
import { projectTestEnv, testSyncOptions } from "../testing";
import { verifyEnvironment } from "./verify";
import type { VerifyOptions } from "./verify";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const VERSION = "0.1.0";
const env = projectTestEnv();
let server: IndexServer;
let cacheDir: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A member the in-tree fixture backend builds (editable too). */
function member(dir: string, name: string, deps: string[], tail = ""): void {
  write(
    join(dir, "pyproject.toml"),
    [
      "[build-system]",
      "requires = []",
      'build-backend = "lockstep_fixture_backend"',
      'backend-path = ["_backend"]',
      "",
      "[project]",
      `name = "${name}"`,
      'version = "0.1.0"',
      'requires-python = ">=3.9"',
      `dependencies = ${JSON.stringify(deps)}`,
      tail,
    ].join("\n"),
  );
  write(join(dir, "PKG-INFO"), `Metadata-Version: 2.2\nName: ${name}\nVersion: 0.1.0\n`);
  write(join(dir, "_backend", "lockstep_fixture_backend.py"), BACKEND_SOURCE);
  write(join(dir, `${name}.py`), `NAME = "${name}"\n`);
}

const made: string[] = [];

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), "lockstep-ws-verify-"));
  made.push(root);
  member(
    root,
    "app",
    ["liba"],
    // Tables, not inline tables: the fixture backend reads a JSON-valued subset of TOML.
    '\n[tool.lockstep.sources.liba]\nworkspace = true\n\n[tool.lockstep.workspace]\nmembers = ["packages/*"]\n',
  );
  member(join(root, "packages", "liba"), "liba", ["dep-a"]);
  member(join(root, "packages", "libb"), "libb", ["dep-b"]);
  return root;
}

function syncOptions(cwd: string, packages: string[] = [], allPackages = false): SyncProjectOptions {
  // As the CLI keys it: the member selection is part of the key.
  return testSyncOptions(
    {
      cwd,
      mode: "lock",
      indexUrl: server.url,
      python: PY312,
      cacheDir,
      lockstepVersion: VERSION,
      env,
      packages,
      allPackages,
    },
    [server.url, ...packages, allPackages ? "all" : ""],
  );
}

function verify(cwd: string, extra: Partial<VerifyOptions> = {}): string[] {
  const outcome = verifyEnvironment({ ...DEFAULT_SELECTION, cwd, cacheDir, env, ...extra });
  return outcome.problems.map((p) => `${p.kind} ${p.name}`);
}

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), "lockstep-ws-verify-cache-"));
  server = await serveUniverse({
    name: "lockstep-ws-verify",
    packages: {
      "dep-a": { versions: { "1.0": {} } },
      "dep-b": { versions: { "1.0": {} } },
      "dep-c": { versions: { "1.0": {} } },
    },
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  for (const dir of [...made, cacheDir]) rmSync(dir, { recursive: true, force: true });
});

describe("verify takes sync's workspace selection", () => {
  let root: string;
  beforeAll(async () => {
    root = workspace();
    const run = await performSync(syncOptions(root, ["libb"]));
    expect(run.kind).toBe("synced");
  }, 180_000);

  test.each<[string, () => Partial<VerifyOptions> & { at?: string }, string[]]>([
    ["--package libb: what sync --package libb installed", () => ({ packages: ["libb"] }), []],
    [
      "--all-packages: every member and its dependencies",
      () => ({ allPackages: true }),
      ["missing app", "missing dep-a", "missing liba"],
    ],
    [
      "standing in the root: the root project and its dependencies",
      () => ({}),
      ["missing app", "stray dep-b", "missing dep-a", "missing liba", "stray libb"],
    ],
    ["standing in packages/libb: that member", () => ({ at: join(root, "packages", "libb") }), []],
    [
      "--package liba --package libb",
      () => ({ packages: ["liba", "libb"] }),
      ["missing dep-a", "missing liba"],
    ],
  ])("%s", (_label, options, expected) => {
    const { at, ...rest } = options();
    expect(verify(at ?? root, rest).sort()).toEqual([...expected].sort());
  });

  test("the missing root project is shown with its pyproject version (its lock entry has none)", () => {
    const outcome = verifyEnvironment({ ...DEFAULT_SELECTION, cwd: root, cacheDir, env });
    expect(outcome.problems.filter((p) => p.name === "app" || p.name === "liba")).toEqual([
      { kind: "missing", name: "app", installed: undefined, locked: "0.1.0", detail: "not installed" },
      { kind: "missing", name: "liba", installed: undefined, locked: "0.1.0", detail: "not installed" },
    ]);
  });

  test("--lockfile: without the pyproject, the root project's entry is named as the project", () => {
    const outcome = verifyEnvironment({
      ...DEFAULT_SELECTION,
      cwd: root,
      cacheDir,
      env,
      lockfile: "pylock.toml",
    });
    expect(outcome.problems.find((p) => p.name === "app")).toEqual({
      kind: "missing",
      name: "app",
      installed: undefined,
      locked: undefined,
      detail: "not installed (the project)",
    });
  });

  test("a name that is no member is an error listing the members", () => {
    expect(() => verify(root, { packages: ["nope"] })).toThrow(
      '--package nope: no workspace member is named "nope"',
    );
  });

  test("--lockfile has no members to select", () => {
    expect(() => verify(root, { lockfile: "pylock.toml", packages: ["libb"] })).toThrow(
      "--lockfile verifies the lock as it is; --package selects workspace members of a project",
    );
  });
});

describe("the no-op sync fast path and a new member", () => {
  test("a member directory added under the members glob makes the next sync a full one", async () => {
    const root = workspace();
    const opts = syncOptions(root, [], true);
    expect((await performSync(opts)).kind).toBe("synced");
    const check = () =>
      checkFresh({ cwd: root, key: opts.key, frozen: false, python: PY312, env }) !== undefined;
    expect(check()).toBe(true);
    expect((await performSync(opts)).kind).toBe("fresh");

    member(join(root, "packages", "libc"), "libc", ["dep-c"]);
    expect(check()).toBe(false);
    const again = await performSync(opts);
    expect(again.kind).toBe("synced");
    if (again.kind !== "synced") return;
    expect(again.outcome.plan.install.map((d) => d.name).sort()).toEqual(["dep-c", "libc"]);
    expect(check()).toBe(true);
  }, 180_000);

  test("a file beside the members costs one full sync, then the fast path again", async () => {
    const root = workspace();
    const opts = syncOptions(root, [], true);
    await performSync(opts);
    write(join(root, "packages", "README.md"), "members live here\n");
    expect((await performSync(opts)).kind).toBe("synced");
    expect((await performSync(opts)).kind).toBe("fresh");
  }, 180_000);
});
