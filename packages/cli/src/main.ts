/**
 * The process entry of `lockstep` (the bundle's entry file): run the command line, set the exit
 * code. Everything else is `run-cli.ts`, so tests can run the parser in-process. `lockstep
 * --version` (`-V`) alone is answered here, before yargs and the command definitions are loaded:
 * it is what scripts call most often to probe for the tool. A plain no-op `sync`/`run` and an
 * up-to-date `lock` are answered by `fast-path.ts`, also before yargs; when it declines, a plain
 * `lock` or `sync` (the same flag subset) runs its command through `direct.ts` (its own bundle
 * file), still without yargs, and anything else goes to the full parser (`full.ts`, its own bundle
 * files).
 *
 * Pitfall: whatever this module imports statically is in the entry file, evaluated by every
 * command: only the fast path's light modules (build.mjs fails the build when the file grows).
 */
import { fastPath, processStream } from "./fast-path";
import { VERSION } from "./version";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  processStream(1).write(`${VERSION}\n`);
} else if (
  (argv.includes("sync") || argv.includes("run") || argv.includes("lock")) &&
  // It throws only before printing anything: the full path then answers.
  (await fastPath(argv, VERSION).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
      return code !== undefined;
    },
    () => false,
  ))
) {
  // answered by the fast path
} else if (
  (argv.includes("sync") || argv.includes("lock")) &&
  // A plain lock or sync with work to do: its command without yargs (direct.ts).
  (await import("./direct")
    .then((m) => m.runDirect(argv))
    .then(
      (code) => {
        if (code !== undefined) process.exitCode = code;
        return code !== undefined;
      },
      () => false,
    ))
) {
  // answered by the direct lane
} else {
  const { main, exitCodeFor, renderError } = await import("./full");
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
