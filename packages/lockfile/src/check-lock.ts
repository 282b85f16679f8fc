/**
 * Staleness: is the lock still the lock of these inputs? No network, no resolver.
 *
 * The lock stores its inputs canonically in `[tool.lockstep.inputs]` with their fingerprint; the
 * current inputs come as one `ParsedLockInputs` whose canonical text is compared field by field with
 * the recorded one, so the answer names what changed ("dependency `httpx>=0.27` was added"). Nothing
 * is parsed here: both sides are canonical text already. Pitfalls: a requirement whose specifier changed is
 * one change ("changed from … to …"), not a removal plus an addition; reformatting a requirement
 * (`Requests >= 2` → `requests>=2`) is no change at all; a lock another tool wrote has no inputs and
 * is never fresh for lockstep.
 */
import type { Lock } from "./lock";
import { requirementTextName } from "./lock-inputs";
import type { LockInputs, ParsedLockInputs } from "./lock-inputs";

export interface LockCheck {
  fresh: boolean;
  changes: string[];
}

const nameOf = requirementTextName;

/** Changes between two requirement lists, matched by (name, marker-less identity) where possible. */
function requirementChanges(before: string[], after: string[], what: string): string[] {
  const out: string[] = [];
  const removed = before.filter((r) => !after.includes(r));
  const added = after.filter((r) => !before.includes(r));
  const changedNames = new Set<string>();
  for (const r of removed) {
    const name = nameOf(r);
    const sameBefore = removed.filter((x) => nameOf(x) === name);
    const sameAfter = added.filter((x) => nameOf(x) === name);
    if (sameBefore.length === 1 && sameAfter.length === 1) {
      changedNames.add(name);
      out.push(`${what} \`${name}\` changed from \`${r}\` to \`${sameAfter[0] as string}\``);
    }
  }
  for (const r of removed) if (!changedNames.has(nameOf(r))) out.push(`${what} \`${r}\` was removed`);
  for (const r of added) if (!changedNames.has(nameOf(r))) out.push(`${what} \`${r}\` was added`);
  return out;
}

function tableChanges(
  before: Record<string, string[]>,
  after: Record<string, string[]>,
  kind: "extra" | "group",
): string[] {
  const out: string[] = [];
  for (const name of Object.keys(before)) if (!(name in after)) out.push(`${kind} \`${name}\` was removed`);
  for (const name of Object.keys(after)) if (!(name in before)) out.push(`${kind} \`${name}\` was added`);
  for (const [name, reqs] of Object.entries(after)) {
    const old = before[name];
    if (old) out.push(...requirementChanges(old, reqs, `dependency of ${kind} \`${name}\``));
  }
  return out;
}

function show(v: string | undefined): string {
  return v === undefined || v === "" ? "(none)" : v;
}

function list(v: readonly string[]): string {
  return v.length === 0 ? "[]" : `[${v.join(", ")}]`;
}

function scalar(out: string[], label: string, a: string | undefined, b: string | undefined): void {
  if ((a ?? "") !== (b ?? "")) out.push(`${label} changed from ${show(a)} to ${show(b)}`);
}

/** What differs between the inputs a lock was made from and `inputs`; fresh when nothing does. */
export function checkLock(lock: Lock, inputs: ParsedLockInputs): LockCheck {
  if (!lock.lockstep) {
    return {
      fresh: false,
      changes: ["the lock file has no `[tool.lockstep]` table (it was not written by lockstep)"],
    };
  }
  const a = lock.lockstep.inputs;
  const b = inputs.canonical;
  const changes: string[] = [];
  scalar(changes, "project name", a.projectName, b.projectName);
  scalar(changes, "project version", a.projectVersion, b.projectVersion);
  if (a.isPackage !== b.isPackage)
    changes.push(b.isPackage ? "the project is now a package" : "the project is no longer a package");
  scalar(changes, "requires-python", a.requiresPython, b.requiresPython);
  changes.push(...requirementChanges(a.dependencies, b.dependencies, "dependency"));
  changes.push(...tableChanges(a.optionalDependencies, b.optionalDependencies, "extra"));
  changes.push(...tableChanges(a.dependencyGroups, b.dependencyGroups, "group"));
  if (list(a.defaultGroups) !== list(b.defaultGroups)) {
    changes.push(`default-groups changed from ${list(a.defaultGroups)} to ${list(b.defaultGroups)}`);
  }
  changes.push(...requirementChanges(a.constraints, b.constraints, "constraint"));
  changes.push(...requirementChanges(a.overrides, b.overrides, "override"));
  if (list(a.environments) !== list(b.environments)) {
    changes.push(`environments changed from ${list(a.environments)} to ${list(b.environments)}`);
  }
  if (list(a.conflicts) !== list(b.conflicts)) {
    changes.push(`conflicts changed from ${list(a.conflicts)} to ${list(b.conflicts)}`);
  }
  if (list(a.requiredEnvironments) !== list(b.requiredEnvironments)) {
    changes.push(
      `required-environments changed from ${list(a.requiredEnvironments)} to ${list(b.requiredEnvironments)}`,
    );
  }
  scalar(changes, "index strategy", a.indexStrategy, b.indexStrategy);
  const idx = (i: LockInputs) => i.indexes.map((x) => (x.name ? `${x.name}=${x.url}` : x.url));
  if (list(idx(a)) !== list(idx(b))) changes.push(`indexes changed from ${list(idx(a))} to ${list(idx(b))}`);
  scalar(changes, "resolution strategy", a.resolution, b.resolution);
  scalar(changes, "prerelease mode", a.prerelease, b.prerelease);
  scalar(changes, "exclude-newer", a.excludeNewer, b.excludeNewer);
  for (const name of [
    ...new Set([...Object.keys(a.sources ?? {}), ...Object.keys(b.sources ?? {})]),
  ].sort()) {
    const was = a.sources?.[name];
    const now = b.sources?.[name];
    if (was === now) continue;
    if (was === undefined) changes.push(`source of ${name} added (${now ?? ""})`);
    else if (now === undefined) changes.push(`source of ${name} removed (${was})`);
    else changes.push(`source of ${name} changed (its metadata or location): ${was} → ${now}`);
  }
  if (changes.length === 0 && lock.lockstep.fingerprint !== inputs.fingerprint) {
    changes.push("the lock's fingerprint does not match its recorded inputs (the lock was edited by hand)");
  }
  return { fresh: changes.length === 0, changes };
}
