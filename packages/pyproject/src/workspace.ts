/**
 * Workspaces: several projects locked together, declared by `[tool.lockstep.workspace]` in the root
 * pyproject.toml with `members` and `exclude` globs (as uv's workspaces).
 *
 * Discovery starts from any directory: the nearest pyproject.toml above it is the current project;
 * if it declares a workspace, it is the root; otherwise the nearest ancestor declaring a workspace
 * that lists the project as a member (and does not exclude it) is the root; otherwise the project is
 * a workspace of its own.
 *
 * Pitfalls: a directory matched by `members` must hold a pyproject.toml (a silently skipped member
 * is a dependency silently missing from the lock); members cannot declare workspaces of their own;
 * two members cannot share a normalized name; the root is a member only if it has `[project]`.
 */

import { existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { FileError, LockstepError } from "@lockstep/errors";
import { expandGlob, matchGlob } from "./glob";
import { readProject } from "./project";
import type { Project } from "./project";

export interface Workspace {
  /** The root directory (holding the pyproject.toml that declares the workspace). */
  root: string;
  /** The root's pyproject.toml, whose `[tool.lockstep]` settings apply to the whole workspace. */
  rootProject: Project;
  /** Every member with a `[project]` table: the root first (if it is one), then by path. */
  members: Project[];
  /** The project discovery started from. */
  current: Project;
}

const PYPROJECT = "pyproject.toml";

function toPosix(path: string): string {
  return path.split(sep).join("/");
}

function nearestPyproject(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, PYPROJECT))) return current;
    if (dirname(current) === current) return undefined;
  }
}

function isMember(project: Project, rel: string): boolean {
  const ws = project.lockstep.workspace;
  if (!ws) return false;
  return ws.members.some((p) => matchGlob(p, rel)) && !ws.exclude.some((p) => matchGlob(p, rel));
}

/** Find the workspace that the directory `startDir` belongs to. */
export function findWorkspace(startDir: string): Workspace {
  const start = resolve(startDir);
  const projectDir = nearestPyproject(start);
  if (projectDir === undefined) {
    throw new LockstepError("no-project", `no ${PYPROJECT} found in ${start} or any parent directory`, {
      hint: "run lockstep inside a project, or create one with lockstep init",
    });
  }
  const current = readProject(join(projectDir, PYPROJECT));
  let rootProject: Project | undefined = current.lockstep.workspace ? current : undefined;
  for (let dir = dirname(projectDir); !rootProject; dir = dirname(dir)) {
    const candidate = nearestPyproject(dir);
    if (candidate === undefined) break;
    const project = readProject(join(candidate, PYPROJECT));
    if (project.lockstep.workspace) {
      if (isMember(project, toPosix(relative(candidate, projectDir)))) rootProject = project;
      break;
    }
    if (dirname(candidate) === candidate) break;
    dir = candidate;
  }
  if (!rootProject) {
    return {
      root: projectDir,
      rootProject: current,
      members: current.hasProjectTable ? [current] : [],
      current,
    };
  }
  return loadWorkspace(rootProject, current);
}

function loadWorkspace(rootProject: Project, current: Project): Workspace {
  const root = rootProject.root;
  const ws = rootProject.lockstep.workspace ?? { members: [], exclude: [] };
  const dirs = new Map<string, string>();
  for (const pattern of ws.members) {
    const matched = expandGlob(root, pattern);
    // A glob matching nothing is a typo more often than not, and its member would silently be missing.
    if (matched.length === 0) {
      throw new FileError(
        "workspace-glob-empty",
        rootProject.path,
        {},
        `[tool.lockstep.workspace] members: ${JSON.stringify(pattern)} matches no directory under ${root}`,
        { hint: "fix the pattern, or remove it from members" },
      );
    }
    for (const rel of matched) {
      if (rel === "" || ws.exclude.some((p) => matchGlob(p, rel))) continue;
      if (!dirs.has(rel)) dirs.set(rel, pattern);
    }
  }
  const members: Project[] = rootProject.hasProjectTable ? [rootProject] : [];
  const byName = new Map<string, Project>();
  if (rootProject.canonicalName) byName.set(rootProject.canonicalName, rootProject);
  for (const [rel, pattern] of [...dirs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const file = join(root, rel, PYPROJECT);
    if (!existsSync(file)) {
      throw new FileError(
        "workspace-member",
        rootProject.path,
        {},
        `workspace member ${JSON.stringify(rel)} (matched by ${JSON.stringify(pattern)}) has no ${PYPROJECT}`,
        { hint: `add ${rel}/${PYPROJECT}, or list the directory in [tool.lockstep.workspace] exclude` },
      );
    }
    const member = file === current.path ? current : readProject(file);
    if (member.lockstep.workspace) {
      throw new FileError(
        "workspace-nested",
        member.path,
        {},
        `workspace member ${JSON.stringify(rel)} declares [tool.lockstep.workspace]; workspaces cannot be nested`,
      );
    }
    if (!member.hasProjectTable) continue;
    const other = member.canonicalName === undefined ? undefined : byName.get(member.canonicalName);
    if (other && member.canonicalName) {
      throw new FileError(
        "workspace-duplicate",
        member.path,
        {},
        `two workspace members are named ${JSON.stringify(member.canonicalName)}: ${toPosix(relative(root, other.root)) || "."} and ${rel}`,
      );
    }
    if (member.canonicalName) byName.set(member.canonicalName, member);
    members.push(member);
  }
  return { root, rootProject, members, current };
}
