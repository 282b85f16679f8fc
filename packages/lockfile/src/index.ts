/** @lockstep/lockfile — PEP 751 `pylock.toml`: write, read, validate, staleness, diff, install selection. */
export type { Lock, LockDependency, LockFile, LockPackage, LockSource, LockstepTool } from "./lock";
export { describePackage } from "./lock";
export type { LockIndex, LockInputs, LockInputValues } from "./lock-inputs";
export {
  ParsedLockInputs,
  fingerprintInputs,
  parseLockInputs,
  requirementText,
  requirementTextName,
  requirementsOnlyInputs,
} from "./lock-inputs";
export { lockFromResolution } from "./from-resolution";
export type {
  ResolvedEdge,
  ResolvedFile,
  ResolvedGraph,
  ResolvedNode,
  WriteLockOptions,
} from "./from-resolution";
export { formatLock } from "./format-lock";
export { writeLock } from "./write-lock";
export { readLock } from "./read-lock";
export { InvalidLockError, LockSelectError } from "./errors";
export { checkLock } from "./check-lock";
export type { LockCheck } from "./check-lock";
export { diffLocks, formatLockChange } from "./diff-locks";
export type { LockChange } from "./diff-locks";
export { explainLockChanges } from "./lock-change-reasons";
export type { ReasonOptions } from "./lock-change-reasons";
export { selectForEnvironment } from "./select";
export type { InstallItem, SelectOptions } from "./select";
