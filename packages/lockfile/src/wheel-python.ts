/**
 * Whether a wheel's Python tags can match any interpreter in the lock's `requires-python` (PEP 425).
 *
 * The lock keeps every wheel some covered environment could use, and drops only wheels no Python in
 * range can install: `cp38-cp38-…` under `>=3.9`, `py2-none-any` under `>=3`. Pitfalls: `cp38-abi3`
 * and `py38` are minimums (3.8 and every later 3.x), not exact versions; `py3` is any 3.x; tags we
 * do not understand (other implementations, odd spellings) keep the wheel, since dropping a usable
 * wheel is worse than keeping a useless one.
 */
import { VersionSet } from "@lockstep/pep440";
import type { WheelFilename } from "@lockstep/wheel";

const rangeCache = new Map<string, VersionSet>();

function range(spec: string): VersionSet {
  let set = rangeCache.get(spec);
  if (!set) {
    set = VersionSet.parse(spec);
    rangeCache.set(spec, set);
  }
  return set;
}

function tagFits(pythonTag: string, abiTag: string, requiresPython: VersionSet): boolean {
  const m = /^(py|cp|pp)(\d)(\d*)$/.exec(pythonTag.toLowerCase());
  if (!m) return true;
  const [, impl, majorText, minorText] = m as unknown as [string, string, string, string];
  const major = Number(majorText);
  if (minorText === "") return !requiresPython.isDisjoint(range(`>=${major},<${major + 1}`));
  const minor = Number(minorText);
  const minimum = impl === "py" || abiTag.toLowerCase() === "abi3";
  const spec = minimum ? `>=${major}.${minor},<${major + 1}` : `>=${major}.${minor},<${major}.${minor + 1}`;
  return !requiresPython.isDisjoint(range(spec));
}

/** True when some interpreter allowed by `requiresPython` could match one of the wheel's tags. */
export function wheelFitsRequiresPython(
  wheel: WheelFilename,
  requiresPython: VersionSet | undefined,
): boolean {
  if (!requiresPython) return true;
  return wheel.pythonTags.some((py) => wheel.abiTags.some((abi) => tagFits(py, abi, requiresPython)));
}
