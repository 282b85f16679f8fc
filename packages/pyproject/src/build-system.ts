/**
 * `[build-system]`: PEP 518 `requires` and PEP 517 `build-backend` / `backend-path`.
 *
 * Pitfall: when the table is present, `requires` is required (PEP 518); a missing table means the
 * project is not built unless `[tool.lockstep] package = true` says so (then setuptools' legacy
 * backend is what a frontend would use).
 */

import type { Requirement } from "@lockstep/pep508";
import type { Problems } from "./problems";
import { readRequirements } from "./requirements";

export interface BuildSystem {
  requires: Requirement[];
  buildBackend: string | undefined;
  backendPath: string[];
}

export const BUILD_SYSTEM_KEYS = ["requires", "build-backend", "backend-path"] as const;

export function readBuildSystem(problems: Problems, value: unknown): BuildSystem | undefined {
  if (value === undefined) return undefined;
  const table = problems.table(["build-system"], value);
  if (!table) return undefined;
  problems.unknownKeys(["build-system"], table, BUILD_SYSTEM_KEYS);
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
