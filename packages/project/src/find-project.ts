/**
 * Which project a command acts on, and where its lock lives.
 *
 * `--project DIR` names the directory; otherwise discovery walks up from the working directory to
 * the nearest pyproject.toml (`findWorkspace` does the walk and, when an ancestor declares
 * `[tool.lockstep.workspace]` listing it, finds the workspace root). One lock serves a workspace, so
 * `pylock.toml` sits beside the root's pyproject.toml. Pitfall: `--project` pointing at a file is
 * accepted too (the directory holding it), since users paste paths to pyproject.toml.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { findWorkspace } from "@lockstep/pyproject";
import type { Project, Workspace } from "@lockstep/pyproject";

export interface LocatedProject {
  workspace: Workspace;
  /** The project the lock is made for: the workspace root. */
  project: Project;
  /** The directory of the lock: the workspace root. */
  root: string;
  lockPath: string;
}

export const LOCK_FILE = "pylock.toml";

export function locateProject(opts: {
  project?: string | undefined;
  cwd?: string | undefined;
}): LocatedProject {
  const cwd = opts.cwd ?? process.cwd();
  let start = cwd;
  if (opts.project !== undefined) {
    start = resolve(cwd, opts.project);
    if (!existsSync(start)) {
      throw new LockstepError(
        "NO_PROJECT",
        `the project directory ${JSON.stringify(opts.project)} does not exist`,
      );
    }
    if (statSync(start).isFile()) start = dirname(start);
    if (!existsSync(join(start, "pyproject.toml"))) {
      throw new LockstepError("NO_PROJECT", `no pyproject.toml in ${start}`, {
        hint: "--project names the directory that holds the project's pyproject.toml",
      });
    }
  }
  const workspace = findWorkspace(start);
  return {
    workspace,
    project: workspace.rootProject,
    root: workspace.root,
    lockPath: join(workspace.root, LOCK_FILE),
  };
}
