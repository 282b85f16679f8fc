/**
 * `lockstep run [flags] [--] CMD ARGS…`: sync the project's venv (unless `--no-sync`; the no-op
 * check makes this cheap), then run CMD in it and exit with its exit code. The sync flags are
 * `sync`'s; lockstep's flags come before the command (or use `--`).
 */
import yargs from "yargs";
import type { Argv } from "yargs";
import { UsageError } from "@lockstep/errors";
import type { Output } from "../output";
import { performSync, SYNC_VALUE_FLAGS, syncFlags } from "./sync";
import type { SyncFlags } from "./sync";

export interface RunArgs extends SyncFlags {
  "no-sync"?: boolean | undefined;
}

export function runFlags<T>(y: Argv<T>) {
  return syncFlags(y).option("no-sync", {
    type: "boolean",
    describe: "Run in the venv as it is, without syncing it",
  });
}

export function runBuilder<T>(y: Argv<T>) {
  // The command's own flags are not lockstep's: runRun splits argv itself.
  return runFlags(y)
    .positional("command", { type: "string", array: true, describe: "The command and its arguments" })
    .strict(false);
}

export async function runRun(argv: readonly string[], out: Output, lockstepVersion: string): Promise<number> {
  const { splitRunArgv, runCommand, venvEnvironment } = await import("@lockstep/project/run-command");
  const { flags, command } = splitRunArgv(argv, SYNC_VALUE_FLAGS);
  if (command.length === 0)
    throw new UsageError("`lockstep run` needs a command to run", "e.g. `lockstep run -- python -m pytest`");
  let args: RunArgs;
  try {
    args = (await runFlags(yargs(flags))
      .strict()
      .version(false)
      .help(false)
      .fail((msg, err) => {
        throw err ?? new UsageError(msg, "see `lockstep run --help`");
      })
      .parseAsync()) as RunArgs;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError((err as Error).message);
  }
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
