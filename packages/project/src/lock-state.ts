/**
 * The up-to-date `lock` answered from two hashes: when a full `lock` finds pylock.toml fresh
 * (checkLock: a pure function of the lock's bytes, the project's inputs and the settings), it
 * records in the cache, `<cache>/lock-state-v1/<sha256 of the project dir>.json`, the sha256 of
 * pyproject.toml, of pylock.toml and of the nearest `.python-version` text, the settings key and
 * the package count. A later `lock` whose files hash the same and whose settings give the same key
 * answers "Resolved N packages" without parsing pylock.toml or loading the lockfile code.
 *
 * Pitfalls: only node built-ins may be imported (this is on the CLI's pre-yargs path). Freshness
 * may depend on files other than these (workspace members, path and VCS sources read their
 * metadata from disk, a workspace root above the project): such projects are never recorded
 * (`recordable` refuses any pyproject.toml or lock that mentions them, and any pyproject.toml in
 * an ancestor directory), so the full check runs for them every time. Any doubt means "not
 * fresh" and the full check runs (and records again); never the reverse.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

const VERSION = 1;

export interface LockState {
  v: number;
  key: string;
  pyproject: string;
  lock: string;
  pythonVersion: string;
  packages: number;
}

const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** The cache directory as the index client picks it when no flag gives one. */
export function lockStateDir(cacheDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const base =
    cacheDir ?? (env.LOCKSTEP_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "lockstep"));
  return join(base, `lock-state-v${VERSION}`);
}

/** The settings that take part in a lock's freshness, as one string (`settingFlags` of the CLI). */
export function lockStateKey(settings: Record<string, unknown>, lockstepVersion: string): string {
  const { log: _log, cacheDir: _cache, ...rest } = settings;
  return JSON.stringify([
    VERSION,
    lockstepVersion,
    Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)),
  ]);
}

/** The directory of the nearest pyproject.toml at or above `start`. */
export function nearestProjectDir(start: string): string | undefined {
  for (let d = start; ; d = dirname(d)) {
    if (existsSync(join(d, "pyproject.toml"))) return d;
    if (dirname(d) === d) return undefined;
  }
}

function hasAncestorProject(dir: string): boolean {
  return dirname(dir) !== dir && nearestProjectDir(dirname(dir)) !== undefined;
}

function readOr(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function pythonVersionText(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    const text = readOr(join(d, ".python-version"));
    if (text !== undefined) return sha(text);
    if (dirname(d) === d) return "";
  }
}

/** Words whose presence may make freshness depend on other files; their projects are not recorded. */
const PYPROJECT_REFUSED = /workspace|sources|path|file:|git\+|hg\+|svn\+|bzr\+|@ *[a-z]+:\/\//i;
const LOCK_REFUSED = /directory|vcs|path *=/;

function recordable(pyproject: Buffer, lock: Buffer): boolean {
  return !PYPROJECT_REFUSED.test(pyproject.toString("utf8")) && !LOCK_REFUSED.test(lock.toString("utf8"));
}

function stateFile(stateDir: string, projectDir: string): string {
  return join(stateDir, `${sha(projectDir)}.json`);
}

interface Where {
  projectDir: string;
  stateDir: string;
  key: string;
}

/** Record that the lock of `projectDir` was found fresh under `key` (when the project is simple enough). */
export function recordFreshLock(where: Where & { packages: number; lockPath: string }): void {
  try {
    if (where.lockPath !== join(where.projectDir, "pylock.toml") || hasAncestorProject(where.projectDir))
      return;
    const pyproject = readFileSync(join(where.projectDir, "pyproject.toml"));
    const lock = readFileSync(where.lockPath);
    if (!recordable(pyproject, lock)) return;
    const state: LockState = {
      v: VERSION,
      key: where.key,
      pyproject: sha(pyproject),
      lock: sha(lock),
      pythonVersion: pythonVersionText(where.projectDir),
      packages: where.packages,
    };
    mkdirSync(where.stateDir, { recursive: true });
    const file = stateFile(where.stateDir, where.projectDir);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(state)}\n`);
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs the next lock the full check.
  }
}

/** The recorded package count when the lock of `projectDir` is known fresh under `key`; else undefined. */
export function freshLock(where: Where): { packages: number; lockPath: string } | undefined {
  try {
    const state = JSON.parse(readFileSync(stateFile(where.stateDir, where.projectDir), "utf8")) as LockState;
    if (state.v !== VERSION || state.key !== where.key) return undefined;
    if (hasAncestorProject(where.projectDir)) return undefined;
    const lockPath = join(where.projectDir, "pylock.toml");
    const pyproject = readFileSync(join(where.projectDir, "pyproject.toml"));
    const lock = readFileSync(lockPath);
    if (sha(pyproject) !== state.pyproject || sha(lock) !== state.lock) return undefined;
    if (!recordable(pyproject, lock)) return undefined;
    if (pythonVersionText(where.projectDir) !== state.pythonVersion) return undefined;
    return { packages: state.packages, lockPath };
  } catch {
    return undefined;
  }
}
