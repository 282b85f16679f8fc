/**
 * The command line's share of the limits (issue 13): `LOCKSTEP_MAX_ARCHIVE_SIZE`,
 * `LOCKSTEP_HTTP_TIMEOUT`, … read from the environment and handed to the project layer, which puts
 * them over `[tool.lockstep]`; and the "waiting for <host>…" line for a slow index, once per host.
 *
 * Pitfalls: only `@lockstep/pyproject/limit-settings` is loaded (no TOML parser), because every
 * command passes through here, the no-op sync included; an empty variable counts as unset; an
 * invalid value is a usage error naming the variable.
 */
import { UsageError } from "@lockstep/errors";
import {
  LIMIT_SPECS,
  expectedLimit,
  limitEnvName,
  parseLimitValue,
} from "@lockstep/pyproject/limit-settings";
import type { LimitSettings } from "@lockstep/pyproject/limit-settings";
import type { Output } from "./output";

/** Every `LOCKSTEP_<LIMIT>` that is set, parsed; a bad value is a usage error naming the variable. */
export function limitsFromEnv(env: Readonly<Record<string, string | undefined>>): LimitSettings {
  const limits: LimitSettings = {};
  for (const spec of LIMIT_SPECS) {
    const name = limitEnvName(spec.key);
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const value = parseLimitValue(spec.kind, raw, true);
    if (value === undefined)
      throw new UsageError(`${name}: ${JSON.stringify(raw)} is not ${expectedLimit(spec.kind)}`);
    limits[spec.field] = value;
  }
  return limits;
}

/** `waiting for <host>…` on stderr the first time each host keeps a request waiting. */
export function waitingNotice(out: Output): (host: string) => void {
  const shown = new Set<string>();
  return (host) => {
    if (shown.has(host)) return;
    shown.add(host);
    out.stderr(`waiting for ${host}…\n`);
  };
}
