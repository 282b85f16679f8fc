/**
 * One marker comparison evaluated the way pypa/packaging 23 does: if `op + right` is a valid PEP 440
 * specifier, the left side is tested for membership (pre-releases allowed); otherwise Python's
 * string operators apply (`in` is substring). `extra` values are PEP 685-normalized first.
 *
 * Used for the comparisons the algebra keeps opaque. Pitfalls: where packaging raises (the tested
 * side is not a version, or `~=`/`===` with no string fallback) this returns false.
 */

import { Specifier, Version } from "@lockstep/pep440";
import { canonicalizeName } from "./names";
import type { MarkerOperator } from "./marker-expr";

export function evaluateComparison(
  left: string,
  op: MarkerOperator,
  right: string,
  isExtra: boolean,
): boolean {
  if (isExtra) {
    left = canonicalizeName(left);
    right = canonicalizeName(right);
  }
  if (op !== "in" && op !== "not in") {
    let spec: Specifier | undefined;
    try {
      spec = Specifier.parse(op + right);
    } catch {
      spec = undefined;
    }
    if (spec !== undefined) {
      const v = Version.tryParse(left);
      return v !== undefined && v !== null && spec.contains(v, true);
    }
  }
  switch (op) {
    case "in":
      return right.includes(left);
    case "not in":
      return !right.includes(left);
    case "<":
      return left < right;
    case "<=":
      return left <= right;
    case "==":
      return left === right;
    case "!=":
      return left !== right;
    case ">=":
      return left >= right;
    case ">":
      return left > right;
    default:
      return false;
  }
}
