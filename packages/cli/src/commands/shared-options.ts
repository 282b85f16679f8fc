/**
 * Flags that several commands share (`lock`, `sync`, `add`, `remove`, `run`): where packages come
 * from, how the resolver chooses among them, and how files get into the venv. One definition, so
 * their names, help text and choices never drift.
 *
 * Pitfalls: a repeatable flag takes exactly one value per occurrence (`nargs: 1`): an array option
 * would otherwise swallow the words after it, command name included (`--extra-index-url URL lock`);
 * repeat the flag for several values. `--prerelease` and `--resolution` are checked by the project
 * layer against `@lockstep/pyproject`'s lists (the one copy; pyproject is not loaded at start-up),
 * so the help text does not list their values. Link modes come from `@lockstep/wheel`, and leaving
 * `--link-mode` out lets the installer pick its default (hardlink). `--offline` and `--cache-dir` are
 * global flags (GLOBAL_OPTIONS), so every command takes them.
 */
import { LINK_MODES } from "@lockstep/wheel/install-link";
import type { Log } from "@lockstep/project";

/**
 * yargs' parser settings for lockstep: parsed keys are the flags' kebab-case names only (no camelCase
 * copies, so none reaches an error message), and `--no-X` is a flag of its own, not a negation.
 * A command builder that calls `parserConfiguration` replaces the whole object, so it spreads this.
 */
export const PARSER_CONFIG = { "camel-case-expansion": false, "boolean-negation": false } as const;

/** A repeatable flag: one value per occurrence. */
const repeatable = { type: "string", array: true, nargs: 1, requiresArg: true } as const;

export const INDEX_OPTIONS = {
  "index-url": {
    alias: "i",
    type: "string",
    requiresArg: true,
    describe: "Replace the default index (PyPI) with this URL",
  },
  "extra-index-url": { ...repeatable, describe: "Another index, asked before the default one" },
  "find-links": {
    ...repeatable,
    alias: "f",
    describe: "A directory or flat HTML page of distributions",
  },
} as const;

/**
 * Flags of every command, accepted before or after the command name (`global: true`). `run`'s
 * argv splitting (`split-argv.ts`) must know which of them take a value: GLOBAL_VALUE_FLAGS.
 */
export const GLOBAL_OPTIONS = {
  quiet: { alias: "q", type: "count", global: true, describe: "Print less: only warnings and errors" },
  verbose: { alias: "v", type: "count", global: true, describe: "Log more (-v info, -vv debug) to stderr" },
  color: {
    type: "string",
    choices: ["auto", "always", "never"],
    requiresArg: true,
    global: true,
    describe: "Colour output (auto: on a terminal, unless NO_COLOR; FORCE_COLOR forces)",
  },
  directory: {
    type: "string",
    requiresArg: true,
    global: true,
    describe: "Change to this directory before doing anything",
  },
  project: {
    type: "string",
    requiresArg: true,
    global: true,
    describe: "The project directory (default: the nearest pyproject.toml upwards)",
  },
  offline: { type: "boolean", global: true, describe: "Use only the cache; make no network request" },
  "no-progress": { type: "boolean", global: true, describe: "Show no progress bars or spinners" },
  "cache-dir": {
    type: "string",
    requiresArg: true,
    global: true,
    describe: "The cache directory (default: $LOCKSTEP_CACHE_DIR or ~/.cache/lockstep)",
  },
  "no-cache": {
    type: "boolean",
    global: true,
    describe: "Use a temporary cache, removed when the command ends",
  },
  "log-format": {
    type: "string",
    choices: ["text", "json"],
    requiresArg: true,
    global: true,
    describe: "How -v logs are written to stderr: text, or pino JSON lines",
  },
} as const;

/** `--output-format text|json` (`tree`, `lock`, `sync --dry-run`, …): JSON via `renderJson` on stdout. */
export const OUTPUT_FORMAT_OPTION = {
  "output-format": {
    type: "string",
    choices: ["text", "json"],
    requiresArg: true,
    describe: "text for people, json (on stdout) for programs",
  },
} as const;

/** Global flags that take a value (and their aliases), for argv splitting. */
export const GLOBAL_VALUE_FLAGS = ["color", "directory", "project", "cache-dir", "log-format"];

/** The parsed values of GLOBAL_OPTIONS. */
export interface GlobalArgs {
  quiet?: number | undefined;
  verbose?: number | undefined;
  color?: string | undefined;
  directory?: string | undefined;
  project?: string | undefined;
  offline?: boolean | undefined;
  "no-progress"?: boolean | undefined;
  "cache-dir"?: string | undefined;
  "no-cache"?: boolean | undefined;
  "log-format"?: string | undefined;
}

export const RESOLVER_OPTIONS = {
  prerelease: {
    type: "string",
    requiresArg: true,
    describe: "When pre-releases may be chosen (as [tool.lockstep] prerelease)",
  },
  resolution: {
    type: "string",
    requiresArg: true,
    describe: "Which versions to prefer (as [tool.lockstep] resolution)",
  },
  "exclude-newer": {
    type: "string",
    requiresArg: true,
    describe: "Ignore files uploaded after this date or RFC 3339 time",
  },
  "index-strategy": {
    type: "string",
    requiresArg: true,
    describe: "first-index, unsafe-first-match or unsafe-best-match (as [tool.lockstep] index-strategy)",
  },
} as const;

/** How an install puts files into the venv (`sync`, `run`, `add`, `remove`). */
export const INSTALL_OPTIONS = {
  "link-mode": {
    type: "string",
    choices: [...LINK_MODES],
    describe: "How files get from the cache into the venv (default hardlink)",
  },
  "compile-bytecode": { type: "boolean", describe: "Compile the installed Python files to bytecode" },
} as const;

/** The parsed values of INDEX_OPTIONS, RESOLVER_OPTIONS and INSTALL_OPTIONS. */
export interface SharedFlagArgs {
  /** Not a flag: the logger the global flags made (`-v`, `--log-format`), set before any handler. */
  log?: Log | undefined;
  "index-url"?: string | undefined;
  "extra-index-url"?: string[] | undefined;
  "find-links"?: string[] | undefined;
  offline?: boolean | undefined;
  "cache-dir"?: string | undefined;
  prerelease?: string | undefined;
  resolution?: string | undefined;
  "exclude-newer"?: string | undefined;
  "index-strategy"?: string | undefined;
}

export interface InstallFlagArgs {
  "link-mode"?: string | undefined;
  "compile-bytecode"?: boolean | undefined;
}

/** The settings flags as the project layer takes them. */
export function settingFlags(args: SharedFlagArgs) {
  return {
    indexUrl: args["index-url"],
    extraIndexUrls: args["extra-index-url"],
    findLinks: args["find-links"],
    offline: args.offline,
    cacheDir: args["cache-dir"],
    prerelease: args.prerelease,
    resolution: args.resolution,
    excludeNewer: args["exclude-newer"],
    indexStrategy: args["index-strategy"],
    log: args.log,
  };
}
