/**
 * From a project and the command line's settings to what a lock is made from: the canonical
 * `LockInputs` recorded in (and compared against) the lock, plus the parsed values the resolver and
 * the index client need.
 *
 * This module is pure and cheap (no index client, no resolver), so `lock --check` and the up-to-date
 * path can build the inputs without loading either. Pitfalls: flags override `[tool.lockstep]`
 * settings and the result is what is recorded, so a lock made with `--resolution lowest` is stale for
 * a plain `lockstep lock` (as it should be: it would resolve differently); the effective index list
 * (with the default index last) is recorded, so pointing `--index-url` elsewhere makes the lock
 * stale; a project without `requires-python` is locked for `>=3.8`, as uv does, with a warning.
 */
import { LockstepError } from "@lockstep/errors";
import { SpecifierSet } from "@lockstep/pep440";
import type { Marker, Requirement } from "@lockstep/pep508";
import { canonicalizeName } from "@lockstep/pep508";
import { PRERELEASE_POLICIES, RESOLUTION_STRATEGIES } from "@lockstep/pyproject";
import type { PrereleasePolicy, Project, ResolutionStrategy } from "@lockstep/pyproject";
import type { LockInputs } from "@lockstep/lockfile";
import { UsageError } from "./usage-error";

/** PyPI's simple API, the default index unless one is declared or given (as `@lockstep/index`'s PYPI_URL). */
export const DEFAULT_INDEX_URL = "https://pypi.org/simple";

export const DEFAULT_REQUIRES_PYTHON = ">=3.8";

/** Settings a command line may override. */
export interface SettingFlags {
  indexUrl?: string | undefined;
  extraIndexUrls?: readonly string[] | undefined;
  prerelease?: string | undefined;
  resolution?: string | undefined;
  excludeNewer?: string | undefined;
}

export interface EffectiveIndex {
  name: string | undefined;
  url: string;
  explicit: boolean;
  default: boolean;
}

export interface ProjectInputs {
  inputs: LockInputs;
  requiresPython: SpecifierSet;
  indexes: EffectiveIndex[];
  /** canonical package name → index name, from `[tool.lockstep.sources]`. */
  pins: Record<string, string>;
  prerelease: PrereleasePolicy;
  resolution: ResolutionStrategy;
  excludeNewer: Date | undefined;
  constraints: Requirement[];
  overrides: Requirement[];
  environments: Marker[];
  requiredEnvironments: Marker[];
  warnings: string[];
}

/** `2024-05-01` (midnight UTC) or an RFC 3339 timestamp with a zone; a zoneless time is refused. */
export function parseExcludeNewer(text: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(text);
  const zoned = /^\d{4}-\d{2}-\d{2}$/.test(text) || /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  if (Number.isNaN(date.getTime()) || !zoned) {
    throw new UsageError(
      `--exclude-newer: ${JSON.stringify(text)} is not a date (2024-05-01) or an RFC 3339 timestamp with a zone (2024-05-01T00:00:00Z)`,
    );
  }
  return date;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag}: ${JSON.stringify(value)} is not one of ${allowed.join(", ")}`);
}

/** Declared indexes with the command line's applied, in priority order, the default last. */
export function effectiveIndexes(project: Project, flags: SettingFlags): EffectiveIndex[] {
  const declared = project.lockstep.indexes.map((i) => ({
    name: i.name,
    url: i.url,
    explicit: i.explicit,
    default: i.default,
  }));
  const extra = (flags.extraIndexUrls ?? []).map((url) => ({
    name: undefined,
    url,
    explicit: false,
    default: false,
  }));
  const rest = declared.filter((i) => !i.default);
  const declaredDefault = declared.find((i) => i.default);
  const fallback: EffectiveIndex = flags.indexUrl
    ? { name: undefined, url: flags.indexUrl, explicit: false, default: true }
    : (declaredDefault ?? { name: "pypi", url: DEFAULT_INDEX_URL, explicit: false, default: true });
  return [...extra, ...rest, fallback];
}

function indexPins(project: Project): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const [name, sources] of Object.entries(project.lockstep.sources)) {
    const unsupported = sources.find((s) => s.kind !== "index");
    if (unsupported) {
      throw new LockstepError(
        "unsupported-source",
        `[tool.lockstep.sources] ${name}: ${unsupported.kind} sources are not supported by \`lockstep lock\` yet`,
        { hint: 'only `{ index = "…" }` sources can be locked for now' },
      );
    }
    if (sources.length > 1) {
      throw new LockstepError(
        "unsupported-source",
        `[tool.lockstep.sources] ${name}: several sources split by marker are not supported by \`lockstep lock\` yet`,
      );
    }
    const only = sources[0];
    if (only && only.kind === "index") pins[canonicalizeName(name)] = only.index;
  }
  return pins;
}

function texts(table: Record<string, Requirement[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, reqs] of Object.entries(table)) out[k] = reqs.map((r) => r.toString());
  return out;
}

/** The inputs of a lock of `project` with `flags` applied. */
export function projectInputs(project: Project, flags: SettingFlags = {}): ProjectInputs {
  const settings = project.lockstep;
  const warnings: string[] = [];
  let requiresPythonText = project.requiresPython?.text;
  if (requiresPythonText === undefined) {
    warnings.push(
      `No \`requires-python\` value found in the workspace. Defaulting to \`${DEFAULT_REQUIRES_PYTHON}\`.`,
    );
    requiresPythonText = DEFAULT_REQUIRES_PYTHON;
  }
  const requiresPython = project.requiresPython?.specifiers ?? SpecifierSet.parse(DEFAULT_REQUIRES_PYTHON);
  const prerelease = flags.prerelease
    ? oneOf("--prerelease", flags.prerelease, PRERELEASE_POLICIES)
    : settings.prerelease;
  const resolution = flags.resolution
    ? oneOf("--resolution", flags.resolution, RESOLUTION_STRATEGIES)
    : settings.resolution;
  const excludeNewer = flags.excludeNewer ? parseExcludeNewer(flags.excludeNewer) : settings.excludeNewer;
  const indexes = effectiveIndexes(project, flags);
  const groups = Object.keys(project.dependencyGroups);
  const projectName = project.name ?? (project.root.split(/[\\/]/).pop() || "workspace");
  const inputs: LockInputs = {
    projectName,
    projectVersion: project.version,
    requiresPython: requiresPythonText,
    dependencies: project.dependencies.map((r) => r.toString()),
    optionalDependencies: texts(project.optionalDependencies),
    dependencyGroups: texts(project.dependencyGroups),
    defaultGroups:
      settings.defaultGroups === "all" ? groups : settings.defaultGroups.filter((g) => groups.includes(g)),
    constraints: settings.constraintDependencies.map((r) => r.toString()),
    overrides: settings.overrideDependencies.map((r) => r.toString()),
    environments: settings.environments.map((m) => m.toString()),
    indexes: indexes.map((i) => (i.name ? { name: i.name, url: i.url } : { url: i.url })),
    resolution,
    prerelease,
    excludeNewer: excludeNewer?.toISOString(),
    isPackage: project.isPackage,
  };
  return {
    inputs,
    requiresPython,
    indexes,
    pins: indexPins(project),
    prerelease,
    resolution,
    excludeNewer,
    constraints: settings.constraintDependencies,
    overrides: settings.overrideDependencies,
    environments: settings.environments,
    requiredEnvironments: settings.requiredEnvironments,
    warnings,
  };
}
