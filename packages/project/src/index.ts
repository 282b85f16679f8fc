/**
 * @lockstep/project — "lock this project", "sync this project", "run in it": workspace discovery,
 * settings, lock inputs built once, staleness, and the resolver → lockfile → sync orchestration.
 * The light entry points are also exported on their own: `@lockstep/project/sync` (the no-op check,
 * then the full sync on demand) and `@lockstep/project/run-command`.
 */
export { locateProject, LOCK_FILE } from "./find-project";
export type { Log } from "./log";
export type { LocatedProject } from "./find-project";
export {
  DEFAULT_REQUIRES_PYTHON,
  effectiveIndexes,
  parseExcludeNewer,
  projectInputs,
} from "./project-inputs";
export type { EffectiveIndex, ProjectInputs, SettingFlags } from "./project-inputs";
export { LockMissingError, LockStaleError, lockProject } from "./lock-project";
export type { LockOutcome, LockProjectOptions } from "./lock-project";
export { readProjectLock } from "./read-project-lock";
export type { ProjectLock } from "./read-project-lock";
export { selectedGroups, syncProject } from "./sync-project";
export { ConflictingSelectionError, checkConflictingSelection } from "./conflicting-selection";
export type { SyncOutcome, SyncProjectOptions, VenvEvent } from "./sync-project";
export { performSync } from "./sync";
export type { SyncRun } from "./sync";
export {
  checkFresh,
  clearState,
  DEFAULT_SELECTION,
  projectEnvironment,
  pythonVersionRequest,
  readState,
  STATE_FILE,
  syncKey,
} from "./sync-state";
export type { FreshCheck, FreshEnvironment, Selection, SyncKeyInput, SyncState } from "./sync-state";
export { buildEnvInstaller, sourceBuilder } from "./build-env-installer";
export type { BuildWheelFn } from "./build-env-installer";
export { editProject } from "./edit-project";
export { prepareGitAdditions } from "./add-git";
export { preparePathAdditions } from "./add-path";
export type { EditOutcome, EditProjectOptions } from "./edit-project";
export { exportRequirementsTxt, selectExtrasAndGroups } from "./export-requirements";
export type { ExportOptions, ExportSelection } from "./export-requirements";
export { runCommand, splitRunArgv, venvEnvironment } from "./run-command";
export { BUILD_BACKENDS, initProject, moduleName } from "./init-project";
export type { BuildBackendName, InitOptions, InitOutcome } from "./init-project";
export { nearestPyproject, projectVersion } from "./version-project";
export type { VersionOptions, VersionOutcome } from "./version-project";
export { findPython, listPythons, pinPython } from "./python-commands";
export type { FindPythonOptions, PinOptions, PinOutcome } from "./python-commands";
export { createProjectVenv } from "./create-venv";
export type { CreateVenvCommandOptions, CreateVenvOutcome } from "./create-venv";
export {
  CACHE_BUCKETS,
  cacheSize,
  cleanCache,
  distributionOf,
  humanBytes,
  pruneCache,
  resolveCacheDir,
  tempOwner,
  UNREFERENCED_GRACE_MS,
} from "./cache-admin";
export type { CacheSize, CleanOutcome, PruneOutcome } from "./cache-admin";
export { metadataBlocks, readScriptMetadata } from "./inline-metadata";
export type { ScriptMetadata } from "./inline-metadata";
export { ENVIRONMENTS_BUCKET, environmentKey, runEnvironment } from "./run-environment";
export type { RunEnvironment, RunEnvironmentOptions, RunIndex } from "./run-environment";
export {
  plainInterpreter,
  runTarget,
  scriptEnvironment,
  withEnvironment,
  withRequirements,
} from "./run-target";
export type { RunSettings, RunTarget } from "./run-target";
