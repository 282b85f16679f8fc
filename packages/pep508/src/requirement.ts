/**
 * PEP 508 dependency specifiers: `name [extras] (specifiers | @ url) ; marker`.
 *
 * Grammar (the form pypa/packaging 23 accepts):
 *   requirement = WS? name WS? extras? WS? details END
 *   extras      = '[' WS? (name (WS? ',' WS? name)*)? WS? ']'
 *   details     = '@' WS? URL ((WS (';' marker)?)?)            ; URL = [^ \t]+
 *               | ('(' WS? specs WS? ')' | specs) WS? (';' marker WS?)?
 *   specs       = (spec (WS? ',' WS? spec)* ','?)?          ; a trailing comma is tolerated
 * Pitfalls: after a URL a `;` only starts a marker when preceded by whitespace (the URL itself
 * may contain `;`). Legacy `name (>=1.0)` is accepted. Non-file URLs need a scheme and a host;
 * `file:` URLs must be written `file://...`. Extras are PEP 685-normalized, sorted, unique.
 */

import { ParseError } from "@lockstep/errors";
import { Specifier, SpecifierSet } from "@lockstep/pep440";
import { Cursor } from "./cursor";
import { Marker, parseMarkerAt } from "./marker";
import { canonicalizeName } from "./names";

const NAME = /[a-zA-Z0-9][a-zA-Z0-9._-]*/y;
const OPERATOR = /===|==|~=|!=|<=|>=|<|>/y;
const SPEC_VERSION = /\s*[^\s,;()[\]]*/y;
const ARBITRARY_VERSION = /\s*[^\s;)]*/y;
const URL = /[^ \t]+/y;

const parsedRequirements = new Map<string, Requirement>();

const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** A name ends at a word boundary (as packaging's `\b...\b`), so `foo-` is `foo` followed by `-`. */
function matchName(cur: Cursor): string | undefined {
  const start = cur.pos;
  const m = cur.match(NAME);
  if (m === undefined) return undefined;
  let end = start + m.length;
  while (end > start && isWord(cur.input[end - 1]) === isWord(cur.input[end])) end--;
  if (end === start) {
    cur.pos = start;
    return undefined;
  }
  cur.pos = end;
  return cur.input.slice(start, end);
}

function urlProblem(url: string): string | undefined {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  if (scheme === null) return "expected a URL with a scheme, like `https://` or `file://`";
  // `git+file:///srv/repo` (pip's VCS form) is a file URL too: no host.
  const lower = scheme[1]!.toLowerCase();
  if (lower === "file" || lower.endsWith("+file")) {
    if (!url.slice(scheme[0].length).startsWith("//") || /[?#]$/.test(url))
      return "a file URL must be written `file://...`";
    return undefined;
  }
  const rest = url.slice(scheme[0].length);
  if (!rest.startsWith("//") || /^\/\/[/?#]|^\/\/$/.test(rest)) return "expected a host after the URL scheme";
  return undefined;
}

export class Requirement {
  private constructor(
    readonly name: string,
    readonly canonicalName: string,
    /** PEP 685-normalized, sorted, unique. */
    readonly extras: readonly string[],
    /** Empty when the requirement has none. */
    readonly specifier: SpecifierSet,
    readonly url: string | undefined,
    /** `Marker.TRUE` when absent. */
    readonly marker: Marker,
  ) {}

  /**
   * Parses a PEP 508 requirement. Throws ParseError `requirement-invalid` with the bad span.
   * Results are cached by text (requirements are immutable): the same lines recur across the
   * metadata of the versions and packages one resolution reads.
   */
  static parse(input: string): Requirement {
    let r = parsedRequirements.get(input);
    if (r === undefined) {
      r = Requirement.parseUncached(input);
      if (parsedRequirements.size >= 20_000) parsedRequirements.clear();
      parsedRequirements.set(input, r);
    }
    return r;
  }

  private static parseUncached(input: string): Requirement {
    const cur = new Cursor(input, (reason, start, end = start + 1) => {
      throw new ParseError("requirement-invalid", "requirement", input, reason, { start, end });
    });
    cur.skipWs();
    const name = matchName(cur);
    if (name === undefined) cur.fail("Expected a package name at the start of the requirement", cur.pos);
    cur.skipWs();
    const extras = new Set<string>();
    const bracket = cur.pos;
    if (cur.eat("[")) {
      cur.skipWs();
      let extra = matchName(cur);
      while (extra !== undefined) {
        extras.add(canonicalizeName(extra));
        cur.skipWs();
        if (!cur.eat(",")) {
          const at = cur.pos;
          if (matchName(cur) !== undefined) cur.fail("Expected a comma between extra names", at);
          break;
        }
        cur.skipWs();
        extra = matchName(cur);
        if (extra === undefined) cur.fail("Expected an extra name after the comma", cur.pos);
      }
      cur.skipWs();
      if (!cur.eat("]"))
        cur.fail("Expected a closing `]` for this `[`, or a valid extra name", bracket, cur.pos + 1);
      cur.skipWs();
    }

    let url: string | undefined;
    const specs: Specifier[] = [];
    let marker = Marker.TRUE;
    let hasMarker = false;
    if (cur.eat("@")) {
      cur.skipWs();
      const urlStart = cur.pos;
      url = cur.match(URL);
      if (url === undefined) return cur.fail("Expected a URL after `@`", cur.pos);
      const problem = urlProblem(url);
      if (problem !== undefined) cur.fail(`Invalid URL \`${url}\`: ${problem}`, urlStart, cur.pos);
      if (cur.skipWs() && cur.eat(";")) {
        marker = parseMarkerAt(cur);
        hasMarker = true;
        cur.skipWs();
      }
    } else {
      const open = cur.pos;
      const parenthesised = cur.eat("(");
      cur.skipWs();
      while (true) {
        const start = cur.pos;
        const op = cur.match(OPERATOR);
        if (op === undefined) break;
        // `===` takes anything up to whitespace, `;` or `)`, commas included (as packaging does).
        const version = cur.match(op === "===" ? ARBITRARY_VERSION : SPEC_VERSION)!;
        if (version.trim() === "") cur.fail(`Expected a version after \`${op}\``, start, cur.pos + 1);
        for (const text of (op + version).split(",")) {
          if (text.trim() === "") continue;
          specs.push(
            Specifier.tryParse(text) ??
              cur.fail(`\`${text}\` is not a valid version specifier`, start, cur.pos),
          );
        }
        cur.skipWs();
        if (!cur.eat(",")) break;
        cur.skipWs();
      }
      if (parenthesised) {
        cur.skipWs();
        if (!cur.eat(")"))
          cur.fail("Expected a closing `)` for this `(`, or a valid version specifier", open, cur.pos + 1);
      }
      cur.skipWs();
      if (cur.eat(";")) {
        marker = parseMarkerAt(cur);
        hasMarker = true;
        cur.skipWs();
      }
    }
    if (!cur.atEnd() && hasMarker) {
      cur.fail("Expected `and`, `or` or the end of the marker", cur.pos, input.length);
    }
    if (!cur.atEnd()) {
      const after = url !== undefined ? "the URL" : specs.length > 0 ? "the version specifier" : "the name";
      const expected = url !== undefined ? "whitespace and `;` or the end" : "`;` or the end";
      cur.fail(`Expected ${expected} after ${after}`, cur.pos, input.length);
    }
    return new Requirement(
      name!,
      canonicalizeName(name!),
      [...extras].sort(),
      SpecifierSet.of(specs),
      url,
      marker,
    );
  }

  /** `name[extras]specifiers; marker` or `name[extras] @ url ; marker`, extras normalized and sorted. */
  toString(): string {
    let s = this.name;
    if (this.extras.length > 0) s += `[${this.extras.join(",")}]`;
    if (this.url !== undefined) {
      s += ` @ ${this.url}`;
      if (!this.marker.isTrue()) s += ` ; ${this.marker.toString()}`;
      return s;
    }
    s += this.specifier.toString();
    if (!this.marker.isTrue()) s += `; ${this.marker.toString()}`;
    return s;
  }
}
