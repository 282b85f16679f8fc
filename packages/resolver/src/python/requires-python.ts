/**
 * Requires-Python in a universal resolution.
 *
 * The project's `requires-python` is the range of interpreters the lock serves. A version is usable
 * only if its own Requires-Python admits the *lowest* Python of that range (uv's rule: upper bounds
 * such as `<4` are ignored, because they would otherwise exclude nearly everything). Inside a fork
 * whose marker narrows Python (`python_version >= '3.10'`), the lowest Python of the fork is used.
 * A version's own Requires-Python becomes a set of Python versions with its upper bounds dropped.
 * A requirement whose marker raises the lowest Python (`x; python_version >= '3.10'`) splits the
 * fork there when the version chosen for it needs that Python (pythonFloorSplit, provider.ts).
 */
import { Marker } from "@lockstep/pep508";
import type { SpecifierSet } from "@lockstep/pep440";
import { Version, VersionSet } from "@lockstep/pep440";

const pointMarkers = new Map<string, Marker>();

function pointMarker(v: string): Marker {
  let m = pointMarkers.get(v);
  if (!m) {
    m = Marker.parse(`python_full_version == '${v}'`);
    pointMarkers.set(v, m);
  }
  return m;
}

/** `requires-python` as a marker over `python_full_version`. */
export function requiresPythonMarker(spec: SpecifierSet | undefined): Marker {
  if (!spec) return Marker.TRUE;
  let m = Marker.TRUE;
  for (const s of spec.specifiers) {
    const op = s.operator === "===" ? "==" : s.operator;
    const text = s.wildcard ? `${s.version}.*` : s.version;
    m = m.and(Marker.parse(`python_full_version ${op} '${text}'`));
  }
  return m;
}

/** The lowest Python version a (fork) marker admits, searching minor releases up from `floor`. */
export function lowestPython(marker: Marker, floor: Version): Version | undefined {
  const candidates: string[] = [floor.toString()];
  for (let minor = floor.minor + 1; minor <= 40; minor++) candidates.push(`${floor.major}.${minor}.0`);
  if (floor.major < 3) for (let minor = 0; minor <= 40; minor++) candidates.push(`3.${minor}.0`);
  for (const c of candidates) {
    if (!marker.isDisjoint(pointMarker(c))) return Version.parse(c);
  }
  return undefined;
}

/** The lowest version a specifier set admits, for the common `>=X` forms (else 0). */
export function lowerBoundOf(spec: SpecifierSet | undefined): Version {
  let best = Version.parse("0");
  for (const s of spec?.specifiers ?? []) {
    if (
      (s.operator === ">=" || s.operator === "==" || s.operator === "~=" || s.operator === ">") &&
      !s.wildcard
    ) {
      const v = Version.parse(s.version);
      if (v.compare(best) > 0) best = v;
    } else if (s.operator === "==" && s.wildcard) {
      const v = Version.parse(s.version);
      if (v.compare(best) > 0) best = v;
    }
  }
  return best;
}

const lowerBoundCache = new WeakMap<SpecifierSet, VersionSet>();
/**
 * A Requires-Python with its upper bounds dropped (`<`, `<=`; `~=X.Y` becomes `>=X.Y`), as uv
 * does: upper bounds on Python are almost always guesses, and honouring them rejects packages
 * that work. Lower bounds, exclusions and exact pins are kept. Works on the parsed set (never its
 * text), cached per set: candidates and metadata share their parsed sets.
 */
export function pythonLowerBounds(spec: SpecifierSet): VersionSet {
  let set = lowerBoundCache.get(spec);
  if (!set) {
    set = VersionSet.full();
    for (const s of spec.specifiers) {
      if (s.operator === "<" || s.operator === "<=") continue;
      // `~=X.Y` keeps only its lower bound: the set `>=X.Y` (VersionSet.parse caches it).
      set = set.intersect(
        s.operator === "~=" ? VersionSet.parse(`>=${s.version}`) : VersionSet.fromSpecifier(s),
      );
    }
    lowerBoundCache.set(spec, set);
  }
  return set;
}

/**
 * Per-requirement Python narrowing: an edge whose marker raises the lowest Python within the fork
 * (`native-ext>=2; python_version >= '3.10'` in a `>=3.9` fork) may need versions that do not run
 * on the fork's lowest Python. The answer is the higher floor and the marker to split the fork on
 * (`python_full_version >= '3.10'`); `undefined` when the marker does not raise the floor. The
 * caller splits only when the version it would choose needs it, so locks fork no more than needed.
 */
export function pythonFloorSplit(
  fork: Marker,
  marker: Marker,
  forkFloor: Version,
  projectFloor: Version,
): { floor: Version; split: Marker } | undefined {
  if (marker.isTrue()) return undefined;
  if (!marker.mentionsPythonVersion() || fork.implies(marker)) return undefined;
  const raised = lowestPython(fork.and(marker), projectFloor);
  if (!raised || raised.compare(forkFloor) <= 0) return undefined;
  // `python_version >= '3.10'`, not `python_full_version >= '3.10.0'`: the complement of the
  // latter still admits 3.10.0rc1, which a `python_version >= '3.10'` edge also admits, so the
  // lower part would not be free of the edge.
  const split =
    raised.micro === 0
      ? `python_version >= '${raised.major}.${raised.minor}'`
      : `python_full_version >= '${raised.toString()}'`;
  return { floor: raised, split: Marker.parse(split) };
}
