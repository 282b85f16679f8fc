/**
 * A small version-set implementation for tests and benchmarks: versions are non-negative
 * integers, sets are unions of half-open integer intervals stored as a sorted boundary list
 * `[start0, end0, start1, end1, …]` (the last end may be `Infinity`).
 *
 * `semver("1.2.3")` packs a version as 1_002_003 (each part below 1000) so the dart pub scenarios
 * can be written as they were published, with `^1.0.0`-style ranges; `format` prints them back.
 */

import type { VersionSetOps } from "../src/pubgrub/version-set";

export type Ranges = readonly number[];

const EMPTY: Ranges = Object.freeze([]);
const FULL: Ranges = Object.freeze([0, Infinity]);

/** Combine two boundary lists with a boolean operator on membership. */
function combine(a: Ranges, b: Ranges, op: (inA: boolean, inB: boolean) => boolean): Ranges {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  let inA = false;
  let inB = false;
  let inOut = false;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (j < b.length ? Math.min(a[i]!, b[j]!) : a[i]!) : b[j]!;
    if (i < a.length && a[i] === x) {
      inA = !inA;
      i++;
    }
    if (j < b.length && b[j] === x) {
      inB = !inB;
      j++;
    }
    const next = op(inA, inB);
    if (next !== inOut) {
      out.push(x);
      inOut = next;
    }
  }
  return out;
}

export function range(lo: number, hi: number): Ranges {
  return lo < hi ? [lo, hi] : EMPTY;
}

export function semver(text: string): number {
  const parts = text.split(".").map(Number);
  const [major = 0, minor = 0, patch = 0] = parts;
  if (parts.some((n) => !Number.isInteger(n) || n < 0 || n >= 1000)) throw new Error(`bad version ${text}`);
  return major * 1_000_000 + minor * 1_000 + patch;
}

export function formatSemver(v: number): string {
  return `${Math.floor(v / 1_000_000)}.${Math.floor(v / 1_000) % 1_000}.${v % 1_000}`;
}

/** The next version that `^v` excludes: next major, or next minor for 0.x. */
function caretEnd(v: number): number {
  return v >= 1_000_000 ? (Math.floor(v / 1_000_000) + 1) * 1_000_000 : (Math.floor(v / 1_000) + 1) * 1_000;
}

/**
 * Parse a constraint: `any`, `1.0.0` (exact), `^1.0.0`, `>=1.0.0`, `<2.0.0`, `>=1.0.0 <2.0.0`.
 * With `plain` versions are bare integers (`>=3 <5`, `2`).
 */
export function parseRange(text: string, plain = false): Ranges {
  const v = (s: string) => (plain ? Number(s) : semver(s));
  let set = FULL;
  for (const part of text.trim().split(/\s+/)) {
    let piece: Ranges;
    if (part === "any" || part === "*") piece = FULL;
    else if (part.startsWith("^")) piece = range(v(part.slice(1)), caretEnd(v(part.slice(1))));
    else if (part.startsWith(">=")) piece = range(v(part.slice(2)), Infinity);
    else if (part.startsWith("<")) piece = range(0, v(part.slice(1)));
    else piece = range(v(part), v(part) + 1);
    set = combine(set, piece, (x, y) => x && y);
  }
  return set;
}

function formatInterval(lo: number, hi: number, show: (v: number) => string, plain: boolean): string {
  if (hi === lo + 1) return show(lo);
  if (lo === 0 && hi === Infinity) return "any";
  if (lo === 0) return `<${show(hi)}`;
  if (hi === Infinity) return `>=${show(lo)}`;
  if (!plain && caretEnd(lo) === hi) return `^${show(lo)}`;
  return `>=${show(lo)} <${show(hi)}`;
}

export function formatRanges(s: Ranges, plain = false): string {
  if (s.length === 0) return "∅";
  const show = plain ? String : formatSemver;
  const parts: string[] = [];
  for (let i = 0; i < s.length; i += 2) parts.push(formatInterval(s[i]!, s[i + 1]!, show, plain));
  return parts.join(" || ");
}

function equals(a: Ranges, b: Ranges): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Version-set operations over integer ranges; `plain` prints bare integers instead of semver. */
export function rangesOps(plain = false): VersionSetOps<number, Ranges> {
  return {
    empty: () => EMPTY,
    full: () => FULL,
    singleton: (v) => [v, v + 1],
    intersect: (a, b) => combine(a, b, (x, y) => x && y),
    union: (a, b) => combine(a, b, (x, y) => x || y),
    complement: (a) => combine(a, FULL, (x, y) => !x && y),
    contains: (s, v) => {
      // Binary search for the number of boundaries ≤ v: odd means inside an interval.
      let lo = 0;
      let hi = s.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (s[mid]! <= v) lo = mid + 1;
        else hi = mid;
      }
      return (lo & 1) === 1;
    },
    isEmpty: (s) => s.length === 0,
    isFull: (s) => s.length === 2 && s[0] === 0 && s[1] === Infinity,
    equals,
    isSubset: (a, b) => combine(a, b, (x, y) => x && !y).length === 0,
    isDisjoint: (a, b) => combine(a, b, (x, y) => x && y).length === 0,
    format: (s) => formatRanges(s, plain),
    versionKey: (v) => v,
  };
}
