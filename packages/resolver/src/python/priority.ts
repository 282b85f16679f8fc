/**
 * Which package PubGrub decides next. The Python packages and the root's groups come first (they
 * have one version); then packages pinned to one version; then packages that keep losing
 * conflicts; then by conflict count; ties go to the package seen first, so the order of the
 * project's requirements is the order of decisions.
 *
 * Pitfall: the solver caches priorities until a package's range or stats change, so the answer
 * must depend on nothing else (the first-seen sequence number never changes once given).
 */
import type { VersionSet } from "@lockstep/pep440";
import type { PackageStats, Priority } from "../pubgrub";
import type { PyPackage } from "./package";
import { packageKey } from "./package";

/** Conflicts after which a package is decided before the packages it clashes with. */
export const CONFLICT_THRESHOLD = 5;

export class Prioritizer {
  /** package key → the order in which the solver first asked about it. */
  private readonly seq = new Map<string, number>();

  prioritize(p: PyPackage, range: VersionSet, stats: PackageStats): Priority {
    const key = packageKey(p);
    let seq = this.seq.get(key);
    if (seq === undefined) {
      seq = this.seq.size;
      this.seq.set(key, seq);
    }
    if (p.kind === "python" || p.kind === "root") return [1_000_000, 0];
    if (p.kind === "group") return [900_000, -seq];
    const pinned = range.intervals.length === 1 && isPoint(range) ? 1 : 0;
    // A package that keeps being rejected because of others is decided before them (uv's rule).
    const stuck = stats.affected >= CONFLICT_THRESHOLD ? 1 : 0;
    return [pinned * 100_000 + stuck * 50_000 + Math.min(stats.conflicts, 49_999), -seq];
  }
}

function isPoint(range: VersionSet): boolean {
  const i = range.intervals[0];
  return (
    !!i?.lower &&
    !!i.upper &&
    i.lower.inclusive &&
    i.upper.inclusive &&
    i.lower.version.equals(i.upper.version)
  );
}
