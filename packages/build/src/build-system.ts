/**
 * `[build-system]` of a source tree's pyproject.toml: PEP 518 `requires`, PEP 517 `build-backend`
 * and `backend-path`.
 *
 * Defaults: with no pyproject.toml or no `[build-system]` table, a frontend builds with setuptools'
 * legacy backend (`setuptools>=40.8.0`, `setuptools.build_meta:__legacy__`), as pip does. With the
 * table but no `build-backend`, the same legacy backend is used with the table's `requires`.
 *
 * Pitfalls: `requires` is mandatory once the table exists (PEP 518); `backend-path` entries are
 * relative to the source tree and must stay inside it (PEP 517); `build-backend` is `module` or
 * `module:object.attr`, and `module` may be dotted.
 */

import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { FileError, lineColumn } from "@lockstep/errors";
import { parseTomlDocument, readBuildSystemTable } from "@lockstep/pyproject";
import type { KeyPath } from "@lockstep/pyproject";

export const DEFAULT_REQUIRES: readonly string[] = ["setuptools>=40.8.0"];
export const DEFAULT_BACKEND = "setuptools.build_meta:__legacy__";

/**
 * What a frontend builds with: pyproject's reading of `[build-system]` (`BuildSystem` there), with the
 * PEP 517/518 defaults applied and `backend-path` resolved inside the source tree.
 */
export interface BuildSetup {
  /** PEP 508 requirement strings, as written (validated). */
  requires: string[];
  /** `module` or `module:object`. */
  backend: string;
  /** Absolute directories, inside the source tree, prepended to `sys.path` for the backend. */
  backendPath: string[];
  /** True when `[build-system]` (or `build-backend`) was absent and a default applied. */
  defaulted: boolean;
  /** `[project] name` and `version` when pyproject.toml states them, to name the build in messages. */
  project: { name?: string; version?: string };
}

const BACKEND =
  /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(:[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)?$/;

/** Read and check `[build-system]` of `sourceDir/pyproject.toml`, applying PEP 517/518 defaults. */
export function readBuildSystem(sourceDir: string): BuildSetup {
  const file = join(sourceDir, "pyproject.toml");
  if (!existsSync(file)) {
    return {
      requires: [...DEFAULT_REQUIRES],
      backend: DEFAULT_BACKEND,
      backendPath: [],
      defaulted: true,
      project: {},
    };
  }
  const text = readFileSync(file, "utf8");
  return parseBuildSystem(text, file, sourceDir);
}

/** As `readBuildSystem`, for pyproject.toml text already read from `file`. */
export function parseBuildSystem(text: string, file: string, sourceDir: string): BuildSetup {
  // pyproject's TOML locator: smol-toml's values, and where each was written for the messages.
  const toml = parseTomlDocument(text, file);
  const doc = toml.value as Record<string, unknown>;
  const fail = (path: KeyPath, message: string, hint?: string): never => {
    const loc = toml.locate(path);
    const at = loc === undefined ? {} : lineColumn(text, loc.node?.span.start ?? loc.keySpan.start);
    throw new FileError("build-system-invalid", file, at, message, { hint });
  };

  const project: BuildSetup["project"] = {};
  const projectTable = doc["project"];
  if (isTable(projectTable)) {
    if (typeof projectTable["name"] === "string") project.name = projectTable["name"];
    if (typeof projectTable["version"] === "string") project.version = projectTable["version"];
  }

  // pyproject reads and checks the table; what is left here is a frontend's: defaults, the
  // backend's form, and keeping backend-path inside the tree.
  const system = readBuildSystemTable(toml);
  if (system === undefined) {
    return {
      requires: [...DEFAULT_REQUIRES],
      backend: DEFAULT_BACKEND,
      backendPath: [],
      defaulted: true,
      project,
    };
  }
  // Checked above to be requirement strings; kept as written.
  const requires = (doc["build-system"] as Record<string, unknown>)["requires"] as string[];

  const rawBackend = system.buildBackend;
  let backend = DEFAULT_BACKEND;
  if (rawBackend !== undefined) {
    if (!BACKEND.test(rawBackend)) {
      return fail(
        ["build-system", "build-backend"],
        `invalid build backend ${JSON.stringify(rawBackend)}`,
        'expected "module" or "module:object", e.g. "setuptools.build_meta"',
      );
    }
    backend = rawBackend;
  }

  const root = resolve(sourceDir);
  const backendPath = system.backendPath.map((item, i) => {
    const dir = resolve(root, item);
    const rel = relative(root, dir);
    if (isAbsolute(item) || rel === ".." || rel.startsWith(`..${"/"}`) || isAbsolute(rel)) {
      return fail(
        ["build-system", "backend-path", i],
        `backend-path entry ${JSON.stringify(item)} is outside the source tree`,
      );
    }
    return dir;
  });
  return { requires, backend, backendPath, defaulted: rawBackend === undefined, project };
}

/** A parsed TOML table (smol-toml's dates are `Date`s, which are objects but not tables). */
function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
