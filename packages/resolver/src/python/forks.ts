/**
 * Fork detection for universal resolution. When one package is required in different ranges under
 * markers that do not all hold across the current fork (`a<2; sys_platform == 'darwin'` and
 * `a>=2; sys_platform == 'linux'`), one solve cannot satisfy both with one version; the fork is
 * split along those markers and each part is solved on its own (resolve.ts).
 *
 * Pitfall: the parts must partition the current fork exactly (every environment in exactly one
 * part), or the merged lock would miss environments or cover some twice.
 */
import { VersionSet } from "@lockstep/pep440";
import type { Marker } from "@lockstep/pep508";
import type { PyPackage } from "./package";
import { packageKey } from "./package";

/**
 * The provider's answer when the current fork must be split (a `fork` answer to PubGrub, which
 * ends that solve and hands this back to resolve.ts); `parts` partition the current fork.
 */
export interface ForkRequest {
  readonly parts: Marker[];
  readonly reason: string;
}

/** One requirement on a package, with its range and the marker under which it applies. */
export interface MarkedRange {
  pkg: PyPackage;
  set: VersionSet;
  marker: Marker;
}

/** Split `fork` so that each part either implies or excludes the marker of every entry in `list`. */
export function forkRequest(fork: Marker, list: MarkedRange[]): ForkRequest {
  let parts: Marker[] = [fork];
  for (const e of list) {
    if (fork.implies(e.marker)) continue;
    const next: Marker[] = [];
    for (const f of parts) {
      const yes = f.and(e.marker);
      const no = f.and(e.marker.not());
      if (!yes.isFalse()) next.push(yes);
      if (!no.isFalse()) next.push(no);
    }
    parts = next;
  }
  const first = list[0] as MarkedRange;
  return {
    parts: orderForks(parts, list),
    reason: `${packageKey(first.pkg)} is required as ${list.map((e) => `${e.set.toString()} (${e.marker.toString() || "always"})`).join(" and ")}`,
  };
}

/**
 * The order forks are solved in. Later forks prefer the versions earlier ones chose, so solving
 * the most constrained fork first (the one whose requirement has the lowest upper bound) lets the
 * others reuse its versions where they can: `a<2` on macOS and `a>=1` on Linux then lock one `a`.
 */
function orderForks(parts: Marker[], entries: Array<{ set: VersionSet; marker: Marker }>): Marker[] {
  const keyed = parts.map((part, index) => {
    let set = VersionSet.full();
    let constrained = false;
    for (const e of entries) {
      if (part.isDisjoint(e.marker)) continue;
      set = set.intersect(e.set);
      constrained = true;
    }
    const last = set.intervals[set.intervals.length - 1];
    return { part, index, constrained, upper: last?.upper?.version };
  });
  keyed.sort((a, b) => {
    if (a.constrained !== b.constrained) return a.constrained ? -1 : 1;
    if (a.upper && b.upper) return a.upper.compare(b.upper) || a.index - b.index;
    if (a.upper || b.upper) return a.upper ? -1 : 1;
    return a.index - b.index;
  });
  return keyed.map((k) => k.part);
}
