/**
 * Rules of PEP 751 that span package entries: every `dependencies` entry identifies exactly one
 * package entry, and two entries of one name never apply to the same environment (their markers are
 * disjoint), since an installer must pick at most one.
 *
 * Pitfalls: a dependency may name only `name` when that is unambiguous, so matching compares only the
 * keys it gives (`version`, and `index` or `marker` for one version from two sources); disjointness is decided by the marker algebra, where `'x' in extras` and
 * `'dev' in dependency_groups` are variables like any other (two entries split by extras are fine).
 */
import type { FileProblems } from "@lockstep/errors";
import type { LineLocator } from "./line-locator";
import { describePackage } from "./lock";
import type { LockPackage } from "./lock";

function markerText(p: LockPackage): string {
  const m = p.marker.toString();
  return m === "" ? "(no marker: everywhere)" : `\`${m}\``;
}

/**
 * `origin(k)` maps an index into `packages` back to its position in the file (entries that failed to
 * read are not in `packages`).
 */
export function validateLockReferences(
  packages: readonly LockPackage[],
  origin: (k: number) => number,
  loc: LineLocator,
  problems: FileProblems,
): void {
  const byName = new Map<string, number[]>();
  packages.forEach((p, k) => byName.set(p.name, [...(byName.get(p.name) ?? []), k]));

  packages.forEach((p, k) => {
    const i = origin(k);
    for (const d of p.dependencies) {
      const candidates = (byName.get(d.name) ?? []).filter((c) => {
        const q = packages[c] as LockPackage;
        return (
          (!d.version || q.version?.equals(d.version) === true) &&
          (d.index === undefined || q.index === d.index) &&
          (d.marker === undefined || q.marker.toString() === d.marker.toString())
        );
      });
      const line = loc.find(i, `"${d.name}"`, "dependencies") ?? loc.packageKey(i, "dependencies");
      const target = describePackage(d);
      if (candidates.length === 0) {
        problems.add(
          line,
          `package \`${describePackage(p)}\` depends on \`${target}\`, but the lock has no package entry for it`,
        );
      } else if (candidates.length > 1) {
        const versions = candidates.map((c) => packages[c]?.version?.toString() ?? "(no version)").join(", ");
        problems.add(
          line,
          `package \`${describePackage(p)}\` depends on \`${target}\`, which matches ${candidates.length} package entries (${versions}); a dependency must identify one entry, e.g. by its \`version\``,
        );
      }
    }
  });

  for (const [, ks] of byName) {
    for (let a = 0; a < ks.length; a++) {
      for (let b = a + 1; b < ks.length; b++) {
        const p = packages[ks[a] as number] as LockPackage;
        const q = packages[ks[b] as number] as LockPackage;
        if (p.marker.isDisjoint(q.marker)) continue;
        const first = loc.packageLine(origin(ks[a] as number));
        problems.add(
          loc.packageLine(origin(ks[b] as number)),
          `package \`${describePackage(q)}\` and \`${describePackage(p)}\` (line ${first ?? "?"}) can both apply to one environment: markers ${markerText(q)} and ${markerText(p)} overlap`,
        );
      }
    }
  }
}
