/**
 * The no-op `sync` and `run` of a synced project, and an up-to-date `lock` (lock-state.ts), answered
 * before yargs and the command definitions are loaded (evaluating them is most of a no-op sync's
 * cost above Node's own start). main.ts imports this module statically: the bundle's entry file
 * holds both, so a no-op loads one file.
 *
 * Only simple invocations take this path: `sync`, `lock` or `run CMD…` with `-q`/`--quiet` and
 * `--no-progress` anywhere before `CMD`, `--index-url`/`-i URL` after the command name and, for
 * `sync`/`run`, the selection and mode flags (`--extra`, `--group`, `--no-group`, `--only-group`,
 * `--all-extras`, `--all-groups`, `--no-default-groups`, `--no-dev`, `--no-install-project`,
 * `--inexact`, `--frozen`, `--locked`, `--python`/`-p`; `run`'s `--exact`). `plainInvocation` turns them into the
 * arguments yargs would give; the settings go through the same `applySettings` and the key through
 * the same `syncStateKey` as the full path, so the fast path asks `checkFresh` exactly what
 * `performSync` would ask.
 *
 * Settings from the environment (`LOCKSTEP_INDEX_URL`, `LOCKSTEP_PYTHON`, …) are folded in: the
 * same `applySettings` reads them, so the key is the full path's (`envFolded` says which ones, per
 * command).
 *
 * Pitfalls: any doubt declines (returns undefined) and main.ts runs a plain `lock`/`sync` through
 * the direct lane (direct.ts, without yargs) and anything else through the full parser, which answers
 * everything; that includes the `LOCKSTEP_*` variables that are not settings (timeouts,
 * credentials), an empty `LOCKSTEP_*` value, an invalid one (`applySettings` throws), and a user
 * config file (reading it needs the TOML parser and may override what flags mean). Declining
 * happens before anything is printed; once the venv is found fresh the answer is final. `run
 * script.py` and `run -m` need the run-target logic:
 * declined. Start-up cost is the point of this module, so it imports no colour or output code
 * (picocolors reads `process.stdout`, which builds a stream), does not touch `process.stderr` unless
 * stderr is a character device (a terminal, maybe), writes status lines with `writeSync(2)`, times
 * with `process.hrtime` (the `performance` global loads perf_hooks), and leaves `run`'s spawn and
 * error rendering to `fast-run.ts`, a file of its own.
 */
import { fstatSync, statSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { checkFresh } from "@lockstep/project/sync";
import { freshLock, lockStateDir, lockStateKey, nearestProjectDir } from "@lockstep/project/lock-state";
import { SETTINGS, userConfigPath } from "@lockstep/project/settings";
import { settingFlags } from "./commands/shared-options";
import { syncStateKeys } from "./commands/sync-key";
import type { Output } from "./output";
import { applySettings } from "./settings";
import { colourEnabled, formatDuration as duration, plural } from "./status-text";

/** Flags anywhere before `run`'s command that change nothing a fresh sync reports. */
const QUIET = new Set(["-q", "--quiet"]);
const NO_PROGRESS = "--no-progress";
/** Boolean flags of `sync`/`run` that the key or `checkFresh` account for. */
const SYNC_BOOLEANS = new Set([
  "frozen",
  "locked",
  "all-extras",
  "all-groups",
  "no-default-groups",
  "no-dev",
  "no-install-project",
  "inexact",
]);
/** Repeatable flags of `sync`/`run` (one value each time). */
const SYNC_REPEATABLE = new Set(["extra", "group", "no-group", "only-group"]);

interface Plain {
  command: "sync" | "run" | "lock";
  /** The flags as yargs leaves them: kebab-case keys, `quiet` a count. */
  args: Record<string, unknown>;
  /** `run`'s command and its arguments. */
  run: string[];
}

/** `argv` as a plain sync/run/lock, or undefined when it holds anything else. */
export function plainInvocation(argv: readonly string[]): Plain | undefined {
  const args: Record<string, unknown> = {};
  const p: Plain = { command: "sync", args, run: [] };
  let i = 0;
  /** Consume `tok` (and its value); false when it is not a flag the fast path knows. */
  const flag = (tok: string, afterCommand: boolean): boolean => {
    if (QUIET.has(tok)) args.quiet = ((args.quiet as number | undefined) ?? 0) + 1;
    else if (tok === NO_PROGRESS) args["no-progress"] = true;
    else if (!afterCommand) return false;
    else {
      const eq = tok.indexOf("=");
      let name = tok.startsWith("--") ? tok.slice(2, eq < 0 ? undefined : eq) : tok;
      if (name === "-i") name = "index-url";
      else if (name === "-p") name = "python";
      const syncFlag = p.command !== "lock";
      const repeatable = syncFlag && SYNC_REPEATABLE.has(name);
      const single = name === "index-url" || (syncFlag && name === "python");
      if (syncFlag && (SYNC_BOOLEANS.has(name) || (p.command === "run" && name === "exact")) && eq < 0) {
        // Given twice, yargs makes an array of it, which some checks read as not given.
        if (args[name] !== undefined) return false;
        args[name] = true;
        return true;
      }
      if (!repeatable && !single) return false;
      let value: string | undefined;
      if (eq >= 0) {
        if (!tok.startsWith("--")) return false; // `-i=URL` is the parser's to judge
        value = tok.slice(eq + 1);
      } else {
        value = argv[i + 1];
        i++;
      }
      // A missing or empty value, or one that looks like a flag, is the parser's to judge.
      if (value === undefined || value === "" || value.startsWith("-")) return false;
      if (single) {
        if (args[name] !== undefined) return false; // given twice: the parser's to judge
        args[name] = value;
      } else args[name] = [...((args[name] as string[] | undefined) ?? []), value];
    }
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
  // Combinations the parser refuses.
  if (args.frozen && args.locked) return undefined;
  if (args["only-group"] && (args.extra || args["all-extras"] || args.group || args["all-groups"]))
    return undefined;
  if (p.command === "run") {
    if (args.exact && args.inexact) return undefined; // the parser refuses the pair
    // run's sync is inexact unless --exact (run.ts).
    args.inexact = args.exact !== true;
    delete args.exact;
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

/** Whether a set `name` may change what the full path answers (then the fast path must account for it). */
export function envMatters(name: string, settingEnvs: ReadonlySet<string>): boolean {
  if (!name.startsWith("LOCKSTEP_")) return false;
  return settingEnvs.has(name) || OTHER_ENV.includes(name) || OTHER_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * The settings an up-to-date `lock`'s key records (`settingFlags`, as runLock records it) and the
 * ones that change nothing it prints: only their variables are folded in for `lock`. Others (the
 * interpreter, link mode, limits, …) are not in that key, so `lock` declines on them.
 */
const LOCK_FOLDED = new Set([
  "index-url",
  "extra-index-url",
  "find-links",
  "offline",
  "cache-dir",
  "prerelease",
  "resolution",
  "exclude-newer",
  "index-strategy",
  "no-progress",
]);

/**
 * Whether the variable `name` lets the fast path answer `command`: a setting's variable is read by
 * the same `applySettings` as the full path's, and `sync`'s key and `checkFresh` then see what the
 * full path's see (for `lock`, only the settings its key records); `LOCKSTEP_PROJECT_ENVIRONMENT` is
 * read by `checkFresh` itself. Every other variable lockstep reads (timeouts, credentials, keys)
 * declines: a no-op never needs them, but the full path is the one to judge their values.
 */
export function envFolded(
  name: string,
  command: Plain["command"],
  settingKeys: ReadonlyMap<string, string>,
): boolean {
  const key = settingKeys.get(name);
  if (key !== undefined) return command !== "lock" || LOCK_FOLDED.has(key);
  return command !== "lock" && name === "LOCKSTEP_PROJECT_ENVIRONMENT";
}

/**
 * Whether the environment and the user config leave the fast path able to answer: no user config
 * file (reading it needs the TOML parser) and no `LOCKSTEP_*` variable it cannot fold in.
 */
export function settingsArePlain(
  env: NodeJS.ProcessEnv,
  configPath: string,
  command: Plain["command"],
  settingKeys: ReadonlyMap<string, string>,
): boolean {
  const settingEnvs = new Set(settingKeys.keys());
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !envMatters(name, settingEnvs)) continue;
    // An empty value means "unset" to some readers and not to others: the full path's to judge.
    if (value === "" || !envFolded(name, command, settingKeys)) return false;
  }
  return statSync(configPath, { throwIfNoEntry: false }) === undefined;
}

/** Where text goes, and whether that is a terminal (for colour). */
interface Sink {
  write(text: string): void;
  isTTY: boolean;
}

/**
 * The process's stdout (fd 1) or stderr (fd 2). A pipe or a file (what scripts and benchmarks see)
 * is written with `writeSync`, without building `process.stdout`/`process.stderr` (a stream, and
 * for a pipe the `net` module): it cannot be a terminal, since a terminal is a character device. A
 * character device gets the stream, as the full path uses it.
 */
export function processStream(fd: 1 | 2): Sink {
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  let charDevice = true;
  try {
    charDevice = fstatSync(fd).isCharacterDevice();
  } catch {
    // unknown: the stream decides
  }
  if (charDevice) return { write: (t) => void stream().write(t), isTTY: stream().isTTY === true };
  return {
    write: (text) => {
      const bytes = Buffer.from(text);
      let done = 0;
      try {
        while (done < bytes.length) done += writeSync(fd, bytes, done);
      } catch (err) {
        // A non-blocking pipe that is full: the stream queues the rest. Other errors (a closed
        // stream) lose the text, as the stream would.
        if ((err as NodeJS.ErrnoException).code === "EAGAIN") stream().write(bytes.subarray(done));
      }
    },
    isTTY: false,
  };
}

const elapsedMs = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

/**
 * Answer a plain no-op `sync`/`run` or an up-to-date `lock`; returns the exit code, or undefined
 * when the full path must run (nothing has been printed then). `base` (tests) replaces the
 * process's stderr; it is never a terminal.
 */
export async function fastPath(
  argv: readonly string[],
  version: string,
  base?: Output,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number | undefined> {
  const started = process.hrtime.bigint();
  const plain = plainInvocation(argv);
  if (!plain) return undefined;
  const settingKeys = new Map(SETTINGS.map((s) => [s.env, s.key as string]));
  if (!settingsArePlain(env, userConfigPath(env, homedir()), plain.command, settingKeys)) return undefined;
  const { args } = plain;
  try {
    await applySettings(args, env);
  } catch {
    return undefined; // an invalid value (a cache dir that is a file, …): the full path reports it
  }
  const stderr = (): Sink => (base ? { write: (t) => base.stderr(t), isTTY: false } : processStream(2));
  if (plain.command === "lock") return upToDateLock(args, version, stderr, env, started);
  const { key, satisfiedBy } = await syncStateKeys(args, version);
  const fresh = checkFresh({
    key,
    satisfiedBy,
    frozen: args.frozen === true,
    python: args.python as string | undefined,
    env,
  });
  if (!fresh) return undefined;
  const out = stderr();
  if (!args.quiet) {
    // As sync.ts's performSync prints a fresh venv: plain lines, no colour.
    const ms = elapsedMs(started);
    out.write(`Resolved ${plural(fresh.state.lockPackages, "package")} in ${duration(ms)}\n`);
    out.write(`Audited ${plural(fresh.state.selected, "package")} in ${duration(elapsedMs(started) - ms)}\n`);
  }
  if (plain.command === "sync") return 0;
  const { runInVenv } = await import("./fast-run");
  return runInVenv(plain.run, fresh.venv, env, base ?? { stdout: () => {}, stderr: out.write }, out.isTTY);
}

/** As picocolors' bold and dim (colour.ts), for text that holds no escape codes of its own. */
const bold = (s: string) => `\x1b[1m${s}\x1b[22m`;
const dim = (s: string) => `\x1b[2m${s}\x1b[22m`;

/** An up-to-date `lock` from lock-state's hashes: printed as runLock prints a fresh lock (a headline). */
function upToDateLock(
  args: Record<string, unknown>,
  version: string,
  stderr: () => Sink,
  env: NodeJS.ProcessEnv,
  started: bigint,
): number | undefined {
  const projectDir = nearestProjectDir(process.cwd());
  if (projectDir === undefined) return undefined;
  const fresh = freshLock({
    projectDir,
    stateDir: lockStateDir(args["cache-dir"] as string | undefined, env),
    key: lockStateKey(settingFlags(args), version),
  });
  if (!fresh) return undefined;
  if (args.quiet) return 0;
  const out = stderr();
  const what = `Resolved ${plural(fresh.packages, "package")}`;
  const took = ` in ${duration(elapsedMs(started))}`;
  out.write(colourEnabled(undefined, env, out.isTTY) ? `${bold(what)}${dim(took)}\n` : `${what}${took}\n`);
  return 0;
}
