/**
 * `lockstep add` and `lockstep remove` as a function: edit pyproject.toml (format-preserving, through
 * `editDependencies`), then re-lock. If locking fails, pyproject.toml gets back its original bytes
 * before the error goes up, so a failed `add` leaves no trace. A requirement added without a version
 * (`add httpx`) is rewritten with the locked version as a lower bound (`httpx>=0.27.2`), as uv does.
 *
 * Pitfalls: the bytes are restored, not re-serialized, so line endings and a missing final newline
 * survive; a requirement with a URL, or with any specifier, is written as given; the lower bound is
 * the highest version the lock holds for that name (a universal lock may hold several). In a
 * workspace, the pyproject.toml edited is the member's the command stands in (the nearest one).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readLock } from "@lockstep/lockfile";
import type { Version } from "@lockstep/pep440";
import { canonicalizeName, Requirement } from "@lockstep/pep508";
import { editDependencies } from "@lockstep/pyproject";
import type { DependencyTarget } from "@lockstep/pyproject";
import { locateProject } from "./find-project";
import { lockProject } from "./lock-project";
import type { LockOutcome, LockProjectOptions } from "./lock-project";

export interface EditProjectOptions extends Omit<
  LockProjectOptions,
  "mode" | "upgrade" | "upgradePackages" | "dryRun"
> {
  action: "add" | "remove";
  requirements: readonly string[];
  target: DependencyTarget;
  /** `--frozen`: edit pyproject.toml only. `--locked`: fail if the lock would change. */
  mode: "lock" | "locked" | "frozen";
}

export interface EditOutcome {
  pyproject: string;
  /** Undefined with `--frozen`. */
  lock: LockOutcome | undefined;
  /** The requirements as written (after the `>=locked` rewrite). */
  written: string[];
}

/** `name[extras]>=version; marker` for a requirement given without any version constraint. */
function withLowerBound(req: Requirement, text: string, version: string): string {
  const extras = req.extras.length > 0 ? `[${req.extras.join(",")}]` : "";
  const marker = req.marker.isTrue() ? "" : `; ${req.marker.toString()}`;
  const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(text)?.[1] ?? req.name;
  return `${name}${extras}>=${version}${marker}`;
}

function apply(
  text: string,
  path: string,
  opts: EditProjectOptions,
  requirements: readonly string[],
): string {
  let out = text;
  for (const requirement of requirements)
    out = editDependencies(out, path, { action: opts.action, requirement, target: opts.target });
  return out;
}

async function lock(opts: EditProjectOptions): Promise<LockOutcome> {
  const { action: _a, requirements: _r, target: _t, mode, ...rest } = opts;
  return mode === "locked"
    ? lockProject({ ...rest, mode: "check", checkFlag: "--locked" })
    : lockProject({ ...rest, mode: "lock" });
}

export async function editProject(opts: EditProjectOptions): Promise<EditOutcome> {
  const located = locateProject({ project: opts.project, cwd: opts.cwd });
  // In a workspace, the member the command stands in is edited; the lock stays at the root.
  const path = join(located.workspace.current.root, "pyproject.toml");
  const original = readFileSync(path);
  const text = original.toString("utf8");
  let written = [...opts.requirements];
  const edited = apply(text, path, opts, written);
  writeFileSync(path, edited);
  if (opts.mode === "frozen") return { pyproject: path, lock: undefined, written };
  try {
    let outcome = await lock(opts);
    if (opts.action === "add") {
      const parsed = written.map((t) => ({ text: t, req: Requirement.parse(t) }));
      const bare = parsed.filter((p) => p.req.url === undefined && p.req.specifier.toString() === "");
      if (bare.length > 0) {
        const locked = readLock(readFileSync(located.lockPath, "utf8"), located.lockPath);
        const best = new Map<string, Version>();
        for (const p of locked.packages) {
          const prev = best.get(p.name);
          if (p.version && (!prev || p.version.compare(prev) > 0)) best.set(p.name, p.version);
        }
        written = parsed.map((p) => {
          const v = best.get(canonicalizeName(p.req.name));
          return bare.includes(p) && v !== undefined ? withLowerBound(p.req, p.text, v.toString()) : p.text;
        });
        writeFileSync(path, apply(text, path, opts, written));
        const relock = await lock(opts);
        // Report the first resolution's changes; the rewrite only tightens what was chosen.
        outcome =
          relock.kind === "resolved" && outcome.kind === "resolved"
            ? { ...relock, changes: outcome.changes }
            : relock;
      }
    }
    return { pyproject: path, lock: outcome, written };
  } catch (err) {
    writeFileSync(path, original);
    throw err;
  }
}
