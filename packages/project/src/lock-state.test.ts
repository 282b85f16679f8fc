/**
 * lock-state: a fresh lock is remembered only for projects whose freshness the two hashes decide,
 * and any change to those files, the key or the directory layout forgets it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { freshLock, lockStateKey, recordFreshLock } from "./lock-state";

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
