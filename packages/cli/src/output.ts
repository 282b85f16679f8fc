/**
 * How commands talk to the user. Status lines go to stderr (as uv's do), so stdout stays clean for
 * what a command produces (`export`, `tree`). Durations read like uv's: `212ms`, `1.43s`.
 *
 * An `Output` may carry a `style` (colour, `colour.ts`), `quiet` (`-q`: status lines are dropped,
 * warnings and errors kept) and `progress` (bars and spinners allowed: a terminal, no `-q`, no
 * `--no-progress`). Helpers: `warn` (yellow `warning:`), `changeLine` (green `+`/red `-`), `headline`
 * (bold), `renderJson` (the one way `--output-format json` is written: one JSON document on stdout,
 * 2-space indented, newline-terminated, so shapes stay consistent across commands).
 */
import { colourEnabled, PLAIN, style } from "./colour";
import type { Style } from "./colour";

export interface Output {
  /** Data: what the command produces. */
  stdout(text: string): void;
  /** Status, warnings and errors. */
  stderr(text: string): void;
  /** Colours (default: none). */
  style?: Style | undefined;
  /** Whether progress bars and spinners may be drawn on stderr (default: no). */
  progress?: boolean | undefined;
}

export const processOutput: Output = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** `out` for `-q`: status lines are dropped; `warning:` and `error:` lines pass. */
export function quietOutput(out: Output): Output {
  return {
    ...out,
    progress: false,
    stderr: (text) => {
      // eslint-disable-next-line no-control-regex -- ANSI colour codes are what is stripped
      const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
      if (plain.startsWith("warning:") || plain.startsWith("error:")) out.stderr(text);
    },
  };
}

export { formatDuration, plural } from "./status-text";

export function warn(out: Output, message: string): void {
  const s = out.style ?? PLAIN;
  out.stderr(`${s.yellow(s.bold("warning"))}${s.bold(":")} ${message}\n`);
}

/** `error: message` (red bold), for the process entry. */
export function errorLine(out: Output, rendered: string): string {
  const s = out.style ?? PLAIN;
  return `${s.red(s.bold("error"))}${s.bold(":")} ${rendered}\n`;
}

/** A status headline (`Resolved 3 packages in 12ms`): bold like uv's, the duration dimmed. */
export function headline(out: Output, text: string): string {
  const s = out.style ?? PLAIN;
  const m = /^(.*?)( in \S+)$/.exec(text);
  return m ? `${s.bold(m[1] as string)}${s.dim(m[2] as string)}\n` : `${s.bold(text)}\n`;
}

/** ` + name==version` (green) or ` - name==version` (red). */
export function changeLine(out: Output, op: "+" | "-", name: string, version: string): string {
  const s = out.style ?? PLAIN;
  const paint = op === "+" ? s.green : s.red;
  return ` ${paint(op)} ${s.bold(name)}${s.dim(`==${version}`)}\n`;
}

/** Write `value` as `--output-format json` output: one JSON document on stdout. */
export function renderJson(out: Output, value: unknown): void {
  out.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The output handlers write to, before the global flags are read: every call goes to whatever
 * `configureOutput` set last (the base until then), so an error in reading the flags is still shown.
 */
export function switchableOutput(base: Output): { out: Output; configure: (flags: OutputFlags) => void } {
  let current: Output = base;
  const out: Output = {
    stdout: (t) => current.stdout(t),
    stderr: (t) => current.stderr(t),
    get style() {
      return current.style;
    },
    get progress() {
      return current.progress;
    },
  };
  return { out, configure: (flags) => (current = configuredOutput(base, flags)) };
}

/** The global flags that shape output (`--color`, `--no-progress`, `-q`), as the parser leaves them. */
export interface OutputFlags {
  color?: string | undefined;
  "no-progress"?: boolean | undefined;
  quiet?: number | boolean | undefined;
}

/** `base` with colour and progress as the flags, the environment and the terminal decide; `-q` applied. */
function configuredOutput(base: Output, flags: OutputFlags): Output {
  const isTTY = base === processOutput && process.stderr.isTTY === true;
  const configured: Output = {
    ...base,
    style: style(colourEnabled(flags.color, process.env, isTTY)),
    progress: isTTY && !flags["no-progress"] && !flags.quiet,
  };
  return flags.quiet ? quietOutput(configured) : configured;
}
