/**
 * The lock of the current project, for commands that read it (`tree`, `export`).
 *
 * The lock is read and validated; unless `--frozen`, it is also compared with pyproject.toml, and a
 * stale lock is reported (a warning by default, an error with `--locked`) rather than silently
 * trusted. Pitfall: these commands never resolve — `lockstep lock` is the one place that does.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { checkLock, readLock } from "@lockstep/lockfile";
import type { Lock } from "@lockstep/lockfile";
import { locateProject } from "./find-project";
import type { LocatedProject } from "./find-project";
import { LockMissingError, LockStaleError } from "./lock-project";
import { projectInputs } from "./project-inputs";

export interface ProjectLock {
  located: LocatedProject;
  lock: Lock;
  text: string;
  warnings: string[];
}

export function readProjectLock(opts: {
  project?: string | undefined;
  cwd?: string | undefined;
  frozen?: boolean | undefined;
  locked?: boolean | undefined;
}): ProjectLock {
  const located = locateProject(opts);
  const name = basename(located.lockPath);
  let text: string;
  try {
    text = readFileSync(located.lockPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new LockMissingError(name);
    throw err;
  }
  const lock = readLock(text, located.lockPath);
  const warnings: string[] = [];
  if (!opts.frozen) {
    // Index flags are not known here, so compare with the indexes the lock was made with.
    // With the workspace, as `lock` builds them: members and path, git and split sources count.
    const { inputs } = projectInputs(
      located.project,
      {},
      { workspace: located.workspace, lockDir: located.root },
    );
    const check = checkLock(
      lock,
      lock.lockstep ? inputs.with({ indexes: lock.lockstep.inputs.indexes }) : inputs,
    );
    if (!check.fresh) {
      if (opts.locked) throw new LockStaleError(name, check.changes, "--locked");
      warnings.push(
        `${name} is out of date with pyproject.toml (${check.changes.join("; ")}); run \`lockstep lock\``,
      );
    }
  }
  return { located, lock, text, warnings };
}
