/**
 * Reading `[tool.lockstep]` back: the fingerprint, the canonical inputs and the fork markers.
 *
 * PEP 751 reserves `[tool.<name>]` for the named tool, so only this table is interpreted; other tools'
 * tables are ignored. Pitfalls: a lock without `[tool.lockstep]` is valid (another tool wrote it) and
 * simply cannot be checked for staleness; a malformed table is reported like any other problem,
 * because `--check` would otherwise give a wrong answer.
 */
import { Marker } from "@lockstep/pep508";
import type { FileProblems } from "@lockstep/errors";
import type { LineLocator } from "./line-locator";
import type { LockstepTool } from "./lock";
import { DEFAULT_INDEX_STRATEGY } from "./lock-inputs";
import type { LockIndex, LockInputs } from "./lock-inputs";
import { isTable } from "./toml-table";
import type { Table } from "./toml-table";

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
}

function requirementTable(v: unknown): Record<string, string[]> | undefined {
  if (v === undefined) return {};
  if (!isTable(v)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [k, x] of Object.entries(v)) {
    const list = strings(x);
    if (!list) return undefined;
    out[k] = list;
  }
  return out;
}

function indexes(v: unknown): LockIndex[] | undefined {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return undefined;
  const out: LockIndex[] = [];
  for (const x of v as unknown[]) {
    if (!isTable(x) || typeof x.url !== "string") return undefined;
    out.push(typeof x.name === "string" ? { name: x.name, url: x.url } : { url: x.url });
  }
  return out;
}

function readInputs(t: Table): LockInputs | string {
  const opt = (k: string) =>
    t[k] === undefined ? undefined : typeof t[k] === "string" ? (t[k] as string) : null;
  const list = (k: string) => (t[k] === undefined ? [] : strings(t[k]));
  const fields = {
    projectName: typeof t["project-name"] === "string" ? t["project-name"] : undefined,
    projectVersion: opt("project-version"),
    requiresPython: opt("requires-python"),
    dependencies: list("dependencies"),
    optionalDependencies: requirementTable(t["optional-dependencies"]),
    dependencyGroups: requirementTable(t["dependency-groups"]),
    defaultGroups: list("default-groups"),
    constraints: list("constraints"),
    overrides: list("overrides"),
    environments: list("environments"),
    conflicts: list("conflicts"),
    requiredEnvironments: list("required-environments"),
    indexStrategy:
      t["index-strategy"] === undefined
        ? DEFAULT_INDEX_STRATEGY
        : typeof t["index-strategy"] === "string"
          ? t["index-strategy"]
          : undefined,
    indexes: indexes(t.indexes),
    resolution: typeof t.resolution === "string" ? t.resolution : undefined,
    prerelease: typeof t.prerelease === "string" ? t.prerelease : undefined,
    excludeNewer: opt("exclude-newer"),
    isPackage: typeof t["is-package"] === "boolean" ? t["is-package"] : undefined,
    sources: sourceTable(t.sources),
  };
  const optional = new Set(["projectVersion", "requiresPython", "excludeNewer", "sources"]);
  const bad = Object.entries(fields)
    .filter(([k, v]) => v === null || (v === undefined && !optional.has(k)))
    .map(([k]) => k);
  if (bad.length > 0) return bad.join(", ");
  return {
    ...(fields as { [K in keyof typeof fields]: NonNullable<(typeof fields)[K]> }),
    projectVersion: fields.projectVersion ?? undefined,
    requiresPython: fields.requiresPython ?? undefined,
    excludeNewer: fields.excludeNewer ?? undefined,
    sources: fields.sources ?? undefined,
  };
}

/** `[tool.lockstep.inputs.sources]`: name → text; absent is fine, anything but strings is malformed. */
function sourceTable(v: unknown): Record<string, string> | undefined | null {
  if (v === undefined) return undefined;
  if (!isTable(v)) return null;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== "string") return null;
    out[k] = x;
  }
  return out;
}

export function readLockstepTool(
  tool: unknown,
  problems: FileProblems,
  loc: LineLocator,
): LockstepTool | undefined {
  if (!isTable(tool) || tool.lockstep === undefined) return undefined;
  const t = tool.lockstep;
  const line = loc.tableKey("tool.lockstep", "fingerprint");
  if (!isTable(t) || typeof t.fingerprint !== "string" || !isTable(t.inputs)) {
    problems.add(
      line,
      "`[tool.lockstep]` needs a `fingerprint` string and an `[tool.lockstep.inputs]` table",
    );
    return undefined;
  }
  const inputs = readInputs(t.inputs);
  if (typeof inputs === "string") {
    problems.add(line, `\`[tool.lockstep.inputs]\` is malformed (${inputs})`);
    return undefined;
  }
  const forks: Marker[] = [];
  for (const f of strings(t.forks) ?? []) {
    try {
      forks.push(Marker.parse(f));
    } catch {
      problems.add(line, `\`[tool.lockstep]\`: invalid fork marker \`${f}\``);
    }
  }
  return { fingerprint: t.fingerprint, inputs, forks };
}
