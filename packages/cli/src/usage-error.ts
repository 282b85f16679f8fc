/**
 * Errors in how lockstep was invoked (bad flag values, flags that cannot go together). The CLI exits
 * with 2 for these, as for yargs' own parse failures, and 1 for everything else.
 */
import { LockstepError } from "@lockstep/errors";

export class UsageError extends LockstepError {
  constructor(message: string, hint?: string) {
    super("usage", message, { hint });
  }
}

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
