/**
 * The `lockstep` command line. This file only parses arguments and dispatches; every command lives
 * in its own module under `commands/`, imported lazily so that start-up stays close to Node's own.
 */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";

export const VERSION = "0.1.0";

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  await yargs(argv)
    .scriptName("lockstep")
    .version(VERSION)
    .strict()
    .demandCommand(1, "Give a command; see `lockstep --help`.")
    .fail((msg, err, y) => {
      if (err) throw err;
      process.stderr.write(`error: ${msg}\n\n${y.help()}\n`);
      exitCode = 2;
    })
    .parseAsync();
  return exitCode;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? (("render" in err && typeof err.render === "function" ? err.render() : err.message) as string) : String(err);
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = 1;
  },
);
