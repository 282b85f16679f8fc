/**
 * The pieces of status lines that need no colour: durations as uv prints them (`212ms`, `1.43s`),
 * counted nouns, and whether colour is on at all. Its own module (re-exported by output.ts and
 * colour.ts) so that the pre-yargs fast path (fast-path.ts) prints the same text without loading
 * picocolors, which reads `process.stdout` when it is loaded.
 */

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))}ms` : `${(ms / 1000).toFixed(2)}s`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * Whether output is coloured: `--color never|always` wins; otherwise (`auto`) `NO_COLOR` (any
 * non-empty value, no-color.org) turns colour off, `FORCE_COLOR` (non-empty, not `0`) turns it on,
 * and else colour is on only when the stream is a terminal.
 */
export function colourEnabled(
  choice: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
): boolean {
  if (choice === "always") return true;
  if (choice === "never") return false;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return isTTY;
}
