/**
 * The sync plan: what to install, reinstall, remove and leave alone so that a venv holds exactly the
 * distributions the lock selects for it (uv's exact sync; `inexact` keeps what the lock does not
 * mention).
 *
 * A distribution is unchanged only when the same version is installed from the same kind of source:
 * an index install (no direct_url.json) does not satisfy a URL, path or editable requirement, nor
 * the reverse. Interrupted installs and duplicate `.dist-info` directories are always repaired, even
 * in inexact mode.
 *
 * Pitfalls: versions compare as PEP 440 versions (`1.0` equals `1.0.0`), not strings; names compare
 * canonicalized; the plan is a pure function of its inputs so the executor can recompute it under
 * the venv lock and find the same answer unless someone changed the venv in between.
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { Version } from "@lockstep/pep440";
import { canonicalizeName } from "@lockstep/pep508";
import type { DirectUrl } from "@lockstep/wheel";
import type { InstalledDistribution, InstalledSet } from "./installed";

/**
 * One distribution the lock selects for this environment (the shape of `@lockstep/lockfile`'s
 * `InstallItem`, restated here so sync does not wait on it).
 */
export interface PlannedDistribution {
  name: string;
  version: string;
  kind: "wheel" | "sdist" | "directory";
  url?: string | undefined;
  path?: string | undefined;
  filename?: string | undefined;
  hashes: Record<string, string>;
  size?: number | undefined;
  editable?: boolean | undefined;
  /**
   * The lock names this file directly (PEP 751 `archive`/`directory`), not through an index; then
   * direct_url.json is written. Default: true for directories and local paths, false for URLs.
   */
  direct?: boolean | undefined;
  /**
   * A git checkout (PEP 751 `vcs`): `path` is the cached checkout it is built from, and
   * direct_url.json records the repository and commit (PEP 610 `vcs_info`), not that path.
   */
  vcs?: {
    url: string;
    commitId: string;
    requestedRevision?: string | undefined;
    subdirectory?: string | undefined;
  };
  /**
   * A source archive whose project lives in this subdirectory (PEP 751 `archive.subdirectory`): the
   * build unpacks the archive and builds that directory; direct_url.json records it (PEP 610).
   */
  subdirectory?: string | undefined;
}

export type ReinstallReason = "upgrade" | "downgrade" | "source" | "repair";

export interface Reinstall {
  desired: PlannedDistribution;
  installed: InstalledDistribution;
  reason: ReinstallReason;
}

export interface PlanOptions {
  /** Keep installed distributions the lock does not mention (`--inexact`). */
  inexact?: boolean;
}

export interface SyncPlan {
  desired: PlannedDistribution[];
  options: PlanOptions;
  install: PlannedDistribution[];
  reinstall: Reinstall[];
  remove: InstalledDistribution[];
  unchanged: PlannedDistribution[];
}

/** The PEP 610 record a planned distribution gets, or undefined for an index install. */
export function directUrlFor(d: PlannedDistribution): DirectUrl | undefined {
  if (d.vcs) {
    const { url, commitId, requestedRevision, subdirectory } = d.vcs;
    return {
      url,
      vcs_info: {
        vcs: "git",
        commit_id: commitId,
        ...(requestedRevision === undefined ? {} : { requested_revision: requestedRevision }),
      },
      ...(subdirectory === undefined ? {} : { subdirectory }),
    };
  }
  const direct = d.direct ?? (d.kind === "directory" || (d.path !== undefined && d.url === undefined));
  if (!direct) return undefined;
  const url = d.url ?? pathToFileURL(resolve(d.path ?? ".")).href;
  if (d.kind === "directory") return { url, dir_info: d.editable ? { editable: true } : {} };
  const sha = d.hashes.sha256;
  return {
    url,
    archive_info: sha ? { hash: `sha256=${sha}`, hashes: { ...d.hashes } } : {},
    ...(d.subdirectory === undefined ? {} : { subdirectory: d.subdirectory }),
  };
}

function compareVersions(a: string, b: string): number {
  const va = Version.tryParse(a);
  const vb = Version.tryParse(b);
  if (va && vb) return va.compare(vb);
  return a === b ? 0 : a < b ? -1 : 1;
}

function sameSource(d: PlannedDistribution, installed: InstalledDistribution): boolean {
  const want = directUrlFor(d);
  const have = installed.directUrl;
  if (!want || !have) return !want && !have;
  return (
    want.url === have.url &&
    Boolean(want.dir_info?.editable) === Boolean(have.dir_info?.editable) &&
    want.vcs_info?.commit_id === have.vcs_info?.commit_id
  );
}

/** Compare what the lock wants with what the venv holds. */
export function planSync(
  desired: readonly PlannedDistribution[],
  installed: InstalledSet,
  options: PlanOptions = {},
): SyncPlan {
  const plan: SyncPlan = {
    desired: [...desired],
    options,
    install: [],
    reinstall: [],
    remove: [],
    unchanged: [],
  };
  const wanted = new Set<string>();
  for (const d of desired) {
    const name = canonicalizeName(d.name);
    wanted.add(name);
    const have = installed.get(name);
    if (!have) {
      plan.install.push(d);
      continue;
    }
    const order = compareVersions(have.version, d.version);
    let reason: ReinstallReason | undefined;
    if (have.incomplete || have.extra.length > 0) reason = "repair";
    else if (order < 0) reason = "upgrade";
    else if (order > 0) reason = "downgrade";
    else if (!sameSource(d, have)) reason = "source";
    if (reason) plan.reinstall.push({ desired: d, installed: have, reason });
    else plan.unchanged.push(d);
  }
  for (const [name, have] of installed) {
    if (wanted.has(name)) continue;
    if (!options.inexact || have.incomplete || have.extra.length > 0) plan.remove.push(have);
  }
  return plan;
}

/** True when executing the plan would change nothing. */
export function isNoop(plan: SyncPlan): boolean {
  return plan.install.length === 0 && plan.reinstall.length === 0 && plan.remove.length === 0;
}
