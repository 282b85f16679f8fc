/**
 * Progress on a terminal: a spinner while resolving, and one status line during a sync with a bar,
 * bytes and counts per step (`Downloading ━━━━━━╺━━━━━ 12.3 MiB/40.1 MiB 3/16 numpy==2.1.0`),
 * redrawn in place on stderr. Drawn only when `out.progress` (stderr is a TTY, no `-q`, no
 * `--no-progress`); otherwise every method is a no-op, so pipes and logs never see control sequences.
 *
 * No library: what is drawn is one line, rewritten with `\r` and "erase line" (`ESC[2K`), which a
 * dozen lines do; cli-progress (and its string-width dependency) would add more than it saves.
 * Pitfalls: the line is erased before anything else is printed (`clear`), or status lines would be
 * appended to a half-line; timers are unref'd so they never keep the process alive; byte events
 * arrive per network chunk, so step lines are throttled to one redraw per 100 ms (the latest line
 * is drawn when the interval is up, and dropped by `clear`), except the first line of each step
 * kind, drawn at once so that no phase goes unseen; the spinner turns at the same rate.
 * Sizes are binary (KiB = 1024 B), as pip and uv print them.
 */
import type { Output } from "./output";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const WIDTH = 20;
/** At most ten redraws a second. */
export const REDRAW_MS = 100;

export interface Progress {
  /** Show a spinner with `text` until the next update or `clear`. */
  spin(text: string): void;
  /** One step of `verb` started (`Installing`, `name==version`). */
  step(verb: string, detail: string): void;
  /** The total count for `verb`'s bar, and its total bytes when it moves bytes and they are known. */
  expect(verb: string, total: number, totalBytes?: number): void;
  /**
   * Bytes of one transfer (`key`) of `verb` so far, with that transfer's own total when known (used
   * when `expect` gave no byte total for the verb).
   */
  bytes(verb: string, key: string, bytes: number, total: number | undefined): void;
  /** Erase the line (before printing anything else, and at the end). */
  clear(): void;
}

export const NO_PROGRESS: Progress = {
  spin: () => {},
  step: () => {},
  expect: () => {},
  bytes: () => {},
  clear: () => {},
};

/** `━━━━╺────` for `done` of `total`. */
export function bar(done: number, total: number, width = WIDTH): string {
  const filled = Math.max(0, Math.min(width, Math.round((done / Math.max(total, 1)) * width)));
  return `${"━".repeat(filled)}${filled < width ? "╺" : ""}${"─".repeat(Math.max(0, width - filled - 1))}`;
}

/** `512 B`, `12.3 KiB`, `40.1 MiB`, `1.5 GiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit] as string}`;
}

interface VerbState {
  count: number;
  total: number | undefined;
  totalBytes: number | undefined;
  /** Per transfer: bytes so far and its own total. */
  transfers: Map<string, { bytes: number; total: number | undefined }>;
  detail: string;
}

export function createProgress(
  out: Output,
  write = (t: string) => void process.stderr.write(t),
  now = () => performance.now(),
): Progress {
  if (!out.progress) return NO_PROGRESS;
  const s = out.style;
  let spinner: NodeJS.Timeout | undefined;
  let pending: NodeJS.Timeout | undefined;
  let lastDraw = -Infinity;
  let shown = false;
  const verbs = new Map<string, VerbState>();
  const state = (verb: string): VerbState => {
    let v = verbs.get(verb);
    if (!v) {
      v = { count: 0, total: undefined, totalBytes: undefined, transfers: new Map(), detail: "" };
      verbs.set(verb, v);
    }
    return v;
  };
  const draw = (line: string) => {
    write(`\r\x1b[2K${line}`);
    shown = true;
  };
  const stopTimers = () => {
    if (spinner) clearInterval(spinner);
    if (pending) clearTimeout(pending);
    spinner = undefined;
    pending = undefined;
  };
  const render = (verb: string): string => {
    const v = state(verb);
    let received = 0;
    let perFileTotal = 0;
    let allKnown = true;
    for (const t of v.transfers.values()) {
      received += t.bytes;
      if (t.total === undefined) allKnown = false;
      else perFileTotal += t.total;
    }
    const totalBytes = v.totalBytes ?? (allKnown && v.transfers.size > 0 ? perFileTotal : undefined);
    const parts = [s ? s.bold(verb) : verb];
    const fraction =
      totalBytes !== undefined && totalBytes > 0
        ? received / totalBytes
        : v.total !== undefined
          ? v.count / v.total
          : undefined;
    if (fraction !== undefined) {
      const graph = bar(fraction * 1000, 1000);
      parts.push(s ? s.green(graph) : graph);
    }
    if (v.transfers.size > 0 || v.totalBytes !== undefined) {
      parts.push(
        totalBytes === undefined
          ? formatBytes(received)
          : `${formatBytes(Math.min(received, totalBytes))}/${formatBytes(totalBytes)}`,
      );
    }
    parts.push(v.total === undefined ? `${v.count}` : `${Math.min(v.count, v.total)}/${v.total}`);
    if (v.detail) parts.push(s ? s.dim(v.detail) : v.detail);
    return parts.join(" ");
  };
  /** Draw `verb`'s line now, or once the redraw interval is up (the latest line wins). */
  let latest = "";
  const seen = new Set<string>();
  const update = (verb: string) => {
    if (spinner) clearInterval(spinner);
    spinner = undefined;
    latest = verb;
    // The spinner's turns do not count, and the first line of each step kind is drawn at once (a
    // handful per sync), so that every phase shows even when a fast one ends within the interval.
    const first = !seen.has(verb);
    seen.add(verb);
    const wait = first ? 0 : lastDraw + REDRAW_MS - now();
    if (wait <= 0) {
      if (pending) clearTimeout(pending);
      pending = undefined;
      draw(render(verb));
      lastDraw = now();
      return;
    }
    if (pending) return;
    pending = setTimeout(() => {
      pending = undefined;
      draw(render(latest));
      lastDraw = now();
    }, wait);
    pending.unref();
  };
  return {
    spin(text) {
      stopTimers();
      let frame = 0;
      const once = () => draw(`${s ? s.cyan(FRAMES[frame % FRAMES.length] as string) : FRAMES[0]} ${text}`);
      once();
      spinner = setInterval(() => {
        frame++;
        once();
      }, REDRAW_MS);
      spinner.unref();
    },
    expect(verb, total, totalBytes) {
      const v = state(verb);
      v.total = total;
      v.totalBytes = totalBytes;
    },
    step(verb, detail) {
      const v = state(verb);
      v.count++;
      v.detail = detail;
      update(verb);
    },
    bytes(verb, key, bytes, total) {
      state(verb).transfers.set(key, { bytes, total });
      update(verb);
    },
    clear() {
      stopTimers();
      if (shown) write("\r\x1b[2K");
      shown = false;
    },
  };
}
