/**
 * The up-to-date `lock` answered from two hashes: when a full `lock` finds pylock.toml fresh
 * (checkLock: a pure function of the lock's bytes, the project's inputs and the settings), it
 * records in the cache, `<cache>/lock-state-v2/<digest of the project dir>.json`, the sha256 of
 * pyproject.toml, of pylock.toml and of the nearest `.python-version` text, the settings key and
 * the package count. A later `lock` whose files hash the same and whose settings give the same key
 * answers "Resolved N packages" without parsing pylock.toml or loading the lockfile code.
 *
 * When the files had settled, the state also records their file stamps (file-stamps.ts), and a
 * stamp that still holds stands for the file's hash: nothing is read or hashed.
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
import { sameStamp, settledStamps } from "./file-stamps";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** 2: state files named by pathDigest (no hashing module on the no-op path) and holding `dir`. */
const VERSION = 2;

export interface LockState {
  v: number;
  /** The project directory (file names are a short digest of it). */
  dir: string;
  key: string;
  pyproject: string;
  lock: string;
  pythonVersion: string;
  packages: number;
  /** File stamps (file-stamps.ts) of the files above that were settled when recorded. */
  stamps?: Record<string, string> | undefined;
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

/** The nearest `.python-version` at or above `dir`, if any. */
function pythonVersionPath(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const path = join(d, ".python-version");
    if (existsSync(path)) return path;
    if (dirname(d) === d) return undefined;
  }
}

/** The sha256 of the nearest `.python-version`'s bytes, or "" when there is none. */
function pythonVersionText(dir: string): string {
  const path = pythonVersionPath(dir);
  const text = path === undefined ? undefined : readOr(path);
  return text === undefined ? "" : sha(text);
}

const hashFile = (path: string) => sha(readFileSync(path));

/** Words whose presence may make freshness depend on other files; their projects are not recorded. */
const PYPROJECT_REFUSED = /workspace|sources|path|file:|git\+|hg\+|svn\+|bzr\+|@ *[a-z]+:\/\//i;
const LOCK_REFUSED = /directory|vcs|path *=/;

function recordable(pyproject: Buffer, lock: Buffer): boolean {
  return !PYPROJECT_REFUSED.test(pyproject.toString("utf8")) && !LOCK_REFUSED.test(lock.toString("utf8"));
}

/**
 * A 64-bit FNV-1a digest of the project directory, as 16 hex digits: the state's file name. Not
 * sha256, so that finding the state loads no hashing module; two directories sharing a digest only
 * overwrite each other's state (`dir` in the state tells them apart).
 */
function pathDigest(path: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(path)) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, "0");
}

function stateFile(stateDir: string, projectDir: string): string {
  return join(stateDir, `${pathDigest(projectDir)}.json`);
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
      dir: where.projectDir,
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
    // Stamps only for files on the cache's file system (the clock of the file just written).
    const files: [string, string][] = [
      [join(where.projectDir, "pyproject.toml"), state.pyproject],
      [where.lockPath, state.lock],
    ];
    const versionFile = pythonVersionPath(where.projectDir);
    if (versionFile !== undefined) files.push([versionFile, state.pythonVersion]);
    const stamps = settledStamps(files, tmp, hashFile);
    if (Object.keys(stamps).length > 0) writeFileSync(tmp, `${JSON.stringify({ ...state, stamps })}\n`);
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs the next lock the full check.
  }
}

/** The recorded package count when the lock of `projectDir` is known fresh under `key`; else undefined. */
export function freshLock(where: Where): { packages: number; lockPath: string } | undefined {
  try {
    const state = JSON.parse(readFileSync(stateFile(where.stateDir, where.projectDir), "utf8")) as LockState;
    if (state.v !== VERSION || state.dir !== where.projectDir || state.key !== where.key) return undefined;
    if (hasAncestorProject(where.projectDir)) return undefined;
    const lockPath = join(where.projectDir, "pylock.toml");
    const pyprojectPath = join(where.projectDir, "pyproject.toml");
    // Stamps that still hold prove the bytes unchanged, so still recordable, without reading them.
    if (
      !sameStamp(pyprojectPath, state.stamps?.[pyprojectPath]) ||
      !sameStamp(lockPath, state.stamps?.[lockPath])
    ) {
      const pyproject = readFileSync(pyprojectPath);
      const lock = readFileSync(lockPath);
      if (sha(pyproject) !== state.pyproject || sha(lock) !== state.lock) return undefined;
      if (!recordable(pyproject, lock)) return undefined;
    }
    const versionFile = pythonVersionPath(where.projectDir);
    const version =
      versionFile === undefined
        ? ""
        : sameStamp(versionFile, state.stamps?.[versionFile])
          ? state.pythonVersion
          : pythonVersionText(where.projectDir);
    if (version !== state.pythonVersion) return undefined;
    return { packages: state.packages, lockPath };
  } catch {
    return undefined;
  }
}
