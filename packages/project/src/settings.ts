/**
 * Settings precedence, as one pure function: every setting comes from the first layer that sets it,
 * in this order — a command-line flag, a `LOCKSTEP_*` environment variable, `[tool.lockstep]` in the
 * project's pyproject.toml, the user config file (`$XDG_CONFIG_HOME/lockstep/lockstep.toml`, default
 * `~/.config/lockstep/lockstep.toml`, the same keys as `[tool.lockstep]`), then the default.
 * `resolveSettings` returns each effective value and the layer it came from, so the CLI can pass
 * them on and `docs/settings.md` can be checked against `SETTINGS`.
 *
 * Other code that adds a setting: add one `SettingSpec` to `SETTINGS` (its key is the kebab-case
 * name used in `[tool.lockstep]`, the user config and the flag), a field to `Settings`, and a row to
 * docs/settings.md (a test compares the table with `SETTINGS`).
 *
 * Pitfalls: this module must stay cheap to import (the CLI loads it on every command, the no-op sync
 * included), so it imports no TOML parser: only pyproject's import-free modules (the choice lists,
 * the limit parsers); the link modes are copied and a test checks them against `@lockstep/wheel`. An invalid value names where
 * it came from (the flag, the environment variable, or the file and key) so the user can find it.
 * List-valued environment variables are space-separated (`LOCKSTEP_EXTRA_INDEX_URL="URL1 URL2"`).
 * `[tool.lockstep]` declares its default index as `[[tool.lockstep.index]] default = true`, which is
 * the project layer of `index-url`; the project layer of the other pyproject keys is the key itself.
 */
import { UsageError } from "@lockstep/errors";
import { redact } from "@lockstep/index/auth";
// Cheap: this module of pyproject imports nothing (no TOML parser).
import {
  LIMIT_SPECS,
  expectedLimit,
  limitEnvName,
  parseLimitValue,
} from "@lockstep/pyproject/limit-settings";
import type { LimitKind } from "@lockstep/pyproject/limit-settings";
// Cheap as well: the choice lists themselves, shared with pyproject.toml's validation.
import {
  INDEX_STRATEGIES,
  PRERELEASE_POLICIES,
  RESOLUTION_STRATEGIES,
} from "@lockstep/pyproject/setting-choices";

export type SettingSource = "flag" | "env" | "project" | "user" | "default";

export type SettingKind =
  "url" | "urls" | "paths" | "path" | "string" | "boolean" | "integer" | "choice" | "limit";

export interface SettingSpec {
  /** Kebab-case: the `[tool.lockstep]` / user config key, and the flag (`--<key>`) when `flag`. */
  key: keyof Settings;
  kind: SettingKind;
  /** The environment variable. */
  env: string;
  /** Whether a command-line flag sets it (`--<key>`). */
  flag: boolean;
  /** Whether `[tool.lockstep]` can set it (else only flag, env, user config). */
  project: boolean;
  choices?: readonly string[];
  /** The smallest value an "integer" setting accepts (default 1). */
  min?: number;
  /** What a "limit" setting takes (a size, a count, a ratio, seconds; `@lockstep/pyproject`'s parser). */
  limit?: LimitKind;
  /** The default as the docs show it. */
  defaultText: string;
  describe: string;
}

/** The effective settings (`undefined`: unset, the consumer's own default applies). */
export interface Settings {
  "index-url": string | undefined;
  "extra-index-url": string[];
  "find-links": string[];
  "cache-dir": string | undefined;
  "no-cache": boolean;
  offline: boolean;
  python: string | undefined;
  prerelease: string | undefined;
  resolution: string | undefined;
  "index-strategy": string | undefined;
  "exclude-newer": string | undefined;
  "link-mode": string | undefined;
  "compile-bytecode": boolean;
  "concurrent-downloads": number | undefined;
  "cache-ttl": number | undefined;
  "no-progress": boolean;
  /** Limits (issue 13; `docs/pyproject.md`, "Limits"): bytes, counts, a ratio, seconds. */
  "max-archive-size": number | undefined;
  "max-archive-entries": number | undefined;
  "max-compression-ratio": number | undefined;
  "max-index-page-size": number | undefined;
  "max-metadata-size": number | undefined;
  "max-download-size": number | undefined;
  "http-connect-timeout": number | undefined;
  "http-timeout": number | undefined;
}

/** The limits' defaults and meanings as the settings table shows them (enforced elsewhere). */
const LIMIT_DOCS: Record<string, [defaultText: string, describe: string]> = {
  "max-archive-size": ["8GiB", "Largest total uncompressed size of one wheel (bytes or a size such as 8GiB)"],
  "max-archive-entries": ["200000", "Most entries in one wheel or zip sdist"],
  "max-compression-ratio": [
    "200",
    "Largest uncompressed : compressed ratio of one archive entry over 16 MiB",
  ],
  "max-index-page-size": ["64MiB", "Largest index page, as sent and decompressed"],
  "max-metadata-size": ["16MiB", "Largest core-metadata file, METADATA entry or PKG-INFO"],
  "max-download-size": ["8GiB", "Largest wheel or sdist downloaded"],
  "http-connect-timeout": ["10", "Seconds to connect (DNS, TCP, TLS) before retrying"],
  "http-timeout": ["30", "Seconds of silence from a connected index before giving up"],
};

export const PRERELEASE_CHOICES = PRERELEASE_POLICIES;
export const RESOLUTION_CHOICES = RESOLUTION_STRATEGIES;
export const INDEX_STRATEGY_CHOICES = INDEX_STRATEGIES;
export const LINK_MODE_CHOICES = ["hardlink", "copy", "symlink", "clone"] as const;

export const SETTINGS: readonly SettingSpec[] = [
  {
    key: "index-url",
    kind: "url",
    env: "LOCKSTEP_INDEX_URL",
    flag: true,
    project: true,
    defaultText: "https://pypi.org/simple",
    describe: "The default index, asked last (in pyproject: `[[tool.lockstep.index]]` with `default = true`)",
  },
  {
    key: "extra-index-url",
    kind: "urls",
    env: "LOCKSTEP_EXTRA_INDEX_URL",
    flag: true,
    project: false,
    defaultText: "none",
    describe: "More indexes, asked before the declared ones and the default (env: space-separated)",
  },
  {
    key: "find-links",
    kind: "paths",
    env: "LOCKSTEP_FIND_LINKS",
    flag: true,
    project: false,
    defaultText: "none",
    describe: "Directories or flat HTML pages of distributions (env: space-separated)",
  },
  {
    key: "cache-dir",
    kind: "path",
    env: "LOCKSTEP_CACHE_DIR",
    flag: true,
    project: false,
    defaultText: "`$XDG_CACHE_HOME/lockstep` or `~/.cache/lockstep`",
    describe: "The cache directory",
  },
  {
    key: "no-cache",
    kind: "boolean",
    env: "LOCKSTEP_NO_CACHE",
    flag: true,
    project: false,
    defaultText: "false",
    describe: "Use a temporary cache, removed when the command ends",
  },
  {
    key: "offline",
    kind: "boolean",
    env: "LOCKSTEP_OFFLINE",
    flag: true,
    project: false,
    defaultText: "false",
    describe: "Use only the cache; make no network request",
  },
  {
    key: "python",
    kind: "string",
    env: "LOCKSTEP_PYTHON",
    flag: true,
    project: false,
    defaultText: "`.python-version`, else the first Python that satisfies `requires-python`",
    describe: "The interpreter for the venv: a version, specifiers or a path",
  },
  {
    key: "prerelease",
    kind: "choice",
    env: "LOCKSTEP_PRERELEASE",
    flag: true,
    project: true,
    choices: PRERELEASE_CHOICES,
    defaultText: "if-necessary-or-explicit",
    describe: "When pre-releases may be chosen",
  },
  {
    key: "resolution",
    kind: "choice",
    env: "LOCKSTEP_RESOLUTION",
    flag: true,
    project: true,
    choices: RESOLUTION_CHOICES,
    defaultText: "highest",
    describe: "Which versions to prefer",
  },
  {
    key: "index-strategy",
    kind: "choice",
    env: "LOCKSTEP_INDEX_STRATEGY",
    flag: true,
    project: true,
    choices: INDEX_STRATEGY_CHOICES,
    defaultText: "first-index",
    describe: "Which indexes a package's versions may come from (see docs/index.md)",
  },
  {
    key: "exclude-newer",
    kind: "string",
    env: "LOCKSTEP_EXCLUDE_NEWER",
    flag: true,
    project: true,
    defaultText: "none",
    describe: "Ignore files uploaded after this date (2024-05-01) or RFC 3339 time with a zone",
  },
  {
    key: "link-mode",
    kind: "choice",
    env: "LOCKSTEP_LINK_MODE",
    flag: true,
    project: false,
    choices: LINK_MODE_CHOICES,
    defaultText: "hardlink",
    describe: "How files get from the cache into the venv",
  },
  {
    key: "compile-bytecode",
    kind: "boolean",
    env: "LOCKSTEP_COMPILE_BYTECODE",
    flag: true,
    project: false,
    defaultText: "false",
    describe: "Compile installed Python files to bytecode",
  },
  {
    key: "concurrent-downloads",
    kind: "integer",
    env: "LOCKSTEP_CONCURRENT_DOWNLOADS",
    flag: false,
    project: false,
    defaultText: "50",
    describe: "How many index requests and downloads run at once",
  },
  {
    key: "cache-ttl",
    kind: "integer",
    min: 0,
    env: "LOCKSTEP_CACHE_TTL",
    flag: false,
    project: false,
    defaultText: "from the index's headers",
    describe:
      "Seconds a cached index page is used without asking the index (0: always ask); unset, Cache-Control or Expires decide, else 10% of the time since Last-Modified, at most 10 minutes",
  },
  {
    key: "no-progress",
    kind: "boolean",
    env: "LOCKSTEP_NO_PROGRESS",
    flag: true,
    project: false,
    defaultText: "false",
    describe: "Show no progress bars or spinners",
  },
  ...LIMIT_SPECS.map((l): SettingSpec => ({
    key: l.key as keyof Settings,
    kind: "limit",
    limit: l.kind,
    env: limitEnvName(l.key),
    flag: false,
    project: true,
    defaultText: LIMIT_DOCS[l.key]?.[0] ?? "",
    describe: LIMIT_DOCS[l.key]?.[1] ?? "",
  })),
];

/** Raw values of one layer, keyed by setting key (flags as yargs parsed them, TOML values as read). */
export type SettingLayer = Partial<Record<keyof Settings, unknown>>;

export interface SettingInputs {
  /** Flags given on the command line (absent or `undefined`: not given). */
  flags?: SettingLayer | undefined;
  /** The process environment. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The user config file's table, and its path for messages. */
  userConfig?: { path: string; table: Record<string, unknown> } | undefined;
  /** The project's raw `[tool.lockstep]` table, and its pyproject.toml path for messages. */
  project?: { path: string; table: Record<string, unknown> } | undefined;
}

export interface ResolvedSettings {
  values: Settings;
  sources: Record<keyof Settings, SettingSource>;
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off", ""]);

function describeOrigin(spec: SettingSpec, source: SettingSource, inputs: SettingInputs): string {
  switch (source) {
    case "flag":
      return `--${spec.key}`;
    case "env":
      return spec.env;
    case "project":
      return `${inputs.project?.path ?? "pyproject.toml"}: [tool.lockstep] ${spec.key}`;
    default:
      return `${inputs.userConfig?.path ?? "lockstep.toml"}: ${spec.key}`;
  }
}

function invalid(where: string, raw: unknown, expected: string, hint?: string): UsageError {
  const shown = typeof raw === "string" ? JSON.stringify(redact(raw)) : JSON.stringify(raw);
  return new UsageError(`${where}: ${shown} is not ${expected}`, hint);
}

function checkUrl(where: string, raw: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !["http:", "https:", "file:"].includes(parsed.protocol))
    throw invalid(where, raw, "a valid index URL", "give an http(s) URL such as https://pypi.org/simple");
  return raw;
}

/** A raw value from `source` as the setting's type; an environment value is text. */
function coerce(spec: SettingSpec, raw: unknown, source: SettingSource, where: string): unknown {
  const text = source === "env";
  switch (spec.kind) {
    case "boolean": {
      if (typeof raw === "boolean") return raw;
      if (text && typeof raw === "string" && (TRUE.has(raw.toLowerCase()) || FALSE.has(raw.toLowerCase())))
        return TRUE.has(raw.toLowerCase());
      throw invalid(where, raw, "a boolean (1, true, yes, on / 0, false, no, off)");
    }
    case "integer": {
      const n =
        typeof raw === "number" ? raw : typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : NaN;
      const min = spec.min ?? 1;
      if (!Number.isInteger(n) || n < min) throw invalid(where, raw, `a whole number >= ${min}`);
      return n;
    }
    case "limit": {
      const kind = spec.limit ?? "count";
      const value = parseLimitValue(kind, raw, text);
      if (value === undefined) throw invalid(where, raw, expectedLimit(kind));
      return value;
    }
    case "urls":
    case "paths": {
      const items =
        text && typeof raw === "string"
          ? raw.split(/\s+/).filter((s) => s !== "")
          : typeof raw === "string"
            ? [raw]
            : raw;
      if (!Array.isArray(items) || items.some((i) => typeof i !== "string"))
        throw invalid(where, raw, "a list of strings");
      return spec.kind === "urls" ? items.map((u: string) => checkUrl(where, u)) : [...(items as string[])];
    }
    default: {
      if (typeof raw !== "string" || raw === "") throw invalid(where, raw, "a non-empty string");
      if (spec.kind === "url") return checkUrl(where, raw);
      if (spec.kind === "choice" && !(spec.choices ?? []).includes(raw))
        throw invalid(where, raw, `one of ${(spec.choices ?? []).join(", ")}`);
      return raw;
    }
  }
}

/** The project layer's raw value of a setting (`index-url` is the declared default index). */
function projectValue(spec: SettingSpec, table: Record<string, unknown>): unknown {
  if (!spec.project) return undefined;
  if (spec.key === "index-url") {
    const indexes = table.index ?? table.indexes;
    if (!Array.isArray(indexes)) return undefined;
    const declared = indexes.find(
      (i): i is { url: unknown } =>
        typeof i === "object" && i !== null && (i as { default?: unknown }).default === true,
    );
    return declared?.url;
  }
  return table[spec.key];
}

const EMPTY: Settings = {
  "index-url": undefined,
  "extra-index-url": [],
  "find-links": [],
  "cache-dir": undefined,
  "no-cache": false,
  offline: false,
  python: undefined,
  prerelease: undefined,
  resolution: undefined,
  "index-strategy": undefined,
  "exclude-newer": undefined,
  "link-mode": undefined,
  "compile-bytecode": false,
  "concurrent-downloads": undefined,
  "cache-ttl": undefined,
  "no-progress": false,
  "max-archive-size": undefined,
  "max-archive-entries": undefined,
  "max-compression-ratio": undefined,
  "max-index-page-size": undefined,
  "max-metadata-size": undefined,
  "max-download-size": undefined,
  "http-connect-timeout": undefined,
  "http-timeout": undefined,
};

/**
 * Every setting from the first layer that sets it: flag > environment > `[tool.lockstep]` > user
 * config > default. An empty environment variable counts as unset (as `FOO= lockstep …` is meant).
 * Throws a `UsageError` naming the flag, variable or file and key of an invalid value.
 */
export function resolveSettings(inputs: SettingInputs): ResolvedSettings {
  const values: Record<string, unknown> = { ...EMPTY };
  const sources = {} as Record<keyof Settings, SettingSource>;
  for (const spec of SETTINGS) {
    const layers: [SettingSource, unknown][] = [
      ["flag", spec.flag ? inputs.flags?.[spec.key] : undefined],
      ["env", inputs.env?.[spec.env] === "" ? undefined : inputs.env?.[spec.env]],
      ["project", inputs.project ? projectValue(spec, inputs.project.table) : undefined],
      ["user", inputs.userConfig?.table[spec.key]],
    ];
    sources[spec.key] = "default";
    for (const [source, raw] of layers) {
      // A flag list yargs leaves empty, or a boolean flag it sets to false by default, is "not given".
      if (raw === undefined || (source === "flag" && Array.isArray(raw) && raw.length === 0)) continue;
      const value = coerce(spec, raw, source, describeOrigin(spec, source, inputs));
      values[spec.key] = value;
      sources[spec.key] = source;
      break;
    }
  }
  return { values: values as unknown as Settings, sources };
}

/** The user config file: `$XDG_CONFIG_HOME/lockstep/lockstep.toml`, else `~/.config/lockstep/lockstep.toml`. */
export function userConfigPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== "" ? env.XDG_CONFIG_HOME : `${home}/.config`;
  return `${base}/lockstep/lockstep.toml`;
}

/** Keys the user config file may hold: the settings' keys (flags-only ones such as `no-cache` too). */
export const USER_CONFIG_KEYS: readonly string[] = SETTINGS.map((s) => s.key);

/** Edit distance (insert, delete, substitute). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur.push(
        Math.min(
          (prev[j] ?? 0) + 1,
          (cur[j - 1] ?? 0) + 1,
          (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
        ),
      );
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * "Did you mean": the candidate nearest to `word` within a third of its length (at least 2 edits),
 * `_` read as `-`; undefined when none is that close (a far guess is worse than none).
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase().replace(/_/g, "-");
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(w, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}
