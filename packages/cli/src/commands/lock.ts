/**
 * `lockstep lock`: resolve the project's dependencies for every supported environment into
 * `pylock.toml`, or confirm that the existing lock still matches pyproject.toml. The work is
 * `@lockstep/project`'s `lockProject` (imported only when the command runs); this file declares the
 * flags and prints the outcome.
 */
import type { Argv } from "yargs";
import { INDEX_OPTIONS, OUTPUT_FORMAT_OPTION, RESOLVER_OPTIONS, settingFlags } from "./shared-options";
import type { SharedFlagArgs } from "./shared-options";
import { limitsFromArgs, waitingNotice } from "../limits";
import { formatDuration, headline, plural, renderJson, warn } from "../output";
import { createProgress } from "../progress";
import type { Output } from "../output";

export interface LockArgs extends SharedFlagArgs {
  project?: string | undefined;
  check?: boolean | undefined;
  locked?: boolean | undefined;
  frozen?: boolean | undefined;
  "dry-run"?: boolean | undefined;
  "output-format"?: string | undefined;
  upgrade?: boolean | undefined;
  "upgrade-package"?: string[] | undefined;
  refresh?: boolean | undefined;
  "refresh-package"?: string[] | undefined;
}

/** Flags shared by every command that finds a project. */
export function projectOption<T>(y: Argv<T>) {
  return y.option("project", {
    type: "string",
    describe: "The project directory (default: the nearest pyproject.toml upwards)",
  });
}

export function lockBuilder<T>(y: Argv<T>) {
  return projectOption(y)
    .option("check", {
      type: "boolean",
      describe: "Fail if the lock is missing or out of date; never resolve or write",
    })
    .option("locked", { type: "boolean", describe: "Same as --check" })
    .option("frozen", {
      type: "boolean",
      describe: "Use the lock as it is: read and validate it, do not check it against pyproject.toml",
    })
    .option("dry-run", {
      type: "boolean",
      describe: "Resolve and report changes, but do not write pylock.toml",
    })
    .option("upgrade", { alias: "U", type: "boolean", describe: "Ignore the versions in the existing lock" })
    .option("upgrade-package", {
      alias: "P",
      type: "string",
      array: true,
      nargs: 1,
      requiresArg: true,
      describe: "Ignore the locked version of this package (NAME), or lock exactly NAME==VERSION",
    })
    .options(INDEX_OPTIONS)
    .option("refresh", { type: "boolean", describe: "Revalidate every cached index page" })
    .option("refresh-package", {
      type: "string",
      array: true,
      nargs: 1,
      requiresArg: true,
      describe: "Revalidate this package's cached index page",
    })
    .options(RESOLVER_OPTIONS)
    .options(OUTPUT_FORMAT_OPTION)
    .conflicts("check", ["frozen", "upgrade", "upgrade-package", "dry-run"])
    .conflicts("locked", ["frozen", "upgrade", "upgrade-package", "dry-run"])
    .conflicts("frozen", ["upgrade", "upgrade-package", "dry-run"]);
}

/** Remember a fresh lock, so the next plain `lock` is answered from hashes (fast-path.ts, lock-state.ts). */
async function recordFresh(
  args: LockArgs,
  outcome: { packages: number; lockPath: string },
  lockstepVersion: string,
): Promise<void> {
  const { lockStateDir, lockStateKey, nearestProjectDir, recordFreshLock } =
    await import("@lockstep/project/lock-state");
  const projectDir = nearestProjectDir(process.cwd());
  if (projectDir === undefined) return;
  recordFreshLock({
    projectDir,
    stateDir: lockStateDir(args["cache-dir"]),
    key: lockStateKey(settingFlags(args), lockstepVersion),
    packages: outcome.packages,
    lockPath: outcome.lockPath,
  });
}

export async function runLock(args: LockArgs, out: Output, lockstepVersion: string): Promise<number> {
  const { lockProject } = await import("@lockstep/project");
  const progress = createProgress(out);
  progress.spin("Resolving dependencies…");
  const outcome = await lockProject({
    ...settingFlags(args),
    project: args.project,
    mode: args.check || args.locked ? "check" : args.frozen ? "frozen" : "lock",
    checkFlag: args.check ? "--check" : "--locked",
    upgrade: args.upgrade,
    upgradePackages: args["upgrade-package"],
    dryRun: args["dry-run"],
    refresh: args.refresh,
    refreshPackages: args["refresh-package"],
    lockstepVersion,
    limits: limitsFromArgs(args),
    onWaiting: waitingNotice(out),
  }).finally(() => progress.clear());
  if (args["output-format"] === "json") {
    renderJson(out, {
      kind: outcome.kind,
      lockfile: outcome.lockPath,
      packages: outcome.packages,
      changes: outcome.kind === "resolved" ? outcome.changes : [],
      wrote: outcome.kind === "resolved" && outcome.wrote,
      warnings: outcome.warnings,
    });
    return 0;
  }
  if (outcome.kind === "fresh" && outcome.warnings.length === 0 && args.project === undefined)
    await recordFresh(args, outcome, lockstepVersion);
  for (const w of outcome.warnings) warn(out, w);
  out.stderr(
    headline(out, `Resolved ${plural(outcome.packages, "package")} in ${formatDuration(outcome.ms)}`),
  );
  if (outcome.kind === "resolved") {
    for (const line of outcome.changes) out.stderr(`${line}\n`);
    if (args["dry-run"])
      out.stderr(`Dry run: ${outcome.created ? "would create" : "did not write"} ${outcome.lockPath}\n`);
  }
  return 0;
}
