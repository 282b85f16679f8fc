/**
 * A plain `lock` or `sync` that the fast path could not answer (there is work to do: a lock to
 * resolve, a venv to install), run without yargs and the command definitions: the same
 * `runLock`/`runSync` the parser's handlers call, with the arguments `plainInvocation`
 * (fast-path.ts) builds, which are the ones yargs gives for that flag subset (direct.test.ts
 * compares them, and the output and files of both lanes). Loading and building the parser (yargs,
 * every command's module, the option tables) is 10–20 ms of such a start; main.ts imports this
 * module (its own bundle file, `dist/direct.mjs`) when the fast path declines.
 *
 * `configure` mirrors run-cli.ts's middleware for what a plain invocation can carry (no
 * `--directory`, `--color`, `-v` or `--log-format`: those decline): settings precedence, colour,
 * `-q`, progress. Errors are rendered as run-cli.ts renders them, with the same exit codes.
 *
 * Pitfall: anything `plainInvocation` does not recognise (including `run`, which needs argv
 * splitting and run-target logic) returns undefined, and main.ts runs the full parser.
 */
import type { Output } from "./output";
import { errorLine, processOutput, switchableOutput } from "./output";
import { exitCodeFor, renderError } from "./exit-code";
import { plainInvocation } from "./fast-path";
import { applySettings } from "./settings";
import { VERSION } from "./version";
import { runLock } from "./commands/lock";
import type { LockArgs } from "./commands/lock";
import { runSync } from "./commands/sync";
import type { SyncArgs } from "./commands/sync";
import type { CommandArgs } from "./run-cli";

/**
 * Run a plain `lock` or `sync` as the full parser would; returns its exit code, or undefined when
 * `argv` is not such an invocation (nothing has run then).
 */
export async function runDirect(
  argv: readonly string[],
  base: Output = processOutput,
): Promise<number | undefined> {
  const plain = plainInvocation(argv);
  if (!plain || plain.command === "run") return undefined;
  // What yargs adds for a plain invocation: the command word and the counts, always present.
  const args: Record<string, unknown> = { _: [plain.command], quiet: 0, verbose: 0, ...plain.args };
  const { out, configure } = switchableOutput(base);
  try {
    await applySettings(args);
    configure(args);
    if (plain.command === "lock") return await runLock(args as CommandArgs<LockArgs>, out, VERSION);
    return await runSync(args as CommandArgs<SyncArgs>, out, VERSION);
  } catch (err) {
    base.stderr(errorLine(out, renderError(err)));
    return exitCodeFor(err);
  }
}
