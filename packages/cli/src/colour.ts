/**
 * Whether output is coloured, and the scheme (as uv's: green `+ name==version`, red `- …`, bold
 * headlines, yellow bold `warning:`, red bold `error:`). Colours come from picocolors (a few hundred
 * bytes, no dependencies, loaded with the entry), turned on per decision rather than by its own
 * environment sniffing, so `--color` always wins.
 *
 * The decision (`colourEnabled`, in status-text.ts so the fast path needs no picocolors): `--color never|always` wins; otherwise (`auto`) `NO_COLOR` (any non-empty value,
 * no-color.org) turns colour off, `FORCE_COLOR` (non-empty, not `0`) turns it on, and else colour
 * is on only when the stream is a terminal.
 */
import pc from "picocolors";

export type ColourChoice = "auto" | "always" | "never";

export { colourEnabled } from "./status-text";

export interface Style {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

export function style(enabled: boolean): Style {
  const c = pc.createColors(enabled);
  return {
    enabled,
    bold: c.bold,
    dim: c.dim,
    green: c.green,
    red: c.red,
    yellow: c.yellow,
    cyan: c.cyan,
  };
}

export const PLAIN: Style = style(false);
