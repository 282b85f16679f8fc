/**
 * Errors of a build. Every failure names what was being built (package and source), and, when a
 * hook ran, which hook and the tail of the backend's stderr: that tail is usually the only useful
 * part of a failed build's output.
 */

import { LockstepError } from "@lockstep/errors";
import type { LockstepErrorOptions } from "@lockstep/errors";

/** How many trailing stderr lines a build error quotes. */
export const STDERR_TAIL_LINES = 20;

export class BuildError extends LockstepError {
  /** The hook that failed, when one ran. */
  readonly hook: string | undefined;
  /** The backend's whole output, for `--verbose` rendering and logs. */
  readonly stdout: string;
  readonly stderr: string;

  constructor(
    code: string,
    message: string,
    detail: { hook?: string; stdout?: string; stderr?: string } = {},
    options: LockstepErrorOptions = {},
  ) {
    super(code, message, options);
    this.hook = detail.hook;
    this.stdout = detail.stdout ?? "";
    this.stderr = detail.stderr ?? "";
  }
}

/** The last `count` non-blank-trailing lines of `text`. */
export function tailLines(text: string, count = STDERR_TAIL_LINES): string[] {
  const lines = text.replace(/\r\n/g, "\n").replace(/\s+$/, "").split("\n");
  if (lines.length === 1 && lines[0] === "") return [];
  return lines.slice(-count);
}

/** `message`, then the quoted tail of stderr (or of stdout when stderr is empty). */
export function withOutputTail(message: string, stdout: string, stderr: string): string {
  const [name, text] = stderr.trim() !== "" ? ["stderr", stderr] : ["stdout", stdout];
  const tail = tailLines(text);
  if (tail.length === 0) return message;
  return `${message}\n--- last ${tail.length} lines of the backend's ${name} ---\n${tail.join("\n")}`;
}
