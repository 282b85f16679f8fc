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
import { Requirement } from "@lockstep/pep508";
import { parseTomlDocument } from "@lockstep/pyproject";
import type { KeyPath } from "@lockstep/pyproject";

export const DEFAULT_REQUIRES: readonly string[] = ["setuptools>=40.8.0"];
export const DEFAULT_BACKEND = "setuptools.build_meta:__legacy__";

export interface BuildSystem {
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
export function readBuildSystem(sourceDir: string): BuildSystem {
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
export function parseBuildSystem(text: string, file: string, sourceDir: string): BuildSystem {
  // pyproject's TOML locator: smol-toml's values, and where each was written for the messages.
  const toml = parseTomlDocument(text, file);
  const doc = toml.value as Record<string, unknown>;
  const fail = (path: KeyPath, message: string, hint?: string): never => {
    const loc = toml.locate(path);
    const at = loc === undefined ? {} : lineColumn(text, loc.node?.span.start ?? loc.keySpan.start);
    throw new FileError("build-system-invalid", file, at, message, { hint });
  };

  const project: BuildSystem["project"] = {};
  const projectTable = doc["project"];
  if (isTable(projectTable)) {
    if (typeof projectTable["name"] === "string") project.name = projectTable["name"];
    if (typeof projectTable["version"] === "string") project.version = projectTable["version"];
  }

  const table = doc["build-system"];
  if (table === undefined) {
    return {
      requires: [...DEFAULT_REQUIRES],
      backend: DEFAULT_BACKEND,
      backendPath: [],
      defaulted: true,
      project,
    };
  }
  if (!isTable(table))
    return fail(["build-system"], `[build-system] must be a table, found ${describe(table)}`);

  const rawRequires = table["requires"];
  if (rawRequires === undefined) {
    return fail(
      ["build-system"],
      'missing required key "requires" in [build-system]',
      'add `requires = ["…"]` (PEP 518)',
    );
  }
  if (!Array.isArray(rawRequires)) {
    return fail(
      ["build-system", "requires"],
      `"build-system.requires" must be an array of strings, found ${describe(rawRequires)}`,
    );
  }
  const requires = rawRequires.map((item, i) => {
    if (typeof item !== "string") {
      return fail(
        ["build-system", "requires", i],
        `"build-system.requires" must contain strings, found ${describe(item)}`,
      );
    }
    try {
      Requirement.parse(item);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
      return fail(
        ["build-system", "requires", i],
        `invalid build requirement ${JSON.stringify(item)}: ${reason}`,
      );
    }
    return item;
  });

  const rawBackend = table["build-backend"];
  let backend = DEFAULT_BACKEND;
  if (rawBackend !== undefined) {
    if (typeof rawBackend !== "string") {
      return fail(
        ["build-system", "build-backend"],
        `"build-system.build-backend" must be a string, found ${describe(rawBackend)}`,
      );
    }
    if (!BACKEND.test(rawBackend)) {
      return fail(
        ["build-system", "build-backend"],
        `invalid build backend ${JSON.stringify(rawBackend)}`,
        'expected "module" or "module:object", e.g. "setuptools.build_meta"',
      );
    }
    backend = rawBackend;
  }

  const rawPath = table["backend-path"];
  const backendPath: string[] = [];
  if (rawPath !== undefined) {
    if (!Array.isArray(rawPath)) {
      return fail(
        ["build-system", "backend-path"],
        `"build-system.backend-path" must be an array of strings, found ${describe(rawPath)}`,
      );
    }
    const root = resolve(sourceDir);
    rawPath.forEach((item, i) => {
      if (typeof item !== "string") {
        return fail(
          ["build-system", "backend-path", i],
          `"build-system.backend-path" must contain strings, found ${describe(item)}`,
        );
      }
      const dir = resolve(root, item);
      const rel = relative(root, dir);
      if (isAbsolute(item) || rel === ".." || rel.startsWith(`..${"/"}`) || isAbsolute(rel)) {
        return fail(
          ["build-system", "backend-path", i],
          `backend-path entry ${JSON.stringify(item)} is outside the source tree`,
        );
      }
      backendPath.push(dir);
    });
  }
  return { requires, backend, backendPath, defaulted: rawBackend === undefined, project };
}

/** A parsed TOML table (smol-toml's dates are `Date`s, which are objects but not tables). */
function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return `a date (${value.toISOString()})`;
  if (isTable(value)) return "a table";
  if (typeof value === "string") return `a string (${JSON.stringify(value)})`;
  if (typeof value === "number" || typeof value === "bigint") return `a number (${value})`;
  return `a boolean (${String(value)})`;
}
