/** @lockstep/build — building wheels and editables in isolated environments (PEP 517, 518, 660). */
export { readBuildSystem, parseBuildSystem, DEFAULT_BACKEND, DEFAULT_REQUIRES } from "./build-system";
export type { BuildSetup } from "./build-system";
export { createBuildEnv } from "./build-env";
export type { BuildEnv, BuildEnvOptions, BuildInstaller } from "./build-env";
export { buildWheel, prepareMetadata } from "./build-wheel";
export type { BuildOptions, BuiltWheel, PreparedMetadata } from "./build-wheel";
export { buildSdist } from "./build-sdist";
export type { BuiltSdist } from "./build-sdist";
export type { ConfigSettings } from "./build-cache";
export { CACHE_BUCKET } from "./build-cache";
export {
  BUILD_ENV_TEMP_PREFIX,
  BUILD_TEMP_PREFIX,
  DEFAULT_BUILD_TEMP_MAX_AGE_MS,
  pruneStaleBuildTemp,
} from "./build-temp";
export { BuildError, STDERR_TAIL_LINES } from "./build-error";
export { ArchiveError, extractSdist } from "./archive-extract";
export { callHook } from "./run-hook";
export type { HookContext, HookResult } from "./run-hook";
export { HOOKS } from "./frontend-shim";
export type { HookName } from "./frontend-shim";
export { hashTree } from "./source-hash";
export { ARCHIVE_TREES_BUCKET, archiveSubdirectoryTree } from "./archive-subdirectory";
