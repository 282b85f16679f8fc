/**
 * Source pins for git repositories and direct URLs (the project layer's other half of the
 * resolver's source-pins.ts; workspace members and local paths are in path-sources.ts).
 *
 * Pinned: each `[tool.lockstep.sources]` entry `{ git = …, tag|branch|rev = …, subdirectory = … }`
 * or `{ url = … }` of the root or of a workspace member, and each PEP 508 requirement
 * `name @ git+…` or `name @ https://…/file.whl|.tar.gz|.zip` (PEP 440 direct references).
 *
 * A git pin resolves its revision to a full commit through the git cache (@lockstep/build/git),
 * keeping the commit an existing lock holds for the same repository and revision unless the
 * package is upgraded (every locked entry of the name is considered, so each source of a package
 * split by marker keeps its own commit), so a branch moves only with `--upgrade`; its metadata is the checkout's
 * static `[project]` table, or prepared by the build backend. A URL pin downloads the archive
 * (checking a `#sha256=` fragment: a mismatch names the URL, expected and actual digests), reads a
 * wheel's METADATA or prepares an sdist's, and is locked with the archive's sha256.
 *
 * Pitfalls: credentials in a URL are used to fetch but never written to the lock or a message
 * (`redact`); a URL whose file is not a wheel or sdist is refused before anything is downloaded;
 * `requested-revision` is what the user wrote (absent for the default branch), `commit-id` what it
 * resolved to.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { GitCache, canonicalRepository, checkSubdirectory, parseGitUrl } from "@lockstep/build/git";
import type { GitRevision } from "@lockstep/build/git";
import type { DistFile, IndexClient } from "@lockstep/index";
import { redact } from "@lockstep/index/auth";
import type { InstallItem, Lock } from "@lockstep/lockfile";
import type { PlannedDistribution } from "@lockstep/sync";
import type { Project, Workspace } from "@lockstep/pyproject";
import type { PinnedDistribution, SourcePin } from "@lockstep/resolver";
import { Requirement } from "@lockstep/pep508";
import { parseCoreMetadata, readWheelMetadataFile } from "@lockstep/wheel";
import { staticMetadata } from "./path-sources";
import { gitRequested, urlRequested } from "./url-identity";

export type RemotePlan =
  | {
      kind: "git";
      name: string;
      repository: string;
      revision: GitRevision;
      subdirectory: string | undefined;
      describe: string;
    }
  | { kind: "url"; name: string; url: string; subdirectory: string | undefined; describe: string };

export class RemoteSourceError extends LockstepError {}

const ARCHIVE = /\.(whl|tar\.gz|zip)$/i;

/** The archive's file name, or an error when the URL does not name a wheel or sdist. */
export function archiveFilename(url: string, describe: string): string {
  const path = new URL(url).pathname;
  const file = decodeURIComponent(basename(path));
  if (!ARCHIVE.test(file)) {
    throw new RemoteSourceError(
      "url-not-archive",
      `${describe}: ${redact(url)} is not a wheel or source archive (.whl, .tar.gz, .zip)`,
      { hint: "a direct URL must name a distribution file; for a repository use git+https://…" },
    );
  }
  return file;
}

function requirements(p: Project): Requirement[] {
  return [
    ...p.dependencies,
    ...Object.values(p.optionalDependencies).flat(),
    ...Object.values(p.dependencyGroups).flat(),
  ];
}

function gitPlanFromUrl(name: string, url: string, describe: string): RemotePlan {
  const spec = parseGitUrl(url);
  return { kind: "git", name, ...spec, describe };
}

/** Every git or URL pin of the workspace; names in `taken` (path pins) are left alone. */
export function remotePlans(
  workspace: Workspace,
  taken: ReadonlySet<string> = new Set(),
): Map<string, RemotePlan> {
  const plans = new Map<string, RemotePlan>();
  const root = workspace.rootProject;
  const projects = [root, ...workspace.members.filter((m) => m !== root)];
  for (const p of projects) {
    for (const [name, sources] of Object.entries(p.lockstep.sources)) {
      if (taken.has(name) || plans.has(name)) continue;
      const s = sources.find((x) => x.kind === "git" || x.kind === "url");
      if (s?.kind === "git") {
        const rev =
          s.reference.kind === "default"
            ? ""
            : `, ${s.reference.kind} = ${JSON.stringify(s.reference.value)}`;
        const describe = `[tool.lockstep.sources] ${name} = { git = ${JSON.stringify(redact(s.git))}${rev} }`;
        const spec = parseGitUrl(s.git.startsWith("git+") ? s.git : `git+${s.git}`);
        plans.set(name, {
          kind: "git",
          name,
          repository: spec.repository,
          revision: s.reference.kind === "default" ? spec.revision : s.reference,
          subdirectory:
            s.subdirectory === undefined
              ? spec.subdirectory
              : checkSubdirectory(s.subdirectory, redact(s.git)),
          describe,
        });
      } else if (s?.kind === "url") {
        const describe = `[tool.lockstep.sources] ${name} = { url = ${JSON.stringify(redact(s.url))} }`;
        plans.set(name, urlPlan(name, s.url, s.subdirectory, describe));
      }
    }
    for (const req of requirements(p)) {
      const url = req.url;
      const name = req.canonicalName;
      if (url === undefined || url.startsWith("file:") || taken.has(name) || plans.has(name)) continue;
      plans.set(
        name,
        requirementPlan(req, `the requirement ${JSON.stringify(redact(req.toString()))} in ${p.path}`),
      );
    }
  }
  return plans;
}

/** A URL pin; a subdirectory is a project inside a source archive (a wheel has none). */
function urlPlan(name: string, url: string, subdirectory: string | undefined, describe: string): RemotePlan {
  const file = archiveFilename(url, describe);
  if (subdirectory === undefined) return { kind: "url", name, url, subdirectory, describe };
  if (file.endsWith(".whl")) {
    throw new RemoteSourceError(
      "url-subdirectory-wheel",
      `${describe}: subdirectory = ${JSON.stringify(subdirectory)} applies to source archives, but ${redact(url)} is a wheel`,
      { hint: "drop the subdirectory, or point the URL at a .tar.gz or .zip that holds the project" },
    );
  }
  return {
    kind: "url",
    name,
    url,
    subdirectory: checkSubdirectory(subdirectory, redact(url), "archive"),
    describe,
  };
}

/**
 * The plan of one PEP 508 requirement with a git or http(s) URL (`file:` URLs are path sources);
 * `describe` says where it was written, for messages.
 */
export function requirementPlan(req: Requirement, describe: string): RemotePlan {
  const url = req.url ?? "";
  const name = req.canonicalName;
  if (url.startsWith("git+")) return gitPlanFromUrl(name, url, describe);
  if (/^https?:\/\//.test(url)) {
    const sub = new URLSearchParams(new URL(url).hash.replace(/^#/, "")).get("subdirectory");
    return urlPlan(name, url, sub ?? undefined, describe);
  }
  throw new RemoteSourceError(
    "url-unsupported",
    `${describe}: only git+https/ssh/git/file, https:// and file:// URLs are supported`,
  );
}

/** A commit an existing lock holds for one repository and requested revision. */
export interface LockedCommit {
  /** Canonical repository URL (no credentials, no `.git`). */
  repository: string;
  requested: string | undefined;
  commit: string;
}

/**
 * The commits an existing lock holds, by name: every `vcs` entry of the name, since sources split by
 * marker may lock one package from several repositories or revisions, each keeping its own commit.
 */
export function lockedCommits(
  lock: Lock | undefined,
  upgrade: true | ReadonlySet<string> | undefined,
): Map<string, LockedCommit[]> {
  const out = new Map<string, LockedCommit[]>();
  if (!lock || upgrade === true) return out;
  for (const p of lock.packages) {
    if (p.source.kind !== "vcs" || p.source.url === undefined || upgrade?.has(p.name)) continue;
    const entry: LockedCommit = {
      repository: canonicalRepository(p.source.url),
      requested: p.source.requestedRevision,
      commit: p.source.commitId,
    };
    out.set(p.name, [...(out.get(p.name) ?? []), entry]);
  }
  return out;
}

export interface RemotePinContext {
  client: IndexClient;
  /** The global cache: an archive with a subdirectory is unpacked under it. */
  cacheDir: string;
  git: GitCache;
  /** Prepare core metadata of a source tree or sdist through its build backend. */
  prepare: (source: string) => Promise<string>;
  locked: ReturnType<typeof lockedCommits>;
}

function checkName(plan: RemotePlan, found: string | undefined, where: string): void {
  if (found === undefined) return;
  const norm = (s: string) => s.toLowerCase().replace(/[-_.]+/g, "-");
  if (norm(found) !== norm(plan.name)) {
    throw new RemoteSourceError(
      "source-name-mismatch",
      `${plan.describe}: ${redact(where)} holds the package ${JSON.stringify(found)}, not ${JSON.stringify(plan.name)}`,
    );
  }
}

function revisionText(revision: GitRevision): string | undefined {
  return revision.kind === "default" ? undefined : revision.value;
}

/** Core metadata text parsed, its name checked against the plan's; `where` names its origin. */
function preparedMetadata(plan: RemotePlan, text: string, where: string): Omit<PinnedDistribution, "source"> {
  const meta = parseCoreMetadata(text, redact(where));
  checkName(plan, meta.name, where);
  return { version: meta.version, requiresDist: meta.requiresDist, requiresPython: meta.requiresPython };
}

/** The resolver's pin for one git or URL plan. */
export function remotePin(plan: RemotePlan, ctx: RemotePinContext): SourcePin {
  return {
    describe: plan.describe,
    requested:
      plan.kind === "git"
        ? gitRequested(plan.repository, plan.revision, plan.subdirectory)
        : urlRequested(plan.url, plan.subdirectory),
    load: async (): Promise<PinnedDistribution> => {
      if (plan.kind === "git") {
        const requested = revisionText(plan.revision);
        const repository = canonicalRepository(plan.repository);
        const keep = ctx.locked
          .get(plan.name)
          ?.find((prior) => prior.repository === repository && prior.requested === requested)?.commit;
        const commit = await ctx.git.resolve({
          repository: plan.repository,
          revision: plan.revision,
          locked: keep,
        });
        const checkout = await ctx.git.checkout(plan.repository, commit);
        const tree = plan.subdirectory === undefined ? checkout : join(checkout, plan.subdirectory);
        const meta = staticMetadata(tree) ?? preparedMetadata(plan, await ctx.prepare(tree), plan.repository);
        return {
          ...meta,
          source: {
            kind: "vcs",
            type: "git",
            url: redact(plan.repository),
            requestedRevision: requested,
            commitId: commit,
            subdirectory: plan.subdirectory,
          },
        };
      }
      const split = new URL(plan.url);
      const fragment = split.hash.replace(/^#/, "");
      split.hash = "";
      const filename = archiveFilename(plan.url, plan.describe);
      const hashes: Record<string, string> = {};
      for (const part of fragment.split("&")) {
        const m = /^(sha256|sha384|sha512|md5)=([0-9a-fA-F]+)$/.exec(part);
        if (m) hashes[m[1] as string] = (m[2] as string).toLowerCase();
      }
      const file: DistFile = {
        filename,
        url: split.toString(),
        hashes,
        requiresPython: undefined,
        yanked: false,
        size: undefined,
        uploadTime: undefined,
        coreMetadata: false,
        source: split.toString(),
      };
      const path = await ctx.client.download(file);
      const sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
      if (plan.subdirectory !== undefined) {
        // A repository snapshot: the project is a source tree inside the archive.
        const { archiveSubdirectoryTree } = await import("@lockstep/build");
        const tree = archiveSubdirectoryTree(path, sha256, ctx.cacheDir, plan.subdirectory, redact(file.url));
        const meta = staticMetadata(tree) ?? preparedMetadata(plan, await ctx.prepare(tree), tree);
        return {
          ...meta,
          source: {
            kind: "archive",
            url: redact(file.url),
            hashes: { sha256 },
            subdirectory: plan.subdirectory,
          },
        };
      }
      const text = filename.endsWith(".whl")
        ? readWheelMetadataFile(path, filename)
        : await ctx.prepare(path);
      const meta = preparedMetadata(plan, text, plan.url);
      return {
        ...meta,
        source: {
          kind: "archive",
          url: redact(split.toString()),
          hashes: { sha256 },
          subdirectory: plan.subdirectory,
        },
      };
    },
  };
}

/** Pins for every plan. */
export function remoteSourcePins(
  plans: Map<string, RemotePlan>,
  ctx: RemotePinContext,
): Map<string, SourcePin> {
  return new Map([...plans].map(([name, plan]) => [name, remotePin(plan, ctx)]));
}

/** The git cache lockstep uses under `cacheDir`. */
export function gitCache(cacheDir: string, offline: boolean | undefined): GitCache {
  return new GitCache({ cacheDir, offline });
}

/**
 * The cached checkout of every `vcs` entry `items` holds, by package name: what sync builds the
 * wheel from. A commit already cached needs no network; otherwise the repository is fetched.
 */
export async function gitCheckouts(
  items: readonly InstallItem[],
  cacheDir: string,
  offline: boolean | undefined,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const cache = gitCache(cacheDir, offline);
  for (const item of items) {
    if (item.kind !== "vcs" || item.vcs === undefined || item.url === undefined) continue;
    if (item.vcs.type !== "git") {
      throw new RemoteSourceError(
        "vcs-unsupported",
        `Cannot install ${item.name}: ${item.vcs.type} repositories are not supported (only git)`,
      );
    }
    const dir = await cache.checkout(item.url, item.vcs.commitId);
    out.set(item.name, item.subdirectory === undefined ? dir : join(dir, item.subdirectory));
  }
  return out;
}

/** The sync plan's entry for a `vcs` item: built from its checkout, recorded as PEP 610 `vcs_info`. */
export function plannedFromVcs(
  item: InstallItem,
  checkouts: ReadonlyMap<string, string>,
): PlannedDistribution {
  const path = checkouts.get(item.name);
  if (path === undefined || item.vcs === undefined || item.url === undefined) {
    throw new RemoteSourceError(
      "vcs-unsupported",
      `Cannot install ${item.name}: its lock entry has no commit`,
    );
  }
  return {
    name: item.name,
    version: item.version ?? "0",
    kind: "directory",
    path,
    hashes: {},
    editable: false,
    vcs: {
      url: `git+${item.url}`,
      commitId: item.vcs.commitId,
      requestedRevision: item.vcs.requestedRevision,
      subdirectory: item.subdirectory,
    },
  };
}

/**
 * What the lock's inputs record per git or URL pin (credentials removed), so `lock --check` notices
 * a changed tag, branch, repository or URL. A branch's head moving is not an input change: it is
 * taken only by `lock --upgrade`.
 */
export function remoteRecords(plans: ReadonlyMap<string, RemotePlan>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...plans.keys()].sort()) {
    const p = plans.get(name) as RemotePlan;
    out[name] =
      p.kind === "git"
        ? [
            "git",
            canonicalRepository(p.repository),
            p.revision.kind === "default" ? "default" : `${p.revision.kind}=${p.revision.value}`,
            p.subdirectory ?? "",
          ]
            .join(" ")
            .trim()
        : `url ${redact(p.url)}${p.subdirectory === undefined || p.url.includes("subdirectory=") ? "" : ` ${p.subdirectory}`}`;
  }
  return out;
}
