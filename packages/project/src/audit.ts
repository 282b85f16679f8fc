/**
 * `@lockstep/project/audit`: the commands that explain and check a lock and a venv — `why`,
 * `verify`, `upgrade`, the reasons behind a re-lock's changes, and `sync --lockfile` — on their own
 * subpath, so the CLI loads them only when one of those commands runs.
 */
export {
  ENVIRONMENT_PRESETS,
  EnvironmentMarkerError,
  MAX_CHAINS,
  WhyNotLockedError,
  environmentMarker,
  explainLock,
  whyPackage,
} from "./why";
export type { ExplainOptions, RequiresDistOf, WhyOptions, WhyResult, WhyStep } from "./why";
export { VenvMissingError, verifyEnvironment } from "./verify";
export type { VerifyOptions, VerifyOutcome, VerifyProblem, VerifyProblemKind } from "./verify";
export { UpgradeUnknownPackageError, raiseLowerBound, upgradeProject } from "./upgrade-project";
export type { UpgradeEdit, UpgradeOptions, UpgradeOutcome } from "./upgrade-project";
export { syncLockfile } from "./sync-lockfile";
export type { SyncLockfileOptions } from "./sync-lockfile";
