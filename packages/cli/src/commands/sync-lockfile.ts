/**
 * `lockstep sync --lockfile PATH`: install from any tool's valid pylock.toml into `$VIRTUAL_ENV` or
 * `./.venv`, without a pyproject.toml. The work is `@lockstep/project/audit`'s `syncLockfile`; the
 * output is `sync`'s (`renderSync`). Flags that only make sense for a project (`--locked`,
 * `--frozen`, index and resolver settings) are refused here rather than silently ignored.
 */
import { UsageError } from "@lockstep/errors";
import { plural, warn } from "../output";
import type { Output } from "../output";
import { selectionFromFlags } from "./selection-flags";
import { renderSync } from "./sync";
import type { SyncArgs } from "./sync";
import type { LinkMode } from "@lockstep/wheel";

export async function runSyncLockfile(
  args: SyncArgs & { lockfile: string },
  out: Output,
  lockstepVersion: string,
): Promise<number> {
  const projectOnly = (
    [
      "locked",
      "frozen",
      "only-group",
      "index-url",
      "extra-index-url",
      "prerelease",
      "resolution",
      "exclude-newer",
      // Workspace members are a project's; a bare lock has none to choose from.
      "package",
      "all-packages",
    ] as const
  ).filter(
    (f) => args[f] !== undefined && args[f] !== false && !(Array.isArray(args[f]) && args[f].length === 0),
  );
  if (projectOnly.length > 0)
    throw new UsageError(
      `--lockfile installs the lock as it is; --${projectOnly[0] as string} applies to a project's lock only`,
    );
  const { syncLockfile } = await import("@lockstep/project/audit");
  const dryRun = args["dry-run"] === true;
  const outcome = await syncLockfile({
    lockfile: args.lockfile,
    python: args.python,
    ...selectionFromFlags(args),
    inexact: args.inexact === true,
    linkMode: args["link-mode"] as LinkMode | undefined,
    compileBytecode: args["compile-bytecode"] === true,
    dryRun,
    offline: args.offline,
    cacheDir: args["cache-dir"],
    lockstepVersion,
    onVenv: (v) => {
      out.stderr(`Using ${v.python} interpreter at: ${v.pythonPath}\n`);
      out.stderr(`${v.dryRun ? "Would create" : "Creating"} virtual environment at: ${v.root}\n`);
    },
  });
  for (const w of outcome.lock.warnings) warn(out, w);
  out.stderr(`Read ${plural(outcome.lock.packages, "package")} from ${outcome.lock.lockPath}\n`);
  renderSync(outcome, out, dryRun);
  return 0;
}
