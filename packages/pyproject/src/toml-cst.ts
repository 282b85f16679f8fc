/**
 * A TOML locator: where every table, key, value and array item sits in the source text.
 *
 * Standard: TOML 1.0 (plus what smol-toml accepts of 1.1: newlines and a trailing comma in inline
 * tables). smol-toml gives the values and rejects invalid documents; this layer runs only on text
 * smol-toml has accepted, so it can be a forgiving scanner rather than a second validator. It exists
 * because errors must name a line and column, and because edits splice text at exact offsets.
 *
 * Pitfalls:
 * - A key's absolute path depends on the section it sits in, and `[[a]]` sections index into an
 *   array: `[a.b]` after two `[[a]]` headers means `a[1].b`.
 * - Tables can be defined three ways (a header, dotted keys, an inline table) and implicitly by a
 *   sub-table header (`[tool.lockstep]` defines `tool`); edits must respect which one was used.
 * - Multi-line basic strings may end in up to two extra quotes (`""""x"""""`); `\r\n` is one newline.
 */

import { FileError } from "@lockstep/errors";
import type { Span } from "@lockstep/errors";
import { parse, TomlError } from "smol-toml";
import type { TomlTable } from "smol-toml";

export type KeyPath = readonly (string | number)[];

export type QuoteStyle = '"' | "'" | '"""' | "'''";

export interface TomlStringNode {
  kind: "string";
  span: Span;
  value: string;
  quote: QuoteStyle;
}
export interface TomlArrayNode {
  kind: "array";
  /** From `[` to just after `]`. */
  span: Span;
  items: TomlValueNode[];
}
export interface TomlInlineTableNode {
  kind: "inline-table";
  /** From `{` to just after `}`. */
  span: Span;
  entries: TomlEntry[];
}
export interface TomlScalarNode {
  kind: "scalar";
  span: Span;
  raw: string;
}
export type TomlValueNode = TomlStringNode | TomlArrayNode | TomlInlineTableNode | TomlScalarNode;

/** `a.b = value`: the keys as written (relative to the section or inline table) and the value. */
export interface TomlEntry {
  keys: string[];
  keySpans: Span[];
  /** From the first key's start to the value's end (trailing comment excluded). */
  span: Span;
  value: TomlValueNode;
}

export interface TomlHeader {
  keys: string[];
  span: Span;
  arrayOfTables: boolean;
}

/** A header and the entries under it; the root section has no header. */
export interface TomlSection {
  header: TomlHeader | undefined;
  /** Absolute path, array-of-tables indices resolved. */
  path: (string | number)[];
  entries: TomlEntry[];
  /** From the header's start (0 for the root) to the next header's start or the end of the text. */
  span: Span;
}

/** How a path came to exist in the document. */
export type Definition =
  | { kind: "header"; section: TomlSection }
  | { kind: "implicit-header"; section: TomlSection }
  | { kind: "dotted"; section: TomlSection; entry: TomlEntry; depth: number }
  | { kind: "inline"; entry: TomlEntry; depth: number; parent: TomlInlineTableNode }
  | { kind: "value"; section: TomlSection | undefined; entry: TomlEntry | undefined; node: TomlValueNode }
  | { kind: "item"; array: TomlArrayNode; index: number; node: TomlValueNode };

export interface Location {
  /** Where the key (or header, or array item) that introduced the path starts. */
  keySpan: Span;
  /** The value node, when the path is a value written in the text (not a header-defined table). */
  node: TomlValueNode | undefined;
  definition: Definition;
}

export interface TomlDocument {
  text: string;
  path: string;
  /** The decoded value (smol-toml). */
  value: TomlTable;
  sections: TomlSection[];
  /** The file's line ending, taken from its first newline. */
  eol: "\n" | "\r\n";
  locate(path: KeyPath): Location | undefined;
}

/** Parse TOML, wrapping syntax errors as `FileError` with line and column. */
export function parseTomlDocument(text: string, path: string): TomlDocument {
  let value: TomlTable;
  try {
    value = parse(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = (error.message.split("\n")[0] ?? "").replace(/^Invalid TOML document: /, "");
      throw new FileError(
        "toml-syntax",
        path,
        { line: error.line, column: error.column },
        `invalid TOML: ${reason}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  const sections = new Scanner(text).scan();
  const index = buildIndex(sections);
  const newline = text.indexOf("\n");
  return {
    text,
    path,
    value,
    sections,
    eol: newline > 0 && text[newline - 1] === "\r" ? "\r\n" : "\n",
    locate: (p) => index.get(pathKey(p)),
  };
}

export function pathKey(path: KeyPath): string {
  return JSON.stringify(path);
}

const BARE_KEY = /[A-Za-z0-9_-]/;

class Scanner {
  private pos = 0;
  constructor(private readonly text: string) {}

  scan(): TomlSection[] {
    const root: TomlSection = {
      header: undefined,
      path: [],
      entries: [],
      span: { start: 0, end: this.text.length },
    };
    const sections = [root];
    let current = root;
    const arrayCounts = new Map<string, number>();
    for (;;) {
      this.skipTrivia(true);
      if (this.pos >= this.text.length) break;
      if (this.text[this.pos] === "[") {
        const start = this.pos;
        const arrayOfTables = this.text[this.pos + 1] === "[";
        this.pos += arrayOfTables ? 2 : 1;
        const { keys } = this.keys();
        this.skipTrivia(false);
        this.pos += arrayOfTables ? 2 : 1;
        current.span.end = start;
        const header = { keys, span: { start, end: this.pos }, arrayOfTables };
        current = {
          header,
          path: resolveHeader(keys, arrayOfTables, arrayCounts),
          entries: [],
          span: { start, end: this.text.length },
        };
        sections.push(current);
      } else {
        current.entries.push(this.entry());
      }
    }
    return sections;
  }

  private entry(): TomlEntry {
    const start = this.pos;
    const { keys, spans } = this.keys();
    this.skipTrivia(false);
    this.pos++; // "="
    this.skipTrivia(false);
    const value = this.value();
    return { keys, keySpans: spans, span: { start, end: value.span.end }, value };
  }

  private keys(): { keys: string[]; spans: Span[] } {
    const keys: string[] = [];
    const spans: Span[] = [];
    for (;;) {
      this.skipTrivia(false);
      const start = this.pos;
      const ch = this.text[this.pos];
      if (ch === '"' || ch === "'") {
        keys.push(this.string().value);
      } else {
        while (this.pos < this.text.length && BARE_KEY.test(this.text[this.pos] ?? "")) this.pos++;
        keys.push(this.text.slice(start, this.pos));
      }
      spans.push({ start, end: this.pos });
      this.skipTrivia(false);
      if (this.text[this.pos] !== ".") return { keys, spans };
      this.pos++;
    }
  }

  private value(): TomlValueNode {
    const ch = this.text[this.pos];
    if (ch === '"' || ch === "'") return this.string();
    if (ch === "[") return this.array();
    if (ch === "{") return this.inlineTable();
    const start = this.pos;
    while (this.pos < this.text.length && !",]}#\r\n".includes(this.text[this.pos] ?? "")) this.pos++;
    let end = this.pos;
    while (end > start && (this.text[end - 1] === " " || this.text[end - 1] === "\t")) end--;
    this.pos = end;
    return { kind: "scalar", span: { start, end }, raw: this.text.slice(start, end) };
  }

  private array(): TomlArrayNode {
    const start = this.pos++;
    const items: TomlValueNode[] = [];
    for (;;) {
      this.skipTrivia(true);
      if (this.text[this.pos] === "]" || this.pos >= this.text.length) break;
      items.push(this.value());
      this.skipTrivia(true);
      if (this.text[this.pos] === ",") this.pos++;
    }
    this.pos++;
    return { kind: "array", span: { start, end: this.pos }, items };
  }

  private inlineTable(): TomlInlineTableNode {
    const start = this.pos++;
    const entries: TomlEntry[] = [];
    for (;;) {
      this.skipTrivia(true);
      if (this.text[this.pos] === "}" || this.pos >= this.text.length) break;
      entries.push(this.entry());
      this.skipTrivia(true);
      if (this.text[this.pos] === ",") this.pos++;
    }
    this.pos++;
    return { kind: "inline-table", span: { start, end: this.pos }, entries };
  }

  private string(): TomlStringNode {
    const start = this.pos;
    const q = this.text[this.pos] === '"' ? '"' : "'";
    const multi = this.text.startsWith(q.repeat(3), this.pos);
    const quote = (multi ? q.repeat(3) : q) as QuoteStyle;
    this.pos += quote.length;
    const contentStart = this.pos;
    let contentEnd: number;
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) {
        contentEnd = this.pos;
        break;
      }
      if (ch === "\\" && q === '"') {
        this.pos += 2;
        continue;
      }
      if (this.text.startsWith(quote, this.pos)) {
        let extra = 0;
        if (multi) while (extra < 2 && this.text[this.pos + 3 + extra] === q) extra++;
        contentEnd = this.pos + extra;
        this.pos += quote.length + extra;
        break;
      }
      this.pos++;
    }
    let raw = this.text.slice(contentStart, contentEnd);
    if (multi) raw = raw.replace(/^\r?\n/, "");
    const value = q === '"' ? decodeBasic(raw, multi) : raw;
    return { kind: "string", span: { start, end: this.pos }, value, quote };
  }

  /** Skip spaces, tabs and comments; with `newlines`, line ends too. */
  private skipTrivia(newlines: boolean): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === " " || ch === "\t") this.pos++;
      else if (ch === "#") while (this.pos < this.text.length && this.text[this.pos] !== "\n") this.pos++;
      else if (newlines && (ch === "\n" || ch === "\r")) this.pos++;
      else return;
    }
  }
}

const ESCAPES: Record<string, string> = {
  b: "\b",
  t: "\t",
  n: "\n",
  f: "\f",
  r: "\r",
  e: "\x1b",
  '"': '"',
  "\\": "\\",
};

function decodeBasic(raw: string, multi: boolean): string {
  // Most strings have no escape; building them char by char costs a lock file's worth of garbage.
  if (!raw.includes("\\")) return raw;
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] ?? "";
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = raw[i + 1] ?? "";
    if (multi && /[ \t\r\n]/.test(next)) {
      // A line-ending backslash swallows the newline and the whitespace after it.
      let j = i + 1;
      while (j < raw.length && /[ \t\r\n]/.test(raw[j] ?? "")) j++;
      i = j - 1;
    } else if (next === "u" || next === "U" || next === "x") {
      const width = next === "u" ? 4 : next === "U" ? 8 : 2;
      out += String.fromCodePoint(parseInt(raw.slice(i + 2, i + 2 + width), 16));
      i += 1 + width;
    } else {
      out += ESCAPES[next] ?? next;
      i++;
    }
  }
  return out;
}

function resolveHeader(
  keys: string[],
  arrayOfTables: boolean,
  counts: Map<string, number>,
): (string | number)[] {
  const path: (string | number)[] = [];
  keys.forEach((key, i) => {
    path.push(key);
    const k = pathKey(path);
    if (i === keys.length - 1) {
      if (arrayOfTables) {
        const n = counts.get(k) ?? 0;
        counts.set(k, n + 1);
        path.push(n);
      }
    } else {
      const n = counts.get(k);
      if (n !== undefined) path.push(n - 1);
    }
  });
  return path;
}

function buildIndex(sections: TomlSection[]): Map<string, Location> {
  const index = new Map<string, Location>();
  const record = (path: KeyPath, location: Location): void => {
    const k = pathKey(path);
    const existing = index.get(k);
    // An explicit header beats the implicit definition an earlier sub-table header gave.
    if (
      !existing ||
      (existing.definition.kind === "implicit-header" && location.definition.kind === "header")
    ) {
      index.set(k, location);
    }
  };
  const walkValue = (path: (string | number)[], node: TomlValueNode): void => {
    if (node.kind === "array") {
      node.items.forEach((item, i) => {
        record([...path, i], {
          keySpan: item.span,
          node: item,
          definition: { kind: "item", array: node, index: i, node: item },
        });
        walkValue([...path, i], item);
      });
    } else if (node.kind === "inline-table") {
      for (const entry of node.entries) walkEntry(path, entry, undefined, node);
    }
  };
  const walkEntry = (
    base: (string | number)[],
    entry: TomlEntry,
    section: TomlSection | undefined,
    parent: TomlInlineTableNode | undefined,
  ): void => {
    const path = [...base];
    entry.keys.forEach((key, depth) => {
      path.push(key);
      const keySpan = entry.keySpans[depth] ?? entry.span;
      if (depth < entry.keys.length - 1) {
        const definition: Definition = parent
          ? { kind: "inline", entry, depth, parent }
          : { kind: "dotted", section: section as TomlSection, entry, depth };
        record(path, { keySpan, node: undefined, definition });
      } else {
        record(path, {
          keySpan,
          node: entry.value,
          definition: { kind: "value", section, entry, node: entry.value },
        });
      }
    });
    walkValue(path, entry.value);
  };
  for (const section of sections) {
    if (section.header) {
      const { header } = section;
      const prefix: (string | number)[] = [];
      for (const segment of section.path) {
        prefix.push(segment);
        const last = prefix.length === section.path.length;
        record(prefix, {
          keySpan: header.span,
          node: undefined,
          definition: { kind: last ? "header" : "implicit-header", section },
        });
      }
    }
    for (const entry of section.entries) walkEntry(section.path, entry, section, undefined);
  }
  return index;
}
