/**
 * The error base every lockstep package throws.
 *
 * Errors are part of the product: each carries a stable `code` (for tests and scripts), an optional
 * `hint` (what the user can do about it) and an optional `cause`. Parse errors also carry the input
 * and the span that is wrong, and render it with a `^^^` underline; file errors carry path, line and
 * column so that editors can jump to them.
 */

export interface LockstepErrorOptions {
  hint?: string | undefined;
  cause?: unknown;
}

export class LockstepError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: LockstepErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  /** The message followed by the hint, as the CLI prints it. */
  render(): string {
    return this.hint ? `${this.message}\n  hint: ${this.hint}` : this.message;
  }
}

/** A half-open span [start, end) of character offsets into a parsed input. */
export interface Span {
  start: number;
  end: number;
}

/** Render `input` with a caret underline under `span`, e.g. for `1.0.0a` at [5,6). */
export function underline(input: string, span: Span): string {
  const start = Math.max(0, Math.min(span.start, input.length));
  const end = Math.max(start + 1, Math.min(span.end, input.length + 1));
  return `${input}\n${" ".repeat(start)}${"^".repeat(end - start)}`;
}

/**
 * An error in a string the user or an index gave us. `what` names the kind of thing
 * ("version", "specifier", "requirement", "marker", "wheel filename"), `reason` says why.
 * Message: `Failed to parse version "1.0.x": expected a number\n1.0.x\n    ^`.
 */
export class ParseError extends LockstepError {
  readonly input: string;
  readonly span: Span;
  readonly reason: string;

  constructor(
    code: string,
    what: string,
    input: string,
    reason: string,
    span: Span,
    options: LockstepErrorOptions = {},
  ) {
    super(
      code,
      `Failed to parse ${what} ${JSON.stringify(input)}: ${reason}\n${underline(input, span)}`,
      options,
    );
    this.input = input;
    this.span = span;
    this.reason = reason;
  }
}

/** An error located in a file: `pyproject.toml:12:5: <message>`. Line and column are 1-based. */
export class FileError extends LockstepError {
  readonly path: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    code: string,
    path: string,
    position: { line?: number | undefined; column?: number | undefined },
    message: string,
    options: LockstepErrorOptions = {},
  ) {
    const where =
      position.line === undefined
        ? path
        : position.column === undefined
          ? `${path}:${position.line}`
          : `${path}:${position.line}:${position.column}`;
    super(code, `${where}: ${message}`, options);
    this.path = path;
    this.line = position.line;
    this.column = position.column;
  }
}

/** Where in a file a problem is: a line, or a line and column (1-based); undefined when unknown. */
export type FilePosition = number | { line?: number | undefined; column?: number | undefined } | undefined;

export interface FileProblemOptions {
  /** Overrides the collector's code for this problem. */
  code?: string | undefined;
  hint?: string | undefined;
}

/**
 * Every problem found in one file, gathered so that a user fixing the file sees all of them in one
 * run (as pypa/installer validates), then raised once. How the list is raised is the caller's: a
 * lock file and a pyproject.toml word their summaries differently.
 */
export class FileProblems {
  readonly list: FileError[] = [];

  constructor(
    readonly path: string,
    /** The code of every problem that does not name its own. */
    readonly code: string,
  ) {}

  add(position: FilePosition, message: string, options: FileProblemOptions = {}): void {
    const where = typeof position === "number" ? { line: position } : (position ?? {});
    this.list.push(
      new FileError(options.code ?? this.code, this.path, where, message, { hint: options.hint }),
    );
  }

  /** Throws `raise(problems)` when any problem was found. */
  throwIfAny(raise: (problems: readonly FileError[]) => Error): void {
    if (this.list.length > 0) throw raise(this.list);
  }
}

/** 1-based line and column of a character offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
