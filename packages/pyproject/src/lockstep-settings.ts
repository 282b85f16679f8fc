/**
 * `[tool.lockstep]`: lockstep's own settings, shaped after uv's `[tool.uv]`.
 *
 * Every key is optional; the result has defaults filled in (see `docs/pyproject.md`). Unknown keys
 * are errors with the closest valid key suggested, since a misspelt setting silently ignored is a
 * lockfile that differs from what the user asked for.
 *
 * Pitfalls: `environments` accepts one marker string or an array of them; `exclude-newer` accepts an
 * RFC 3339 timestamp (string or TOML offset date-time) or a date (midnight UTC), but not a local
 * date-time, whose meaning would depend on the machine's time zone; `default-groups` is `"all"` or
 * a list of groups that exist.
 */

import type { Marker, Requirement } from "@lockstep/pep508";
import { canonicalizeName } from "@lockstep/pep508";
import { TomlDate } from "smol-toml";
import { closest } from "./suggest";
import { readConflicts } from "./conflicts";
import type { ConflictItem, ConflictNames } from "./conflicts";
import { describePath, typeName } from "./problems";
import type { Problems } from "./problems";
import { parseMarkerAt, readRequirements } from "./requirements";
import { normalizeRequiredVersion } from "./required-version";
import { readIndexes, readSources } from "./sources";
import type { Index, Source } from "./sources";
import { readWorkspaceTable } from "./workspace-table";
import { LIMIT_KEYS, LIMIT_SPECS, expectedLimit, parseLimitValue } from "./limit-settings";
import type { LimitSettings } from "./limit-settings";
import type { WorkspaceTable } from "./workspace-table";

import { INDEX_STRATEGIES, PRERELEASE_POLICIES, RESOLUTION_STRATEGIES } from "./setting-choices";
import type { IndexStrategySetting, PrereleasePolicy, ResolutionStrategy } from "./setting-choices";

export { INDEX_STRATEGIES, PRERELEASE_POLICIES, RESOLUTION_STRATEGIES };
export type { IndexStrategySetting, PrereleasePolicy, ResolutionStrategy };

export interface LockstepSettings {
  indexes: Index[];
  /** Keyed by normalized package name. */
  sources: Record<string, Source[]>;
  constraintDependencies: Requirement[];
  overrideDependencies: Requirement[];
  /** The marker environments to lock for (empty: every environment). */
  environments: Marker[];
  /** Environments the lock must have wheels for. */
  requiredEnvironments: Marker[];
  /** Sets of extras/groups never installed together (resolved in separate forks). */
  conflicts: ConflictItem[][];
  resolution: ResolutionStrategy;
  prerelease: PrereleasePolicy;
  /** Which indexes a package's versions may come from (default "first-index"). */
  indexStrategy: IndexStrategySetting;
  excludeNewer: Date | undefined;
  /** Groups installed by default: `"all"` or normalized names (default `["dev"]`). */
  defaultGroups: "all" | string[];
  /** Whether the project itself is built and installed; `undefined`: decided by `[build-system]`. */
  package: boolean | undefined;
  /** A semver range of lockstep versions, as normalized for `semver`. */
  requiredVersion: string | undefined;
  workspace: WorkspaceTable | undefined;
  /** Archive, index and network limits the file sets (`max-archive-size`, `http-timeout`, …). */
  limits: LimitSettings;
}

export const LOCKSTEP_KEYS = [
  "index",
  "indexes",
  "sources",
  "constraint-dependencies",
  "override-dependencies",
  "environments",
  "required-environments",
  "conflicts",
  "resolution",
  "prerelease",
  "index-strategy",
  "exclude-newer",
  "default-groups",
  "package",
  "required-version",
  "workspace",
  ...(LIMIT_KEYS as readonly LimitKey[]),
] as const;

type LimitKey =
  | "max-archive-size"
  | "max-archive-entries"
  | "max-compression-ratio"
  | "max-index-page-size"
  | "max-metadata-size"
  | "max-download-size"
  | "http-connect-timeout"
  | "http-timeout";

const HINTS: Record<string, string> = {
  "dev-dependencies": 'development dependencies belong in [dependency-groups], e.g. dev = ["pytest"]',
};

export const DEFAULT_SETTINGS: LockstepSettings = {
  indexes: [],
  sources: {},
  constraintDependencies: [],
  overrideDependencies: [],
  environments: [],
  requiredEnvironments: [],
  conflicts: [],
  resolution: "highest",
  prerelease: "if-necessary-or-explicit",
  indexStrategy: "first-index",
  excludeNewer: undefined,
  defaultGroups: ["dev"],
  package: undefined,
  requiredVersion: undefined,
  workspace: undefined,
  limits: {},
};

const BASE = ["tool", "lockstep"];

/**
 * Read `[tool.lockstep]`; `groups` are the normalized names of the dependency groups, `names` what
 * `conflicts` items may refer to (without it, no conflict item is checked against the project).
 */
export function readLockstepSettings(
  problems: Problems,
  value: unknown,
  groups: readonly string[],
  names?: ConflictNames,
): LockstepSettings {
  if (value === undefined) return { ...DEFAULT_SETTINGS, defaultGroups: ["dev"] };
  const table = problems.table(BASE, value);
  if (!table) return { ...DEFAULT_SETTINGS };
  problems.unknownKeys(BASE, table, LOCKSTEP_KEYS, HINTS);
  const at = (key: string): string[] => [...BASE, key];
  const requirements = (key: string): Requirement[] =>
    table[key] === undefined ? [] : readRequirements(problems, at(key), table[key]);
  // `[[tool.lockstep.index]]` (uv's spelling) and `indexes = [...]` are the same list; not both.
  if (table.index !== undefined && table.indexes !== undefined) {
    problems.report(
      "duplicate-key",
      at("indexes"),
      'declare indexes once: either [[tool.lockstep.index]] tables or an "indexes" array',
    );
  }
  const indexes = readIndexes(problems, table.index ?? table.indexes);
  return {
    indexes,
    sources: readSources(problems, table.sources, indexes),
    constraintDependencies: requirements("constraint-dependencies"),
    overrideDependencies: requirements("override-dependencies"),
    environments: readMarkers(problems, at("environments"), table.environments),
    requiredEnvironments: readMarkers(problems, at("required-environments"), table["required-environments"]),
    conflicts: readConflicts(problems, at("conflicts"), table.conflicts, names),
    resolution: readChoice(problems, at("resolution"), table.resolution, RESOLUTION_STRATEGIES) ?? "highest",
    prerelease:
      readChoice(problems, at("prerelease"), table.prerelease, PRERELEASE_POLICIES) ??
      "if-necessary-or-explicit",
    indexStrategy:
      readChoice(problems, at("index-strategy"), table["index-strategy"], INDEX_STRATEGIES) ?? "first-index",
    excludeNewer: readTimestamp(problems, at("exclude-newer"), table["exclude-newer"]),
    defaultGroups: readDefaultGroups(problems, table["default-groups"], groups),
    package: table.package === undefined ? undefined : problems.boolean(at("package"), table.package),
    requiredVersion: readRequiredVersion(problems, table["required-version"]),
    workspace: table.workspace === undefined ? undefined : readWorkspaceTable(problems, table.workspace),
    limits: readLimits(problems, table),
  };
}

function readLimits(problems: Problems, table: Record<string, unknown>): LimitSettings {
  const limits: LimitSettings = {};
  for (const spec of LIMIT_SPECS) {
    const value = table[spec.key];
    if (value === undefined) continue;
    const parsed = parseLimitValue(spec.kind, value);
    if (parsed === undefined) {
      const path = [...BASE, spec.key];
      const found = typeof value === "string" ? JSON.stringify(value) : typeName(value);
      problems.report(
        "invalid-value",
        path,
        `expected ${describePath(path)} to be ${expectedLimit(spec.kind)}, found ${found}`,
      );
    } else limits[spec.field] = parsed;
  }
  return limits;
}

function readMarkers(problems: Problems, path: string[], value: unknown): Marker[] {
  if (value === undefined) return [];
  const texts: { text: string; at: (string | number)[] }[] =
    typeof value === "string" ? [{ text: value, at: path }] : [];
  if (typeof value !== "string") {
    if (!problems.expect(path, value, "a marker string or an array of marker strings", Array.isArray))
      return [];
    value.forEach((item, i) => {
      const text = problems.string([...path, i], item);
      if (text !== undefined) texts.push({ text, at: [...path, i] });
    });
  }
  return texts.flatMap(({ text, at }) => parseMarkerAt(problems, at, text) ?? []);
}

function readChoice<T extends string>(
  problems: Problems,
  path: string[],
  value: unknown,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const text = problems.string(path, value);
  if (text === undefined) return undefined;
  if ((choices as readonly string[]).includes(text)) return text as T;
  const near = closest(text, choices);
  const mean = near ? `; did you mean ${JSON.stringify(near)}?` : "";
  problems.report(
    "invalid-value",
    path,
    `${JSON.stringify(text)} is not a valid ${path[path.length - 1]}${mean}`,
    {
      hint: `expected one of: ${choices.join(", ")}`,
    },
  );
  return undefined;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/;

function readTimestamp(problems: Problems, path: string[], value: unknown): Date | undefined {
  if (value === undefined) return undefined;
  const bad = (found: string): undefined => {
    problems.report(
      "invalid-value",
      path,
      `expected ${describePath(path)} to be an RFC 3339 timestamp such as "2024-03-01T00:00:00Z" or a date such as "2024-03-01", found ${found}`,
    );
    return undefined;
  };
  if (value instanceof TomlDate) {
    if (value.isDate()) return new Date(`${value.toISOString()}T00:00:00Z`);
    if (value.isDateTime() && !value.isLocal()) return new Date(value.getTime());
    return bad(
      `the local ${value.isTime() ? "time" : "date-time"} ${value.toISOString()} (add a time zone offset such as Z)`,
    );
  }
  if (typeof value !== "string") return bad(typeName(value));
  const date = DATE.test(value)
    ? new Date(`${value}T00:00:00Z`)
    : OFFSET_DATE_TIME.test(value)
      ? new Date(value)
      : undefined;
  if (!date || Number.isNaN(date.getTime())) return bad(JSON.stringify(value));
  return date;
}

function readDefaultGroups(problems: Problems, value: unknown, groups: readonly string[]): "all" | string[] {
  const path = [...BASE, "default-groups"];
  if (value === undefined) return ["dev"];
  if (value === "all") return "all";
  if (typeof value === "string") {
    problems.report(
      "invalid-value",
      path,
      `expected ${describePath(path)} to be "all" or an array of group names, found ${JSON.stringify(value)}`,
    );
    return ["dev"];
  }
  const names = problems.stringArray(path, value) ?? [];
  const out: string[] = [];
  names.forEach((name, i) => {
    const normalized = canonicalizeName(name);
    if (!groups.includes(normalized)) {
      const near = closest(normalized, groups);
      const mean = near ? `; did you mean ${JSON.stringify(near)}?` : "";
      problems.report(
        "unknown-group",
        [...path, i],
        `default group ${JSON.stringify(name)} is not defined in [dependency-groups]${mean}`,
      );
    } else out.push(normalized);
  });
  return out;
}

function readRequiredVersion(problems: Problems, value: unknown): string | undefined {
  const path = [...BASE, "required-version"];
  if (value === undefined) return undefined;
  const text = problems.string(path, value);
  if (text === undefined) return undefined;
  const range = normalizeRequiredVersion(text);
  if (range === undefined) {
    problems.report(
      "invalid-value",
      path,
      `${JSON.stringify(text)} is not a version range such as ">=0.4" or ">=0.4, <1"`,
    );
  }
  return range;
}
