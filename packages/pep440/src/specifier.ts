/**
 * PEP 440 version specifiers (https://peps.python.org/pep-0440/#version-specifiers): one clause
 * (`Specifier`) and comma-separated sets (`SpecifierSet`), matching pypa/packaging 23.0's `contains`.
 *
 * Pitfalls (all deliberate, all packaging's):
 * - `<V` rejects pre-releases of V's release unless V is one; `>V` rejects post-releases of V's release
 *   unless V is one, and every local version of V's release.
 * - `==V` ignores the candidate's local label unless V has one; `<=`/`>=` compare public versions.
 * - Wildcards compare normalized strings split on dots (packaging's `_version_split`), which gives odd
 *   answers with epochs (`==1!1.*` rejects 1!1rc1) and with an all-zero prefix (`==0.*` accepts 1!5).
 * - `~=` computes its prefix from the version *as written*, so `~=1.4.pre1.post1` keeps `pre1`.
 * - `===` is case-insensitive identity with the candidate's normalized string.
 * - A set drops duplicate clauses (by operator and canonical version) and keeps the first.
 * - Pre-releases: a set with no explicit choice accepts them only when a clause mentions one; an
 *   empty set then rejects them.
 */
import { ParseError } from "@lockstep/errors";
import {
  Version,
  isPySpace,
  SCAN_LOCAL,
  SCAN_WILDCARD,
  scan,
  scanned,
  skipSpace,
  trimEnd,
  unexpected,
  versionFromScan,
} from "./version";

export type Operator = "~=" | "==" | "!=" | "<=" | ">=" | "<" | ">" | "===";

// Order matters: it is the regex's alternation order ("==" before "===" is handled by lookahead).
const OPERATORS: readonly Operator[] = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];

export class Specifier {
  readonly operator: Operator;
  /** The version as written (trimmed), without a trailing `.*`. */
  readonly version: string;
  readonly wildcard: boolean;
  /** The parsed version; undefined only for `===` with a string that is not a version. */
  readonly parsed: Version | undefined;

  /** @internal use `Specifier.parse`. */
  constructor(operator: Operator, version: string, wildcard: boolean, parsed: Version | undefined) {
    this.operator = operator;
    this.version = version;
    this.wildcard = wildcard;
    this.parsed = parsed;
  }

  /** Parse one clause; throws ParseError `specifier-invalid`. Cached by text (clauses are immutable). */
  static parse(input: string): Specifier {
    let spec = parsedClauses.get(input);
    if (spec === undefined) {
      spec = parseClause(input, 0, input.length, input);
      if (parsedClauses.size >= 50_000) parsedClauses.clear();
      parsedClauses.set(input, spec);
    }
    return spec;
  }

  static tryParse(input: string): Specifier | undefined {
    try {
      return Specifier.parse(input);
    } catch {
      return undefined;
    }
  }

  /** Whether a clause admits pre-releases by default (packaging's `Specifier.prereleases`). */
  get prereleases(): boolean {
    if (this.operator === "!=" || this.operator === "<" || this.operator === ">") return false;
    // `===foo` raises InvalidVersion in packaging 23.0; we say "no" (docs/pep440.md).
    return this.parsed?.isPrerelease ?? false;
  }

  /** packaging's `Specifier.contains(v, prereleases)`. */
  contains(v: Version, prereleases?: boolean): boolean {
    const allow = prereleases ?? this.prereleases;
    if (v.isPrerelease && !allow) return false;
    return this.matches(v);
  }

  /** The comparison alone, as if pre-releases were allowed. */
  matches(v: Version): boolean {
    const spec = this.parsed;
    switch (this.operator) {
      case "===":
        return v.toString() === this.version.toLowerCase();
      case "==":
        return this.wildcard ? prefixMatch(v, this.version) : equalMatch(v, spec as Version);
      case "!=":
        return this.wildcard ? !prefixMatch(v, this.version) : !equalMatch(v, spec as Version);
      case "<=":
        return v.withoutLocal().compare(spec as Version) <= 0;
      case ">=":
        return v.withoutLocal().compare(spec as Version) >= 0;
      case "<": {
        const s = spec as Version;
        if (v.compare(s) >= 0) return false;
        return s.isPrerelease || !v.isPrerelease || !sameBase(v, s);
      }
      case ">": {
        const s = spec as Version;
        if (v.compare(s) <= 0) return false;
        if (!s.isPostrelease && v.isPostrelease && sameBase(v, s)) return false;
        return !(v.isLocal && sameBase(v, s));
      }
      case "~=": {
        const s = spec as Version;
        return v.withoutLocal().compare(s) >= 0 && prefixMatch(v, compatiblePrefix(this.version));
      }
    }
  }

  /**
   * Operator and canonical version, the identity packaging uses to deduplicate a set. The same as
   * canonicalizing the written text (a wildcard never parses as a version, so it stays as written),
   * taken from the already parsed version instead of parsing the text again.
   */
  get canonicalKey(): string {
    if (this.wildcard) return `${this.operator}${this.version}.*`;
    const v = this.parsed;
    return `${this.operator}${v === undefined ? this.version : canonicalize(v, this.operator !== "~=")}`;
  }

  toString(): string {
    return `${this.operator}${this.version}${this.wildcard ? ".*" : ""}`;
  }
}

export interface ContainsOptions {
  /** true: accept pre-releases; false: reject them; undefined: accept if a clause mentions one. */
  prereleases?: boolean | undefined;
}

export class SpecifierSet {
  readonly specifiers: readonly Specifier[];

  private constructor(specifiers: readonly Specifier[]) {
    this.specifiers = specifiers;
  }

  /**
   * Comma-separated clauses; empty clauses are ignored, so "" is the set that accepts everything.
   * Results are cached by text (sets are immutable): the same Requires-Python and requirement
   * ranges recur across the metadata of one resolution.
   */
  static parse(input: string): SpecifierSet {
    let set = parsedSets.get(input);
    if (set === undefined) {
      set = SpecifierSet.parseUncached(input);
      if (parsedSets.size >= 50_000) parsedSets.clear();
      parsedSets.set(input, set);
    }
    return set;
  }

  /** @internal A set of already parsed clauses, duplicates (by `canonicalKey`) dropped, first kept. */
  static of(clauses: readonly Specifier[]): SpecifierSet {
    if (clauses.length === 0) return SpecifierSet.parse("");
    if (clauses.length === 1) return new SpecifierSet(clauses);
    const specs: Specifier[] = [];
    const seen = new Set<string>();
    for (const s of clauses) {
      const key = s.canonicalKey;
      if (!seen.has(key)) {
        seen.add(key);
        specs.push(s);
      }
    }
    return new SpecifierSet(specs);
  }

  private static parseUncached(input: string): SpecifierSet {
    const specs: Specifier[] = [];
    const seen = new Set<string>();
    let start = 0;
    while (start <= input.length) {
      let end = input.indexOf(",", start);
      if (end < 0) end = input.length;
      const a = skipSpace(input, start);
      const b = Math.max(a, trimEnd(input, end));
      if (a < b) {
        const s = parseClause(input, a, b, input);
        const key = s.canonicalKey;
        if (!seen.has(key)) {
          seen.add(key);
          specs.push(s);
        }
      }
      start = end + 1;
    }
    return new SpecifierSet(specs);
  }

  static tryParse(input: string): SpecifierSet | undefined {
    try {
      return SpecifierSet.parse(input);
    } catch {
      return undefined;
    }
  }

  /** packaging's `SpecifierSet.prereleases` when it is not forced: does any clause mention one? */
  get mentionsPrerelease(): boolean {
    return this.specifiers.some((s) => s.prereleases);
  }

  /** packaging's `SpecifierSet.contains(v, prereleases)`. */
  contains(v: Version, opts?: ContainsOptions): boolean {
    const specs = this.specifiers;
    const allow = opts?.prereleases ?? (specs.length === 0 ? false : this.mentionsPrerelease);
    if (v.isPrerelease && !allow) return false;
    for (const s of specs) if (!s.contains(v, allow)) return false;
    return true;
  }

  toString(): string {
    return this.specifiers.join(",");
  }
}

const parsedSets = new Map<string, SpecifierSet>();
const parsedClauses = new Map<string, Specifier>();

// ---------------------------------------------------------------------------------------------
// Parsing one clause (packaging's Specifier._regex, written out).

function parseClause(input: string, from: number, to: number, whole: string): Specifier {
  const s = input.slice(0, to);
  const i = skipSpace(s, from);
  const err = (reason: string, start: number, end = start + 1) =>
    new ParseError("specifier-invalid", "specifier", whole, reason, { start, end });
  const op = OPERATORS.find((o) => s.startsWith(o, i));
  if (op === undefined)
    throw err(
      `expected an operator (one of ~=, ==, !=, <=, >=, <, >, ===)${i < s.length ? `, found ${JSON.stringify(s[i])}` : ""}`,
      i,
    );
  const vStart = skipSpace(s, i + op.length);
  const vEnd = trimEnd(s, s.length);
  if (op === "===") {
    const text = s.slice(vStart, Math.max(vStart, vEnd));
    let bad = -1;
    for (let k = 0; k < text.length && bad < 0; k++) {
      const c = text.charCodeAt(k);
      if (c === 59 || c === 41 || isPySpace(c)) bad = k;
    }
    if (bad >= 0) throw err(`${unexpected(text, bad)} in an arbitrary-equality version`, vStart + bad);
    return new Specifier("===", text, false, Version.tryParse(text));
  }
  const mode = op === "==" || op === "!=" ? SCAN_LOCAL | SCAN_WILDCARD : 0;
  const end = scan(s, vStart, mode);
  if (end < 0) throw err(scanned.reason, scanned.errorAt, scanned.errorEnd);
  const version = versionFromScan();
  const wildcard = scanned.wildcard;
  if (end < vEnd || skipSpace(s, end) < s.length) {
    if (s.charCodeAt(end) === 43) throw err(`local versions are not allowed with ${op}`, end);
    if (s.startsWith(".*", end))
      throw err(`wildcards are only allowed with == and !=, after the release`, end, end + 2);
    throw err(unexpected(s, end), end);
  }
  if (op === "~=" && version.release.length < 2)
    throw err("~= needs at least two release segments (like ~=1.4)", vStart, end);
  const text = s.slice(vStart, wildcard ? end - 2 : end);
  return new Specifier(op, text, wildcard, version);
}

// ---------------------------------------------------------------------------------------------
// packaging's string-level helpers, which `==X.*` and `~=` are defined through.

function sameBase(a: Version, b: Version): boolean {
  return a.epoch === b.epoch && a.base().compare(b.base()) === 0;
}

function equalMatch(v: Version, spec: Version): boolean {
  return (spec.isLocal ? v : v.withoutLocal()).compare(spec) === 0;
}

/** packaging's canonicalize_version: normalized string, optionally without trailing `.0`s. */
export function canonicalizeVersion(version: string, stripTrailingZero = true): string {
  const v = Version.tryParse(version);
  if (v === undefined) return version;
  return canonicalize(v, stripTrailingZero);
}

function canonicalize(v: Version, stripTrailingZero: boolean): string {
  let release = v.release.join(".");
  if (stripTrailingZero) release = release.replace(/(\.0)+$/u, "");
  let s = v.epoch !== 0 ? `${v.epoch}!${release}` : release;
  if (v.pre !== undefined) s += `${v.pre[0]}${v.pre[1]}`;
  if (v.post !== undefined) s += `.post${v.post}`;
  if (v.dev !== undefined) s += `.dev${v.dev}`;
  if (v.local !== undefined) s += `+${v.local.join(".")}`;
  return s;
}

/** Split on dots, and split "4rc1" into "4", "rc1" (packaging's `_version_split`). */
export function versionSplit(version: string): string[] {
  const out: string[] = [];
  for (const item of version.split(".")) {
    const m = /^([0-9]+)((?:a|b|c|rc)[0-9]+)$/u.exec(item);
    if (m) out.push(m[1] as string, m[2] as string);
    else out.push(item);
  }
  return out;
}

const isDigits = (s: string) => /^[0-9]+$/u.test(s);

/** `==prefix.*` with packaging 23.0's token comparison. */
function prefixMatch(v: Version, prefix: string): boolean {
  const spec = versionSplit(canonicalizeVersion(prefix, false));
  const cand = versionSplit(canonicalize(v.withoutLocal(), true));
  let specRelease = 0;
  while (specRelease < spec.length && isDigits(spec[specRelease] as string)) specRelease++;
  let candRelease = 0;
  while (candRelease < cand.length && isDigits(cand[candRelease] as string)) candRelease++;
  const padded = [
    ...cand.slice(0, candRelease),
    ...Array<string>(Math.max(0, specRelease - candRelease)).fill("0"),
    ...cand.slice(candRelease),
  ];
  if (padded.length < spec.length) return false;
  for (let i = 0; i < spec.length; i++) if (padded[i] !== spec[i]) return false;
  return true;
}

/** The prefix `~=V` requires, computed from V as written (packaging's `_compare_compatible`). */
export function compatiblePrefix(written: string): string {
  const items: string[] = [];
  for (const item of versionSplit(written)) {
    if (["dev", "a", "b", "rc", "post"].some((p) => item.startsWith(p))) break;
    items.push(item);
  }
  return items.slice(0, -1).join(".");
}
