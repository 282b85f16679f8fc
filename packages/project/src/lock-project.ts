/**
 * `lockstep lock` as a function: find the project, decide whether the existing lock still holds,
 * resolve when it does not, and write `pylock.toml`. Returns what happened; the command renders it.
 *
 * The up-to-date path is short on purpose (design: "no-op paths are short"): read pyproject.toml and
 * pylock.toml, compare the canonical inputs, return — the index client and the resolver are imported
 * only when a resolution is needed. Pitfalls: an up-to-date lock is neither re-resolved nor rewritten,
 * so its bytes and mtime stay; `--check` and `--frozen` never resolve or write; a lock that does not
 * parse is ignored (with a warning) by a plain `lock`, but is an error for `--check`/`--frozen`; the
 * existing lock's versions are preferences for the new resolution unless `--upgrade` (or
 * `--upgrade-package` for those names), so a re-lock changes only what it must — except when the
 * resolution strategy, prerelease mode or exclude-newer changed (then the old versions are not
 * preferred, as uv does, and a warning says so). `--upgrade-package name==1.2.3` is also a
 * constraint for that one resolution: the lock gets exactly that version or the lock fails naming it.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { LockstepError, UsageError } from "@lockstep/errors";
import { findInterpreter } from "@lockstep/python";
import type { InterpreterInfo } from "@lockstep/python";
import { Version } from "@lockstep/pep440";
import { Requirement } from "@lockstep/pep508";
import { checkRequiredVersion } from "@lockstep/pyproject";
import {
  checkLock,
  diffLocks,
  explainLockChanges,
  formatLock,
  formatLockChange,
  lockFromResolution,
  readLock,
} from "@lockstep/lockfile";
import type { Lock } from "@lockstep/lockfile";
import { locateProject } from "./find-project";
import { effectiveLimits, indexClientSettings, withLockHashes } from "./index-client-settings";
import type { NetworkOptions } from "./index-client-settings";
import type { Log } from "./log";
import { conditionalPreferences, conditionalSourceVariants } from "./conditional-sources";
import { sourcePins } from "./path-sources";
import { gitCache, lockedCommits, remoteSourcePins } from "./remote-sources";
import { projectInputs } from "./project-inputs";
import type { ProjectInputs, SettingFlags } from "./project-inputs";

export interface LockProjectOptions extends SettingFlags, NetworkOptions {
  /** `--project DIR`. */
  project?: string | undefined;
  /** Index requests (debug), the resolver's outcome and statistics (info, debug). */
  log?: Log | undefined;
  cwd?: string | undefined;
  /** `lock` resolves when stale; `check` (`--check`/`--locked`) fails when stale; `frozen` only reads the lock. */
  mode?: "lock" | "check" | "frozen";
  /** How the user asked for `check` mode (`--check` or `--locked`), for messages. */
  checkFlag?: string | undefined;
  upgrade?: boolean | undefined;
  upgradePackages?: readonly string[] | undefined;
  dryRun?: boolean | undefined;
  findLinks?: readonly string[] | undefined;
  offline?: boolean | undefined;
  cacheDir?: string | undefined;
  refresh?: boolean | undefined;
  refreshPackages?: readonly string[] | undefined;
  /** The running lockstep's version, checked against `required-version`. */
  lockstepVersion: string;
}

export type LockOutcome =
  /** The lock was up to date (or `--frozen`): nothing resolved, nothing written. */
  | { kind: "fresh" | "frozen"; lockPath: string; packages: number; ms: number; warnings: string[] }
  /** A resolution ran; `wrote` is false for `--dry-run`. */
  | {
      kind: "resolved";
      lockPath: string;
      packages: number;
      ms: number;
      /** The lines describing what changed (`Added foo v1.0`), empty for a new lock with no prior one. */
      changes: string[];
      created: boolean;
      wrote: boolean;
      warnings: string[];
    };

/** `--check`/`--locked` on a stale or missing lock. */
export class LockStaleError extends LockstepError {
  constructor(
    lockName: string,
    readonly changes: string[],
    flag = "--check",
  ) {
    super(
      "lock-stale",
      `The lock file \`${lockName}\` needs to be updated, but ${flag} was given:\n${changes.map((c) => `  - ${c}`).join("\n")}`,
      { hint: "run `lockstep lock` to update it" },
    );
  }
}

export class LockMissingError extends LockstepError {
  constructor(lockName: string, flag?: string) {
    super(
      "lock-missing",
      `Unable to find lock file \`${lockName}\`${flag ? `, but ${flag} was given` : ""}`,
      {
        hint: "run `lockstep lock` to create it",
      },
    );
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function preferencesOf(lock: Lock | undefined): Map<string, Version> {
  const out = new Map<string, Version>();
  for (const p of lock?.packages ?? []) {
    if (!p.version) continue;
    const prev = out.get(p.name);
    if (!prev || p.version.compare(prev) > 0) out.set(p.name, p.version);
  }
  return out;
}

/**
 * The line saying why the existing lock's versions are not preferred, or `undefined` when they
 * are: uv discards them when the resolution strategy, prerelease mode or exclude-newer changed,
 * since each of those changes which versions a fresh resolution would pick.
 */
export function preferencesDiscarded(
  lock: Lock | undefined,
  inputs: ProjectInputs["inputs"],
): string | undefined {
  const before = lock?.lockstep?.inputs;
  if (!before) return undefined;
  const now = inputs.canonical;
  const show = (v: string | undefined) => v ?? "none";
  const changed = [
    ["Resolution strategy", before.resolution, now.resolution],
    ["Prerelease mode", before.prerelease, now.prerelease],
    ["exclude-newer", before.excludeNewer, now.excludeNewer],
  ]
    .filter(([, a, b]) => (a ?? "") !== (b ?? ""))
    .map(([label, a, b]) => `${label as string} changed (${show(a)} → ${show(b)})`);
  if (changed.length === 0) return undefined;
  return `${changed.join(", ")}; ignoring the existing lock's versions`;
}

/**
 * `--upgrade-package` values: a name (prefer nothing for it) or a requirement such as
 * `name==1.2.3` (also a constraint for this resolution, so the lock gets exactly that version).
 */
export function upgradePackageArgs(values: readonly string[]): { names: Set<string>; pins: Requirement[] } {
  const names = new Set<string>();
  const pins: Requirement[] = [];
  for (const value of values) {
    let req: Requirement;
    try {
      req = Requirement.parse(value);
    } catch (err) {
      throw new UsageError(
        `--upgrade-package: ${JSON.stringify(value)} is not a package name or a requirement such as name==1.2.3: ${(err as Error).message.split("\n")[0]}`,
      );
    }
    if (req.url || req.extras.length > 0 || !req.marker.isTrue()) {
      throw new UsageError(
        `--upgrade-package: ${JSON.stringify(value)} may only be a name with an optional version specifier (name==1.2.3)`,
      );
    }
    names.add(req.canonicalName);
    if (req.specifier.specifiers.length > 0) pins.push(req);
  }
  return { names, pins };
}

/** `--upgrade-package name==1.2.3` could not be honoured. */
export class UpgradePackageError extends LockstepError {
  constructor(pin: Requirement, reason: string) {
    super("upgrade-package-unsatisfiable", `Cannot lock ${pin.toString()} (--upgrade-package): ${reason}`, {
      hint: `drop --upgrade-package ${pin.toString()}, or ask for a version the project's requirements allow`,
    });
  }
}

export async function lockProject(opts: LockProjectOptions): Promise<LockOutcome> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const mode = opts.mode ?? "lock";
  const located = locateProject({ project: opts.project, cwd: opts.cwd });
  const { project, lockPath } = located;
  const lockName = basename(lockPath);
  checkRequiredVersion(project.lockstep, opts.lockstepVersion);
  const pi = projectInputs(project, opts, { workspace: located.workspace, lockDir: located.root });
  const warnings = [...pi.warnings];

  const text = readText(lockPath);
  let existing: Lock | undefined;
  if (text !== undefined) {
    try {
      existing = readLock(text, lockPath);
    } catch (err) {
      if (mode !== "lock") throw err;
      warnings.push(
        `Ignoring the existing lock file, which is not valid: ${(err as Error).message.split("\n")[0]}`,
      );
    }
  }
  const upgrading = opts.upgrade === true || (opts.upgradePackages?.length ?? 0) > 0;

  if (mode === "frozen") {
    if (!existing) throw new LockMissingError(lockName, "--frozen");
    return { kind: "frozen", lockPath, packages: existing.packages.length, ms: elapsed(), warnings };
  }
  if (mode === "check") {
    if (!existing) throw new LockMissingError(lockName, opts.checkFlag ?? "--check");
    const check = checkLock(existing, pi.inputs);
    if (!check.fresh) throw new LockStaleError(lockName, check.changes, opts.checkFlag ?? "--check");
    return { kind: "fresh", lockPath, packages: existing.packages.length, ms: elapsed(), warnings };
  }
  if (existing && !upgrading && checkLock(existing, pi.inputs).fresh) {
    return { kind: "fresh", lockPath, packages: existing.packages.length, ms: elapsed(), warnings };
  }

  // Only now load the network and the solver.
  const [{ IndexClient, defaultCacheDir, writeAtomic }, { resolvePython }, { sourceBuilder }] =
    await Promise.all([
      import("@lockstep/index"),
      import("@lockstep/resolver"),
      import("./build-env-installer"),
    ]);
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  // Source distributions with dynamic metadata are built (PEP 517 prepare_metadata) for an
  // interpreter that satisfies the project; it is looked for only if such an sdist turns up.
  let interpreter: InterpreterInfo | undefined;
  const pickInterpreter = (): InterpreterInfo =>
    (interpreter ??= findInterpreter({
      requiresPython: project.requiresPython?.specifiers,
      projectDir: project.root,
      cacheDir,
    }));
  const client: InstanceType<typeof IndexClient> = new IndexClient({
    buildMetadata: (file, archive) =>
      sourceBuilder(client, cacheDir, pickInterpreter).buildMetadata(file, archive),
    indexes: pi.indexes.map((i) => ({ name: i.name, url: i.url, explicit: i.explicit, default: i.default })),
    indexStrategy: pi.indexStrategy,
    findLinks: [...(opts.findLinks ?? [])],
    pins: pi.pins,
    cacheDir,
    offline: opts.offline === true,
    refresh: opts.refresh === true,
    refreshPackages: [...(opts.refreshPackages ?? [])],
    ...(opts.log ? { log: opts.log } : {}),
    // Skipped links, ignored hashes and shadowed packages become the outcome's warnings.
    ...indexClientSettings(effectiveLimits(project, opts.limits), opts, warnings),
  });
  // A re-lock revalidates the pages of everything locked before in one concurrent batch.
  if (existing) client.warmPages(existing.packages.map((p) => p.name));
  try {
    const values = pi.inputs.values;
    // The requirements pyproject.toml was parsed into, as they are: nothing is parsed again.
    const asked = upgradePackageArgs(opts.upgradePackages ?? []);
    const discarded = opts.upgrade === true ? undefined : preferencesDiscarded(existing, pi.inputs);
    if (discarded) warnings.push(discarded);
    const asMap = (table: Readonly<Record<string, readonly Requirement[]>>) =>
      new Map(Object.entries(table).map(([k, reqs]) => [k, [...reqs]]));
    // Sources split by marker: one resolver variant per source (conditional-sources.ts).
    const prepareSource = (path: string) =>
      sourceBuilder(client, cacheDir, pickInterpreter).prepareSource(path);
    const remoteContext = {
      client,
      cacheDir,
      git: gitCache(cacheDir, opts.offline),
      prepare: prepareSource,
      locked: lockedCommits(existing, opts.upgrade === true ? true : new Set(asked.names)),
    };
    const resolution = await resolvePython(
      client,
      {
        name: values.projectName,
        version: Version.parse(project.version ?? "0"),
        dependencies: [...values.dependencies],
        // Universal locks hold every extra and group; markers say which packages each one brings.
        extras: asMap(values.optionalDependencies),
        groups: asMap(values.dependencyGroups),
      },
      {
        target: {
          kind: "universal",
          environments: [...values.environments],
          requiredEnvironments: [...pi.requiredEnvironments],
          conflicts: values.conflicts ?? [],
        },
        requiresPython: values.requiresPython,
        prerelease: pi.prerelease,
        resolution: pi.resolution,
        excludeNewer: pi.excludeNewer,
        constraints: [...values.constraints, ...asked.pins],
        overrides: [...values.overrides],
        preferences:
          opts.upgrade === true || discarded
            ? new Map()
            : conditionalPreferences(preferencesOf(existing), existing, pi.conditional, located.root),
        upgrade: opts.upgrade === true ? true : asked.names,
        // Workspace members and path sources: one candidate each, metadata from the tree.
        // Git and direct-URL sources too: a locked commit is kept unless upgraded.
        sourcePins: new Map([
          ...sourcePins(pi.plans, (path) =>
            sourceBuilder(client, cacheDir, pickInterpreter).prepareSource(path),
          ),
          ...remoteSourcePins(pi.remote, {
            client,
            cacheDir,
            git: gitCache(cacheDir, opts.offline),
            prepare: (path) => sourceBuilder(client, cacheDir, pickInterpreter).prepareSource(path),
            locked: lockedCommits(existing, opts.upgrade === true ? true : new Set(asked.names)),
          }),
        ]),
        conditionalSources: conditionalSourceVariants(pi.conditional, {
          prepare: prepareSource,
          remote: remoteContext,
          lockDir: located.root,
        }),
      },
    ).catch((err: unknown) => {
      // A failure with a pin asked for on the command line is about that pin first.
      const pin = asked.pins[0];
      if (pin && err instanceof LockstepError && err.code === "no-solution")
        throw new UpgradePackageError(pin, err.message);
      throw err;
    });
    opts.log?.info(
      {
        packages: resolution.packages.length,
        forks: resolution.stats.forks,
        ms: Math.round(resolution.stats.wallMs),
      },
      "resolved",
    );
    opts.log?.debug({ ...resolution.stats }, "resolver statistics");
    for (const pin of asked.pins) {
      const got = resolution.packages.filter((p) => p.name === pin.canonicalName);
      if (got.length === 0)
        throw new UpgradePackageError(pin, `${pin.canonicalName} is not a dependency of the project`);
    }
    // A lock always carries hashes: files the index listed without a sha256 are hashed here.
    const packages = await withLockHashes(resolution.packages, (file) => client.withSha256(file));
    // The workspace's requirements on its members are how they get into the lock, not something the
    // root project needs: its own entry lists only what its pyproject.toml declares.
    const declared = new Set(
      [...project.dependencies, ...Object.values(project.optionalDependencies).flat()].map(
        (r) => r.canonicalName,
      ),
    );
    const rootDependencies = resolution.rootDependencies.filter(
      (d) => declared.has(d.name) || !located.workspace.members.some((m) => m.canonicalName === d.name),
    );
    const lock = lockFromResolution({ ...resolution, packages, rootDependencies }, pi.inputs, {
      lockDir: located.root,
    });
    const out = formatLock(lock);
    // Each change with its cause: a requirement added/changed/removed, an upgrade flag, or nothing left requiring it.
    const changes = existing
      ? explainLockChanges(existing, lock, diffLocks(existing, lock), {
          upgrade: opts.upgrade,
          upgradePackages: asked.names,
        }).map(formatLockChange)
      : [];
    const wrote = opts.dryRun !== true && out !== text;
    // Through a temporary file and a rename, so readers never see half a lock.
    if (wrote) writeAtomic(lockPath, out);
    return {
      kind: "resolved",
      lockPath,
      packages: lock.packages.length,
      ms: elapsed(),
      changes,
      created: text === undefined,
      wrote,
      warnings,
    };
  } finally {
    client.close();
  }
}
