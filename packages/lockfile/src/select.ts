/**
 * What to install from a lock for one interpreter: PEP 751's installer steps, as a pure function.
 *
 * Order of checks: requested extras and groups exist in the lock; the interpreter is inside the lock's
 * `requires-python` and matches one of its `environments`; each package's marker is evaluated with
 * the selected extras and groups (`'x' in extras`, `'dev' in dependency_groups`); at most one entry
 * per name may match; each match picks its best wheel by tag priority, else its sdist.
 * Pitfalls: a marker that mentions no extras or groups is about the environment only; the project's
 * own directory entry can be left out (`includeProject: false`) when the caller installs it itself;
 * `path`s are returned as written, relative to the lock file's directory.
 */
import { Version } from "@lockstep/pep440";
import type { MarkerEnvironment } from "@lockstep/pep508";
import { canonicalizeName } from "@lockstep/pep508";
import { TagPriority } from "@lockstep/wheel";
import { LockSelectError } from "./errors";
import { describePackage } from "./lock";
import type { Lock, LockPackage } from "./lock";

export interface InstallItem {
  name: string;
  /** Undefined for source trees (directory, VCS). */
  version: string | undefined;
  kind: "wheel" | "sdist" | "directory" | "archive" | "vcs";
  url?: string;
  path?: string;
  filename?: string;
  hashes: Record<string, string>;
  size?: number;
  editable?: boolean;
  subdirectory?: string;
  /** VCS only. */
  vcs?: { type: string; commitId: string; requestedRevision?: string };
}

export interface SelectOptions {
  /**
   * The interpreter's supported tags, most preferred first (as `supportedTags` returns them), or a
   * `TagPriority` built from them. With the list, "no compatible wheel" errors can name the tags tried.
   */
  tags: TagPriority | readonly string[];
  extras: string[];
  groups: string[];
  /** Include the project's own `directory` entry (default true). */
  includeProject?: boolean;
}

function describeInterpreter(env: MarkerEnvironment): string {
  return `${env.platform_python_implementation} ${env.python_full_version || env.python_version} on ${env.sys_platform}`;
}

function checkNames(
  requested: readonly string[],
  known: readonly string[],
  what: "extra" | "dependency group",
): void {
  for (const name of requested) {
    if (known.includes(canonicalizeName(name))) continue;
    const has = known.length === 0 ? "it has none" : `it has: ${known.map((k) => `\`${k}\``).join(", ")}`;
    throw new LockSelectError(
      `lock-unknown-${what === "extra" ? "extra" : "group"}`,
      `The lock file has no ${what} \`${name}\` (${has})`,
    );
  }
}

function item(p: LockPackage, priority: TagPriority, tagList: readonly string[] | undefined): InstallItem {
  const version = p.version?.toString();
  const s = p.source;
  switch (s.kind) {
    case "directory":
      return {
        name: p.name,
        version,
        kind: "directory",
        path: s.path,
        hashes: {},
        editable: s.editable,
        ...(s.subdirectory ? { subdirectory: s.subdirectory } : {}),
      };
    case "archive":
      return {
        name: p.name,
        version,
        kind: "archive",
        ...(s.url ? { url: s.url } : {}),
        ...(s.path ? { path: s.path } : {}),
        hashes: s.hashes,
        ...(s.size !== undefined ? { size: s.size } : {}),
        ...(s.subdirectory ? { subdirectory: s.subdirectory } : {}),
      };
    case "vcs":
      return {
        name: p.name,
        version,
        kind: "vcs",
        ...(s.url ? { url: s.url } : {}),
        ...(s.path ? { path: s.path } : {}),
        hashes: {},
        ...(s.subdirectory ? { subdirectory: s.subdirectory } : {}),
        vcs: {
          type: s.type,
          commitId: s.commitId,
          ...(s.requestedRevision ? { requestedRevision: s.requestedRevision } : {}),
        },
      };
    case "files": {
      const file = priority.bestWheel(s.wheels.map((w) => ({ filename: w.name, w })))?.w ?? s.sdist;
      if (!file) {
        const tried = tagList
          ? ` (tags tried: ${tagList.slice(0, 3).join(", ")}${tagList.length > 3 ? ", …" : ""})`
          : "";
        const available = s.wheels.map((w) => w.name).join(", ");
        throw new LockSelectError(
          "lock-no-compatible-file",
          `No wheel of ${describePackage(p)} is compatible with this platform${tried} and it has no sdist`,
          {
            hint: available
              ? `The lock has these wheels for it: ${available}`
              : "The lock has no files for it",
          },
        );
      }
      return {
        name: p.name,
        version,
        kind: file === s.sdist ? "sdist" : "wheel",
        ...(file.url ? { url: file.url } : {}),
        ...(file.path ? { path: file.path } : {}),
        filename: file.name,
        hashes: file.hashes,
        ...(file.size !== undefined ? { size: file.size } : {}),
      };
    }
  }
}

export function selectForEnvironment(lock: Lock, env: MarkerEnvironment, opts: SelectOptions): InstallItem[] {
  checkNames(opts.extras, lock.extras, "extra");
  checkNames(opts.groups, lock.dependencyGroups, "dependency group");
  const python = Version.tryParse(env.python_full_version) ?? Version.tryParse(env.python_version);
  if (lock.requiresPython && python && !lock.requiresPython.contains(python, { prereleases: true })) {
    throw new LockSelectError(
      "lock-requires-python",
      `The lock file requires Python ${lock.requiresPython.toString()}, but this interpreter is ${describeInterpreter(env)}`,
    );
  }
  const ctx = {
    extras: opts.extras.map(canonicalizeName),
    dependencyGroups: opts.groups.map(canonicalizeName),
  };
  if (lock.environments.length > 0 && !lock.environments.some((m) => m.evaluate(env, ctx))) {
    const envs = lock.environments.map((m) => `\`${m.toString()}\``).join(", ");
    throw new LockSelectError(
      "lock-environment-not-covered",
      `The lock file does not cover this environment: it was locked for ${envs}; this interpreter is ${describeInterpreter(env)}`,
      {
        hint: "Add an environment that matches this interpreter to `environments` in pyproject.toml and run `lockstep lock`.",
      },
    );
  }
  const priority = opts.tags instanceof TagPriority ? opts.tags : new TagPriority(opts.tags);
  const tagList = opts.tags instanceof TagPriority ? undefined : opts.tags;
  const projectName = lock.lockstep?.inputs.projectName;
  const chosen = new Map<string, LockPackage>();
  for (const p of lock.packages) {
    if (!p.marker.evaluate(env, ctx)) continue;
    if (
      opts.includeProject === false &&
      p.source.kind === "directory" &&
      (p.name === projectName || p.source.path === ".")
    )
      continue;
    const other = chosen.get(p.name);
    if (other) {
      throw new LockSelectError(
        "lock-ambiguous",
        `Two entries of \`${p.name}\` apply to this environment (${describeInterpreter(env)}): ${describePackage(other)} and ${describePackage(p)}`,
        { hint: "Their markers overlap; run `lockstep lock` to write a valid lock file." },
      );
    }
    if (p.requiresPython && python && !p.requiresPython.contains(python, { prereleases: true })) {
      throw new LockSelectError(
        "lock-requires-python",
        `${describePackage(p)} requires Python ${p.requiresPython.toString()}, but this interpreter is ${describeInterpreter(env)}`,
      );
    }
    chosen.set(p.name, p);
  }
  return [...chosen.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => item(p, priority, tagList));
}
