/**
 * PEP 440 version sets as PubGrub's `VersionSetOps`: the only place the generic core learns how
 * Python versions compare and combine. Every operation delegates to `@lockstep/pep440`'s
 * `VersionSet` (unions of intervals), whose results are cached there.
 */
import type { Version } from "@lockstep/pep440";
import { VersionSet } from "@lockstep/pep440";
import type { VersionSetOps } from "../pubgrub";

export const pythonVersionSets: VersionSetOps<Version, VersionSet> = {
  empty: () => VersionSet.empty(),
  full: () => VersionSet.full(),
  singleton: (v) => VersionSet.exact(v),
  intersect: (a, b) => a.intersect(b),
  union: (a, b) => a.union(b),
  complement: (a) => a.complement(),
  contains: (s, v) => s.contains(v),
  isEmpty: (s) => s.isEmpty(),
  equals: (a, b) => a.equals(b),
  isSubset: (a, b) => a.isSubsetOf(b),
  isDisjoint: (a, b) => a.isDisjoint(b),
  isFull: (s) => s.isFull(),
  format: (s) => s.toString(),
  versionKey: (v) => v.toString(),
};
