/**
 * A character cursor shared by the requirement and marker parsers (PEP 508's grammar is small
 * enough that a context-sensitive scanner is clearer than a separate token stream).
 *
 * Pitfalls: PEP 508 whitespace is only space and tab; keywords (`and`, `or`, `in`, `not`,
 * variable names) need word boundaries on both sides, so `python_version=='3'andos_name...` is an
 * error, as it is in pypa/packaging. Spans are offsets into the whole input, so a marker error
 * inside a requirement underlines the right place of the requirement.
 */

/** Throws a parse error for `[start, end)` of the input; never returns. */
export type Fail = (reason: string, start: number, end?: number) => never;

export class Cursor {
  pos = 0;

  constructor(
    readonly input: string,
    readonly fail: Fail,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.input.length;
  }

  peek(): string {
    return this.input.charAt(this.pos);
  }

  /** Skips PEP 508 whitespace (space, tab); reports whether any was skipped. */
  skipWs(): boolean {
    const start = this.pos;
    while (this.pos < this.input.length) {
      const c = this.input.charCodeAt(this.pos);
      if (c !== 32 && c !== 9) break;
      this.pos++;
    }
    return this.pos > start;
  }

  /** Consumes `text` if it is next. */
  eat(text: string): boolean {
    if (this.input.startsWith(text, this.pos)) {
      this.pos += text.length;
      return true;
    }
    return false;
  }

  /** Matches a sticky regex at the cursor and consumes the match. */
  match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.input);
    if (m === null) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** Like `match`, without consuming. */
  test(re: RegExp): boolean {
    re.lastIndex = this.pos;
    return re.test(this.input);
  }
}
