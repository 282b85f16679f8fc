/**
 * lock-state: a fresh lock is remembered only for projects whose freshness the two hashes decide,
 * and any change to those files, the key or the directory layout forgets it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { fileStamp } from "./file-stamps";
import { freshLock, lockStateKey, recordFreshLock } from "./lock-state";
import type { LockState } from "./lock-state";

const PLAIN = '[project]\nname = "app"\nversion = "1"\ndependencies = ["attrly"]\n';
const LOCK = 'lock-version = "1.0"\n[[packages]]\nname = "attrly"\nversion = "24.2.0"\n';

function setup(pyproject: string, lock: string, opts: { above?: boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), "lockstep-lock-state-"));
  const projectDir = opts.above ? join(root, "member") : root;
  if (opts.above) {
    mkdirSync(projectDir);
    writeFileSync(join(root, "pyproject.toml"), PLAIN);
  }
  writeFileSync(join(projectDir, "pyproject.toml"), pyproject);
  writeFileSync(join(projectDir, "pylock.toml"), lock);
  const where = {
    projectDir,
    stateDir: join(root, "state"),
    key: lockStateKey({ indexUrl: undefined }, "0.1.0"),
  };
  recordFreshLock({ ...where, packages: 1, lockPath: join(projectDir, "pylock.toml") });
  return { ...where, projectDir };
}

describe("lock-state", () => {
  test("a plain project is remembered, and forgotten when a file or the key changes", () => {
    const w = setup(PLAIN, LOCK);
    expect(freshLock(w)).toEqual({ packages: 1, lockPath: join(w.projectDir, "pylock.toml") });
    expect(freshLock({ ...w, key: lockStateKey({ indexUrl: "http://x/simple" }, "0.1.0") })).toBeUndefined();
    expect(freshLock({ ...w, key: lockStateKey({ indexUrl: undefined }, "0.2.0") })).toBeUndefined();
    writeFileSync(join(w.projectDir, ".python-version"), "3.12\n");
    expect(freshLock(w)).toBeUndefined();
  });

  test.each([
    ["a workspace", `${PLAIN}[tool.lockstep.workspace]\nmembers = ["p/*"]\n`, LOCK, false],
    ["a path source", `${PLAIN}[tool.lockstep.sources]\nlib = { path = "../lib" }\n`, LOCK, false],
    ["a direct URL", PLAIN.replace('"attrly"', '"attrly @ https://h/a.whl"'), LOCK, false],
    ["a lock with a directory entry", PLAIN, `${LOCK}[packages.directory]\npath = "../lib"\n`, false],
    ["a lock with a VCS entry", PLAIN, `${LOCK}[packages.vcs]\ntype = "git"\n`, false],
    ["a pyproject.toml above", PLAIN, LOCK, true],
  ])("%s is never remembered", (_name, pyproject, lock, above) => {
    expect(freshLock(setup(pyproject, lock, { above }))).toBeUndefined();
  });
});

/** The one state file of a setup. */
function stateOf(w: { stateDir: string }): { path: string; state: LockState } {
  const [name] = readdirSync(w.stateDir).filter((n) => n.endsWith(".json"));
  const path = join(w.stateDir, name as string);
  return { path, state: JSON.parse(readFileSync(path, "utf8")) as LockState };
}

/** Past the file system clock's tick, so a change gets other times than the file had. */
const nextTick = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);

test("a state naming another directory is not taken (file names are a short digest)", () => {
  const w = setup(PLAIN, LOCK);
  const { path, state } = stateOf(w);
  writeFileSync(path, JSON.stringify({ ...state, dir: join(w.projectDir, "elsewhere") }));
  expect(freshLock(w)).toBeUndefined();
});

describe("lock-state stamps (file-stamps.ts)", () => {
  test("files changed no earlier than the state was written (here: mtimes ahead) are not stamped", () => {
    const w = setup(PLAIN, LOCK);
    const ahead = new Date(Date.now() + 60_000);
    for (const f of ["pyproject.toml", "pylock.toml"]) utimesSync(join(w.projectDir, f), ahead, ahead);
    recordFreshLock({ ...w, packages: 1, lockPath: join(w.projectDir, "pylock.toml") });
    expect(stateOf(w).state.stamps).toBeUndefined();
    expect(freshLock(w)).toBeDefined();
  });

  test("stamps that still hold stand for the bytes (not read: a wrong recorded hash goes unnoticed); a change of the file is noticed", () => {
    const w = setup(PLAIN, LOCK);
    const { path, state } = stateOf(w);
    const pyproject = join(w.projectDir, "pyproject.toml");
    const lock = join(w.projectDir, "pylock.toml");
    const stamps = { [pyproject]: fileStamp(pyproject) as string, [lock]: fileStamp(lock) as string };
    writeFileSync(path, JSON.stringify({ ...state, pyproject: "x", lock: "y", stamps }));
    expect(freshLock(w)).toEqual({ packages: 1, lockPath: lock });
    nextTick();
    writeFileSync(lock, LOCK.replace("24.2.0", "24.2.1"));
    expect(freshLock(w)).toBeUndefined();
  });

  test("files left alone for the settling time are stamped when recorded, and an edit of the same size is noticed", async () => {
    const w = setup(PLAIN, LOCK);
    writeFileSync(join(w.projectDir, ".python-version"), "3.12\n");
    await new Promise((r) => setTimeout(r, 200));
    recordFreshLock({ ...w, packages: 1, lockPath: join(w.projectDir, "pylock.toml") });
    expect(Object.keys(stateOf(w).state.stamps ?? {}).sort()).toEqual(
      [".python-version", "pylock.toml", "pyproject.toml"].map((f) => join(w.projectDir, f)),
    );
    expect(freshLock(w)).toBeDefined();
    writeFileSync(join(w.projectDir, ".python-version"), "3.11\n");
    expect(freshLock(w)).toBeUndefined();
    writeFileSync(join(w.projectDir, ".python-version"), "3.12\n");
    expect(freshLock(w)).toBeDefined();
    writeFileSync(join(w.projectDir, "pylock.toml"), LOCK.replace("24.2.0", "24.2.1"));
    expect(freshLock(w)).toBeUndefined();
  });
});
