/**
 * From a project and the command line's settings to what a lock is made from: one
 * `ParsedLockInputs` (the requirements, specifiers and markers pyproject.toml was parsed into, never
 * re-parsed; its canonical text and fingerprint computed once, on first use) plus what the index
 * client and the resolver need besides (index flags, pins, the policy enums, the cut-off date).
 *
 * This module is pure and cheap (no index client, no resolver), so `lock --check` and the up-to-date
 * path can build the inputs without loading either. Policy lives here: flags override
 * `[tool.lockstep]` settings and the result is what is recorded, so a lock made with
 * `--resolution lowest` is stale for a plain `lockstep lock` (as it should be: it would resolve
 * differently); the effective index list (with the default index, PyPI unless replaced, last) is
 * recorded, so pointing `--index-url` elsewhere makes the lock stale; a project without
 * `requires-python` is locked for `>=3.8`, as uv does, with a warning. Pitfall: index URLs may carry
 * credentials (`https://user:secret@host/simple`); the client gets them as given, but what is
 * recorded and compared is the redacted URL, so a secret never reaches the lock and a changed
 * password does not make the lock stale.
 */
import { UsageError } from "@lockstep/errors";
import { redact } from "@lockstep/index/auth";
import { PYPI_URL } from "@lockstep/index/default-index";
import { ParsedLockInputs } from "@lockstep/lockfile";
import { SpecifierSet } from "@lockstep/pep440";
import type { Marker } from "@lockstep/pep508";
import { canonicalizeName } from "@lockstep/pep508";
import { INDEX_STRATEGIES, PRERELEASE_POLICIES, RESOLUTION_STRATEGIES } from "@lockstep/pyproject";
import type {
  IndexStrategySetting,
  PrereleasePolicy,
  Project,
  ResolutionStrategy,
  Workspace,
} from "@lockstep/pyproject";
import { Requirement } from "@lockstep/pep508";
import { pathPlans, sourceRecords, workspaceRequiresPython } from "./path-sources";
import type { PathPlan } from "./path-sources";
import { remotePlans, remoteRecords } from "./remote-sources";
import {
  conditionalNames,
  conditionalPlans,
  conditionalRecords,
  withoutSources,
} from "./conditional-sources";
import type { ConditionalPlan } from "./conditional-sources";
import type { RemotePlan } from "./remote-sources";

export const DEFAULT_REQUIRES_PYTHON = ">=3.8";

/** Settings a command line may override (as typed; validated here). */
export interface SettingFlags {
  indexUrl?: string | undefined;
  extraIndexUrls?: readonly string[] | undefined;
  prerelease?: string | undefined;
  resolution?: string | undefined;
  excludeNewer?: string | undefined;
  indexStrategy?: string | undefined;
}

export interface EffectiveIndex {
  name: string | undefined;
  /** As given, credentials included: for the index client only, never recorded or printed. */
  url: string;
  explicit: boolean;
  default: boolean;
}

export interface ProjectInputs {
  /** The lock's inputs, built once: what is resolved, recorded, fingerprinted and compared. */
  inputs: ParsedLockInputs;
  indexes: EffectiveIndex[];
  /** canonical package name → index name, from `[tool.lockstep.sources]`. */
  pins: Record<string, string>;
  prerelease: PrereleasePolicy;
  resolution: ResolutionStrategy;
  excludeNewer: Date | undefined;
  indexStrategy: IndexStrategySetting;
  requiredEnvironments: readonly Marker[];
  /** Workspace members and path sources: canonical name → where it comes from (see path-sources.ts). */
  plans: Map<string, PathPlan>;
  /** Git and direct-URL sources: canonical name → where it comes from (see remote-sources.ts). */
  remote: Map<string, RemotePlan>;
  /** Sources split by marker: canonical name → its sources (see conditional-sources.ts). */
  conditional: Map<string, ConditionalPlan>;
  warnings: string[];
}

/** The workspace a lock is made for and the lock's directory (paths are recorded relative to it). */
export interface WorkspaceContext {
  workspace: Workspace;
  lockDir: string;
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
  // "Invalid values" as yargs words its own choice errors: these flags are checked here, not by yargs.
  throw new UsageError(
    `Invalid values: ${flag}: ${JSON.stringify(value)} is not one of ${allowed.join(", ")}`,
  );
}

/** An index URL from the command line, refused (named, without its credentials) unless http(s) or file. */
function indexUrlFlag(flag: string, url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !["http:", "https:", "file:"].includes(parsed.protocol)) {
    throw new UsageError(
      `${flag}: ${JSON.stringify(redact(url))} is not a valid index URL`,
      "give an http(s) URL such as https://pypi.org/simple",
    );
  }
  return url;
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
    url: indexUrlFlag("--extra-index-url", url),
    explicit: false,
    default: false,
  }));
  const rest = declared.filter((i) => !i.default);
  const declaredDefault = declared.find((i) => i.default);
  const fallback: EffectiveIndex = flags.indexUrl
    ? { name: undefined, url: indexUrlFlag("--index-url", flags.indexUrl), explicit: false, default: true }
    : (declaredDefault ?? { name: "pypi", url: PYPI_URL, explicit: false, default: true });
  return [...extra, ...rest, fallback];
}

function indexPins(project: Project): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const [name, sources] of Object.entries(project.lockstep.sources)) {
    // Path and workspace sources are pinned by path-sources.ts, git and URL ones by remote-sources.ts;
    // sources split by marker, extra or group by conditional-sources.ts (the default indexes serve the rest).
    // Sources narrowed by extra or group are conditional too (on the extras and groups installed).
    if (sources.some((s) => s.marker !== undefined || s.extra !== undefined || s.group !== undefined))
      continue;
    const only = sources[0];
    if (only?.kind === "index") pins[canonicalizeName(name)] = only.index;
  }
  return pins;
}

/**
 * Index pins as lock inputs (`name => index NAME`): moving a package to another named index makes
 * the lock out of date, as any other source change does; the indexes' URLs are recorded beside.
 */
function indexPinRecords(pins: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(pins).map(([name, index]) => [name, `index ${index}`]));
}

/** The inputs of a lock of `project` with `flags` applied. */
export function projectInputs(
  project: Project,
  flags: SettingFlags = {},
  context?: WorkspaceContext,
): ProjectInputs {
  const settings = project.lockstep;
  const warnings: string[] = [];
  const workspace = context?.workspace;
  const conditional = workspace ? conditionalPlans(workspace) : new Map<string, ConditionalPlan>();
  // Names whose source depends on the environment are left to conditional-sources.ts.
  const unconditional = workspace ? withoutSources(workspace, conditionalNames(workspace)) : undefined;
  const plans = unconditional ? pathPlans(unconditional) : new Map<string, PathPlan>();
  const remote = unconditional
    ? remotePlans(unconditional, new Set(plans.keys()))
    : new Map<string, RemotePlan>();
  // The workspace depends on each member other than the root, and on each member's extras behind
  // the workspace's extra of the same name, so one lock holds them all.
  const others = (workspace?.members ?? []).filter((m) => m !== project && m.canonicalName);
  const memberDependencies = others.map((m) => Requirement.parse(m.canonicalName as string));
  const optionalDependencies: Record<string, Requirement[]> = { ...project.optionalDependencies };
  for (const m of others) {
    for (const extra of Object.keys(m.optionalDependencies)) {
      optionalDependencies[extra] = [
        ...(optionalDependencies[extra] ?? []),
        Requirement.parse(`${m.canonicalName as string}[${extra}]`),
      ];
    }
  }
  // Members' dependency groups join the workspace's groups of the same name (uv locks them too);
  // `sync --package` then installs only the selected member's share (workspace-selection.ts).
  const dependencyGroups: Record<string, Requirement[]> = { ...project.dependencyGroups };
  for (const m of others) {
    for (const [group, reqs] of Object.entries(m.dependencyGroups)) {
      dependencyGroups[group] = [...(dependencyGroups[group] ?? []), ...reqs];
    }
  }
  const narrowed = workspace && others.length > 0 ? workspaceRequiresPython(workspace) : undefined;
  if (project.requiresPython === undefined && narrowed === undefined) {
    warnings.push(
      `No \`requires-python\` value found in the workspace. Defaulting to \`${DEFAULT_REQUIRES_PYTHON}\`.`,
    );
  }
  const requiresPython =
    narrowed ?? project.requiresPython?.specifiers ?? SpecifierSet.parse(DEFAULT_REQUIRES_PYTHON);
  const prerelease = flags.prerelease
    ? oneOf("--prerelease", flags.prerelease, PRERELEASE_POLICIES)
    : settings.prerelease;
  const resolution = flags.resolution
    ? oneOf("--resolution", flags.resolution, RESOLUTION_STRATEGIES)
    : settings.resolution;
  const excludeNewer = flags.excludeNewer ? parseExcludeNewer(flags.excludeNewer) : settings.excludeNewer;
  const indexStrategy = flags.indexStrategy
    ? oneOf("--index-strategy", flags.indexStrategy, INDEX_STRATEGIES)
    : settings.indexStrategy;
  const indexes = effectiveIndexes(project, flags);
  const groups = Object.keys(dependencyGroups);
  const pins = indexPins(project);
  const inputs = new ParsedLockInputs({
    projectName: project.name ?? (project.root.split(/[\\/]/).pop() || "workspace"),
    projectVersion: project.version,
    requiresPython,
    dependencies: [...project.dependencies, ...memberDependencies],
    optionalDependencies,
    dependencyGroups,
    defaultGroups:
      settings.defaultGroups === "all" ? groups : settings.defaultGroups.filter((g) => groups.includes(g)),
    constraints: settings.constraintDependencies,
    overrides: settings.overrideDependencies,
    environments: settings.environments,
    conflicts: settings.conflicts,
    requiredEnvironments: settings.requiredEnvironments,
    indexStrategy,
    indexes: indexes.map((i) => (i.name ? { name: i.name, url: redact(i.url) } : { url: redact(i.url) })),
    resolution,
    prerelease,
    excludeNewer: excludeNewer?.toISOString(),
    isPackage: project.isPackage,
    sources: {
      ...indexPinRecords(pins),
      ...(context
        ? {
            ...sourceRecords(plans, context.lockDir),
            ...remoteRecords(remote),
            ...conditionalRecords(conditional, context.lockDir),
          }
        : {}),
    },
  });
  return {
    inputs,
    indexes,
    pins,
    prerelease,
    resolution,
    excludeNewer,
    indexStrategy,
    requiredEnvironments: settings.requiredEnvironments,
    plans,
    remote,
    conditional,
    warnings,
  };
}
