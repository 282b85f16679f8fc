/**
 * Lock inputs for tests: the settings every plain project has (no extras, groups, constraints,
 * overrides, environments or conflicts; first-index, highest, the default prerelease policy), so a
 * test names only what it is about. The fingerprint orders fields itself, so spreading is safe.
 */
import type { LockInputs } from "../src/lock-inputs";

export function lockInputs(
  fields: Pick<LockInputs, "projectName" | "dependencies" | "isPackage"> & Partial<LockInputs>,
): LockInputs {
  return {
    optionalDependencies: {},
    dependencyGroups: {},
    defaultGroups: [],
    constraints: [],
    overrides: [],
    environments: [],
    conflicts: [],
    requiredEnvironments: [],
    indexStrategy: "first-index",
    indexes: [],
    resolution: "highest",
    prerelease: "if-necessary-or-explicit",
    ...fields,
  };
}
