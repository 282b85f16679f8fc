/**
 * `lockstep version`: read, bump or set the project's `[project].version`, written in place (the
 * edit is one splice; see `@lockstep/pyproject`'s project-version.ts for the PEP 440 bump rules).
 *
 * The project is the nearest pyproject.toml from the working directory upwards (or `--project`):
 * in a workspace that is the member being worked in, not the root, since each member has its own
 * version. Pitfall: the lock records the project's own version when the project is a package, so a
 * bump makes the lock stale until the next `lockstep lock`; this command does not lock.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { LockstepError, UsageError } from "@lockstep/errors";
import { bumpVersion, readProjectVersion, setProjectVersion } from "@lockstep/pyproject";
import type { VersionBump } from "@lockstep/pyproject";

export interface VersionOptions {
  project?: string | undefined;
  cwd?: string | undefined;
  bump?: readonly VersionBump[] | undefined;
  set?: string | undefined;
  dryRun?: boolean | undefined;
}

export interface VersionOutcome {
  name: string;
  path: string;
  previous: string;
  /** Equal to `previous` when nothing was asked to change. */
  version: string;
  written: boolean;
}

/** The pyproject.toml a `version` command acts on. */
export function nearestPyproject(opts: { project?: string | undefined; cwd?: string | undefined }): string {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.project !== undefined) {
    let dir = resolve(cwd, opts.project);
    if (existsSync(dir) && statSync(dir).isFile()) dir = dirname(dir);
    const file = join(dir, "pyproject.toml");
    if (!existsSync(file)) {
      throw new LockstepError("NO_PROJECT", `no pyproject.toml in ${dir}`, {
        hint: "--project names the directory that holds the project's pyproject.toml",
      });
    }
    return file;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, "pyproject.toml");
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) break;
  }
  throw new LockstepError("NO_PROJECT", `no pyproject.toml found in ${cwd} or any parent directory`, {
    hint: "run `lockstep init` to create a project",
  });
}

export function projectVersion(opts: VersionOptions): VersionOutcome {
  const bumps = opts.bump ?? [];
  if (bumps.length > 0 && opts.set !== undefined) {
    throw new UsageError("--bump and --set exclude each other");
  }
  const path = nearestPyproject(opts);
  const text = readFileSync(path, "utf8");
  const field = readProjectVersion(text, path);
  if (field.version === undefined && (bumps.length > 0 || opts.set !== undefined || !field.dynamic)) {
    // setProjectVersion gives the precise reason (dynamic, missing, not a string).
    setProjectVersion(text, path, opts.set ?? "0");
  }
  if (field.version === undefined) {
    throw new LockstepError(
      "project-version-dynamic",
      `${path}: the version is dynamic (listed in project.dynamic): the build backend computes it`,
      { hint: "build the project to see it, or make it static in [project]" },
    );
  }
  const name = field.name ?? "(unnamed)";
  const previous = field.version;
  const next = opts.set ?? (bumps.length > 0 ? bumpVersion(previous, bumps) : undefined);
  if (next === undefined) return { name, path, previous, version: previous, written: false };
  const updated = setProjectVersion(text, path, next);
  const version = readProjectVersion(updated, path).version ?? next;
  if (!opts.dryRun && updated !== text) {
    const tmp = `${path}.lockstep-${process.pid}.tmp`;
    writeFileSync(tmp, updated);
    renameSync(tmp, path);
  }
  return { name, path, previous, version, written: !opts.dryRun && updated !== text };
}
