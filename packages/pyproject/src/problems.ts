/**
 * Collecting validation problems with their positions, then raising them once.
 *
 * A user fixing a pyproject.toml wants every problem in one run, each as `path:line:column: message`.
 * Positions come from the TOML locator: a problem is reported at a key, a value, or a character
 * inside a string value. Pitfall: an offset inside a string only maps to a column when the string
 * has no escapes (the decoded and written forms line up); otherwise the string's start is used.
 */

import { FileError, FileProblems, lineColumn } from "@lockstep/errors";
import { TomlDate } from "smol-toml";
import { closest } from "./suggest";
import type { KeyPath, TomlDocument } from "./toml-cst";

/** Every problem found in one file; the message lists them all, one per line. */
export class PyprojectError extends FileError {
  readonly problems: readonly FileError[];

  constructor(problems: readonly FileError[]) {
    const first = problems[0] as FileError;
    const rest = problems.slice(1).map((p) => `\n${p.message}`);
    const where =
      first.line === undefined
        ? first.path
        : first.column === undefined
          ? `${first.path}:${first.line}`
          : `${first.path}:${first.line}:${first.column}`;
    const head = first.message.slice(where.length + 2);
    super(first.code, first.path, { line: first.line, column: first.column }, head + rest.join(""), {
      hint: first.hint,
    });
    this.problems = problems;
  }
}

export interface ProblemOptions {
  /** Point at the key (default: the value). */
  at?: "key" | "value";
  /** A character offset inside the string value. */
  inString?: number;
  hint?: string;
}

export type TomlValue = unknown;

/** The shared collector (`FileProblems`), with positions taken from the TOML locator. */
export class Problems extends FileProblems {
  constructor(readonly doc: TomlDocument) {
    super(doc.path, "invalid-pyproject");
  }

  position(
    path: KeyPath,
    options: ProblemOptions = {},
  ): { line: number; column: number } | Record<string, never> {
    for (let n = path.length; n > 0; n--) {
      const loc = this.doc.locate(path.slice(0, n));
      if (!loc) continue;
      let offset =
        options.at === "key" || n < path.length || !loc.node ? loc.keySpan.start : loc.node.span.start;
      const node = loc.node;
      if (options.inString !== undefined && n === path.length && node?.kind === "string") {
        const q = node.quote.length;
        const written = this.doc.text.slice(node.span.start + q, node.span.end - q);
        if (written === node.value) offset = node.span.start + q + options.inString;
      }
      return lineColumn(this.doc.text, offset);
    }
    return {};
  }

  /** A problem at the key or value `path` names. */
  report(code: string, path: KeyPath, message: string, options: ProblemOptions = {}): void {
    this.add(this.position(path, options), message, { code, hint: options.hint });
  }

  /** One problem is thrown as itself; several as one `PyprojectError` listing them all. */
  raise(): void {
    this.throwIfAny((list) => (list.length === 1 ? (list[0] as FileError) : new PyprojectError(list)));
  }

  /** Report keys of `table` not in `known`, suggesting the closest known key. */
  unknownKeys(
    path: KeyPath,
    table: Record<string, unknown>,
    known: readonly string[],
    hints: Record<string, string> = {},
  ): void {
    const where = describeTable(path);
    for (const key of Object.keys(table)) {
      if (known.includes(key)) continue;
      const suggestion = closest(key, known);
      const hint = hints[key] ?? `expected one of: ${known.join(", ")}`;
      const mean = suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : "";
      this.report("unknown-key", [...path, key], `unknown key ${JSON.stringify(key)} in ${where}${mean}`, {
        at: "key",
        hint,
      });
    }
  }

  /** Check a value's type, reporting `expected <what>, found <type>`; returns whether it matched. */
  expect<T>(path: KeyPath, value: unknown, what: string, test: (v: unknown) => v is T): value is T {
    if (test(value)) return true;
    this.report(
      "invalid-type",
      path,
      `expected ${describePath(path)} to be ${what}, found ${typeName(value)}`,
    );
    return false;
  }

  table(path: KeyPath, value: unknown): Record<string, unknown> | undefined {
    return this.expect(path, value, "a table", isTable) ? value : undefined;
  }

  string(path: KeyPath, value: unknown): string | undefined {
    return this.expect(path, value, "a string", isString) ? value : undefined;
  }

  boolean(path: KeyPath, value: unknown): boolean | undefined {
    return this.expect(path, value, "a boolean", isBoolean) ? value : undefined;
  }

  /** An array of strings; items of another type are reported one by one and left out. */
  stringArray(path: KeyPath, value: unknown): string[] | undefined {
    if (!this.expect(path, value, "an array of strings", Array.isArray)) return undefined;
    const out: string[] = [];
    value.forEach((item, i) => {
      if (this.expect([...path, i], item, "a string", isString)) out.push(item);
    });
    return out;
  }

  /** A table whose values are all strings (`[project.scripts]`, `[project.urls]`). */
  stringTable(path: KeyPath, value: unknown): Record<string, string> | undefined {
    const table = this.table(path, value);
    if (!table) return undefined;
    const out: Record<string, string> = {};
    for (const [key, item] of Object.entries(table)) {
      const s = this.string([...path, key], item);
      if (s !== undefined) out[key] = s;
    }
    return out;
  }
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof TomlDate);
}
export function isString(value: unknown): value is string {
  return typeof value === "string";
}
export function isBoolean(value: unknown): value is boolean {
  return typeof value === "boolean";
}

export function typeName(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "boolean") return `the boolean ${value}`;
  if (typeof value === "number" || typeof value === "bigint") {
    return Number.isInteger(value) || typeof value === "bigint"
      ? `the integer ${value}`
      : `the float ${value}`;
  }
  if (value instanceof TomlDate) return "a date-time";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "nothing";
  return "a table";
}

/** `project.dependencies[2]`, `tool.lockstep.sources."my pkg"`: how messages name a place in the file. */
export function describePath(path: KeyPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += `${out ? "." : ""}${/^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment)}`;
  }
  return out;
}

/** `[tool.lockstep]` for a table reached by keys only, else the dotted path. */
export function describeTable(path: KeyPath): string {
  const dotted = describePath(path);
  return path.every((segment) => typeof segment === "string") ? `[${dotted}]` : dotted;
}
