/** The generic PubGrub core: solver, provider contract, derivation tree and report. */

export type { VersionSetOps } from "./version-set";
export type { Term } from "./term";
export type { IncompatibilityCause } from "./incompatibility";
export type {
  Dependencies,
  DependencyProvider,
  MaybePromise,
  PackageStats,
  Priority,
  SolverEvent,
} from "./provider";
export { Solver, resolve } from "./solver";
export type { SolveOptions, SolveOutcome } from "./solver";
export type { SolverStats } from "./solver-stats";
export { addSolverStats, emptySolverStats } from "./solver-stats";
export type { DerivationTree, DerivedNode, External, ExternalNode, TermEntry } from "./derivation-tree";
export { NoSolutionError } from "./no-solution-error";
export { ProviderFailedError } from "./provider-failed-error";
export { formatReport } from "./report";
export { DefaultReportFormatter } from "./report-formatter";
export type { DefaultReportFormatterOptions, ReportFormatter } from "./report-formatter";
export { OfflineProvider } from "./offline-provider";
export type { OfflineProviderOptions } from "./offline-provider";
