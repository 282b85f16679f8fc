/**
 * Options for a sync in tests: a plain, exact sync of the default selection (mode `locked`, no
 * bytecode, not a dry run), keyed the way the CLI keys it, so the fast path's state matches a
 * later `lockstep sync` of the same project. The key is derived from the options after overrides;
 * pass `settings` when the command line would add more (member selections), or `key` to fix it.
 */
import { DEFAULT_SELECTION, syncKey } from "../src/sync";
import type { SyncProjectOptions } from "../src/sync";

export type TestSyncOptions = Partial<SyncProjectOptions> &
  Pick<SyncProjectOptions, "lockstepVersion"> & { indexUrl: string; python: string };

export function testSyncOptions(
  options: TestSyncOptions,
  settings: readonly (string | undefined)[] = [options.indexUrl],
): SyncProjectOptions {
  const o = {
    ...DEFAULT_SELECTION,
    mode: "locked" as const,
    inexact: false,
    compileBytecode: false,
    dryRun: false,
    ...options,
  };
  return { ...o, key: options.key ?? syncKey({ ...o, settings }) };
}
