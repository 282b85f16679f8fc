/**
 * The no-op key of a sync: what `.lockstep-sync.json` must have been recorded under for the venv to
 * count as already in sync (`syncKey` of `@lockstep/project/sync`: python, selection, inexact,
 * bytecode, the index settings, the workspace members asked for and the member the command stands
 * in, lockstep's version). `syncRequest` (sync.ts) and the pre-yargs fast path (fast-path.ts) both
 * call this one function, so their keys cannot drift apart.
 *
 * Pitfall: only light modules may be imported here (it is bundled into the process entry for the
 * fast path): no output/colour code, no yargs; `@lockstep/project/sync` is imported when called.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { selectionFromFlags } from "./selection-flags";
import type { SelectionFlagArgs } from "./selection-flags";

/** The flags the key reads (kebab-case, as the parser leaves them after applySettings). */
export interface SyncKeyArgs extends SelectionFlagArgs {
  python?: string | undefined;
  inexact?: boolean | undefined;
  "compile-bytecode"?: boolean | undefined;
  "index-url"?: string | undefined;
  "extra-index-url"?: string[] | undefined;
  "find-links"?: string[] | undefined;
  prerelease?: string | undefined;
  resolution?: string | undefined;
  "exclude-newer"?: string | undefined;
  package?: string[] | undefined;
  "all-packages"?: boolean | undefined;
}

/** The directory of the nearest pyproject.toml above the working directory (or the directory itself). */
function nearestProjectDir(): string {
  for (let d = process.cwd(); ; d = dirname(d)) {
    if (existsSync(join(d, "pyproject.toml"))) return d;
    if (dirname(d) === d) return process.cwd();
  }
}

/** The key of this sync, and the keys whose recorded state also serves it (`FreshCheck.satisfiedBy`). */
export async function syncStateKeys(
  args: SyncKeyArgs,
  lockstepVersion: string,
): Promise<{ key: string; satisfiedBy: string[] }> {
  const key = await syncStateKey(args, lockstepVersion);
  // A venv an exact sync left holds only what the lock selects: in sync for an inexact request too.
  const satisfiedBy =
    args.inexact === true ? [await syncStateKey({ ...args, inexact: false }, lockstepVersion)] : [];
  return { key, satisfiedBy };
}

export async function syncStateKey(args: SyncKeyArgs, lockstepVersion: string): Promise<string> {
  const { syncKey } = await import("@lockstep/project/sync");
  const settings = [
    args["index-url"],
    ...(args["extra-index-url"] ?? []),
    "|",
    ...(args["find-links"] ?? []),
    args.prerelease,
    args.resolution,
    args["exclude-newer"],
  ];
  // Which workspace members are installed depends on the flags and on the member the command
  // stands in, so both are part of what the fast path compares.
  settings.push(
    "|packages",
    ...(args.package ?? []),
    args["all-packages"] === true ? "all" : "",
    nearestProjectDir(),
  );
  return syncKey({
    python: args.python,
    ...selectionFromFlags(args),
    inexact: args.inexact === true,
    compileBytecode: args["compile-bytecode"] === true,
    settings,
    lockstepVersion,
  });
}
