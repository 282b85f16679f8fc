/**
 * Conflict reports in Python terms. The PubGrub core decides the shape of the explanation; this
 * formatter decides the words: "your project depends on a>=2", "a==1.0 requires Python>=3.13",
 * "the requested Python version (3.12.1) does not satisfy Python>=3.13", and hints after the report
 * (pre-releases or yanked versions that were skipped, packages missing from the index).
 */
import type { Version, VersionSet } from "@lockstep/pep440";
import type { External } from "../pubgrub";
import { DefaultReportFormatter } from "../pubgrub";
import type { ProviderHints } from "./candidate-selection";
import type { PyPackage } from "./package";
import { displayPackage } from "./package";
import { pythonVersionSets } from "./version-sets";

export class PythonReportFormatter extends DefaultReportFormatter<PyPackage, Version, VersionSet> {
  constructor(private readonly pythonVersion: Version | undefined) {
    super({
      versionSets: pythonVersionSets,
      packageName: (p) => (p.kind === "root" ? "your project" : displayPackage(p)),
      isRoot: (p) => p.kind === "root",
    });
  }

  override packageSet(p: PyPackage, set: VersionSet): string {
    if (p.kind === "root" || p.kind === "group" || set.isFull()) return this.package(p);
    const text = readableSet(set);
    return /^[<>=!~]/.test(text) ? `${this.package(p)}${text}` : `${this.package(p)} ${text}`;
  }

  override external(cause: External<PyPackage, VersionSet>): string {
    if (cause.kind === "fromDependencyOf" && cause.dependency.kind === "python") {
      return `${this.packageSet(cause.package, cause.set)} requires ${this.packageSet(cause.dependency, cause.dependencySet)}`;
    }
    if (cause.kind === "noVersions" && cause.package.kind === "python") {
      const v = this.pythonVersion?.toString() ?? "unknown";
      return `the requested Python version (${v}) does not satisfy ${this.packageSet(cause.package, cause.set)}`;
    }
    if (cause.kind === "noVersions" && cause.package.kind === "extra") {
      return `${this.packageSet(cause.package, cause.set)} has no matching version`;
    }
    return super.external(cause);
  }
}

/**
 * A version set as a user reads it: the final-release view (`a<2`, not `a<2 [pre-releases: <2.dev0]`)
 * and `==1.0` for a single version (the set algebra prints exact identity as `===`).
 */
export function readableSet(set: VersionSet): string {
  return set
    .toString()
    .replace(/ \[[^\]]*\]$/, "")
    .replace(/\+∞/g, "")
    .replace(/(^|\|\| )===/g, "$1==")
    .replace(/, /g, ",");
}

const fmtList = (vs: Version[]) =>
  vs
    .slice()
    .sort((a, b) => a.compare(b))
    .map((v) => v.toString())
    .join(", ");

/** Hints for names involved in the failure. */
export function resolutionHints(hints: ProviderHints, involved: Set<string>): string[] {
  const out: string[] = [];
  for (const name of [...hints.notFound].sort()) {
    if (involved.has(name))
      out.push(
        `\`${name}\` was not found in the package index; check its spelling or the configured indexes.`,
      );
  }
  for (const [name, versions] of [...hints.skippedPrereleases].sort(([a], [b]) => a.localeCompare(b))) {
    if (involved.has(name)) {
      out.push(
        `Pre-releases of \`${name}\` are available (${fmtList(versions)}) but were not considered; add a pre-release specifier (e.g. \`${name}>=${versions[0]?.toString()}\`) or pass \`--prerelease allow\`.`,
      );
    }
  }
  for (const [name, versions] of [...hints.skippedYanked].sort(([a], [b]) => a.localeCompare(b))) {
    if (involved.has(name)) {
      out.push(
        `\`${name}\` ${fmtList(versions)} ${versions.length === 1 ? "was" : "were"} yanked; a yanked version is used only when pinned with \`==\`.`,
      );
    }
  }
  return out;
}
