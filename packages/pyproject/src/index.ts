/** @lockstep/pyproject — reading, validating and editing pyproject.toml (PEP 621, 735, 517/518). */
export { parseProject, readProject } from "./project";
export type { Project } from "./project";
export { PROJECT_KEYS } from "./project-table";
export type { ProjectMetadata, RequiresPython } from "./project-table";
export { readBuildSystemTable } from "./build-system";
export type { BuildSystem } from "./build-system";
export { DEFAULT_SETTINGS, LOCKSTEP_KEYS } from "./lockstep-settings";
export type { LockstepSettings } from "./lockstep-settings";
export { INDEX_STRATEGIES, PRERELEASE_POLICIES, RESOLUTION_STRATEGIES } from "./setting-choices";
export type { IndexStrategySetting, PrereleasePolicy, ResolutionStrategy } from "./setting-choices";
export { LIMIT_KEYS, LIMIT_SPECS, expectedLimit, limitEnvName, parseLimitValue } from "./limit-settings";
export type { LimitKind, LimitSettings, LimitSpec } from "./limit-settings";
export { describeConflictItem } from "./conflicts";
export type { ConflictItem } from "./conflicts";
export type { GitReference, Index, Source, SourceLocation } from "./sources";
export type { WorkspaceTable } from "./workspace-table";
export { checkRequiredVersion, normalizeRequiredVersion } from "./required-version";
export { findWorkspace } from "./workspace";
export type { Workspace } from "./workspace";
export { expandGlob, matchGlob } from "./glob";
export { describeTarget, editDependencies } from "./edit-dependencies";
export type { DependencyEdit, DependencyTarget } from "./edit-dependencies";
export { inlineTable, setSource } from "./edit-sources";
export { PyprojectError } from "./problems";
export { parseTomlDocument } from "./toml-cst";
export type { KeyPath, Location, TomlDocument } from "./toml-cst";
export {
  bumpVersion,
  readProjectVersion,
  setProjectVersion,
  VERSION_BUMPS,
  VersionBumpError,
} from "./project-version";
export type { ProjectVersionField, VersionBump } from "./project-version";
