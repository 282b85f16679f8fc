/**
 * The no-op `sync` and `run` of a synced project, and an up-to-date `lock` (lock-state.ts), answered before yargs and the command definitions
 * are loaded (evaluating them is most of a no-op sync's cost above Node's own start).
 *
 * Only plain invocations take this path: `sync`, `lock` or `run CMD…` with nothing but `-q`/`--quiet`,
 * `--no-progress` and `--index-url`/`-i URL` (which the sync key records) before `CMD`. The settings
 * go through the same `applySettings` and the key through the same `syncRequest` as the full path,
 * so the fast path asks `checkFresh` exactly what `performSync` would ask.
 *
 * Pitfalls: any doubt declines (returns undefined) and main.ts runs the full parser, which answers
 * everything; that includes every `LOCKSTEP_*` variable lockstep reads but `LOCKSTEP_CACHE_DIR` (a
 * directory or nothing: the full path rejects a file), and a user config file (reading it needs the TOML parser
 * and may override what flags mean). Declining happens before anything is printed; once the venv is
 * found fresh the answer is final. `run script.py` and `run -m` need the run-target logic: declined.
 * The bundle builds this module as one file of its own (build.mjs), so the loader reads one file, not
 * the twenty shared chunks its imports would otherwise be split into; its imports stay static.
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { checkFresh } from "@lockstep/project/sync";
import { freshLock, lockStateDir, lockStateKey, nearestProjectDir } from "@lockstep/project/lock-state";
import { runCommand, venvEnvironment } from "@lockstep/project/run-command";
import { SETTINGS, userConfigPath } from "@lockstep/project/settings";
import { syncRequest } from "./commands/sync";
import { settingFlags } from "./commands/shared-options";
import { exitCodeFor, renderError } from "./exit-code";
import { colourEnabled, style } from "./colour";
import { errorLine, formatDuration, headline, plural, processOutput, quietOutput } from "./output";
import type { Output } from "./output";
import { applySettings } from "./settings";

/** Flags before and after the command name that change nothing a fresh sync reports. */
const QUIET = new Set(["-q", "--quiet"]);
const NO_PROGRESS = "--no-progress";

interface Plain {
  command: "sync" | "run" | "lock";
  quiet: boolean;
  noProgress: boolean;
  indexUrl: string | undefined;
  /** `run`'s command and its arguments. */
  run: string[];
}

/** `argv` as a plain sync/run, or undefined when it holds anything else. */
export function plainInvocation(argv: readonly string[]): Plain | undefined {
  const p: Plain = { command: "sync", quiet: false, noProgress: false, indexUrl: undefined, run: [] };
  let i = 0;
  const flag = (tok: string, afterCommand: boolean): boolean => {
    if (QUIET.has(tok)) p.quiet = true;
    else if (tok === NO_PROGRESS) p.noProgress = true;
    else if (afterCommand && (tok === "--index-url" || tok === "-i")) {
      // A second --index-url, or one without a value, is the parser's to judge.
      const value = argv[i + 1];
      if (p.indexUrl !== undefined || value === undefined || value.startsWith("-")) return false;
      p.indexUrl = value;
      i++;
    } else if (afterCommand && tok.startsWith("--index-url=")) {
      if (p.indexUrl !== undefined) return false;
      p.indexUrl = tok.slice("--index-url=".length);
      if (p.indexUrl === "") return false;
    } else return false;
    return true;
  };
  for (; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (tok === "sync" || tok === "run" || tok === "lock") break;
    if (!flag(tok, false)) return undefined;
  }
  const name = argv[i];
  if (name !== "sync" && name !== "run" && name !== "lock") return undefined;
  p.command = name;
  for (i++; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (p.command === "run" && (tok === "--" || !tok.startsWith("-"))) {
      p.run = argv.slice(tok === "--" ? i + 1 : i);
      break;
    }
    if (!flag(tok, true)) return undefined;
  }
  if (p.command === "run") {
    const first = p.run[0];
    // Scripts (PEP 723) and `-` need run-target's logic; an empty command is the parser's error.
    if (first === undefined || first.startsWith("-") || first.endsWith(".py")) return undefined;
  }
  return p;
}

/**
 * `LOCKSTEP_*` variables lockstep reads besides the settings' own (SETTINGS' `env`): a test scans
 * the product sources and fails when a variable read there is missing from this list or SETTINGS.
 * Credentials (`LOCKSTEP_INDEX_<NAME>_…`) and the activate scripts' `LOCKSTEP_OLD_*` are prefixes.
 */
export const OTHER_ENV = [
  "LOCKSTEP_PROJECT_ENVIRONMENT",
  "LOCKSTEP_CONNECT_TIMEOUT",
  "LOCKSTEP_HTTP_TIMEOUT",
  "LOCKSTEP_KEYS",
  "LOCKSTEP_INCOMPLETE",
];
const OTHER_PREFIXES = ["LOCKSTEP_INDEX_", "LOCKSTEP_OLD_"];

/** Whether a set `name` may change what the full path answers (then the fast path declines). */
export function envMatters(name: string, settingEnvs: ReadonlySet<string>): boolean {
  if (!name.startsWith("LOCKSTEP_")) return false;
  return settingEnvs.has(name) || OTHER_ENV.includes(name) || OTHER_PREFIXES.some((p) => name.startsWith(p));
}

/** Whether the environment and the user config leave every setting at what the fast path assumes. */
export function settingsArePlain(
  env: NodeJS.ProcessEnv,
  configPath: string,
  settingEnvs: ReadonlySet<string>,
): boolean {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name === "LOCKSTEP_CACHE_DIR") {
      // The full path names a cache dir that is a file as an error; an empty value is its to judge.
      if (value === "") return false;
      const st = statSync(value, { throwIfNoEntry: false });
      if (st && !st.isDirectory()) return false;
    } else if (envMatters(name, settingEnvs)) return false;
  }
  return statSync(configPath, { throwIfNoEntry: false }) === undefined;
}

/**
 * Answer a plain no-op `sync`/`run`; returns the exit code, or undefined when the full path must run
 * (nothing has been printed then).
 */
export async function fastPath(
  argv: readonly string[],
  version: string,
  base: Output = processOutput,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number | undefined> {
  const started = performance.now();
  const plain = plainInvocation(argv);
  if (!plain) return undefined;
  const settingEnvs = new Set(SETTINGS.map((s) => s.env));
  if (!settingsArePlain(env, userConfigPath(env, homedir()), settingEnvs)) return undefined;
  const args: Record<string, unknown> = {};
  if (plain.indexUrl !== undefined) args["index-url"] = plain.indexUrl;
  if (plain.quiet) args.quiet = 1;
  if (plain.noProgress) args["no-progress"] = true;
  try {
    await applySettings(args, env);
  } catch {
    return undefined; // an invalid value: the full path reports it
  }
  if (plain.command === "lock") return upToDateLock(args, version, base, env, started);
  const request = await syncRequest(args, version);
  const fresh = checkFresh({ key: request.key, frozen: false, python: undefined, env });
  if (!fresh) return undefined;
  const out = plain.quiet ? quietOutput(base) : base;
  const ms = performance.now() - started;
  out.stderr(`Resolved ${plural(fresh.state.lockPackages, "package")} in ${formatDuration(ms)}\n`);
  out.stderr(
    `Audited ${plural(fresh.state.selected, "package")} in ${formatDuration(performance.now() - started - ms)}\n`,
  );
  if (plain.command === "sync") return 0;
  const bin = process.platform === "win32" ? `${fresh.venv}\\Scripts` : `${fresh.venv}/bin`;
  try {
    return await runCommand(plain.run, venvEnvironment({ root: fresh.venv, bin }, env));
  } catch (err) {
    // As run-cli renders a handler's error: coloured like the full path would colour it.
    const isTTY = base === processOutput && process.stderr.isTTY === true;
    const styled: Output = { ...base, style: style(colourEnabled(undefined, env, isTTY)) };
    base.stderr(errorLine(styled, renderError(err)));
    return exitCodeFor(err);
  }
}

/** An up-to-date `lock` from lock-state's hashes: printed as runLock prints a fresh lock. */
function upToDateLock(
  args: Record<string, unknown>,
  version: string,
  base: Output,
  env: NodeJS.ProcessEnv,
  started: number,
): number | undefined {
  const projectDir = nearestProjectDir(process.cwd());
  if (projectDir === undefined) return undefined;
  const fresh = freshLock({
    projectDir,
    stateDir: lockStateDir(args["cache-dir"] as string | undefined, env),
    key: lockStateKey(settingFlags(args), version),
  });
  if (!fresh) return undefined;
  const isTTY = base === processOutput && process.stderr.isTTY === true;
  const styled: Output = { ...base, style: style(colourEnabled(undefined, env, isTTY)) };
  const out = args.quiet ? quietOutput(styled) : styled;
  const ms = performance.now() - started;
  out.stderr(headline(out, `Resolved ${plural(fresh.packages, "package")} in ${formatDuration(ms)}`));
  return 0;
}
