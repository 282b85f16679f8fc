/**
 * The no-op fast path of `lockstep sync` (and of `run`'s implicit sync): decide, from a handful of
 * file reads, that the environment already is what a full sync would make it, without loading the
 * lockfile parser, the resolver, the index client or the interpreter query.
 *
 * After every successful sync, `<venv>/.lockstep-sync.json` records what that sync was made from:
 * the sha256 of every workspace pyproject.toml and of pylock.toml, the listings of the directories
 * a workspace's member globs read (a new member is a change), the sync's options (extras,
 * groups, flags, `--python`), the `.python-version` text it honoured, the venv interpreter's real
 * path with its size and mtime, and the sorted names of site-packages' `*.dist-info` directories.
 * When all of these still hold, a full sync would find the lock fresh (checkLock is a pure function
 * of the lock's bytes and the project files), select the same distributions (a pure function of the
 * lock, the options and the interpreter) and find them installed (the plan compares names and
 * versions, which the `.dist-info` names carry, and sources, which only change with the lock).
 *
 * The pyprojects and the lock are compared by sha256, or by their file stamps (file-stamps.ts) when
 * the state recorded them: a no-op then reads neither file and loads no hashing code.
 *
 * Pitfalls: only node built-ins (and the node-built-ins-only `@lockstep/python/python-version-file`
 * and `@lockstep/index/auth`) may be imported here (this module is on the start-up path); any
 * doubt means "not fresh" and the full sync runs (which rewrites the state), never the reverse; a
 * venv lock file (`.lockstep.lock`) left by a running or killed sync sends us down the full path,
 * which waits for it or repairs; editing an installed file in place is not detected (nor by uv);
 * index URLs in the key are redacted, so a password never lands in `.lockstep-sync.json`.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { redact } from "@lockstep/index/auth";
import { findPythonVersionFile } from "@lockstep/python/python-version-file";
import { sameStamp, settledStamps } from "./file-stamps";
import { listingDigest } from "./workspace-watch";

export const STATE_FILE = ".lockstep-sync.json";
const STATE_VERSION = 1;

export interface SyncState {
  v: number;
  /** `syncKey` of the options the sync ran with. */
  key: string;
  /** Absolute path of every workspace pyproject.toml → sha256 of its bytes. */
  pyprojects: Record<string, string>;
  lockPath: string;
  lockSha256: string;
  /** The `.python-version` request honoured (undefined when `--python` was given or there is none). */
  pythonVersionFile: string | null;
  python: { real: string; size: number; mtimeMs: number };
  sitePackages: string;
  distInfos: string[];
  /** Packages in the lock (`Resolved N packages`). */
  lockPackages: number;
  /** Distributions selected for this venv (`Audited N packages`). */
  selected: number;
  /**
   * A workspace's member-glob directories → digest of their listings (`workspace-watch.ts`), so a
   * new member directory is not taken for a no-op. Absent outside workspaces.
   */
  memberDirs?: Record<string, string> | undefined;
  /** File stamps (file-stamps.ts) of the pyprojects and the lock that were settled when recorded. */
  stamps?: Record<string, string> | undefined;
}

/** What a sync selects from the lock (extras, groups, the project itself). */
export interface Selection {
  extras: readonly string[];
  allExtras: boolean;
  groups: readonly string[];
  noGroups: readonly string[];
  onlyGroups: readonly string[];
  allGroups: boolean;
  noDefaultGroups: boolean;
  noDev: boolean;
  noInstallProject: boolean;
}

/** The selection of a plain `sync`: the project, its dependencies and the default groups. */
export const DEFAULT_SELECTION: Selection = {
  extras: [],
  allExtras: false,
  groups: [],
  noGroups: [],
  onlyGroups: [],
  allGroups: false,
  noDefaultGroups: false,
  noDev: false,
  noInstallProject: false,
};

/** Options that change what a sync selects or how the venv must look; part of the state's key. */
export interface SyncKeyInput extends Selection {
  python: string | undefined;
  inexact: boolean;
  compileBytecode: boolean;
  /** Index settings given on the command line (they take part in the lock's freshness); URLs are redacted here. */
  settings: readonly (string | undefined)[];
  lockstepVersion: string;
}

const norm = (xs: readonly string[]) =>
  [...new Set(xs.map((x) => x.toLowerCase().replace(/[-_.]+/g, "-")))].sort();

export function syncKey(k: SyncKeyInput): string {
  return JSON.stringify([
    STATE_VERSION,
    k.lockstepVersion,
    k.python ?? null,
    norm(k.extras),
    k.allExtras,
    norm(k.groups),
    norm(k.noGroups),
    norm(k.onlyGroups),
    k.allGroups,
    k.noDefaultGroups,
    k.noDev,
    k.noInstallProject,
    k.inexact,
    k.compileBytecode,
    k.settings.map((s) => (s === undefined ? null : redact(s))),
  ]);
}

export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** The `.dist-info` directory names in site-packages, sorted (empty when it does not exist). */
export function distInfoNames(sitePackages: string): string[] {
  try {
    return readdirSync(sitePackages)
      .filter((n) => n.endsWith(".dist-info"))
      .sort();
  } catch {
    return [];
  }
}

/** The venv directory for a project root: `$LOCKSTEP_PROJECT_ENVIRONMENT` (relative to the root) or `.venv`. */
export function projectEnvironment(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env.LOCKSTEP_PROJECT_ENVIRONMENT;
  return override ? resolve(root, override) : join(root, ".venv");
}

/** The request of the nearest `.python-version` from `dir` upwards, or null. */
export function pythonVersionRequest(dir: string): string | null {
  return findPythonVersionFile(dir)?.request ?? null;
}

function venvPythonPath(venv: string): string {
  return process.platform === "win32" ? join(venv, "Scripts", "python.exe") : join(venv, "bin", "python");
}

export function pythonStamp(venv: string): SyncState["python"] | undefined {
  try {
    const real = realpathSync(venvPythonPath(venv));
    const st = statSync(real);
    return { real, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

export function readState(venv: string): SyncState | undefined {
  try {
    const state = JSON.parse(readFileSync(join(venv, STATE_FILE), "utf8")) as SyncState;
    return state.v === STATE_VERSION ? state : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(venv: string, state: SyncState): void {
  const file = join(venv, STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state)}\n`);
  // The file just written gives the file system's clock for the stamps.
  const stamps = settledStamps(
    [...Object.entries(state.pyprojects), [state.lockPath, state.lockSha256]],
    tmp,
    sha256File,
  );
  if (Object.keys(stamps).length > 0) writeFileSync(tmp, `${JSON.stringify({ ...state, stamps })}\n`);
  renameSync(tmp, file);
}

/** Drop the state (before changing the venv), so a failed or killed sync is never taken for a fresh one. */
export function clearState(venv: string): void {
  try {
    writeFileSync(join(venv, STATE_FILE), "{}\n");
  } catch {
    // no venv yet
  }
}

export interface FreshCheck {
  project?: string | undefined;
  cwd?: string | undefined;
  key: string;
  /**
   * Other keys whose state also proves the venv in sync for this request: an exact sync's venv
   * holds nothing the lock does not select, so it serves an inexact `run` as it is.
   */
  satisfiedBy?: readonly string[] | undefined;
  /** `--frozen`: the lock is used as it is, so pyproject.toml is not compared. */
  frozen: boolean;
  /** `--python`; without it `.python-version` is compared with what the state honoured. */
  python: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export interface FreshEnvironment {
  state: SyncState;
  venv: string;
  root: string;
}

/** The directory of the nearest pyproject.toml at or above `start`. */
function nearestProject(start: string): string | undefined {
  let d = start;
  for (;;) {
    if (existsSync(join(d, "pyproject.toml"))) return d;
    const parent = dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/**
 * The environment, when it is exactly what a sync with these options would leave; otherwise
 * undefined (and the caller runs the full sync).
 */
export function checkFresh(opts: FreshCheck): FreshEnvironment | undefined {
  const env = opts.env ?? process.env;
  let start = resolve(opts.cwd ?? process.cwd(), opts.project ?? ".");
  try {
    if (statSync(start).isFile()) start = dirname(start);
  } catch {
    return undefined;
  }
  const nearest = nearestProject(start);
  if (nearest === undefined) return undefined;
  const nearestFile = join(nearest, "pyproject.toml");
  // The lock and the venv live at the workspace root: the nearest project, or an ancestor whose
  // state lists the nearest project as a member.
  for (let root: string | undefined = nearest; root !== undefined;) {
    const venv = projectEnvironment(root, env);
    const state = readState(venv);
    if (state && state.pyprojects[nearestFile] !== undefined) {
      return isFresh(state, venv, root, opts) ? { state, venv, root } : undefined;
    }
    const parent = dirname(root);
    root = parent === root ? undefined : nearestProject(parent);
  }
  return undefined;
}

function isFresh(state: SyncState, venv: string, root: string, opts: FreshCheck): boolean {
  if (state.key !== opts.key && !(opts.satisfiedBy ?? []).includes(state.key)) return false;
  if (existsSync(join(venv, ".lockstep.lock"))) return false;
  try {
    // A stamp that still holds proves the bytes unchanged without reading them (file-stamps.ts).
    const same = (path: string, sha: string) =>
      sameStamp(path, state.stamps?.[path]) || sha256File(path) === sha;
    if (!opts.frozen) {
      for (const [path, sha] of Object.entries(state.pyprojects)) if (!same(path, sha)) return false;
    }
    if (!same(state.lockPath, state.lockSha256)) return false;
    for (const [dir, digest] of Object.entries(state.memberDirs ?? {}))
      if (listingDigest(dir) !== digest) return false;
  } catch {
    return false;
  }
  if (opts.python === undefined && pythonVersionRequest(root) !== state.pythonVersionFile) return false;
  const py = pythonStamp(venv);
  if (
    !py ||
    py.real !== state.python.real ||
    py.size !== state.python.size ||
    py.mtimeMs !== state.python.mtimeMs
  ) {
    return false;
  }
  const names = distInfoNames(state.sitePackages);
  return names.length === state.distInfos.length && names.every((n, i) => n === state.distInfos[i]);
}
