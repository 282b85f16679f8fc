/**
 * How commands talk to the user. Status lines go to stderr (as uv's do), so stdout stays clean for
 * what a command produces (`export`, `tree`). Durations read like uv's: `212ms`, `1.43s`.
 */

export interface Output {
  /** Data: what the command produces. */
  stdout(text: string): void;
  /** Status, warnings and errors. */
  stderr(text: string): void;
}

export const processOutput: Output = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))}ms` : `${(ms / 1000).toFixed(2)}s`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function warn(out: Output, message: string): void {
  out.stderr(`warning: ${message}\n`);
}
