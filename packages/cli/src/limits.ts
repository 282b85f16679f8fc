/**
 * The command line's share of the limits (issue 13): the effective `max-…` and `http-…timeout`
 * settings, resolved by the settings layer (`applySettings`: flag > `LOCKSTEP_*` > user config, each
 * validated and parsed there) and written into the parsed arguments, handed to the project layer,
 * which puts them over `[tool.lockstep]`; and the "waiting for <host>…" line for a slow index, once
 * per host.
 *
 * Pitfall: only `@lockstep/pyproject/limit-settings` is loaded (no TOML parser), because every
 * command passes through here, the no-op sync included.
 */
import { LIMIT_SPECS } from "@lockstep/pyproject/limit-settings";
import type { LimitSettings } from "@lockstep/pyproject/limit-settings";
import type { Output } from "./output";

/** The limits `applySettings` left in the parsed arguments (under their kebab-case keys). */
export function limitsFromArgs(args: object): LimitSettings {
  const given = args as Record<string, unknown>;
  const limits: LimitSettings = {};
  for (const spec of LIMIT_SPECS) {
    const value = given[spec.key];
    if (typeof value === "number") limits[spec.field] = value;
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
