/**
 * Small text helpers for format-preserving edits: lines, indentation, quoting.
 *
 * Pitfalls: a line ends before `\r\n`, not inside it; a TOML literal string (`'...'`) cannot hold a
 * `'`, so quoting falls back to a basic string; keys are bare only when made of `A-Za-z0-9_-`.
 */

import type { QuoteStyle } from "./toml-cst";

/** Offset of the first character of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** Offset of the line end (before `\r\n` or `\n`, or the text's end) of the line holding `offset`. */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  if (nl === -1) return text.length;
  return text[nl - 1] === "\r" ? nl - 1 : nl;
}

/** Offset just after the line break ending the line holding `offset` (or the text's end). */
export function nextLineStart(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl + 1;
}

/** The spaces and tabs that open the line holding `offset`. */
export function indentationAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? "";
}

/** Whether two offsets are on the same line. */
export function sameLine(text: string, a: number, b: number): boolean {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return !text.slice(lo, hi).includes("\n");
}

/**
 * Move back from a line start over the comment lines directly above it (no blank line between),
 * so that an insertion lands above a comment that introduces the next line.
 */
export function attachedStart(text: string, start: number): number {
  let result = start;
  while (result > 0) {
    const prev = lineStart(text, result - 1);
    if (!/^[ \t]*#/.test(text.slice(prev, result))) break;
    result = prev;
  }
  return result;
}

/** A TOML string literal for `value`, in `preferred` style when it can hold the value. */
export function quoteString(value: string, preferred: QuoteStyle = '"'): string {
  if (preferred.startsWith("'") && !/['\r\n]/.test(value)) return `'${value}'`;
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A TOML key: bare when it can be, quoted otherwise. */
export function formatKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : quoteString(key);
}

/** Apply non-overlapping splices to `text`; inserts at one offset land in the order given. */
export function splice(text: string, edits: { start: number; end: number; insert: string }[]): string {
  let out = text;
  const ordered = edits
    .map((edit, i) => ({ edit, i }))
    .sort((a, b) => b.edit.start - a.edit.start || b.i - a.i);
  for (const { edit } of ordered) {
    out = out.slice(0, edit.start) + edit.insert + out.slice(edit.end);
  }
  return out;
}
