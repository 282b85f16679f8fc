/**
 * The inputs a lock was made from, in a canonical form, and their fingerprint.
 *
 * PEP 751 has no key for "what was locked", so lockstep keeps the inputs themselves in
 * `[tool.lockstep.inputs]`: that is what lets `lockstep lock --check` say *what* changed without the
 * network. Pitfalls: the same requirement can be written many ways (`Requests >= 2`, `requests>=2`),
 * so requirements are reparsed and printed canonically with PEP 503 names; extra and group names are
 * PEP 685-normalized; sets (dependencies, constraints, overrides, default groups) are sorted and
 * de-duplicated, but the order of `environments` and `indexes` is kept, because it is the user's
 * (index order is priority).
 */
import { createHash } from "node:crypto";
import { SpecifierSet } from "@lockstep/pep440";
import { Marker, Requirement, canonicalizeName } from "@lockstep/pep508";

export interface LockIndex {
  name?: string | undefined;
  url: string;
}

export interface LockInputs {
  projectName: string;
  projectVersion?: string | undefined;
  requiresPython?: string | undefined;
  dependencies: string[];
  optionalDependencies: Record<string, string[]>;
  dependencyGroups: Record<string, string[]>;
  defaultGroups: string[];
  constraints: string[];
  overrides: string[];
  environments: string[];
  indexes: LockIndex[];
  /** The resolution strategy (`highest`, `lowest`, `lowest-direct`). */
  resolution: string;
  /** The prerelease mode. */
  prerelease: string;
  excludeNewer?: string | undefined;
  /** Whether the project itself is installed (it is a package, not a virtual project). */
  isPackage: boolean;
}

/** A requirement in canonical text (`requests[socks]>=2.0; python_version < "3.10"` form). */
export function canonicalRequirement(text: string): string {
  let req: Requirement;
  try {
    req = Requirement.parse(text);
  } catch {
    return text.trim();
  }
  return req.canonicalName + req.toString().slice(req.name.length);
}

function requirementList(list: readonly string[]): string[] {
  return [...new Set(list.map(canonicalRequirement))].sort();
}

function nameList(list: readonly string[]): string[] {
  return [...new Set(list.map(canonicalizeName))].sort();
}

function requirementTable(table: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  const merged = new Map<string, string[]>();
  for (const [key, list] of Object.entries(table)) {
    const name = canonicalizeName(key);
    merged.set(name, [...(merged.get(name) ?? []), ...list]);
  }
  const out: Record<string, string[]> = {};
  for (const name of [...merged.keys()].sort()) out[name] = requirementList(merged.get(name) ?? []);
  return out;
}

function canonicalSpecifiers(text: string): string {
  const s = SpecifierSet.tryParse(text);
  return s ? s.toString() : text.trim();
}

function canonicalMarker(text: string): string {
  try {
    return Marker.parse(text).toString();
  } catch {
    return text.trim();
  }
}

/** The canonical form: equal inputs (as far as resolution can tell) give deep-equal objects. */
export function canonicalizeInputs(inputs: LockInputs): LockInputs {
  const out: LockInputs = {
    projectName: canonicalizeName(inputs.projectName),
    projectVersion: inputs.projectVersion?.trim() || undefined,
    requiresPython: inputs.requiresPython?.trim() ? canonicalSpecifiers(inputs.requiresPython) : undefined,
    dependencies: requirementList(inputs.dependencies),
    optionalDependencies: requirementTable(inputs.optionalDependencies),
    dependencyGroups: requirementTable(inputs.dependencyGroups),
    defaultGroups: nameList(inputs.defaultGroups),
    constraints: requirementList(inputs.constraints),
    overrides: requirementList(inputs.overrides),
    environments: inputs.environments.map(canonicalMarker),
    indexes: inputs.indexes.map((i) =>
      i.name ? { name: i.name, url: i.url.trim() } : { url: i.url.trim() },
    ),
    resolution: inputs.resolution,
    prerelease: inputs.prerelease,
    excludeNewer: inputs.excludeNewer?.trim() || undefined,
    isPackage: inputs.isPackage,
  };
  return out;
}

/** `sha256:<hex>` over a fixed-order JSON rendering of the canonical inputs. */
export function fingerprintInputs(inputs: LockInputs): string {
  const c = canonicalizeInputs(inputs);
  const ordered = [
    c.projectName,
    c.projectVersion ?? null,
    c.requiresPython ?? null,
    c.dependencies,
    Object.entries(c.optionalDependencies),
    Object.entries(c.dependencyGroups),
    c.defaultGroups,
    c.constraints,
    c.overrides,
    c.environments,
    c.indexes.map((i) => [i.name ?? null, i.url]),
    c.resolution,
    c.prerelease,
    c.excludeNewer ?? null,
    c.isPackage,
  ];
  return `sha256:${createHash("sha256").update(JSON.stringify(ordered)).digest("hex")}`;
}
