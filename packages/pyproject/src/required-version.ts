/**
 * `required-version`: the range of lockstep versions a project needs, checked with `semver`.
 *
 * Users coming from uv write PEP 440-looking ranges (`>=0.4, <1`, `==0.5.1`), so commas are read as
 * "and" and `==` as `=`; anything `semver` cannot read as a range (`~=0.4`) is an error.
 * Pitfall: prereleases of lockstep itself satisfy a range only if the range names a prerelease of
 * the same version (semver's rule), unless `includePrerelease` is asked for; we ask for it, since a
 * developer running a dev build should not be locked out. semver's two functions are imported by
 * their own paths, not the package's index: the index loads every function and class of the
 * library, and this module is evaluated by every command that reads a pyproject.toml (about half
 * the library's load time saved; docs/benchmarks-startup.md).
 */

import { LockstepError } from "@lockstep/errors";
import satisfies from "semver/functions/satisfies";
import validRange from "semver/ranges/valid";

/** The semver range for `text`, or undefined when it is not one. */
export function normalizeRequiredVersion(text: string): string | undefined {
  const range = text.replace(/,/g, " ").replace(/==/g, "=").replace(/\s+/g, " ").trim();
  if (range === "" || /~=|===|!=/.test(range)) return undefined;
  return validRange(range) === null ? undefined : range;
}

/** Throw when `lockstepVersion` is outside the project's `required-version`. */
export function checkRequiredVersion(
  settings: { requiredVersion: string | undefined },
  lockstepVersion: string,
): void {
  const range = settings.requiredVersion;
  if (range === undefined) return;
  if (!satisfies(lockstepVersion, range, { includePrerelease: true })) {
    throw new LockstepError(
      "required-version",
      `this project requires lockstep ${range}, but this is lockstep ${lockstepVersion}`,
      { hint: "install a lockstep version in that range, or change [tool.lockstep] required-version" },
    );
  }
}
