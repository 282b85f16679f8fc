/**
 * `lockstep sync` as a function: make sure the lock is fresh (or fail with `--locked`, or trust it
 * with `--frozen`), find or create the project's venv with the right Python, select what the lock
 * gives this interpreter with the chosen extras and groups, plan against what the venv holds, carry
 * the plan out, and record the state the no-op fast path compares with (`sync-state.ts`). Returns
 * what happened; the command renders it.
 *
 * Pitfalls: a venv whose Python does not satisfy the request (`--python`, `.python-version`) or the
 * project's `requires-python` is recreated, never patched; `--dry-run` changes nothing (no lock
 * written, no venv created, no state written); the state file is emptied before the venv changes and
 * written only after a complete sync, so a failed or killed sync is never taken for a fresh one;
 * `--only-group` installs the group's packages and what they need, not the project's dependencies,
 * so it needs the lock's dependency edges, not only its markers.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { basename, join } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { readLock, requirementTextName, selectForEnvironment } from "@lockstep/lockfile";
import type { InstallItem, Lock } from "@lockstep/lockfile";
import { canonicalizeName } from "@lockstep/pep508";
import { checkRequiredVersion } from "@lockstep/pyproject";
import type { Project } from "@lockstep/pyproject";
import {
  baseInterpreter,
  createVenv,
  describe as describeInterpreter,
  findInterpreter,
  openVenv,
  parsePythonRequest,
  satisfies,
  venvLayout,
} from "@lockstep/python";
import type { InterpreterInfo, Venv } from "@lockstep/python";
import { executeSync, isNoop, planSync, readInstalled } from "@lockstep/sync";
import type { PlannedDistribution, SyncEvent, SyncPlan, SyncResult } from "@lockstep/sync";
import { supportedTags, targetFromMarkerEnvironment } from "@lockstep/wheel";
import type { LinkMode } from "@lockstep/wheel";
import { checkConflictingSelection } from "./conflicting-selection";
import { locateProject } from "./find-project";
import type { Log } from "./log";
import { withSettingHint } from "./archive-limit-hint";
import { archiveLimits, effectiveLimits, indexClientSettings } from "./index-client-settings";
import type { NetworkOptions } from "./index-client-settings";
import type { LocatedProject } from "./find-project";
import { LockMissingError, lockProject } from "./lock-project";
import type { LockOutcome } from "./lock-project";
import type { SettingFlags } from "./project-inputs";
import { pathPlans } from "./path-sources";
import { projectInputs } from "./project-inputs";
import { memberClosure, selectedMembers } from "./workspace-selection";
import { memberListings } from "./workspace-watch";
import type { PackageSelection } from "./workspace-selection";
import { gitCheckouts } from "./remote-sources";
import { plannedFromItem } from "./planned-item";
import {
  clearState,
  distInfoNames,
  projectEnvironment,
  pythonStamp,
  pythonVersionRequest,
  sha256File,
  writeState,
} from "./sync-state";
import type { Selection } from "./sync-state";

export type { Selection } from "./sync-state";

export interface SyncProjectOptions extends SettingFlags, Selection, NetworkOptions, PackageSelection {
  project?: string | undefined;
  cwd?: string | undefined;
  /** `lock`: re-lock when stale; `locked`: fail when stale; `frozen`: use the lock as it is. */
  mode: "lock" | "locked" | "frozen";
  /** The sync's steps (info), index requests and downloads (debug). */
  log?: Log | undefined;
  python?: string | undefined;
  inexact: boolean;
  linkMode?: LinkMode | undefined;
  compileBytecode: boolean;
  dryRun: boolean;
  findLinks?: readonly string[] | undefined;
  offline?: boolean | undefined;
  cacheDir?: string | undefined;
  /** `syncKey(...)` of these options, recorded for the fast path. */
  key: string;
  /** Keys of other syncs whose state serves this one too (see `FreshCheck.satisfiedBy`). */
  keySatisfiedBy?: readonly string[] | undefined;
  lockstepVersion: string;
  env?: NodeJS.ProcessEnv;
  /** Called once the lock is settled (so "Resolved" prints before installs start). */
  onLock?: (outcome: LockOutcome) => void;
  /** Called when a venv is (re)created, before anything is installed. */
  onVenv?: (event: VenvEvent) => void;
  onProgress?: (event: SyncEvent) => void;
}

export interface VenvEvent {
  root: string;
  python: string;
  pythonPath: string;
  /** Why an existing venv was replaced. */
  replaced?: string | undefined;
  dryRun: boolean;
}

export interface SyncOutcome {
  lock: LockOutcome;
  venv: string;
  /** What the lock selects for this venv. */
  selected: PlannedDistribution[];
  plan: SyncPlan;
  /** Undefined for `--dry-run`. */
  result: SyncResult | undefined;
  /** Time from the lock being settled to the plan being known (`Audited … in`). */
  auditMs: number;
  warnings: string[];
}

/** Which groups the selection asks for, given the lock's groups and default groups. */
export function selectedGroups(
  lock: Pick<Lock, "dependencyGroups" | "defaultGroups">,
  s: Selection,
): string[] {
  if (s.onlyGroups.length > 0) return [...new Set(s.onlyGroups.map(canonicalizeName))];
  let groups = s.noDefaultGroups ? [] : s.allGroups ? [...lock.dependencyGroups] : [...lock.defaultGroups];
  if (s.noDev) groups = groups.filter((g) => g !== "dev");
  groups.push(...s.groups.map(canonicalizeName));
  const drop = new Set(s.noGroups.map(canonicalizeName));
  return [...new Set(groups.filter((g) => !drop.has(g)))].sort();
}

/**
 * `--only-group`: the packages reachable from the groups' own requirements through the lock's
 * dependency edges, among those the markers selected (the markers alone cannot leave out what the
 * project needs too).
 */
function onlyGroupClosure(lock: Lock, items: InstallItem[], groups: string[]): InstallItem[] {
  const inputs = lock.lockstep?.inputs;
  if (!inputs) {
    throw new LockstepError(
      "only-group-unsupported",
      "--only-group needs a lock written by lockstep (with [tool.lockstep.inputs])",
    );
  }
  const selected = new Set(items.map((i) => i.name));
  const edges = new Map<string, string[]>();
  for (const p of lock.packages) {
    if (!selected.has(p.name)) continue;
    edges.set(p.name, [...(edges.get(p.name) ?? []), ...p.dependencies.map((d) => d.name)]);
  }
  const todo = groups.flatMap((g) => (inputs.dependencyGroups[g] ?? []).map(requirementTextName));
  const seen = new Set<string>();
  while (todo.length > 0) {
    const n = todo.pop() as string;
    if (seen.has(n) || !selected.has(n)) continue;
    seen.add(n);
    todo.push(...(edges.get(n) ?? []));
  }
  return items.filter((i) => seen.has(i.name));
}

function pyprojectHashes(located: LocatedProject): Record<string, string> {
  const out: Record<string, string> = {};
  const roots = new Set([located.project.root, ...located.workspace.members.map((m) => m.root)]);
  // Path dependencies' pyproject.toml too: a dependency added there makes the lock stale.
  for (const plan of pathPlans(located.workspace).values())
    if (plan.source.kind === "directory") roots.add(plan.source.path);
  for (const r of roots) {
    const path = join(r, "pyproject.toml");
    if (existsSync(path)) out[path] = sha256File(path);
  }
  return out;
}

/** The member-glob directories' listings of a workspace (none for a single project). */
function workspaceListings(located: LocatedProject): { memberDirs?: Record<string, string> } {
  const patterns = located.workspace.rootProject.lockstep.workspace?.members ?? [];
  return patterns.length === 0 ? {} : { memberDirs: memberListings(located.workspace.root, patterns) };
}

function sameInterpreter(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** Why the venv's interpreter is not the one asked for, or undefined when it fits. */
function mismatch(
  info: InterpreterInfo,
  request: string | undefined,
  project: Project,
  root: string,
  cacheDir: string,
): string | undefined {
  const requiresPython = project.requiresPython?.specifiers;
  const parsed = request === undefined ? ({ kind: "any" } as const) : parsePythonRequest(request, root);
  const have = describeInterpreter(info);
  if (parsed.kind === "path") {
    const wanted = findInterpreter({ request, projectDir: root, cacheDir });
    return sameInterpreter(baseInterpreter(info), baseInterpreter(wanted))
      ? undefined
      : `it uses ${have}, not ${request}`;
  }
  if (!satisfies(info, parsed, requiresPython)) {
    return request !== undefined && !satisfies(info, parsed)
      ? `it uses ${have}, which does not satisfy the request \`${request}\``
      : `it uses ${have}, which does not satisfy requires-python \`${requiresPython?.toString() ?? ""}\``;
  }
  return undefined;
}

function plannedFrom(
  item: InstallItem,
  lockDir: string,
  project: Project,
  installed: ReturnType<typeof readInstalled>,
  checkouts: ReadonlyMap<string, string>,
): PlannedDistribution {
  return plannedFromItem(item, {
    lockDir,
    checkouts,
    // A source tree has no version in the lock: the project's own, else what is installed from it.
    versionOf: (i, path) => {
      const isProject = i.name === canonicalizeName(project.name ?? "") || path === project.root;
      return (
        (isProject ? project.version : undefined) ?? installed.get(canonicalizeName(i.name))?.version ?? "0"
      );
    },
  });
}

/** The names that get REQUESTED: the project, its dependencies and the selected groups' requirements. */
function requestedNames(project: Project, lock: Lock, groups: string[], onlyGroups: boolean): Set<string> {
  const out = new Set<string>();
  if (!onlyGroups) {
    if (project.name) out.add(canonicalizeName(project.name));
    for (const r of project.dependencies) out.add(canonicalizeName(r.name));
  }
  const inputs = lock.lockstep?.inputs;
  for (const g of groups) for (const r of inputs?.dependencyGroups[g] ?? []) out.add(requirementTextName(r));
  return out;
}

async function settleLock(opts: SyncProjectOptions): Promise<LockOutcome> {
  const common = {
    project: opts.project,
    cwd: opts.cwd,
    indexUrl: opts.indexUrl,
    extraIndexUrls: opts.extraIndexUrls,
    findLinks: opts.findLinks,
    offline: opts.offline,
    cacheDir: opts.cacheDir,
    prerelease: opts.prerelease,
    resolution: opts.resolution,
    excludeNewer: opts.excludeNewer,
    lockstepVersion: opts.lockstepVersion,
    limits: opts.limits,
    onWaiting: opts.onWaiting,
    log: opts.log,
  };
  if (opts.mode === "frozen") return lockProject({ ...common, mode: "frozen" });
  if (opts.mode === "locked") return lockProject({ ...common, mode: "check", checkFlag: "--locked" });
  return lockProject({ ...common, mode: "lock", dryRun: opts.dryRun });
}

export async function syncProject(opts: SyncProjectOptions): Promise<SyncOutcome> {
  const env = opts.env ?? process.env;
  const located = locateProject({ project: opts.project, cwd: opts.cwd });
  const { project, root, lockPath } = located;
  checkRequiredVersion(project.lockstep, opts.lockstepVersion);
  // Hashed before the lock is checked: if a file changes meanwhile, the state records the old bytes
  // and the next sync takes the full path.
  const pyprojects = pyprojectHashes(located);

  const lockOutcome = await settleLock(opts);
  opts.onLock?.(lockOutcome);
  const warnings: string[] = [];
  if (
    opts.dryRun &&
    lockOutcome.kind === "resolved" &&
    !lockOutcome.wrote &&
    lockOutcome.changes.length > 0
  ) {
    warnings.push(
      "the lock is out of date; the plan below is made from the existing lock (run `lockstep lock` to update it)",
    );
  }
  const auditStart = performance.now();
  let lockText: string;
  try {
    lockText = readFileSync(lockPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw new LockMissingError(basename(lockPath), opts.dryRun ? "--dry-run" : undefined);
    throw err;
  }
  const lock = readLock(lockText, lockPath);
  checkConflictingSelection(
    project.lockstep.conflicts,
    opts.onlyGroups.length > 0 ? [] : opts.allExtras ? lock.extras : opts.extras,
    selectedGroups(lock, opts),
  );

  // The interpreter and the venv.
  const cacheDir = opts.cacheDir ?? (await import("@lockstep/index")).defaultCacheDir(env);
  const venvRoot = projectEnvironment(root, env);
  const versionFile = opts.python === undefined ? pythonVersionRequest(root) : null;
  const request = opts.python ?? versionFile ?? undefined;
  let opened: { venv: Venv; info: InterpreterInfo } | undefined;
  let replaced: string | undefined;
  try {
    opened = openVenv(venvRoot, cacheDir);
  } catch (err) {
    replaced = `its interpreter does not run (${(err as Error).message.split("\n")[0] ?? ""})`;
  }
  if (opened) {
    replaced = mismatch(opened.info, request, project, root, cacheDir);
    if (replaced) opened = undefined;
  }
  let venv: Venv;
  let info: InterpreterInfo;
  let created = false;
  if (opened) {
    ({ venv, info } = opened);
  } else {
    info = findInterpreter({
      request: opts.python ?? versionFile ?? undefined,
      requiresPython: project.requiresPython?.specifiers,
      projectDir: root,
      cacheDir,
      env,
    });
    opts.onVenv?.({
      root: venvRoot,
      python: describeInterpreter(info),
      pythonPath: info.path,
      replaced,
      dryRun: opts.dryRun,
    });
    if (opts.dryRun) {
      venv = venvLayout(venvRoot, info);
    } else {
      venv = createVenv(venvRoot, info, {
        clear: true,
        prompt: project.name ?? basename(root),
        lockstepVersion: opts.lockstepVersion,
        cacheDir,
      });
      created = true;
    }
  }

  // What the lock gives this interpreter.
  const groups = selectedGroups(lock, opts);
  const extras = opts.onlyGroups.length > 0 ? [] : opts.allExtras ? [...lock.extras] : [...opts.extras];
  let items = selectForEnvironment(lock, info.markers, {
    tags: interpreterTags(info),
    extras,
    groups,
    includeProject: !opts.noInstallProject && opts.onlyGroups.length === 0,
  });
  if (opts.onlyGroups.length > 0) items = onlyGroupClosure(lock, items, groups);
  // A workspace installs the member it stands in (or `--package`), unless `--all-packages`.
  const members = selectedMembers(located.workspace, opts);
  if (members) items = memberClosure(lock, items, members, extras, groups);
  const installed = created ? new Map() : readInstalled(venv.sitePackages);
  const checkouts = await gitCheckouts(items, cacheDir, opts.offline);
  const selected = items.map((i) => plannedFrom(i, root, project, installed, checkouts));
  const plan = planSync(selected, installed, { inexact: opts.inexact });
  const auditMs = performance.now() - auditStart;
  opts.log?.info(
    {
      venv: venv.root,
      selected: selected.length,
      install: plan.install.length,
      reinstall: plan.reinstall.length,
      remove: plan.remove.length,
      ms: Math.round(auditMs),
    },
    "sync plan",
  );
  if (opts.dryRun)
    return { lock: lockOutcome, venv: venv.root, selected, plan, result: undefined, auditMs, warnings };

  if (!isNoop(plan)) clearState(venv.root);
  const result = await executeWithClient(
    plan,
    venv,
    info,
    cacheDir,
    opts,
    requestedNames(project, lock, groups, opts.onlyGroups.length > 0),
  );

  const python = pythonStamp(venv.root);
  if (python) {
    writeState(venv.root, {
      v: 1,
      key: opts.key,
      pyprojects,
      lockPath,
      lockSha256: sha256Text(lockText),
      pythonVersionFile: versionFile,
      python,
      sitePackages: venv.sitePackages,
      distInfos: distInfoNames(venv.sitePackages),
      lockPackages: lockOutcome.packages,
      selected: selected.length,
      ...workspaceListings(located),
    });
  }
  // Repairs the install made on the way (a damaged RECORD removed, …) are shown like the others.
  return {
    lock: lockOutcome,
    venv: venv.root,
    selected,
    plan,
    result,
    auditMs,
    warnings: [...warnings, ...result.warnings],
  };
}

function parseLibc(v: string): [number, number] {
  const [a, b] = v.split(".").map(Number);
  return [a ?? 0, b ?? 0];
}

/** The wheel tags an interpreter installs, most preferred first (its libc decides manylinux/musllinux). */
export function interpreterTags(info: InterpreterInfo): string[] {
  return supportedTags(
    targetFromMarkerEnvironment(info.markers, {
      ...(info.libc ? { libc: { kind: info.libc.kind, version: parseLibc(info.libc.version) } } : {}),
    }),
  );
}

/**
 * The lock's items for a venv's interpreter and a selection of extras, groups and the project, as
 * `sync --lockfile` and `verify` take it. Unlike `syncProject`, no `--only-group` closure and no
 * workspace members: those need the project.
 */
export function selectForInterpreter(lock: Lock, info: InterpreterInfo, s: Selection): InstallItem[] {
  return selectForEnvironment(lock, info.markers, {
    tags: interpreterTags(info),
    extras: s.allExtras ? [...lock.extras] : [...s.extras],
    groups: selectedGroups(lock, s),
    includeProject: !s.noInstallProject,
  });
}

/** The same digest as `sha256File(lockPath)` for the bytes that were read. */
function sha256Text(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** executeSync with the index client and the build frontend, both loaded only when there is work. */
async function executeWithClient(
  plan: SyncPlan,
  venv: Venv,
  info: InterpreterInfo,
  cacheDir: string,
  opts: SyncProjectOptions,
  requested: Set<string>,
): Promise<SyncResult> {
  if (isNoop(plan)) {
    return executeSync(plan, {
      venv,
      interpreter: info,
      client: { download: () => Promise.reject(new Error("unreachable")) },
      cacheDir,
    });
  }
  const [{ IndexClient }, located] = [
    await import("@lockstep/index"),
    locateProject({ project: opts.project, cwd: opts.cwd }),
  ];
  const pi = projectInputs(located.project, opts);
  const limits = effectiveLimits(located.project, opts.limits);
  const warnings: string[] = [];
  const client = new IndexClient({
    indexes: pi.indexes.map((i) => ({ name: i.name, url: i.url, explicit: i.explicit, default: i.default })),
    findLinks: [...(opts.findLinks ?? [])],
    pins: pi.pins,
    cacheDir,
    offline: opts.offline === true,
    ...(opts.log ? { log: opts.log } : {}),
    ...indexClientSettings(limits, opts, warnings),
  });
  const { executeBuildingSources } = await import("./build-env-installer");
  try {
    const result = await executeBuildingSources(
      plan,
      { venv, interpreter: info, client, cacheDir, archiveLimits: archiveLimits(limits), requested },
      opts,
    );
    return { ...result, warnings: [...warnings, ...result.warnings] };
  } catch (error) {
    throw withSettingHint(error);
  } finally {
    client.close();
  }
}
