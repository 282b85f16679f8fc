/**
 * How an error ends the `lockstep` process. The codes are distinct so scripts and CI can tell them
 * apart (docs/cli.md, "Exit codes"):
 *   0  success
 *   1  an error: a conflict, a bad pyproject.toml, a network failure, a missing lock, …
 *   2  a usage error: an unknown command or flag, a bad flag or setting value (`UsageError`)
 *   3  the lock is out of date and `--check`/`--locked` forbade updating it (`lock-stale`)
 * A command that runs a child (`run`) exits with the child's code instead. Lockstep errors print
 * their message and hint, others their message.
 */
import { LockstepError, UsageError } from "@lockstep/errors";
import { redact } from "@lockstep/index/auth";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_LOCK_STALE = 3;

/** The exit code for an error thrown by a command. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT_USAGE;
  if (err instanceof LockstepError && err.code === "lock-stale") return EXIT_LOCK_STALE;
  return EXIT_FAILURE;
}

/**
 * `render()` for lockstep errors (message and hint), the message for other errors. Node's
 * `Invalid URL` (`ERR_INVALID_URL`, from `new URL()` anywhere below) says nothing about which URL:
 * the input it carries is added, without credentials.
 */
export function renderError(err: unknown): string {
  if (err instanceof LockstepError) return err.render();
  if (err instanceof Error) {
    const { code, input } = err as Error & { code?: unknown; input?: unknown };
    if (code === "ERR_INVALID_URL" && typeof input === "string")
      return `Invalid URL: ${JSON.stringify(redact(input))}`;
    return err.message;
  }
  return String(err);
}
