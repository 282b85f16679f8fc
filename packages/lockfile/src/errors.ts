/**
 * Errors of the lockfile package.
 *
 * Validation follows pypa/installer: collect every problem in the file, then throw once, so a user
 * fixing a hand-edited or foreign lock sees all of it at the first try. Each problem is a `FileError`
 * (`pylock.toml:12: …`) so editors can jump to it.
 */
import { FileError, LockstepError } from "@lockstep/errors";

export class InvalidLockError extends LockstepError {
  constructor(
    readonly path: string,
    readonly problems: FileError[],
  ) {
    const head =
      problems.length === 1
        ? `${path} is not a valid PEP 751 lock file:`
        : `${path} is not a valid PEP 751 lock file (${problems.length} problems):`;
    super("lock-invalid", [head, ...problems.map((p) => `  ${p.message}`)].join("\n"), {
      hint: "Run `lockstep lock` to write a new lock file.",
    });
  }
}

/** A lock that cannot be installed here (environment not covered, no usable file, …). */
export class LockSelectError extends LockstepError {}
