/**
 * A real-metadata universe for project tests: the part of a PyPI snapshot reachable from some
 * roots, plus a stand-in release for each reachable name the snapshot does not have (appnope and
 * pywinpty are not in the 2026 snapshot). Reachable means through any requirement whose marker
 * asks for no extra, or for an extra that was itself asked for — what a universal lock explores.
 * Stand-ins are one `py3-none-any` wheel with no dependencies, versioned at the highest lower
 * bound any requirement names (so every requirement on them is met). The 2026 snapshot records one
 * wheel per release (the cp311 manylinux x86_64 one for binary projects), so `sdists` adds an sdist
 * to every release for selections on other platforms to fall back on.
 */
import { join } from "node:path";
import { loadSnapshot } from "@lockstep/fixtures";
import type { ReleaseSpec, Universe } from "@lockstep/fixtures";
import { Version } from "@lockstep/pep440";
import { Requirement } from "@lockstep/pep508";
import { REPO_ROOT } from "./example-app";

export const SNAPSHOTS = join(REPO_ROOT, "..", "shared", "data", "pypi-snapshots");

const EXTRA = /extra\s*==\s*["']([^"']+)["']/g;

export interface SnapshotGraph {
  universe: Universe;
  /** Names added as stand-ins, sorted. */
  standIns: string[];
}

/** The snapshot `file` restricted to what `roots` reach, with stand-ins for missing names. */
export function snapshotGraph(
  file: string,
  roots: string[],
  name: string,
  options: { sdists?: boolean } = {},
): SnapshotGraph {
  const all = loadSnapshot(join(SNAPSHOTS, file), { sdists: options.sdists === true }).universe;
  const byName = new Map(
    Object.entries(all.packages).map(([n, p]) => [Requirement.parse(n).canonicalName, [n, p] as const]),
  );
  const kept: Universe["packages"] = {};
  const missing = new Map<string, { lowest: Version; extras: Set<string> }>();
  const seen = new Set<string>();
  const queue: Array<{ name: string; extras: string[] }> = [];
  const visit = (req: Requirement) => {
    const found = byName.get(req.canonicalName);
    if (!found) {
      const entry = missing.get(req.canonicalName) ?? {
        lowest: Version.parse("1.0"),
        extras: new Set<string>(),
      };
      for (const e of req.extras) entry.extras.add(e);
      for (const s of req.specifier.specifiers) {
        const v = Version.tryParse(s.version);
        if (v && !s.wildcard && [">=", "==", "~=", ">"].includes(s.operator) && v.compare(entry.lowest) > 0)
          entry.lowest = v;
      }
      missing.set(req.canonicalName, entry);
      return;
    }
    kept[found[0]] = found[1];
    for (const extras of [[], ...req.extras.map((e) => [e])]) {
      const key = `${req.canonicalName}[${extras.join(",")}]`;
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push({ name: req.canonicalName, extras });
    }
  };
  for (const r of roots) visit(Requirement.parse(r));
  while (queue.length > 0) {
    const { name: project, extras } = queue.shift() as { name: string; extras: string[] };
    const releases = Object.values(byName.get(project)?.[1].versions ?? {});
    for (const release of releases)
      for (const text of release.requiresDist ?? []) {
        const req = Requirement.parse(text);
        const asked = req.marker.isTrue()
          ? []
          : [...req.marker.toString().matchAll(EXTRA)].map((m) => m[1] as string);
        const follow = asked.length === 0 ? extras.length === 0 : asked.some((e) => extras.includes(e));
        if (follow) visit(req);
      }
  }
  for (const [missingName, { lowest, extras }] of missing) {
    const release: ReleaseSpec = { requiresDist: [], sdist: false, extras: [...extras] };
    kept[missingName] = { versions: { [lowest.toString()]: release } };
  }
  return { universe: { name, packages: kept }, standIns: [...missing.keys()].sort() };
}
