/**
 * PEP 440 versions (https://peps.python.org/pep-0440/): parsing, normalization and ordering, exactly as
 * pypa/packaging 23.0 does them.
 *
 * Pitfalls:
 * - Ordering ignores trailing zeros (1.0 == 1.0.0) but `release` and `toString()` keep them as written.
 * - 1.0.dev0 sorts before 1.0a0; 1.0.post1.dev0 sits between 1.0.post0 and 1.0.post1.
 * - Local labels compare segment by segment: numbers above strings, strings lexicographically, and a
 *   label after any label it extends (1.0+a < 1.0+a.1 < 1.0+1).
 * - Separators, case, a leading "v" and surrounding whitespace (Python's definition) are accepted.
 * - Every number must fit a JS integer (<= 2^53-1); packaging accepts any size, we reject (as uv does).
 * - The hot path compares two packed numbers; anything that does not fit (epochs, 5+ segments, big
 *   numbers) falls back to the full comparison.
 * - Two marker forms exist only as bounds for version sets (ranges.ts): `p+∞` sorts after every local
 *   version of p, `B.post∞` after every version whose release is B. They never come out of `parse`.
 */
import { ParseError } from "@lockstep/errors";

export type PreLabel = "a" | "b" | "rc";

const MARK_NONE = 0;
const MARK_LOCAL_MAX = 1;
const MARK_BASE_MAX = 2;

const PRE_LABELS: readonly PreLabel[] = ["a", "b", "rc"];
const TWO53 = 2 ** 53;

/** Components of a version, for `Version.from`. */
export interface VersionParts {
  epoch?: number;
  release: readonly number[];
  pre?: readonly [PreLabel, number] | undefined;
  post?: number | undefined;
  dev?: number | undefined;
  local?: readonly (string | number)[] | undefined;
}

export class Version {
  readonly epoch: number;
  readonly release: readonly number[];
  readonly pre: readonly [PreLabel, number] | undefined;
  readonly post: number | undefined;
  readonly dev: number | undefined;
  readonly local: readonly (string | number)[] | undefined;
  /** @internal packed release (>= 0) or -1 when the version does not pack. */
  readonly _k1: number;
  /** @internal packed pre/post/dev. */
  readonly _k2: number;
  /** @internal 0 no local, 1 local, 2 local-max marker. */
  readonly _lrank: number;
  /** @internal marker kind (MARK_*). */
  readonly _marker: number;
  private _str: string | undefined;
  /**
   * @internal Derived versions, built on first use and kept (versions are immutable): version sets
   * ask for the same `withoutLocal`, `base` and `localMax` of one bound over and over.
   */
  _noLocal: Version | undefined;
  /** @internal */
  _base: Version | undefined;
  /** @internal */
  _localMax: Version | undefined;

  /** @internal use `Version.parse` or `Version.from`. */
  constructor(parts: VersionParts, marker = MARK_NONE) {
    this.epoch = parts.epoch ?? 0;
    this.release = parts.release;
    this.pre = parts.pre;
    this.post = parts.post;
    this.dev = parts.dev;
    this.local = parts.local !== undefined && parts.local.length > 0 ? parts.local : undefined;
    this._marker = marker;
    this._lrank = marker === MARK_LOCAL_MAX ? 2 : this.local === undefined ? 0 : 1;
    const k1 = this.epoch === 0 ? packRelease(this.release) : -1;
    const k2 = k1 < 0 ? -1 : marker === MARK_BASE_MAX ? TWO53 : packSuffix(this.pre, this.post, this.dev);
    this._k1 = k2 < 0 ? -1 : k1;
    this._k2 = k2;
  }

  /** Parse a version; throws ParseError `version-invalid`. Results are cached. */
  static parse(input: string): Version {
    const cached = cache.get(input);
    if (cached !== undefined) return cached;
    const v = parseVersionUncached(input);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(input, v);
    return v;
  }

  static tryParse(input: string): Version | undefined {
    const cached = cache.get(input);
    if (cached !== undefined) return cached;
    const end = scan(input, skipSpace(input, 0), SCAN_LOCAL);
    if (end < 0 || skipSpace(input, end) !== input.length) return undefined;
    return Version.parse(input);
  }

  /** Build a version from its parts (numbers must be non-negative safe integers). */
  static from(parts: VersionParts): Version {
    return new Version({ ...parts, release: parts.release.length === 0 ? [0] : parts.release });
  }

  get isPrerelease(): boolean {
    return this.pre !== undefined || this.dev !== undefined;
  }
  get isDevrelease(): boolean {
    return this.dev !== undefined;
  }
  get isPostrelease(): boolean {
    return this.post !== undefined;
  }
  get isLocal(): boolean {
    return this.local !== undefined;
  }
  get major(): number {
    return this.release[0] ?? 0;
  }
  get minor(): number {
    return this.release[1] ?? 0;
  }
  get micro(): number {
    return this.release[2] ?? 0;
  }

  withoutLocal(): Version {
    if (this.local === undefined && this._marker === MARK_NONE) return this;
    return (this._noLocal ??= new Version({
      epoch: this.epoch,
      release: this.release,
      pre: this.pre,
      post: this.post,
      dev: this.dev,
    }));
  }

  /** The release alone (epoch and release, no pre/post/dev/local), as packaging's `base_version`. */
  base(): Version {
    if (
      this.pre === undefined &&
      this.post === undefined &&
      this.dev === undefined &&
      this.local === undefined &&
      this._marker === MARK_NONE
    )
      return this;
    return (this._base ??= new Version({ epoch: this.epoch, release: this.release }));
  }

  compare(other: Version): number {
    return compareVersions(this, other);
  }

  equals(other: Version): boolean {
    return compareVersions(this, other) === 0;
  }

  toString(): string {
    if (this._str !== undefined) return this._str;
    let s = this.epoch !== 0 ? `${this.epoch}!${this.release.join(".")}` : this.release.join(".");
    if (this._marker === MARK_BASE_MAX) return (this._str = `${s}.post∞`);
    if (this.pre !== undefined) s += `${this.pre[0]}${this.pre[1]}`;
    if (this.post !== undefined) s += `.post${this.post}`;
    if (this.dev !== undefined) s += `.dev${this.dev}`;
    if (this._marker === MARK_LOCAL_MAX) s += "+∞";
    else if (this.local !== undefined) s += `+${this.local.join(".")}`;
    return (this._str = s);
  }
}

// ---------------------------------------------------------------------------------------------
// Markers (bounds for version sets; see ranges.ts)

/** The point just after every local version of the public version `p` (printed `p+∞`). */
export function localMax(p: Version): Version {
  return (p._localMax ??= new Version(
    { epoch: p.epoch, release: p.release, pre: p.pre, post: p.post, dev: p.dev },
    MARK_LOCAL_MAX,
  ));
}

/** The point just after every version whose epoch and release are those of `v` (printed `B.post∞`). */
export function baseMax(v: Version): Version {
  return new Version({ epoch: v.epoch, release: v.release }, MARK_BASE_MAX);
}

export function isMarker(v: Version): boolean {
  return v._marker !== MARK_NONE;
}

export function isLocalMax(v: Version): boolean {
  return v._marker === MARK_LOCAL_MAX;
}

export function isBaseMax(v: Version): boolean {
  return v._marker === MARK_BASE_MAX;
}

// ---------------------------------------------------------------------------------------------
// Comparison

/** Total order of PEP 440 (and of the markers above). */
export function compareVersions(a: Version, b: Version): number {
  if (a === b) return 0;
  const a1 = a._k1;
  const b1 = b._k1;
  if (a1 >= 0 && b1 >= 0) {
    if (a1 !== b1) return a1 < b1 ? -1 : 1;
    const a2 = a._k2;
    const b2 = b._k2;
    if (a2 !== b2) return a2 < b2 ? -1 : 1;
    if (a._lrank === 0 && b._lrank === 0) return 0;
    return compareLocalPart(a, b);
  }
  return compareSlow(a, b);
}

function compareSlow(a: Version, b: Version): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const c = compareRelease(a.release, b.release);
  if (c !== 0) return c;
  const am = a._marker === MARK_BASE_MAX;
  const bm = b._marker === MARK_BASE_MAX;
  if (am || bm) return am === bm ? 0 : am ? 1 : -1;
  const ak = suffixKind(a);
  const bk = suffixKind(b);
  if (ak !== bk) return ak < bk ? -1 : 1;
  if (a.pre !== undefined && b.pre !== undefined && a.pre[1] !== b.pre[1])
    return a.pre[1] < b.pre[1] ? -1 : 1;
  const ap = a.post ?? -1;
  const bp = b.post ?? -1;
  if (ap !== bp) return ap < bp ? -1 : 1;
  const ad = a.dev ?? Infinity;
  const bd = b.dev ?? Infinity;
  if (ad !== bd) return ad < bd ? -1 : 1;
  return compareLocalPart(a, b);
}

/** Release comparison ignoring trailing zeros. */
export function compareRelease(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** 0 dev-only, 1 a, 2 b, 3 rc, 4 no pre (packaging's NegativeInfinity / pre tuple / Infinity). */
function suffixKind(v: Version): number {
  if (v.pre !== undefined) return v.pre[0] === "a" ? 1 : v.pre[0] === "b" ? 2 : 3;
  return v.post === undefined && v.dev !== undefined ? 0 : 4;
}

function compareLocalPart(a: Version, b: Version): number {
  if (a._lrank !== b._lrank) return a._lrank < b._lrank ? -1 : 1;
  if (a._lrank !== 1) return 0;
  return compareLocal(a.local as readonly (string | number)[], b.local as readonly (string | number)[]);
}

function compareLocal(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    const xn = typeof x === "number";
    const yn = typeof y === "number";
    if (xn !== yn) return xn ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

// Packing: release into 21+12+12+8 bits, suffix into 3+14+17+19 bits; both exact doubles.
function packRelease(r: readonly number[]): number {
  const r0 = r[0] ?? 0;
  const r1 = r[1] ?? 0;
  const r2 = r[2] ?? 0;
  const r3 = r[3] ?? 0;
  if (r0 >= 2097152 || r1 >= 4096 || r2 >= 4096 || r3 >= 256) return -1;
  for (let i = 4; i < r.length; i++) if (r[i] !== 0) return -1;
  return ((r0 * 4096 + r1) * 4096 + r2) * 256 + r3;
}

function packSuffix(
  pre: readonly [PreLabel, number] | undefined,
  post: number | undefined,
  dev: number | undefined,
) {
  let kind = 4;
  let preN = 0;
  if (pre !== undefined) {
    kind = pre[0] === "a" ? 1 : pre[0] === "b" ? 2 : 3;
    preN = pre[1];
    if (preN >= 16384) return -1;
  } else if (post === undefined && dev !== undefined) kind = 0;
  if (post !== undefined && post >= 131071) return -1;
  if (dev !== undefined && dev >= 524287) return -1;
  const postK = post === undefined ? 0 : post + 1;
  const devK = dev === undefined ? 524287 : dev;
  return ((kind * 16384 + preN) * 131072 + postK) * 524288 + devK;
}

// ---------------------------------------------------------------------------------------------
// Parsing: a hand-written scanner equivalent to packaging's VERSION_PATTERN (re.VERBOSE | re.I).

const cache = new Map<string, Version>();
const CACHE_LIMIT = 200_000;

/** @internal Scanner mode bits, shared with the specifier parser. */
export const SCAN_LOCAL = 1;
export const SCAN_WILDCARD = 2;

/** @internal The scanner's outputs (module scratch: the scanner is synchronous and not re-entrant). */
export const scanned = {
  epoch: 0,
  release: [] as number[],
  pre: undefined as [PreLabel, number] | undefined,
  post: undefined as number | undefined,
  dev: undefined as number | undefined,
  local: undefined as (string | number)[] | undefined,
  wildcard: false,
  errorAt: 0,
  errorEnd: 0,
  reason: "",
};

/** Python's str.isspace, which is what `\s` and `str.strip()` use. */
export function isPySpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    c === 32 ||
    (c >= 0x1c && c <= 0x1f) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

export function skipSpace(s: string, i: number): number {
  while (i < s.length && isPySpace(s.charCodeAt(i))) i++;
  return i;
}

/** Index after trailing Python whitespace is removed. */
export function trimEnd(s: string, end: number): number {
  while (end > 0 && isPySpace(s.charCodeAt(end - 1))) end--;
  return end;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function isSep(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c === 45 || c === 46 || c === 95; // - . _
}

function lower(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function isAlnum(s: string, i: number): boolean {
  const c = lower(s, i);
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122);
}

function word(s: string, i: number, w: string): boolean {
  if (i + w.length > s.length) return false;
  for (let k = 0; k < w.length; k++) if (lower(s, i + k) !== w.charCodeAt(k)) return false;
  return true;
}

// Longest label first; equivalent to the regex's alternation with backtracking (see docs/pep440.md).
const PRE_WORDS: readonly [string, PreLabel][] = [
  ["preview", "rc"],
  ["alpha", "a"],
  ["beta", "b"],
  ["pre", "rc"],
  ["rc", "rc"],
  ["a", "a"],
  ["b", "b"],
  ["c", "rc"],
];
const POST_WORDS = ["post", "rev", "r"];
const NO_WORDS: readonly [string, PreLabel][] = [];
const NO_POST_WORDS: readonly string[] = [];

let numEnd = 0;
/** Read digits at i (at least one present); sets numEnd; returns -1 when above 2^53-1. */
function readNum(s: string, i: number): number {
  let n = 0;
  while (isDigit(s, i)) n = n * 10 + (s.charCodeAt(i++) - 48);
  numEnd = i;
  return n > Number.MAX_SAFE_INTEGER ? -1 : n;
}

function fail(at: number, reason: string, end = at + 1): number {
  scanned.errorAt = at;
  scanned.errorEnd = end;
  scanned.reason = reason;
  return -1;
}

function num(s: string, i: number): number {
  const start = i;
  const n = readNum(s, i);
  if (n < 0) fail(start, `number ${s.slice(start, numEnd)} is too large (above 2^53-1)`, numEnd);
  return n;
}

/**
 * Scan one version starting at `i`; fills `scanned` and returns the index after it, or -1 (error in
 * `scanned`). Stops at the first character that cannot continue the version.
 */
export function scan(s: string, i: number, mode: number): number {
  const out = scanned;
  out.epoch = 0;
  out.pre = undefined;
  out.post = undefined;
  out.dev = undefined;
  out.local = undefined;
  out.wildcard = false;
  if (lower(s, i) === 118) i++; // v
  if (!isDigit(s, i))
    return fail(i, i >= s.length ? "expected a version number, found the end" : "expected a version number");
  let n = num(s, i);
  if (n < 0) return -1;
  i = numEnd;
  if (s.charCodeAt(i) === 33) {
    // !
    out.epoch = n;
    i++;
    if (!isDigit(s, i)) return fail(i, "expected a release number after the epoch");
    n = num(s, i);
    if (n < 0) return -1;
    i = numEnd;
  }
  const release = [n];
  while (s.charCodeAt(i) === 46 && isDigit(s, i + 1)) {
    n = num(s, i + 1);
    if (n < 0) return -1;
    release.push(n);
    i = numEnd;
  }
  out.release = release;
  if (mode & SCAN_WILDCARD && s.charCodeAt(i) === 46 && s.charCodeAt(i + 1) === 42) {
    out.wildcard = true;
    return i + 2;
  }
  // pre-release: [-_.]? label [-_.]? digits?
  let j = isSep(s, i) ? i + 1 : i;
  // Every pre-release word starts with a, b, c, p or r: most versions stop here.
  const pc = lower(s, j);
  const mayPre = pc === 97 || pc === 98 || pc === 99 || pc === 112 || pc === 114;
  for (const [w, label] of mayPre ? PRE_WORDS : NO_WORDS) {
    if (!word(s, j, w)) continue;
    i = j + w.length;
    if (isSep(s, i)) i++;
    let pn = 0;
    if (isDigit(s, i)) {
      pn = num(s, i);
      if (pn < 0) return -1;
      i = numEnd;
    }
    out.pre = [label, pn];
    break;
  }
  // post-release: -N | [-_.]? (post|rev|r) [-_.]? digits?
  if (s.charCodeAt(i) === 45 && isDigit(s, i + 1)) {
    const pn = num(s, i + 1);
    if (pn < 0) return -1;
    out.post = pn;
    i = numEnd;
  } else {
    j = isSep(s, i) ? i + 1 : i;
    const qc = lower(s, j);
    for (const w of qc === 112 || qc === 114 ? POST_WORDS : NO_POST_WORDS) {
      if (!word(s, j, w)) continue;
      i = j + w.length;
      if (isSep(s, i)) i++;
      let pn = 0;
      if (isDigit(s, i)) {
        pn = num(s, i);
        if (pn < 0) return -1;
        i = numEnd;
      }
      out.post = pn;
      break;
    }
  }
  // dev-release: [-_.]? dev [-_.]? digits?
  j = isSep(s, i) ? i + 1 : i;
  if (word(s, j, "dev")) {
    i = j + 3;
    if (isSep(s, i)) i++;
    let dn = 0;
    if (isDigit(s, i)) {
      dn = num(s, i);
      if (dn < 0) return -1;
      i = numEnd;
    }
    out.dev = dn;
  }
  // local: + [a-z0-9]+ ([-_.][a-z0-9]+)*
  if (mode & SCAN_LOCAL && s.charCodeAt(i) === 43) {
    i++;
    if (!isAlnum(s, i)) return fail(i, 'expected a local version label after "+"');
    const local: (string | number)[] = [];
    for (;;) {
      const start = i;
      let digits = true;
      while (isAlnum(s, i)) {
        if (!isDigit(s, i)) digits = false;
        i++;
      }
      if (digits) {
        const ln = num(s, start);
        if (ln < 0) return -1;
        local.push(ln);
      } else local.push(s.slice(start, i).toLowerCase());
      if (isSep(s, i) && isAlnum(s, i + 1)) i++;
      else break;
    }
    out.local = local;
  }
  return i;
}

export function versionFromScan(): Version {
  const o = scanned;
  return new Version({
    epoch: o.epoch,
    release: o.release,
    pre: o.pre,
    post: o.post,
    dev: o.dev,
    local: o.local,
  });
}

/** Describe the character that stopped a scan. */
export function unexpected(s: string, i: number): string {
  const ch = String.fromCodePoint(s.codePointAt(i) ?? 0);
  return `unexpected character ${JSON.stringify(ch)}`;
}

/** Parse without the cache (benchmarks, and callers that parse each string once). */
export function parseVersionUncached(input: string): Version {
  const start = skipSpace(input, 0);
  const end = scan(input, start, SCAN_LOCAL);
  if (end < 0) {
    throw new ParseError("version-invalid", "version", input, scanned.reason, {
      start: scanned.errorAt,
      end: scanned.errorEnd,
    });
  }
  if (skipSpace(input, end) !== input.length)
    throw new ParseError("version-invalid", "version", input, unexpected(input, end), {
      start: end,
      end: end + 1,
    });
  return versionFromScan();
}

export { PRE_LABELS };
