/**
 * A `pyproject.toml` read as a whole: `[project]` (PEP 621), `[dependency-groups]` (PEP 735),
 * `[build-system]` (PEP 517/518) and `[tool.lockstep]`.
 *
 * Reading collects every problem in the file and raises them together (one `FileError`, or a
 * `PyprojectError` listing them all), each with its line and column. Other `[tool.*]` tables belong to
 * other tools and are not looked at; unknown top-level tables are allowed by PEP 518 only under
 * `tool`, but we tolerate them because older tools wrote their own.
 *
 * Pitfall: a file without `[project]` is valid (a virtual project, e.g. a workspace root that only
 * holds groups and settings); then `name` is undefined and the project is never built.
 */

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { FileError } from "@lockstep/errors";
import { canonicalizeName } from "@lockstep/pep508";
import type { Requirement } from "@lockstep/pep508";
import { readBuildSystem } from "./build-system";
import type { BuildSystem } from "./build-system";
import { readDependencyGroups } from "./dependency-groups";
import { readLockstepSettings } from "./lockstep-settings";
import type { LockstepSettings } from "./lockstep-settings";
import { isTable, Problems } from "./problems";
import { readProjectTable } from "./project-table";
import type { ProjectMetadata } from "./project-table";
import { parseTomlDocument } from "./toml-cst";

/**
 * The file as a whole: `[project]`'s fields as `ProjectMetadata` has them (empty ones for a virtual
 * project, whose name is then undefined), and the tables around it.
 */
export interface Project extends Omit<ProjectMetadata, "name" | "canonicalName"> {
  /** The pyproject.toml file. */
  path: string;
  /** The directory holding it. */
  root: string;
  /** False for a virtual project (no `[project]` table). */
  hasProjectTable: boolean;
  name: string | undefined;
  /** PEP 503 normalized name. */
  canonicalName: string | undefined;
  /** Keyed by normalized group name, `include-group` expanded. */
  dependencyGroups: Record<string, Requirement[]>;
  buildSystem: BuildSystem | undefined;
  lockstep: LockstepSettings;
  /** Whether the project itself is built and installed: `tool.lockstep.package`, else whether it has a `[build-system]`. */
  isPackage: boolean;
}

/** `[project]`'s fields for a virtual project. */
const NO_PROJECT_TABLE: Omit<ProjectMetadata, "name" | "canonicalName"> & {
  name: undefined;
  canonicalName: undefined;
} = {
  name: undefined,
  canonicalName: undefined,
  version: undefined,
  description: undefined,
  dynamic: [],
  requiresPython: undefined,
  dependencies: [],
  optionalDependencies: {},
  scripts: {},
  guiScripts: {},
  entryPoints: {},
};

/** Read and validate the pyproject.toml at `path`. */
export function readProject(path: string): Project {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new FileError("file-read", path, {}, `cannot read pyproject.toml: ${reason}`, { cause: error });
  }
  return parseProject(text, resolve(path));
}

/** Validate the text of a pyproject.toml; `path` names it in errors and sets `root`. */
export function parseProject(text: string, path: string): Project {
  const doc = parseTomlDocument(text.startsWith("\uFEFF") ? text.slice(1) : text, path);
  const problems = new Problems(doc);
  const value = doc.value;

  const metadata = value.project === undefined ? undefined : readProjectTable(problems, value.project);
  const dependencyGroups = readDependencyGroups(problems, value["dependency-groups"]);
  const buildSystem = readBuildSystem(problems, value["build-system"]);
  const tool = value.tool === undefined ? undefined : problems.table(["tool"], value.tool);
  const lockstep = readLockstepSettings(
    problems,
    isTable(tool) ? tool.lockstep : undefined,
    Object.keys(dependencyGroups),
    {
      projectName: metadata?.name,
      extras: Object.keys(metadata?.optionalDependencies ?? {}).map(canonicalizeName),
      groups: Object.keys(dependencyGroups),
    },
  );
  if (lockstep.package === true && metadata === undefined) {
    problems.report(
      "invalid-value",
      ["tool", "lockstep", "package"],
      "package = true needs a [project] table to build",
    );
  }
  problems.raise();

  return {
    path,
    root: dirname(path),
    hasProjectTable: metadata !== undefined,
    // A fresh copy each time: callers may extend the arrays and tables they are given.
    ...(metadata ?? structuredClone(NO_PROJECT_TABLE)),
    dependencyGroups,
    buildSystem,
    lockstep,
    isPackage: metadata !== undefined && (lockstep.package ?? buildSystem !== undefined),
  };
}
