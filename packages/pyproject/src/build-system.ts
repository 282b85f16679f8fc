/**
 * `[build-system]`: PEP 518 `requires` and PEP 517 `build-backend` / `backend-path`.
 *
 * Pitfall: when the table is present, `requires` is required (PEP 518); a missing table means the
 * project is not built unless `[tool.lockstep] package = true` says so (then setuptools' legacy
 * backend is what a frontend would use).
 */

import type { Requirement } from "@lockstep/pep508";
import { Problems } from "./problems";
import { readRequirements } from "./requirements";
import type { TomlDocument } from "./toml-cst";

export interface BuildSystem {
  requires: Requirement[];
  buildBackend: string | undefined;
  backendPath: string[];
}

export const BUILD_SYSTEM_KEYS = ["requires", "build-backend", "backend-path"] as const;

export function readBuildSystem(
  problems: Problems,
  value: unknown,
  options: { unknownKeys?: boolean } = {},
): BuildSystem | undefined {
  if (value === undefined) return undefined;
  const table = problems.table(["build-system"], value);
  if (!table) return undefined;
  if (options.unknownKeys !== false) problems.unknownKeys(["build-system"], table, BUILD_SYSTEM_KEYS);
  if (table.requires === undefined) {
    problems.report("missing-key", ["build-system"], 'missing required key "requires" in [build-system]', {
      at: "key",
    });
  }
  return {
    requires:
      table.requires === undefined
        ? []
        : readRequirements(problems, ["build-system", "requires"], table.requires),
    buildBackend:
      table["build-backend"] === undefined
        ? undefined
        : problems.string(["build-system", "build-backend"], table["build-backend"]),
    backendPath:
      table["backend-path"] === undefined
        ? []
        : (problems.stringArray(["build-system", "backend-path"], table["backend-path"]) ?? []),
  };
}

/**
 * `[build-system]` of a parsed pyproject.toml on its own, as a build frontend reads it (the rest of
 * the file is the project's business); every problem is raised at once. Unknown keys are let
 * through: a frontend building someone else's sdist must not refuse keys a later PEP may add.
 */
export function readBuildSystemTable(doc: TomlDocument): BuildSystem | undefined {
  const problems = new Problems(doc);
  const system = readBuildSystem(problems, doc.value["build-system"], { unknownKeys: false });
  problems.raise();
  return system;
}
