/**
 * Sync as every command that syncs does it (`sync`, `run`, `add`, `remove`): the no-op fast path
 * first (`sync-state.ts`: a handful of file reads, node built-ins only), and the full sync
 * (`sync-project.ts`: the lockfile code, the interpreter, the installer) imported only when the fast
 * path cannot prove the venv is already in sync. Exported on its own as `@lockstep/project/sync`, so
 * a caller that starts here loads nothing heavy until it must (design: "no-op paths are short").
 *
 * Pitfall: `--dry-run` always takes the full path (it reports a plan, which the fast path has not).
 */
import { checkFresh } from "./sync-state";
import type { SyncState } from "./sync-state";
import type { SyncOutcome, SyncProjectOptions } from "./sync-project";

export { checkFresh, DEFAULT_SELECTION, projectEnvironment, syncKey } from "./sync-state";
export type { Selection, SyncKeyInput, SyncState } from "./sync-state";
export type { SyncOutcome, SyncProjectOptions, VenvEvent } from "./sync-project";

export type SyncRun =
  /** The fast path answered: nothing was loaded, nothing changed. */
  | { kind: "fresh"; venv: string; state: SyncState }
  /** A full sync ran (or, with `dryRun`, planned). */
  | { kind: "synced"; venv: string; outcome: SyncOutcome };

export async function performSync(opts: SyncProjectOptions): Promise<SyncRun> {
  if (!opts.dryRun) {
    const fresh = checkFresh({
      project: opts.project,
      cwd: opts.cwd,
      key: opts.key,
      satisfiedBy: opts.keySatisfiedBy,
      frozen: opts.mode === "frozen",
      python: opts.python,
      env: opts.env,
    });
    if (fresh) return { kind: "fresh", venv: fresh.venv, state: fresh.state };
  }
  const { syncProject } = await import("./sync-project");
  const outcome = await syncProject(opts);
  return { kind: "synced", venv: outcome.venv, outcome };
}
