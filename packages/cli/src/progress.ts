/**
 * Progress on a terminal: a spinner while resolving, and one status line during a sync with a bar
 * and counts per step (`Installing ━━━━━━╺━━━━━ 7/12 yamlite==6.0.2`), redrawn in place on stderr.
 * Drawn only when `out.progress` (stderr is a TTY, no `-q`, no `--no-progress`); otherwise every
 * method is a no-op, so pipes and logs never see control sequences.
 *
 * No library: what is drawn is one line, rewritten with `\r` and "erase line" (`ESC[2K`), which a
 * dozen lines do; cli-progress (and its string-width dependency) would add more than it saves.
 * Pitfalls: the line is erased before anything else is printed (`clear`), or status lines would be
 * appended to a half-line; the spinner's timer is unref'd so it never keeps the process alive; totals
 * are known only for steps announced with `expect` (sync's events carry no totals), otherwise the
 * count stands alone.
 */
import type { Output } from "./output";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const WIDTH = 20;

export interface Progress {
  /** Show a spinner with `text` until the next update or `clear`. */
  spin(text: string): void;
  /** One step of `verb` done or started (`Installing`, `name==version`). */
  step(verb: string, detail: string): void;
  /** The total for `verb`'s bar, when known. */
  expect(verb: string, total: number): void;
  /** Erase the line (before printing anything else, and at the end). */
  clear(): void;
}

export const NO_PROGRESS: Progress = { spin: () => {}, step: () => {}, expect: () => {}, clear: () => {} };

/** `━━━━╺────` for `done` of `total`. */
export function bar(done: number, total: number, width = WIDTH): string {
  const filled = Math.max(0, Math.min(width, Math.round((done / Math.max(total, 1)) * width)));
  return `${"━".repeat(filled)}${filled < width ? "╺" : ""}${"─".repeat(Math.max(0, width - filled - 1))}`;
}

export function createProgress(out: Output, write = (t: string) => void process.stderr.write(t)): Progress {
  if (!out.progress) return NO_PROGRESS;
  const s = out.style;
  let timer: NodeJS.Timeout | undefined;
  let shown = false;
  const counts = new Map<string, number>();
  const totals = new Map<string, number>();
  const draw = (line: string) => {
    write(`\r\x1b[2K${line}`);
    shown = true;
  };
  const stopSpinner = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return {
    spin(text) {
      stopSpinner();
      let frame = 0;
      const render = () => draw(`${s ? s.cyan(FRAMES[frame % FRAMES.length] as string) : FRAMES[0]} ${text}`);
      render();
      timer = setInterval(() => {
        frame++;
        render();
      }, 80);
      timer.unref();
    },
    expect(verb, total) {
      totals.set(verb, total);
    },
    step(verb, detail) {
      stopSpinner();
      const n = (counts.get(verb) ?? 0) + 1;
      counts.set(verb, n);
      const total = totals.get(verb);
      const count = total === undefined ? `${n}` : `${n}/${total}`;
      const graph = total === undefined ? "" : ` ${s ? s.green(bar(n, total)) : bar(n, total)}`;
      draw(`${s ? s.bold(verb) : verb}${graph} ${count} ${s ? s.dim(detail) : detail}`);
    },
    clear() {
      stopSpinner();
      if (shown) write("\r\x1b[2K");
      shown = false;
    },
  };
}
