/**
 * sync-state's file stamps (file-stamps.ts): a state written when the project files had settled
 * stamps them, and checkFresh then trusts a stamp that still holds instead of hashing the file; a
 * state written right after the files changed has none; any edit of a stamped file is noticed.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { checkFresh, distInfoNames, pythonStamp, sha256File, STATE_FILE, writeState } from "./sync-state";
import type { SyncState } from "./sync-state";

const KEY = "k";

function project() {
  const root = mkdtempSync(join(tmpdir(), "lockstep-sync-state-"));
  writeFileSync(join(root, "pyproject.toml"), '[project]\nname = "app"\nversion = "1"\n');
  writeFileSync(join(root, "pylock.toml"), 'lock-version = "1.0"\n');
  const venv = join(root, ".venv");
  const site = join(venv, "lib", "python3.12", "site-packages");
  mkdirSync(join(site, "attrly-24.2.0.dist-info"), { recursive: true });
  mkdirSync(join(venv, "bin"));
  const interpreter = join(root, "python-real");
  writeFileSync(interpreter, "");
  symlinkSync(interpreter, join(venv, "bin", "python"));
  return { root, venv, site };
}

function record(p: ReturnType<typeof project>): SyncState {
  const pyproject = join(p.root, "pyproject.toml");
  const lockPath = join(p.root, "pylock.toml");
  const state: SyncState = {
    v: 1,
    key: KEY,
    pyprojects: { [pyproject]: sha256File(pyproject) },
    lockPath,
    lockSha256: sha256File(lockPath),
    pythonVersionFile: null,
    python: pythonStamp(p.venv) as SyncState["python"],
    sitePackages: p.site,
    distInfos: distInfoNames(p.site),
    lockPackages: 1,
    selected: 1,
  };
  writeState(p.venv, state);
  return JSON.parse(readFileSync(join(p.venv, STATE_FILE), "utf8")) as SyncState;
}

const fresh = (p: { root: string }) =>
  checkFresh({ cwd: p.root, key: KEY, frozen: false, python: undefined, env: {} }) !== undefined;

test("files changed no earlier than the state was written (here: mtimes ahead) are not stamped, and are hashed", () => {
  const p = project();
  const ahead = new Date(Date.now() + 60_000);
  for (const f of ["pyproject.toml", "pylock.toml"]) utimesSync(join(p.root, f), ahead, ahead);
  expect(record(p).stamps).toBeUndefined();
  expect(fresh(p)).toBe(true);
  writeFileSync(join(p.root, "pylock.toml"), 'lock-version = "1.1"\n');
  expect(fresh(p)).toBe(false);
});

test("settled files are stamped; a stamp that holds stands for the bytes; an edit of the same size is noticed", async () => {
  const p = project();
  await new Promise((r) => setTimeout(r, 200));
  const state = record(p);
  expect(Object.keys(state.stamps ?? {}).sort()).toEqual([
    join(p.root, "pylock.toml"),
    join(p.root, "pyproject.toml"),
  ]);
  expect(fresh(p)).toBe(true);
  // The stamps, not the hashes, decide now: wrong recorded hashes go unnoticed while they hold.
  const wrong = { ...state, lockSha256: "0", pyprojects: { [join(p.root, "pyproject.toml")]: "0" } };
  writeFileSync(join(p.venv, STATE_FILE), JSON.stringify(wrong));
  expect(fresh(p)).toBe(true);
  writeFileSync(join(p.venv, STATE_FILE), JSON.stringify(state));
  writeFileSync(join(p.root, "pylock.toml"), 'lock-version = "1.1"\n');
  expect(fresh(p)).toBe(false);
});
