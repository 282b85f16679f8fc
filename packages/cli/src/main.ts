/**
 * The process entry of `lockstep` (the bundle's entry): run the command line, set the exit code.
 * Everything else is `run-cli.ts`, so tests can run the parser in-process. `lockstep --version`
 * (`-V`) alone is answered here, before yargs and the command definitions are loaded: it is what
 * scripts call most often to probe for the tool.
 */
import { VERSION } from "./version";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${VERSION}\n`);
} else {
  const [{ main }, { exitCodeFor, renderError }] = await Promise.all([
    import("./run-cli"),
    import("./exit-code"),
  ]);
  await main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`error: ${renderError(err)}\n`);
      process.exitCode = exitCodeFor(err);
    },
  );
}
