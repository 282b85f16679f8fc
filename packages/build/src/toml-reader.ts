/**
 * A small TOML 1.0 reader that remembers where every value sits, so that `[build-system]` errors can
 * name a line. It reads the whole document (a `[build-system]` line inside another table's
 * multi-line string must not be taken for a header) but checks only what reading needs: it is not a
 * validator, and `@lockstep/pyproject` remains the place where pyproject.toml is checked in full.
 *
 * Pitfalls: a table can be defined by a header, by dotted keys (`build-system.requires = […]`) or
 * inline (`build-system = { … }`); arrays may span lines, with comments and a trailing comma;
 * multi-line basic strings may end with up to two extra quotes; a newline right after the opening
 * `"""` is not part of the string; `\r\n` counts as one newline.
 */

import { FileError, lineColumn } from "@lockstep/errors";

/** A date or time value, kept as written: nothing in `[build-system]` uses one. */
export class TomlDateTime {
  constructor(readonly text: string) {}
}

export type TomlValue = string | number | boolean | TomlDateTime | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export interface TomlRead {
  value: TomlTable;
  /** Offset of each value, by its key path joined with NUL (array items by index). */
  offsets: Map<string, number>;
}

export function pathKey(path: readonly (string | number)[]): string {
  return path.join("\0");
}

const BARE = /[A-Za-z0-9_-]/;
const ESCAPES: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };

export function readToml(text: string, file: string): TomlRead {
  let pos = 0;
  const offsets = new Map<string, number>();
  const root: TomlTable = {};
  let current = root;
  let currentPath: (string | number)[] = [];

  const fail = (message: string, at = pos): never => {
    throw new FileError("toml-invalid", file, lineColumn(text, at), `Invalid TOML: ${message}`);
  };
  const skipSpace = (): void => {
    while (pos < text.length && (text[pos] === " " || text[pos] === "\t")) pos++;
  };
  const skipComment = (): void => {
    if (text[pos] === "#") while (pos < text.length && text[pos] !== "\n") pos++;
  };
  /** Whitespace, newlines and comments, as allowed inside arrays. */
  const skipAll = (): void => {
    for (;;) {
      skipSpace();
      skipComment();
      if (text[pos] === "\n" || text[pos] === "\r") pos++;
      else return;
    }
  };
  const endOfLine = (): void => {
    skipSpace();
    skipComment();
    if (pos < text.length && text[pos] !== "\n" && !text.startsWith("\r\n", pos))
      fail("expected the end of the line");
  };

  function basicString(): string {
    const multi = text.startsWith('"""', pos);
    pos += multi ? 3 : 1;
    if (multi && text[pos] === "\n") pos++;
    else if (multi && text.startsWith("\r\n", pos)) pos += 2;
    let out = "";
    for (;;) {
      if (pos >= text.length) fail("unterminated string");
      const ch = text[pos] as string;
      if (multi && text.startsWith('"""', pos)) {
        let extra = 0;
        while (extra < 2 && text[pos + 3 + extra] === '"') extra++;
        out += '"'.repeat(extra);
        pos += 3 + extra;
        return out;
      }
      if (!multi && ch === '"') {
        pos++;
        return out;
      }
      if (!multi && ch === "\n") fail("newline in a single-line string");
      if (ch === "\\") {
        const next = text[pos + 1] ?? "";
        if (multi && /[ \t\r\n]/.test(next)) {
          // A line-ending backslash trims the newline and the whitespace after it.
          let p = pos + 1;
          while (/[ \t]/.test(text[p] ?? "")) p++;
          if (text[p] === "\n" || text[p] === "\r") {
            while (/[ \t\r\n]/.test(text[p] ?? "")) p++;
            pos = p;
            continue;
          }
        }
        if (next === "u" || next === "U") {
          const len = next === "u" ? 4 : 8;
          const hex = text.slice(pos + 2, pos + 2 + len);
          if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) fail("invalid unicode escape");
          out += String.fromCodePoint(parseInt(hex, 16));
          pos += 2 + len;
          continue;
        }
        const escaped = ESCAPES[next];
        if (escaped === undefined) fail(`invalid escape "\\${next}"`);
        out += escaped;
        pos += 2;
        continue;
      }
      out += ch;
      pos++;
    }
  }

  function literalString(): string {
    const multi = text.startsWith("'''", pos);
    pos += multi ? 3 : 1;
    if (multi && text[pos] === "\n") pos++;
    else if (multi && text.startsWith("\r\n", pos)) pos += 2;
    const close = multi ? "'''" : "'";
    const end = text.indexOf(close, pos);
    if (end < 0) fail("unterminated string");
    let stop = end;
    if (multi) while (stop - end < 2 && text[stop + 3] === "'") stop++;
    const value = text.slice(pos, stop);
    if (!multi && value.includes("\n")) fail("newline in a single-line string");
    pos = stop + close.length;
    return value;
  }

  function key(): string[] {
    const parts: string[] = [];
    for (;;) {
      skipSpace();
      const ch = text[pos];
      if (ch === '"') parts.push(basicString());
      else if (ch === "'") parts.push(literalString());
      else {
        const start = pos;
        while (pos < text.length && BARE.test(text[pos] as string)) pos++;
        if (pos === start) fail("expected a key");
        parts.push(text.slice(start, pos));
      }
      skipSpace();
      if (text[pos] !== ".") return parts;
      pos++;
    }
  }

  function value(path: (string | number)[]): TomlValue {
    offsets.set(pathKey(path), pos);
    const ch = text[pos];
    if (ch === '"') return basicString();
    if (ch === "'") return literalString();
    if (ch === "[") {
      pos++;
      const items: TomlValue[] = [];
      for (;;) {
        skipAll();
        if (text[pos] === "]") break;
        items.push(value([...path, items.length]));
        skipAll();
        if (text[pos] === ",") pos++;
        else if (text[pos] !== "]") fail("expected `,` or `]` in an array");
      }
      pos++;
      return items;
    }
    if (ch === "{") {
      pos++;
      const table: TomlTable = {};
      skipAll();
      if (text[pos] === "}") {
        pos++;
        return table;
      }
      for (;;) {
        skipAll();
        keyValue(table, path);
        skipAll();
        if (text[pos] === "}") break;
        if (text[pos] !== ",") fail("expected `,` or `}` in an inline table");
        pos++;
      }
      pos++;
      return table;
    }
    const m =
      /^(?:\d{4}-\d\d-\d\d(?:[Tt ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:[Zz]|[+-]\d\d:\d\d)?)?|\d\d:\d\d:\d\d(?:\.\d+)?)/.exec(
        text.slice(pos, pos + 40),
      );
    if (m) {
      pos += m[0].length;
      return new TomlDateTime(m[0]);
    }
    const token = /^[A-Za-z0-9_.+-]+/.exec(text.slice(pos, pos + 200))?.[0] ?? "";
    pos += token.length;
    if (token === "true") return true;
    if (token === "false") return false;
    const digits = token.replace(/_/g, "");
    if (/^[+-]?(inf|nan)$/.test(digits))
      return digits.includes("nan") ? NaN : digits.startsWith("-") ? -Infinity : Infinity;
    if (/^0x[0-9a-fA-F]+$|^0o[0-7]+$|^0b[01]+$/.test(digits)) return Number(digits);
    if (digits !== "" && !Number.isNaN(Number(digits))) return Number(digits);
    return fail(`unexpected value ${JSON.stringify(token || (ch ?? ""))}`, pos - token.length);
  }

  function keyValue(table: TomlTable, base: (string | number)[]): void {
    const keyAt = pos;
    const parts = key();
    let target = table;
    for (const part of parts.slice(0, -1)) target = descend(target, part, keyAt);
    const last = parts.at(-1) as string;
    if (Object.hasOwn(target, last)) fail(`duplicate key ${JSON.stringify(parts.join("."))}`, keyAt);
    skipSpace();
    if (text[pos] !== "=") fail("expected `=` after a key");
    pos++;
    skipSpace();
    target[last] = value([...base, ...parts]);
  }

  function descend(table: TomlTable, part: string, at: number): TomlTable {
    const existing = table[part];
    if (existing === undefined) {
      const created: TomlTable = {};
      table[part] = created;
      return created;
    }
    if (Array.isArray(existing)) {
      const last = existing.at(-1);
      if (isTable(last)) return last;
    }
    if (isTable(existing)) return existing;
    return fail(`key ${JSON.stringify(part)} is not a table`, at);
  }

  while (pos < text.length) {
    skipAll();
    if (pos >= text.length) break;
    if (text[pos] === "[") {
      const at = pos;
      const array = text[pos + 1] === "[";
      pos += array ? 2 : 1;
      const parts = key();
      if (!text.startsWith(array ? "]]" : "]", pos)) fail("expected `]` to close the table header");
      pos += array ? 2 : 1;
      endOfLine();
      let target = root;
      for (const part of parts.slice(0, -1)) target = descend(target, part, at);
      const last = parts.at(-1) as string;
      currentPath = [...parts];
      if (array) {
        const list = (target[last] ??= []);
        if (!Array.isArray(list))
          fail(`key ${JSON.stringify(parts.join("."))} is not an array of tables`, at);
        const table: TomlTable = {};
        (list as TomlValue[]).push(table);
        currentPath.push((list as TomlValue[]).length - 1);
        current = table;
      } else {
        current = descend(target, last, at);
        offsets.set(pathKey(currentPath), at);
      }
      continue;
    }
    keyValue(current, currentPath);
    endOfLine();
  }
  return { value: root, offsets };
}

export function isTable(value: TomlValue | undefined): value is TomlTable {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof TomlDateTime)
  );
}
