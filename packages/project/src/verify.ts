/**
 * `lockstep verify`: audit the project's venv against the lock, changing nothing.
 *
 * The lock is selected for the venv's interpreter with the same extras and groups flags as `sync`
 * (`lockfile.selectForEnvironment`), then each selected distribution is checked: installed at all
 * (`missing`), at the locked version (`version`), installed from the wheel the lock names (the
 * `sha256` lockstep records at install in `<dist-info>/lockstep-wheel.json`; `wheel-hash`), and every
 * file its RECORD lists still has the recorded sha256 and size (`modified`, `deleted`). Distributions
 * in the venv that the selection does not hold are `stray`. In a workspace the selection is `sync`'s:
 * the member you stand in (or `--package NAME`, or `--all-packages`) and what it depends on.
 *
 * Pitfalls: RECORD rows without a hash (RECORD itself, `.pyc` files written after install) cannot be
 * checked and are skipped; a RECORD path may be relative to site-packages and lead outside it
 * (`../../bin/tool`), which is allowed for scripts, so paths are resolved from site-packages and
 * kept only when they stay inside the venv; a distribution installed by another tool or by an older
 * lockstep has no `lockstep-wheel.json`, so its wheel hash is reported as `unrecorded` (a note, not a
 * failure); a source tree (the project itself, editables) has no wheel hash to compare; an incomplete
 * `.dist-info` (interrupted install) is `incomplete`. The project's own lock entry has no version
 * (PEP 751: a source tree), so its `pyproject.toml` version is the one expected (shown as uv does);
 * with a dynamic version it is reported as "(the project)".
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename, isAbsolute, relative, resolve } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { readLock } from "@lockstep/lockfile";
import type { InstallItem, Lock } from "@lockstep/lockfile";
import { Version } from "@lockstep/pep440";
import { canonicalizeName } from "@lockstep/pep508";
import type { Workspace } from "@lockstep/pyproject";
import { openVenv } from "@lockstep/python";
import { readInstalled } from "@lockstep/sync";
import { WHEEL_ORIGIN_FILE, parseRecordHash, parseRecordLenient } from "@lockstep/wheel";
import { locateProject } from "./find-project";
import { LockMissingError } from "./lock-project";
import { projectEnvironment } from "./sync-state";
import type { Selection } from "./sync-state";
import { selectForInterpreter, selectedGroups } from "./sync-project";
import { memberClosure, selectedMembers } from "./workspace-selection";
import type { PackageSelection } from "./workspace-selection";

export type VerifyProblemKind =
  "missing" | "version" | "wheel-hash" | "modified" | "deleted" | "incomplete" | "stray";

export interface VerifyProblem {
  kind: VerifyProblemKind;
  /** Canonical distribution name. */
  name: string;
  /** The version installed (undefined when missing). */
  installed: string | undefined;
  /** The version the lock selects (undefined for strays). */
  locked: string | undefined;
  /** For `modified`/`deleted`: the file, relative to site-packages as RECORD names it. */
  path?: string | undefined;
  detail: string;
}

export interface VerifyOutcome {
  venv: string;
  lockPath: string;
  /** Distributions the lock selects for this venv. */
  checked: number;
  /** Files compared with their RECORD hash. */
  files: number;
  problems: VerifyProblem[];
  /** Distributions whose wheel hash could not be compared (installed by another tool or lockstep before it recorded it). */
  unrecorded: string[];
}

export interface VerifyOptions extends Selection, PackageSelection {
  project?: string | undefined;
  cwd?: string | undefined;
  /** A pylock.toml to verify against instead of the project's (`--lockfile`). */
  lockfile?: string | undefined;
  cacheDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export class VenvMissingError extends LockstepError {
  constructor(venv: string) {
    super("verify-no-venv", `No virtual environment at ${venv}`, {
      hint: "run `lockstep sync` to create it",
    });
  }
}

function sha256Urlsafe(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("base64url");
}

function recordedWheel(distInfo: string): { filename: string; sha256: string } | undefined {
  try {
    const v = JSON.parse(readFileSync(resolve(distInfo, WHEEL_ORIGIN_FILE), "utf8")) as Record<
      string,
      unknown
    >;
    return typeof v.sha256 === "string" && typeof v.filename === "string"
      ? { filename: v.filename, sha256: v.sha256 }
      : undefined;
  } catch {
    return undefined;
  }
}

function sameVersion(a: string, b: string): boolean {
  try {
    return Version.parse(a).equals(Version.parse(b));
  } catch {
    return a === b;
  }
}

/** The sha256 digests the lock holds for an item's release (any of its wheels may have been installed). */
function lockedDigests(lock: Lock, item: InstallItem): Set<string> {
  const out = new Set<string>();
  if (item.hashes.sha256) out.add(item.hashes.sha256);
  for (const p of lock.packages) {
    if (p.name !== item.name || p.source.kind !== "files") continue;
    if (item.version !== undefined && p.version && p.version.toString() !== item.version) continue;
    for (const w of p.source.wheels) if (w.hashes.sha256) out.add(w.hashes.sha256);
  }
  return out;
}

/** The workspace's projects (root and members) by canonical name, with their static versions. */
function workspaceVersions(workspace: Workspace | undefined): Map<string, { version: string | undefined }> {
  const out = new Map<string, { version: string | undefined }>();
  if (!workspace) return out;
  for (const p of [workspace.rootProject, ...workspace.members]) {
    if (p.canonicalName !== undefined) out.set(p.canonicalName, { version: p.version });
  }
  return out;
}

export function verifyEnvironment(opts: VerifyOptions): VerifyOutcome {
  const env = opts.env ?? process.env;
  let lockPath: string;
  let venvRoot: string;
  let workspace: Workspace | undefined;
  if (opts.lockfile !== undefined) {
    if (opts.allPackages || (opts.packages?.length ?? 0) > 0) {
      throw new LockstepError(
        "verify-lockfile-package",
        `--lockfile verifies the lock as it is; ${opts.allPackages ? "--all-packages" : "--package"} selects workspace members of a project`,
        { hint: "run `lockstep verify --package NAME` in the workspace instead" },
      );
    }
    lockPath = resolve(opts.cwd ?? process.cwd(), opts.lockfile);
    venvRoot = env.VIRTUAL_ENV ?? resolve(opts.cwd ?? process.cwd(), ".venv");
  } else {
    const located = locateProject({ project: opts.project, cwd: opts.cwd });
    lockPath = located.lockPath;
    venvRoot = projectEnvironment(located.root, env);
    workspace = located.workspace;
  }
  let text: string;
  try {
    text = readFileSync(lockPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new LockMissingError(basename(lockPath));
    throw err;
  }
  const lock = readLock(text, lockPath);
  const opened = openVenv(venvRoot, opts.cacheDir);
  if (!opened) throw new VenvMissingError(venvRoot);
  const { venv, info } = opened;

  let items = selectForInterpreter(lock, info, opts);
  // A workspace: the members `sync` installs with the same flags (the one you stand in by default).
  const members = workspace && selectedMembers(workspace, opts);
  if (members)
    items = memberClosure(
      lock,
      items,
      members,
      opts.allExtras ? lock.extras : opts.extras,
      selectedGroups(lock, opts),
    );
  const projectVersions = workspaceVersions(workspace);
  const installed = readInstalled(venv.sitePackages);
  const problems: VerifyProblem[] = [];
  const unrecorded: string[] = [];
  let files = 0;
  const selected = new Set<string>();
  for (const item of items) {
    const name = canonicalizeName(item.name);
    selected.add(name);
    const have = installed.get(name);
    // The project's own entry has no version in the lock (a source tree): its pyproject's, as uv shows.
    const project = item.version === undefined ? projectVersions.get(name) : undefined;
    const locked = item.version ?? project?.version;
    if (!have) {
      const isProject = project !== undefined || (item.kind === "directory" && item.path === ".");
      const detail = locked === undefined && isProject ? "not installed (the project)" : "not installed";
      problems.push({ kind: "missing", name, installed: undefined, locked, detail });
      continue;
    }
    if (have.incomplete) {
      problems.push({
        kind: "incomplete",
        name,
        installed: have.version,
        locked,
        detail: `${basename(have.distInfo)} is the trace of an interrupted install (no RECORD or an incomplete marker)`,
      });
      continue;
    }
    if (locked !== undefined && !sameVersion(have.version, locked)) {
      problems.push({
        kind: "version",
        name,
        installed: have.version,
        locked,
        detail: `${have.version} is installed, the lock has ${locked}`,
      });
      continue;
    }
    if (item.kind === "wheel") {
      const origin = recordedWheel(have.distInfo);
      if (!origin) unrecorded.push(name);
      else if (!lockedDigests(lock, item).has(origin.sha256))
        problems.push({
          kind: "wheel-hash",
          name,
          installed: have.version,
          locked,
          detail: `installed from ${origin.filename} (sha256:${origin.sha256}), which is not a wheel the lock names`,
        });
    }
    // Every file RECORD lists, with its hash and size.
    const { rows } = parseRecordLenient(readFileSync(resolve(have.distInfo, "RECORD"), "utf8"));
    for (const row of rows) {
      const hash = parseRecordHash(row.hash);
      if (!hash || hash.algorithm !== "sha256") continue;
      const abs = resolve(venv.sitePackages, row.path);
      const inVenv = relative(venv.root, abs);
      if (inVenv.startsWith("..") || isAbsolute(inVenv)) continue;
      files++;
      let size: number;
      try {
        size = statSync(abs).size;
      } catch {
        problems.push({
          kind: "deleted",
          name,
          installed: have.version,
          locked,
          path: row.path,
          detail: `${row.path} is missing`,
        });
        continue;
      }
      if ((row.size !== undefined && row.size !== size) || sha256Urlsafe(abs) !== hash.digest) {
        problems.push({
          kind: "modified",
          name,
          installed: have.version,
          locked,
          path: row.path,
          detail: `${row.path} does not match its RECORD hash`,
        });
      }
    }
  }
  for (const [name, dist] of installed) {
    // A second `.dist-info` of one project (a crashed or foreign installer) is a stray too.
    for (const extra of dist.extra)
      problems.push({
        kind: "stray",
        name,
        installed: extra.version,
        locked: undefined,
        detail: `${basename(extra.distInfo)} is a second .dist-info of ${name}`,
      });
    if (selected.has(name)) continue;
    problems.push({
      kind: "stray",
      name,
      installed: dist.version,
      locked: undefined,
      detail: `${basename(dist.distInfo)} is installed, the lock does not select it`,
    });
  }
  // By name, then file, then the order found (a stable sort keeps drift before a second .dist-info).
  const key = (p: VerifyProblem) => `${p.name}\u0000${p.path ?? ""}`;
  problems.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { venv: venv.root, lockPath, checked: items.length, files, problems, unrecorded: unrecorded.sort() };
}
