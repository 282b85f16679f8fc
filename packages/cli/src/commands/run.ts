/**
 * `lockstep run [flags] [--] CMD ARGS…`: sync the project's venv (unless `--no-sync`; the no-op
 * check makes this cheap), then run CMD in it and exit with its exit code. The sync flags are
 * `sync`'s. Everything after CMD's name is CMD's (`lockstep run pytest -x`, `run python --version`):
 * `split-argv.ts` splits the argv before yargs parses lockstep's part, so `run`'s own flags are
 * exactly those before CMD — flags for `run` that take a value are listed in RUN_VALUE_FLAGS.
 *
 * Where the command runs (the environments are built by `@lockstep/project`'s run-target):
 * - `run script.py` whose file has a PEP 723 block: the script's own cached environment; the
 *   project is not synced or used. Without a block: `python script.py` in the project's venv, or
 *   with the interpreter found on PATH when there is no project.
 * - `-m MODULE ARGS…`: `python -m MODULE ARGS…` (a flag: MODULE is the command's first word, so
 *   everything after it is the module's, as for any command).
 * - `--with PKG` (repeatable): a cached overlay venv on top of the project's (or alone outside a
 *   project), first on PATH and VIRTUAL_ENV.
 * - `--isolated`: the project synced into a temporary venv (removed afterwards) instead of its own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Argv } from "yargs";
import { LockstepError, UsageError } from "@lockstep/errors";
import { waitingNotice } from "../limits";
import type { Output } from "../output";
import { plural } from "../output";
import { GLOBAL_VALUE_FLAGS } from "./shared-options";
import { performSync, SYNC_VALUE_FLAGS, syncFlags, syncRequest } from "./sync";
import type { SyncFlags } from "./sync";

export interface RunArgs extends SyncFlags {
  exact?: boolean | undefined;
  "no-sync"?: boolean | undefined;
  with?: string[] | undefined;
  module?: boolean | undefined;
  isolated?: boolean | undefined;
}

/** Flags that take a value and may come before `run`'s command (for argv splitting). */
export const RUN_VALUE_FLAGS: readonly string[] = [
  ...new Set([...GLOBAL_VALUE_FLAGS, ...SYNC_VALUE_FLAGS, "with"]),
];

export function runFlags<T>(y: Argv<T>) {
  return syncFlags(y)
    .option("no-sync", {
      type: "boolean",
      describe: "Run in the venv as it is, without syncing it",
    })
    .option("with", {
      type: "string",
      array: true,
      nargs: 1,
      requiresArg: true,
      describe: "Also make this requirement available (an overlay on the project's environment)",
    })
    .option("module", {
      alias: "m",
      type: "boolean",
      describe: "The command is a Python module: run python -m CMD ARGS…",
    })
    .option("isolated", {
      type: "boolean",
      describe: "Run in a fresh temporary environment, not the project's venv",
    })
    .option("exact", {
      type: "boolean",
      describe: "Also remove installed packages the lock does not select (run keeps them by default)",
    })
    .conflicts("isolated", "no-sync")
    .conflicts("exact", "inexact");
}

export function runBuilder<T>(y: Argv<T>) {
  return runFlags(y).positional("command", {
    type: "string",
    array: true,
    describe: "The command and its arguments (everything after its name is its own)",
  });
}

/** Whether the first word asks for the heavier run-target logic (a `.py` file). */
function mayBeScript(command: readonly string[]): boolean {
  return command[0]?.endsWith(".py") === true;
}

export async function runRun(
  args: RunArgs,
  command: readonly string[],
  out: Output,
  lockstepVersion: string,
): Promise<number> {
  if (command.length === 0)
    throw new UsageError("`lockstep run` needs a command to run", "e.g. `lockstep run python -m pytest`");
  // As uv's run: the sync before the command only adds and changes, keeping what else is installed
  // (a tool the user added with pip), unless --exact.
  args.inexact = args.exact !== true;
  const { runCommand, venvEnvironment } = await import("@lockstep/project/run-command");
  const withValues = args.with ?? [];
  const plain = withValues.length === 0 && !args.isolated && args.module !== true && !mayBeScript(command);
  if (plain) {
    let venvRoot: string;
    if (args["no-sync"]) {
      const { locateProject, projectEnvironment } = await import("@lockstep/project");
      venvRoot = projectEnvironment(locateProject({ project: args.project }).root);
    } else {
      venvRoot = (await performSync(args, out, lockstepVersion)).venv;
    }
    return runCommand(command, venvEnvironment({ root: venvRoot, bin: binOf(venvRoot) }));
  }

  const project = await import("@lockstep/project");
  const target = project.runTarget(command, args.module === true);
  const request = await syncRequest(args, lockstepVersion);
  const settings = { ...request, onWaiting: waitingNotice(out), lockstepVersion };

  if (target.kind === "script") {
    const env = await project.scriptEnvironment(target, settings);
    reportEnvironment(out, "script", env);
    let childEnv = venvEnvironment(env);
    if (withValues.length > 0) {
      const overlay = await project.withEnvironment(project.withRequirements(withValues), {
        ...settings,
        base: env.root,
        script: target.metadata,
      });
      reportEnvironment(out, "--with", overlay);
      childEnv = venvEnvironment(overlay, childEnv);
    }
    return runCommand(target.command, childEnv);
  }

  // The base venv: the project's (synced unless --no-sync), a temporary one (--isolated), or none.
  let base: string | undefined;
  let temporary: string | undefined;
  try {
    const hasProject = inProject(project, args.project);
    if (!hasProject) {
      if (args.isolated && withValues.length === 0 && !target.script)
        throw new LockstepError("no-project", "`lockstep run --isolated` needs a project or --with");
    } else if (args.isolated) {
      temporary = mkdtempSync(join(tmpdir(), "lockstep-isolated-"));
      base = await syncInto(join(temporary, "venv"), () => performSync(args, out, lockstepVersion));
    } else if (args["no-sync"]) {
      base = project.projectEnvironment(project.locateProject({ project: args.project }).root);
    } else {
      base = (await performSync(args, out, lockstepVersion)).venv;
    }
    let childEnv: NodeJS.ProcessEnv = base ? venvEnvironment({ root: base, bin: binOf(base) }) : process.env;
    if (withValues.length > 0) {
      const overlay = await project.withEnvironment(project.withRequirements(withValues), {
        ...settings,
        base,
        project: args.project,
        root: temporary ? join(temporary, "with") : undefined,
      });
      reportEnvironment(out, "--with", overlay);
      childEnv = venvEnvironment(overlay, childEnv);
    }
    let runnable = target.command;
    if (!base && withValues.length === 0 && runnable[0] === "python") {
      // A script without metadata outside a project: the interpreter lockstep would pick.
      runnable = [await project.plainInterpreter(request), ...runnable.slice(1)];
    }
    return await runCommand(runnable, childEnv);
  } finally {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}

function binOf(venvRoot: string): string {
  return process.platform === "win32" ? `${venvRoot}\\Scripts` : `${venvRoot}/bin`;
}

function inProject(project: typeof import("@lockstep/project"), dir: string | undefined): boolean {
  try {
    project.locateProject({ project: dir });
    return true;
  } catch (err) {
    if (err instanceof LockstepError && err.code === "no-project" && dir === undefined) return false;
    throw err;
  }
}

/**
 * Sync into another venv than the project's: the project layer takes the venv's path from
 * LOCKSTEP_PROJECT_ENVIRONMENT, so it is set for the sync only (never for the child).
 */
async function syncInto(root: string, sync: () => Promise<{ venv: string }>): Promise<string> {
  const before = process.env.LOCKSTEP_PROJECT_ENVIRONMENT;
  process.env.LOCKSTEP_PROJECT_ENVIRONMENT = root;
  try {
    return (await sync()).venv;
  } finally {
    if (before === undefined) delete process.env.LOCKSTEP_PROJECT_ENVIRONMENT;
    else process.env.LOCKSTEP_PROJECT_ENVIRONMENT = before;
  }
}

function reportEnvironment(
  out: Output,
  what: string,
  env: { root: string; created: boolean; installed: string[] },
): void {
  if (!env.created) return;
  out.stderr(`Created the ${what} environment at: ${env.root}\n`);
  if (env.installed.length > 0) {
    out.stderr(`Installed ${plural(env.installed.length, "package")}\n`);
    for (const d of [...env.installed].sort()) out.stderr(` + ${d}\n`);
  }
}
