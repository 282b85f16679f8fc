/**
 * How an error ends the `lockstep` process: usage errors (`UsageError`, yargs' parse failures) exit
 * with 2, everything else with 1; lockstep errors print their message and hint, others their message.
 */
import { LockstepError, UsageError } from "@lockstep/errors";

/** The exit code for an error thrown by a command. */
export function exitCodeFor(err: unknown): number {
  return err instanceof UsageError ? 2 : 1;
}

/** `render()` for lockstep errors (message and hint), the message for other errors. */
export function renderError(err: unknown): string {
  if (err instanceof LockstepError) return err.render();
  if (err instanceof Error) return err.message;
  return String(err);
}
