/**
 * Logging for `-v` (info), `-vv` (debug) and `--log-format json`, through pino. The project layer
 * takes a `Log` (`{debug, info, warn}`, pino's `(fields, message)` call shape) as an optional `log`
 * option and never imports pino; this module builds one.
 *
 * Pitfalls: pino is imported only when logging is on (`-v` or `--log-format json`), so the no-op
 * sync and `--version` never load it (a test checks the bundle's metafile); logs go to stderr,
 * never stdout (which carries `tree`/`export`/JSON output); credentials never reach a log line:
 * every `url`/`index` field passes through `redact` from `@lockstep/index/auth`, and pino's `redact`
 * censors authorization/cookie headers wherever a `headers` object is logged. Text format is one
 * line per record (`DEBUG index request url=… status=200 ms=12 cached=false`), JSON is pino's own
 * line format with `level` as a label.
 */
import { redact as redactUrl } from "@lockstep/index/auth";
import type { Log } from "@lockstep/project";

export type { Log };

export const NO_LOG: Log = { debug: () => {}, info: () => {}, warn: () => {} };

export interface LoggerOptions {
  verbose: number;
  format: "text" | "json";
  /** Where lines go (default: stderr). */
  write?: (line: string) => void;
}

const URL_FIELDS = ["url", "index", "indexUrl", "location"];

/** `fields` with every URL-valued field redacted. */
function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...fields };
  for (const k of URL_FIELDS) if (typeof out[k] === "string") out[k] = redactUrl(out[k] as string);
  return out;
}

function textLine(record: Record<string, unknown>): string {
  const { level, msg, time: _time, pid: _pid, hostname: _host, ...rest } = record;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${String(level).toUpperCase()} ${String(msg)}${fields ? ` ${fields}` : ""}\n`;
}

/** A logger for the global flags; NO_LOG (and no pino) when logging is off. */
export async function createLogger(opts: LoggerOptions): Promise<Log> {
  if (opts.verbose <= 0 && opts.format !== "json") return NO_LOG;
  // pino is CommonJS: bundled, its function is the default export; under tsx, also `pino`.
  const mod = await import("pino");
  const pino = (mod.default ?? mod.pino) as typeof mod.pino;
  const write = opts.write ?? ((line: string) => void process.stderr.write(line));
  const level = opts.verbose >= 2 ? "debug" : opts.verbose === 1 ? "info" : "warn";
  const logger = pino(
    {
      level,
      base: undefined,
      timestamp: opts.format === "json" ? pino.stdTimeFunctions.isoTime : false,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ["headers.authorization", "headers.cookie", "*.headers.authorization", "*.headers.cookie"],
        censor: "****",
      },
    },
    {
      write: (line: string) => {
        if (opts.format === "json") write(line);
        else write(textLine(JSON.parse(line) as Record<string, unknown>));
      },
    },
  );
  return {
    debug: (fields, message) => logger.debug(redactFields(fields), message),
    info: (fields, message) => logger.info(redactFields(fields), message),
    warn: (fields, message) => logger.warn(redactFields(fields), message),
  };
}
