/**
 * Declared conflicts (`[tool.lockstep] conflicts`): extras or dependency groups of the project that
 * are never installed together, so the lock may hold different versions for each.
 *
 * The activation of an extra or group is a marker variable (PEP 751: `'cpu' in extras`,
 * `'dev' in dependency_groups`), so a conflict becomes a split of the starting fork: for a set
 * {cpu, cu128}, one fork where cpu is active and cu128 is not, one the other way round, and one
 * where neither is. Each fork then leaves out the root's edges to the extras it excludes, and the
 * markers the lock records carry the activation (`'cpu' in extras`), which is what installers
 * evaluate with the extras they were asked for.
 *
 * Pitfall: the forks do not cover the environments where two items of one set are active; those are
 * refused at install time, so markers may treat them as "don't care" (see `simplifyWithConflicts`),
 * which turns `'cpu' in extras and 'cu128' not in extras` into `'cpu' in extras`.
 */
import { Marker } from "@lockstep/pep508";
import type { PyPackage } from "./package";

/** One conflicting extra or group; `package` (a workspace member) other than the root is not forked on. */
export interface ConflictItem {
  readonly package?: string | undefined;
  readonly kind: "extra" | "group";
  readonly name: string;
}

export type ConflictSet = readonly ConflictItem[];

/** The activation marker of `item` when it belongs to the root `rootName`, else undefined. */
export function activationMarker(item: ConflictItem, rootName: string): Marker | undefined {
  if (item.package !== undefined && item.package !== rootName) return undefined;
  return Marker.parse(`'${item.name}' in ${item.kind === "extra" ? "extras" : "dependency_groups"}`);
}

function markersOf(set: ConflictSet, rootName: string): Marker[] {
  return set.flatMap((item) => activationMarker(item, rootName) ?? []);
}

/**
 * The starting forks for `base`: per conflict set, "item i alone" for each item and "none of
 * them", crossed over the sets. Without conflicts, `[base]`.
 */
export function conflictForks(base: Marker, sets: readonly ConflictSet[], rootName: string): Marker[] {
  let forks = [base];
  for (const set of sets) {
    const markers = markersOf(set, rootName);
    if (markers.length < 2) continue;
    const none = markers.reduce((acc, m) => acc.and(m.not()), Marker.TRUE);
    const parts = markers.map((m, i) =>
      markers.reduce((acc, other, j) => (j === i ? acc : acc.and(other.not())), m),
    );
    parts.push(none);
    forks = forks.flatMap((f) => parts.map((p) => f.and(p)).filter((m) => !m.isFalse()));
  }
  return forks;
}

/** Where two items of one set would be active together: never installed, so "don't care". */
export function conflictingRegion(sets: readonly ConflictSet[], rootName: string): Marker {
  let region = Marker.FALSE;
  for (const set of sets) {
    const markers = markersOf(set, rootName);
    for (let i = 0; i < markers.length; i++)
      for (let j = i + 1; j < markers.length; j++)
        region = region.or((markers[i] as Marker).and(markers[j] as Marker));
  }
  return region;
}

/**
 * The shortest marker that agrees with `m` wherever no two conflicting items are active:
 * `m` itself, `m` widened by the conflicting region, or `m` narrowed by it.
 */
export function simplifyWithConflicts(m: Marker, region: Marker, simplify: (m: Marker) => Marker): Marker {
  const plain = simplify(m);
  if (region.isFalse()) return plain;
  let best = plain;
  for (const candidate of [simplify(m.or(region)), simplify(m.and(region.not()))]) {
    if (candidate.toString().length < best.toString().length) best = candidate;
  }
  return best;
}

/**
 * A hint for a failed solve whose derivation involves two or more of the root's extras or groups:
 * if they are never installed together, declaring them conflicting lets each be locked on its own.
 */
export function undeclaredConflictHint(packages: Iterable<PyPackage>, rootName: string): string | undefined {
  const items: string[] = [];
  const seen = new Set<string>();
  for (const p of packages) {
    if ((p.kind !== "extra" && p.kind !== "group") || p.name !== rootName) continue;
    const item = p.kind === "extra" ? `{ extra = "${p.extra}" }` : `{ group = "${p.group}" }`;
    if (!seen.has(item)) items.push(item);
    seen.add(item);
  }
  if (items.length < 2) return undefined;
  items.sort();
  return `if these are never installed together, declare them conflicting in pyproject.toml: [tool.lockstep] conflicts = [[${items.join(", ")}]]`;
}
