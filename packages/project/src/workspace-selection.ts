/**
 * Which workspace members a `sync` (or `run`) installs, as uv does: `--all-packages` every member;
 * `--package NAME` that member and what it depends on; by default the member the command stands in
 * (the nearest pyproject.toml), or everything when that is a virtual root (no `[project]`) or the
 * workspace has a single member.
 *
 * The closure follows the lock's dependency edges among the items the markers already selected
 * (so an extra's packages come in only when the extra is selected). Pitfall: the root's closure
 * starts from what its own pyproject.toml declares, not from its lock entry: the lock is made from
 * the workspace depending on every member, and a lock written before the root's entry was trimmed
 * to its declared dependencies (lock-project.ts) lists them all.
 */
import { LockstepError } from "@lockstep/errors";
import type { InstallItem, Lock } from "@lockstep/lockfile";
import { canonicalizeName } from "@lockstep/pep508";
import type { Project, Workspace } from "@lockstep/pyproject";

export interface PackageSelection {
  /** `--package NAME` (repeatable). */
  packages?: readonly string[] | undefined;
  /** `--all-packages`. */
  allPackages?: boolean | undefined;
}

/** `--package` names a package that is not a workspace member. */
export class UnknownMemberError extends LockstepError {
  constructor(name: string, workspace: Workspace) {
    const names = workspace.members.flatMap((m) => (m.canonicalName ? [m.canonicalName] : []));
    super(
      "unknown-workspace-member",
      `--package ${name}: no workspace member is named ${JSON.stringify(name)}`,
      {
        hint: `workspace members: ${names.join(", ") || "none"}`,
      },
    );
  }
}

/** The members to install, or undefined for everything the lock selects. */
export function selectedMembers(workspace: Workspace, sel: PackageSelection): Project[] | undefined {
  if (sel.allPackages) return undefined;
  if (sel.packages && sel.packages.length > 0) {
    return sel.packages.map((raw) => {
      const name = canonicalizeName(raw);
      const member = workspace.members.find((m) => m.canonicalName === name);
      if (!member) throw new UnknownMemberError(raw, workspace);
      return member;
    });
  }
  if (workspace.members.length <= 1 || !workspace.current.hasProjectTable) return undefined;
  return workspace.members.includes(workspace.current) ? [workspace.current] : undefined;
}

/** `items` narrowed to `members` and what they depend on (extras and groups as selected). */
export function memberClosure(
  lock: Lock,
  items: InstallItem[],
  members: readonly Project[],
  extras: readonly string[],
  groups: readonly string[],
): InstallItem[] {
  const selected = new Set(items.map((i) => i.name));
  const edges = new Map<string, string[]>();
  for (const p of lock.packages) {
    if (!selected.has(p.name)) continue;
    edges.set(p.name, [...(edges.get(p.name) ?? []), ...p.dependencies.map((d) => d.name)]);
  }
  const todo: string[] = [];
  for (const m of members) {
    const own = [
      ...m.dependencies,
      ...extras.flatMap((x) => m.optionalDependencies[canonicalizeName(x)] ?? []),
      ...groups.flatMap((g) => m.dependencyGroups[g] ?? []),
    ];
    todo.push(m.canonicalName as string, ...own.map((r) => r.canonicalName));
  }
  const seen = new Set<string>();
  const roots = new Set(members.map((m) => m.canonicalName));
  while (todo.length > 0) {
    const n = todo.pop() as string;
    if (seen.has(n) || !selected.has(n)) continue;
    seen.add(n);
    // The root's own lock entry may list every member: follow its declared requirements instead.
    if (
      roots.has(n) &&
      lock.packages.some((p) => p.name === n && p.source.kind === "directory" && p.source.path === ".")
    )
      continue;
    todo.push(...(edges.get(n) ?? []));
  }
  return items.filter((i) => seen.has(i.name));
}
