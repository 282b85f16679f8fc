/**
 * The process entry of `lockstep` (the bundle's entry): run the command line, set the exit code.
 * Everything else is `run-cli.ts`, so tests can run the parser in-process.
 */
import { hideBin } from "yargs/helpers";
import { exitCodeFor, renderError } from "./exit-code";
import { main } from "./run-cli";

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${renderError(err)}\n`);
    process.exitCode = exitCodeFor(err);
  },
);
