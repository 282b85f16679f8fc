/**
 * The `lockstep` command line as a function: parse arguments and dispatch. Each command lives in its
 * own module under `commands/` that declares its flags; the project layer that does the work (and,
 * behind it, the resolver, the index client, the lockfile code) is imported with `import()` inside
 * the handler, so `lockstep --version` and `lockstep --help` cost little more than Node's own start.
 * Returns the exit code; `main.ts` is the process entry.
 */
import yargs from "yargs";
import type { ArgumentsCamelCase } from "yargs";
import { exportBuilder, runExport } from "./commands/export";
import type { ExportArgs } from "./commands/export";
import { lockBuilder, runLock } from "./commands/lock";
import type { LockArgs } from "./commands/lock";
import { runTree, treeBuilder } from "./commands/tree";
import type { TreeArgs } from "./commands/tree";
import { addBuilder, runAdd } from "./commands/add";
import type { AddArgs } from "./commands/add";
import { removeBuilder, runRemove } from "./commands/remove";
import type { RemoveArgs } from "./commands/remove";
import { runBuilder, runRun } from "./commands/run";
import { runSync, syncBuilder } from "./commands/sync";
import { initBuilder, runInit } from "./commands/init";
import type { InitArgs } from "./commands/init";
import { runVenv, venvBuilder } from "./commands/venv";
import type { VenvArgs } from "./commands/venv";
import { pythonBuilder, runPython } from "./commands/python";
import { cacheBuilder, runCache } from "./commands/cache";
import { runSelfVersion, runVersion, selfBuilder, versionBuilder } from "./commands/version";
import type { VersionArgs } from "./commands/version";
import type { SyncArgs } from "./commands/sync";
import { processOutput } from "./output";
import type { Output } from "./output";
import { UsageError } from "@lockstep/errors";
import { exitCodeFor, renderError } from "./exit-code";

export const VERSION = "0.1.0";

export async function main(argv: string[], out: Output = processOutput): Promise<number> {
  let exitCode = 0;
  const run = async (work: () => Promise<number>) => {
    try {
      exitCode = await work();
    } catch (err) {
      out.stderr(`error: ${renderError(err)}\n`);
      exitCode = exitCodeFor(err);
    }
  };
  const parser = yargs(argv)
    .scriptName("lockstep")
    .version(VERSION)
    .strict()
    .command(
      "lock",
      "Resolve the project's dependencies into pylock.toml",
      (y) => lockBuilder(y),
      (args: ArgumentsCamelCase<LockArgs>) => run(() => runLock(args, out, VERSION)),
    )
    .command(
      "tree",
      "Show the locked dependency tree",
      (y) => treeBuilder(y),
      (args: ArgumentsCamelCase<TreeArgs>) => run(() => runTree(args, out)),
    )
    .command(
      "export",
      "Export the lock as requirements.txt or pylock.toml",
      (y) => exportBuilder(y),
      (args: ArgumentsCamelCase<ExportArgs>) => run(() => runExport(args, out)),
    )
    .command(
      "sync",
      "Make the project's environment match the lock exactly",
      (y) => syncBuilder(y),
      (args: ArgumentsCamelCase<SyncArgs>) => run(() => runSync(args, out, VERSION)),
    )
    .command(
      "run [command..]",
      "Run a command in the project's environment (synced first)",
      (y) => runBuilder(y),
      () => run(() => runRun(argv, out, VERSION)),
    )
    .command(
      "add [requirements..]",
      "Add dependencies to pyproject.toml, then lock and sync",
      (y) => addBuilder(y),
      (args: ArgumentsCamelCase<AddArgs>) => run(() => runAdd(args, out, VERSION)),
    )
    .command(
      "remove [packages..]",
      "Remove dependencies from pyproject.toml, then lock and sync",
      (y) => removeBuilder(y),
      (args: ArgumentsCamelCase<RemoveArgs>) => run(() => runRemove(args, out, VERSION)),
    )
    .command(
      "init [path]",
      "Create a new project: pyproject.toml, .python-version, README, .gitignore",
      (y) => initBuilder(y),
      (args: InitArgs) => run(() => runInit(args, out)),
    )
    .command(
      "venv [path]",
      "Create a virtual environment (default .venv)",
      (y) => venvBuilder(y),
      (args: VenvArgs) => run(() => runVenv(args, out, VERSION)),
    )
    .command("python", "Find, list and pin Python interpreters", (y) =>
      pythonBuilder(y, (sub, args) => run(() => runPython(sub, args, out))),
    )
    .command("cache", "Look after the global cache: dir, clean, prune, size", (y) =>
      cacheBuilder(y, (sub, args) => run(() => runCache(sub, args, out))),
    )
    .command(
      "version",
      "Print the project's version, or bump or set it in pyproject.toml",
      (y) => versionBuilder(y),
      (args: VersionArgs) => run(() => runVersion(args, out)),
    )
    .command("self", "lockstep itself: self version", (y) =>
      selfBuilder(y, (args) => run(async () => runSelfVersion(args, out, VERSION))),
    )
    .demandCommand(1, "Give a command")
    // Throwing stops yargs before any handler runs; the catch below renders it (exit 2).
    .fail((msg, err) => {
      throw err ?? new UsageError(msg, "see `lockstep --help`");
    });
  try {
    await parser.parseAsync();
  } catch (err) {
    out.stderr(`error: ${renderError(err)}\n`);
    return exitCodeFor(err);
  }
  return exitCode;
}
