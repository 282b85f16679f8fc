/**
 * The error a solve rejects with when the provider itself fails (an index that cannot be reached,
 * metadata that does not parse), as opposed to `NoSolutionError`, where the provider answered and
 * no solution exists. It names the package and version the solver was asking about, which the
 * original error usually does not (a failed HTTP request knows its URL, not why it was made), and
 * keeps that error as `cause`, its hint carried over.
 */

import { LockstepError } from "@lockstep/errors";

export class ProviderFailedError extends LockstepError {
  constructor(
    /** The package as the provider keys it. */
    readonly packageName: string,
    /** The version whose dependencies were asked for; undefined when choosing a version failed. */
    readonly version: string | undefined,
    cause: unknown,
  ) {
    const what =
      version === undefined
        ? `choose a version of ${packageName}`
        : `read the dependencies of ${packageName} ${version}`;
    const reason = cause instanceof Error ? cause.message : String(cause);
    super("resolver-provider-failed", `Failed to ${what}: ${reason}`, {
      cause,
      hint: cause instanceof LockstepError ? cause.hint : undefined,
    });
  }
}
