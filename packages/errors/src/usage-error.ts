/**
 * Errors in how lockstep was invoked (bad flag values, flags that cannot go together). One class for
 * every layer that validates what a user typed (the CLI's flags, the project layer's settings): the
 * CLI exits with 2 for these, as for yargs' own parse failures, and 1 for everything else.
 */
import { LockstepError } from "./errors";

export class UsageError extends LockstepError {
  constructor(message: string, hint?: string) {
    super("usage", message, { hint });
  }
}
