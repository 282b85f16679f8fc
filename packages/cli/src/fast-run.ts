/**
 * The `run CMD…` half of the pre-yargs fast path (fast-path.ts), once the venv is known to be in
 * sync: run the command in the venv's environment, and render a failure to start it as run-cli
 * renders a handler's error. Its own module (its own bundle file, `fast-run.mjs`), because it needs
 * `node:child_process` and the colour code, which a no-op `sync` never does: loading them costs a
 * few milliseconds of every start-up, the spawn costs more than that anyway.
 */
import { runCommand, venvEnvironment } from "@lockstep/project/run-command";
import { colourEnabled, style } from "./colour";
import { exitCodeFor, renderError } from "./exit-code";
import { errorLine } from "./output";
import type { Output } from "./output";

/** Run `command` in `venv`; the exit code, as the full path's `run` gives it. */
export async function runInVenv(
  command: readonly string[],
  venv: string,
  env: NodeJS.ProcessEnv,
  base: Output,
  isTTY: boolean,
): Promise<number> {
  const bin = process.platform === "win32" ? `${venv}\\Scripts` : `${venv}/bin`;
  try {
    return await runCommand([...command], venvEnvironment({ root: venv, bin }, env));
  } catch (err) {
    const styled: Output = { ...base, style: style(colourEnabled(undefined, env, isTTY)) };
    base.stderr(errorLine(styled, renderError(err)));
    return exitCodeFor(err);
  }
}
