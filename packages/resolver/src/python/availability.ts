/**
 * Availability: why a version that exists on the index cannot be used. PubGrub is told
 * "unavailable" with the reason, turns it into an incompatibility, and the report quotes it.
 *
 * A version is usable when it has a wheel compatible with the target (any wheel in universal mode,
 * or when no tags are known) that `--no-binary` does not forbid, or an sdist that `--no-build`
 * does not forbid. Requires-Python is not checked here: it becomes a dependency on the virtual
 * `python` package, so the report can say which Python was asked for.
 */
import type { Version } from "@lockstep/pep440";
import type { Candidate } from "./candidates";
import type { ResolveOptions } from "./options";

/** Why `c` (a version of `name`) cannot be installed for the target, or `undefined` when it can. */
export function unavailableReason(name: string, c: Candidate, options: ResolveOptions): string | undefined {
  // A source-pinned candidate is built or installed from its source; --no-build does not apply to it.
  if (c.pinned) return undefined;
  const noBinary = options.noBinary === "all" || options.noBinary?.has(name);
  const noBuild = options.noBuild === "all" || options.noBuild?.has(name);
  const target = options.target;
  const wheels = noBinary ? [] : c.wheels;
  const compatible =
    target.kind === "specific" && target.tags
      ? wheels.filter((w) => target.tags?.isCompatible(w.file.filename))
      : wheels;
  if (compatible.length > 0) return undefined;
  if (c.sdist && !noBuild) return undefined;
  if (noBinary && !c.sdist)
    return "no source distribution is available and using wheels is disabled (--no-binary)";
  if (noBuild && c.sdist && compatible.length === 0) {
    return c.wheels.length > 0
      ? "only a source distribution is compatible and building is disabled (--no-build)"
      : "it has no wheels and building source distributions is disabled (--no-build)";
  }
  if (c.wheels.length > 0) {
    return `none of its wheels is compatible with the target (${c.wheels
      .map((w) => w.file.filename)
      .sort()
      .join(", ")}) and it has no source distribution`;
  }
  return "it has no usable distribution files";
}

/** The reason for a version PubGrub chose that the index page does not list any file for. */
export function noFilesReason(name: string, v: Version): string {
  return `${name}==${v} has no files on the index`;
}
