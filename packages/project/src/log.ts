/**
 * The logger the project layer accepts as an optional `log` option: pino's `(fields, message)` call
 * shape, so the CLI passes a pino-backed one (`-v`, `-vv`, `--log-format json`) and library code never
 * imports pino. URLs in fields should already be redacted (`redact` from `@lockstep/index/auth`).
 */
export interface Log {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}
