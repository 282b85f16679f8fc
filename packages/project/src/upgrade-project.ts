/**
 * `lockstep upgrade [NAME…]`: raise the lower bounds in pyproject.toml to the versions the lock
 * chose, then lock. Like `poetry up` or pdm's "reuse" update: the lock is first brought up to date
 * with pyproject.toml, then each requirement (of `[project].dependencies`, every extra and every
 * dependency group; only the named packages when names are given) is rewritten in place through
 * `editDependencies` (format-preserving: nothing else in the file moves), and the lock is made again
 * from the new requirements (the locked versions stay preferred, so it normally changes nothing but
 * the recorded inputs).
 *
 * The rules, per requirement (first match):
 * - a URL, or a pin (`==`, `===`): left alone, the user chose one version;
 * - no version specifier at all (`requests`): left alone, "any version" is a choice too (uv's `add`
 *   writes a bound for a new requirement; an old bare one is not ours to narrow);
 * - `~=X`: left alone, as raising it would also move its upper bound;
 * - otherwise the `>=`/`>` clauses are replaced by `>=V` and the rest (`<3`, `!=2.1`) kept, where V is
 *   the lowest version of the package the lock holds that the requirement allows (several when
 *   marker-split, so every split stays valid); when V is not above the old bound nothing changes.
 * Pitfalls: a package written twice in one array (two markers) is left alone, as one in-place edit
 * would collapse the two; dependency groups are read from the file itself, not with `include-group`
 * expanded, so an included requirement is raised where it is written; if locking fails,
 * pyproject.toml gets its original bytes back.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { LockstepError } from "@lockstep/errors";
import { readLock } from "@lockstep/lockfile";
import type { Lock } from "@lockstep/lockfile";
import type { Version } from "@lockstep/pep440";
import { Requirement, canonicalizeName } from "@lockstep/pep508";
import { describeTarget, editDependencies } from "@lockstep/pyproject";
import type { DependencyTarget } from "@lockstep/pyproject";
import { parse as parseToml } from "smol-toml";
import { locateProject } from "./find-project";
import { lockProject } from "./lock-project";
import type { LockOutcome, LockProjectOptions } from "./lock-project";

export interface UpgradeOptions extends Omit<LockProjectOptions, "mode" | "dryRun"> {
  /** Only these packages (any spelling); all when empty. */
  names?: readonly string[] | undefined;
  /** Print the edits, write nothing, do not lock again. */
  dryRun?: boolean | undefined;
}

export interface UpgradeEdit {
  /** `[project].dependencies`, `the extra "x" …`, `the group "dev" …`. */
  where: string;
  name: string;
  from: string;
  to: string;
}

export interface UpgradeOutcome {
  pyproject: string;
  edits: UpgradeEdit[];
  /** Requirements left alone, with why (`requests: no version specifier`). */
  kept: string[];
  /** The first lock (bringing it up to date) and, unless `--dry-run` or nothing changed, the second. */
  lock: LockOutcome;
  relock: LockOutcome | undefined;
}

export class UpgradeUnknownPackageError extends LockstepError {
  constructor(name: string) {
    super("upgrade-not-a-requirement", `${name} is not a requirement in pyproject.toml`, {
      hint: "`lockstep upgrade` raises the bounds of the project's own requirements; `lockstep lock -P NAME` upgrades any locked package",
    });
  }
}

function rawArrays(text: string, path: string): Array<{ target: DependencyTarget; items: string[] }> {
  const doc = parseToml(text) as Record<string, unknown>;
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  const out: Array<{ target: DependencyTarget; items: string[] }> = [];
  const project = (doc.project ?? {}) as Record<string, unknown>;
  out.push({ target: { kind: "project" }, items: strings(project.dependencies) });
  for (const [name, v] of Object.entries((project["optional-dependencies"] ?? {}) as Record<string, unknown>))
    out.push({ target: { kind: "extra", name }, items: strings(v) });
  for (const [name, v] of Object.entries((doc["dependency-groups"] ?? {}) as Record<string, unknown>))
    out.push({ target: { kind: "group", name }, items: strings(v) });
  void path;
  return out;
}

/** The requirement with its lower bound raised to `v`, or a reason to keep it. */
export function raiseLowerBound(text: string, v: Version): { to: string } | { keep: string } {
  const req = Requirement.parse(text);
  if (req.url !== undefined) return { keep: "a URL requirement" };
  const specs = req.specifier.specifiers;
  if (specs.length === 0) return { keep: "no version specifier" };
  if (specs.some((s) => s.operator === "==" || s.operator === "===")) return { keep: "pinned" };
  if (specs.some((s) => s.operator === "~=")) return { keep: "a compatible-release (~=) bound" };
  const lower = specs.filter((s) => s.operator === ">=" || s.operator === ">");
  if (
    lower.length > 0 &&
    lower.every((s) => s.operator === ">=" && s.parsed !== undefined && s.parsed.compare(v) >= 0)
  )
    return { keep: "already at the locked version" };
  const rest = specs.filter((s) => !(s.operator === ">=" || s.operator === ">")).map((s) => s.toString());
  const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(text)?.[1] ?? req.name;
  const extras = req.extras.length > 0 ? `[${req.extras.join(",")}]` : "";
  // The marker as the user wrote it.
  const semi = text.indexOf(";");
  const marker = semi < 0 ? "" : `; ${text.slice(semi + 1).trim()}`;
  return { to: `${name}${extras}${[`>=${v.toString()}`, ...rest].join(",")}${marker}` };
}

function lockedVersion(lock: Lock, req: Requirement): Version | undefined {
  const versions = lock.packages
    .filter((p) => p.name === req.canonicalName && p.version !== undefined)
    .map((p) => p.version as Version)
    .filter((v) => req.specifier.contains(v, { prereleases: true }))
    .sort((a, b) => a.compare(b));
  return versions[0];
}

export async function upgradeProject(opts: UpgradeOptions): Promise<UpgradeOutcome> {
  const { names, dryRun, ...lockOpts } = opts;
  const lockOutcome = await lockProject({ ...lockOpts, mode: "lock", dryRun });
  const located = locateProject({ project: opts.project, cwd: opts.cwd });
  const path = located.project.path;
  const original = readFileSync(path, "utf8");
  const lock = readLock(readFileSync(located.lockPath, "utf8"), located.lockPath);
  const only = names && names.length > 0 ? new Set(names.map(canonicalizeName)) : undefined;

  const edits: UpgradeEdit[] = [];
  const kept: string[] = [];
  const seen = new Set<string>();
  let text = original;
  for (const { target, items } of rawArrays(original, path)) {
    const counts = new Map<string, number>();
    const parsed: Array<{ item: string; req: Requirement }> = [];
    for (const item of items) {
      let req: Requirement;
      try {
        req = Requirement.parse(item);
      } catch {
        continue;
      }
      parsed.push({ item, req });
      counts.set(req.canonicalName, (counts.get(req.canonicalName) ?? 0) + 1);
    }
    for (const { item, req } of parsed) {
      if (only && !only.has(req.canonicalName)) continue;
      seen.add(req.canonicalName);
      if ((counts.get(req.canonicalName) ?? 0) > 1) {
        kept.push(`${item}: written more than once in ${describeTarget(target)}`);
        continue;
      }
      const v = lockedVersion(lock, req);
      if (v === undefined) {
        kept.push(`${item}: not in the lock`);
        continue;
      }
      const raised = raiseLowerBound(item, v);
      if ("keep" in raised) {
        kept.push(`${item}: ${raised.keep}`);
        continue;
      }
      text = editDependencies(text, path, { action: "add", requirement: raised.to, target });
      edits.push({ where: describeTarget(target), name: req.canonicalName, from: item, to: raised.to });
    }
  }
  for (const n of only ?? []) if (!seen.has(n)) throw new UpgradeUnknownPackageError(n);
  if (dryRun || edits.length === 0)
    return { pyproject: path, edits, kept, lock: lockOutcome, relock: undefined };
  writeFileSync(path, text);
  try {
    const relock = await lockProject({ ...lockOpts, mode: "lock" });
    return { pyproject: path, edits, kept, lock: lockOutcome, relock };
  } catch (err) {
    writeFileSync(path, original);
    throw err;
  }
}
