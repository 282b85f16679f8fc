/**
 * The `lockstep` command line as a function: parse arguments and dispatch. Each command lives in its
 * own module under `commands/` that declares its flags; the project layer that does the work (and,
 * behind it, the resolver, the index client, the lockfile code) is imported with `import()` inside
 * the handler, so `lockstep --help` costs little more than Node's own start. Returns the exit code;
 * `main.ts` is the process entry.
 *
 * Global flags (GLOBAL_OPTIONS) are accepted before or after the command name; one middleware
 * applies them before any handler: `--directory`, settings precedence (`settings.ts`), colour,
 * `-q`, progress and logging. `out` below is that configured output: a command added here uses it
 * like the others (one `.command()` block each). `run`'s argv is split before parsing
 * (`split-argv.ts`): the command after `run` is passed on untouched.
 *
 * Pitfalls: camel-case expansion is off, so parsed keys are only the kebab-case flag names and no
 * camelCase alias reaches an error message; boolean negation is off (`--no-cache`, `--no-sync` are
 * flags of their own); yargs must not exit the process (tests run `main` in-process).
 */
import yargs from "yargs";
import type { Argv } from "yargs";
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
import { RUN_VALUE_FLAGS, runBuilder, runRun } from "./commands/run";
import type { RunArgs } from "./commands/run";
import { runSync, syncBuilder } from "./commands/sync";
import { initBuilder, runInit } from "./commands/init";
import type { InitArgs } from "./commands/init";
import { runVenv, venvBuilder } from "./commands/venv";
import type { VenvArgs } from "./commands/venv";
import { pythonBuilder, runPython } from "./commands/python";
import { cacheBuilder, runCache } from "./commands/cache";
import { runSelfVersion, runVersion, selfBuilder, versionBuilder } from "./commands/version";
import type { VersionArgs } from "./commands/version";
import { runWhy, whyBuilder } from "./commands/why";
import type { WhyArgs } from "./commands/why";
import { runVerify, verifyBuilder } from "./commands/verify";
import type { VerifyArgs } from "./commands/verify";
import { runUpgrade, upgradeBuilder } from "./commands/upgrade";
import type { UpgradeArgs } from "./commands/upgrade";
import type { SyncArgs } from "./commands/sync";
import { GLOBAL_OPTIONS, GLOBAL_VALUE_FLAGS, PARSER_CONFIG } from "./commands/shared-options";
import type { GlobalArgs } from "./commands/shared-options";
import { errorLine, processOutput, switchableOutput } from "./output";
import type { Output } from "./output";
import { UsageError } from "@lockstep/errors";
import { closestName } from "@lockstep/project/settings";
import { exitCodeFor, renderError } from "./exit-code";
import { applySettings, changeDirectory } from "./settings";
import { createLogger, NO_LOG } from "./logger";
import { splitArgv } from "./split-argv";
import { VERSION } from "./version";

export { VERSION };

const NO_COMMAND = "Give a command";

/** The parsed arguments every handler gets: its own flags and the global ones. */
export type CommandArgs<T> = T & GlobalArgs;

/** `Unknown argument(s): a, b` from yargs → one message naming the flag as typed, with "did you mean". */
/** What the parser offers beyond its typings (yargs 18): the current command's options, the commands. */
interface YargsInternals {
  getOptions(): { key?: Record<string, unknown> };
  getInternalMethods(): { getCommandInstance(): { getCommands(): string[] } };
}

/**
 * The command words typed (`python`, `lst`), skipping global flags and the values they take, split
 * into the parent command and the word that failed: yargs recommends among the subcommands of the
 * level it stopped at (`current`), so when that is not the top level the first typed word naming a
 * top-level command is the parent (`lockstep python list`, not `lockstep list`). Nesting is one
 * level deep (`python`, `cache`, `self`).
 */
function commandPath(
  argv: readonly string[],
  current: readonly string[],
  topLevel: readonly string[],
): { parent: string | undefined; typed: string | undefined } {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith("-")) {
      if (a.startsWith("--") && !a.includes("=") && GLOBAL_VALUE_FLAGS.includes(a.slice(2))) i++;
      continue;
    }
    words.push(a);
  }
  const nested = current.join(" ") !== topLevel.join(" ");
  const at = nested ? words.findIndex((w) => topLevel.includes(w)) : -1;
  return at < 0 ? { parent: undefined, typed: words[0] } : { parent: words[at], typed: words[at + 1] };
}

/**
 * yargs' strict and "did you mean" messages → one message naming the argument as typed (never a
 * camelCase key) and a hint with the closest flag or command (a subcommand under its parent).
 */
function usageMessage(
  msg: string,
  argv: readonly string[],
  y: YargsInternals,
  topLevel: readonly string[],
): UsageError | undefined {
  const recommended = /^Did you mean (\S+)\?$/.exec(msg);
  const current = y.getInternalMethods().getCommandInstance().getCommands();
  const { parent, typed: typedCommand } = commandPath(argv, current, topLevel);
  const prefix = parent === undefined ? "lockstep" : `lockstep ${parent}`;
  if (recommended)
    return new UsageError(
      `unrecognized subcommand '${typedCommand ?? ""}'`,
      `did you mean \`${prefix} ${recommended[1] as string}\`?`,
    );
  let m = /^Unknown arguments?: (.*)$/.exec(msg.split("\n")[0] ?? "");
  if (!m && msg === NO_COMMAND) {
    // `lockstep --ofline sync`: the unknown flag took the command name as its value.
    const known = Object.keys(y.getOptions().key ?? {});
    const unknown = argv.find(
      (a) => a.startsWith("--") && !known.includes(a.slice(2).split("=")[0] as string),
    );
    if (unknown) m = ["", unknown.slice(2).split("=")[0] as string] as unknown as RegExpExecArray;
  }
  if (!m) return undefined;
  const names = (m[1] as string).split(", ");
  const first = names[0] as string;
  const typed = argv.find((a) => a.startsWith("-") && a.replace(/^--?/, "").split("=")[0] === first);
  if (typed) {
    const flags = Object.keys(y.getOptions().key ?? {}).filter((o) => o.length > 1);
    const near = closestName(first, flags);
    return new UsageError(
      `unexpected argument '${typed.split("=")[0] as string}'`,
      near ? `did you mean '--${near}'?` : "see `lockstep --help`",
    );
  }
  const near = closestName(first, current);
  return new UsageError(
    `unexpected ${names.length > 1 ? "arguments" : "argument"} '${names.join("', '")}'`,
    near ? `did you mean \`${prefix} ${near}\`?` : "see `lockstep --help`",
  );
}

export async function main(argv: string[], base: Output = processOutput): Promise<number> {
  const split = splitArgv(argv, RUN_VALUE_FLAGS);
  // The output every handler writes to: configured by the middleware from the global flags.
  const { out, configure: configureOutput } = switchableOutput(base);
  let exitCode = 0;
  const run = async (work: () => Promise<number>) => {
    try {
      exitCode = await work();
    } catch (err) {
      base.stderr(errorLine(out, renderError(err)));
      exitCode = exitCodeFor(err);
    }
  };
  const configure = async (args: Record<string, unknown> & GlobalArgs) => {
    changeDirectory(args.directory);
    await applySettings(args);
    const log = await createLogger({
      verbose: args.verbose ?? 0,
      format: args["log-format"] === "json" ? "json" : "text",
    });
    if (log !== NO_LOG) args.log = log;
    configureOutput(args);
  };
  const parser: Argv = yargs(split.lockstep)
    .scriptName("lockstep")
    .parserConfiguration(PARSER_CONFIG)
    .options(GLOBAL_OPTIONS)
    .middleware(configure)
    .version(VERSION)
    .alias("version", "V")
    .help()
    .alias("help", "h")
    .exitProcess(false)
    .strict()
    .recommendCommands()
    .command(
      "lock",
      "Resolve the project's dependencies into pylock.toml",
      (y) => lockBuilder(y),
      (args: CommandArgs<LockArgs>) => run(() => runLock(args, out, VERSION)),
    )
    .command(
      "tree",
      "Show the locked dependency tree",
      (y) => treeBuilder(y),
      (args: CommandArgs<TreeArgs>) => run(() => runTree(args, out)),
    )
    .command(
      "export",
      "Export the lock as requirements.txt or pylock.toml",
      (y) => exportBuilder(y),
      (args: CommandArgs<ExportArgs>) => run(() => runExport(args, out)),
    )
    .command(
      "sync",
      "Make the project's environment match the lock exactly",
      (y) => syncBuilder(y),
      (args: CommandArgs<SyncArgs>) => run(() => runSync(args, out, VERSION)),
    )
    .command(
      "run [command..]",
      "Run a command in the project's environment (synced first)",
      (y) => runBuilder(y),
      (args: CommandArgs<RunArgs>) => run(() => runRun(args, split.command ?? [], out, VERSION)),
    )
    .command(
      "add [requirements..]",
      "Add dependencies to pyproject.toml, then lock and sync",
      (y) => addBuilder(y),
      (args: CommandArgs<AddArgs>) => run(() => runAdd(args, out, VERSION)),
    )
    .command(
      "remove [packages..]",
      "Remove dependencies from pyproject.toml, then lock and sync",
      (y) => removeBuilder(y),
      (args: CommandArgs<RemoveArgs>) => run(() => runRemove(args, out, VERSION)),
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
    .command(
      "why <name>",
      "Show every chain of requirements that brings a package into the lock",
      (y) => whyBuilder(y),
      (args: CommandArgs<WhyArgs>) => run(() => runWhy(args, out)),
    )
    .command(
      "verify",
      "Check the venv against the lock: versions, wheel hashes, installed files, strays",
      (y) => verifyBuilder(y),
      (args: CommandArgs<VerifyArgs>) => run(() => runVerify(args, out)),
    )
    .command(
      "upgrade [packages..]",
      "Raise the lower bounds in pyproject.toml to the locked versions, then lock",
      (y) => upgradeBuilder(y),
      (args: CommandArgs<UpgradeArgs>) => run(() => runUpgrade(args, out, VERSION)),
    )
    .command("self", "lockstep itself: self version", (y) =>
      selfBuilder(y, (args) => run(async () => runSelfVersion(args, out, VERSION))),
    )
    .demandCommand(1, NO_COMMAND)
    // Throwing stops yargs before any handler runs; the catch below renders it (exit 2).
    .fail((msg, err) => {
      if (err) throw err;
      throw (
        usageMessage(msg, split.lockstep, parser as unknown as YargsInternals, topLevel) ??
        new UsageError(msg, "see `lockstep --help`")
      );
    });
  // The top-level command names, before parsing descends into one (for "did you mean").
  const topLevel = (parser as unknown as YargsInternals)
    .getInternalMethods()
    .getCommandInstance()
    .getCommands();
  try {
    await parser.parseAsync();
  } catch (err) {
    base.stderr(errorLine(out, renderError(err)));
    return exitCodeFor(err);
  }
  return exitCode;
}
