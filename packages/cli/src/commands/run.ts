/**
 * `lockstep run [flags] [--] CMD ARGS…`: sync the project's venv (unless `--no-sync`; the no-op
 * check makes this cheap), then run CMD in it and exit with its exit code. The sync flags are
 * `sync`'s. Everything after CMD's name is CMD's (`lockstep run pytest -x`, `run python --version`):
 * `split-argv.ts` splits the argv before yargs parses lockstep's part, so `run`'s own flags are
 * exactly those before CMD — other flags for `run` (`--with`, `-m`, …) go in `runFlags` and, when
 * they take a value, in RUN_VALUE_FLAGS.
 */
import type { Argv } from "yargs";
import { UsageError } from "@lockstep/errors";
import type { Output } from "../output";
import { GLOBAL_VALUE_FLAGS } from "./shared-options";
import { performSync, SYNC_VALUE_FLAGS, syncFlags } from "./sync";
import type { SyncFlags } from "./sync";

export interface RunArgs extends SyncFlags {
  "no-sync"?: boolean | undefined;
}

/** Flags that take a value and may come before `run`'s command (for argv splitting). */
export const RUN_VALUE_FLAGS: readonly string[] = [...new Set([...GLOBAL_VALUE_FLAGS, ...SYNC_VALUE_FLAGS])];

export function runFlags<T>(y: Argv<T>) {
  return syncFlags(y).option("no-sync", {
    type: "boolean",
    describe: "Run in the venv as it is, without syncing it",
  });
}

export function runBuilder<T>(y: Argv<T>) {
  return runFlags(y).positional("command", {
    type: "string",
    array: true,
    describe: "The command and its arguments (everything after its name is its own)",
  });
}

export async function runRun(
  args: RunArgs,
  command: readonly string[],
  out: Output,
  lockstepVersion: string,
): Promise<number> {
  if (command.length === 0)
    throw new UsageError("`lockstep run` needs a command to run", "e.g. `lockstep run python -m pytest`");
  const { runCommand, venvEnvironment } = await import("@lockstep/project/run-command");
  let venvRoot: string;
  if (args["no-sync"]) {
    const { locateProject, projectEnvironment } = await import("@lockstep/project");
    venvRoot = projectEnvironment(locateProject({ project: args.project }).root);
  } else {
    venvRoot = (await performSync(args, out, lockstepVersion)).venv;
  }
  const bin = process.platform === "win32" ? `${venvRoot}\\Scripts` : `${venvRoot}/bin`;
  return runCommand(command, venvEnvironment({ root: venvRoot, bin }));
}
