/**
 * Counters a solve keeps, for benchmarks and progress output. Kept apart from the solver so that
 * a driver running several solves (the Python layer solves one per fork) can add them up without
 * restating the fields.
 */

export interface SolverStats {
  decisions: number;
  conflicts: number;
  backtracks: number;
  /** Incompatibilities learned by conflict resolution. */
  learned: number;
  /** Derivations made by unit propagation. */
  propagations: number;
  chooseVersionCalls: number;
  getDependenciesCalls: number;
  /** Distinct packages seen. */
  packages: number;
  /** Incompatibilities in the store, learned or not. */
  incompatibilities: number;
}

export function emptySolverStats(): SolverStats {
  return {
    decisions: 0,
    conflicts: 0,
    backtracks: 0,
    learned: 0,
    propagations: 0,
    chooseVersionCalls: 0,
    getDependenciesCalls: 0,
    packages: 0,
    incompatibilities: 0,
  };
}

/** Add every counter of `from` to `into`. */
export function addSolverStats(into: SolverStats, from: SolverStats): void {
  for (const k of Object.keys(into) as Array<keyof SolverStats>) into[k] += from[k];
}
