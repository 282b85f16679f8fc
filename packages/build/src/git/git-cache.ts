/**
 * The git cache: `<cacheDir>/git-v1/db/<key>/` is one bare repository per remote URL (key: a hash
 * of the URL without credentials), and `<cacheDir>/git-v1/checkouts/<key>/<commit>/` is a worktree
 * of that repository at one commit, which builds read from.
 *
 * Resolving a revision to a commit fetches only when it must: a locked commit, or a full commit id
 * asked for directly, that the bare repository already holds costs no network call, so re-locking
 * and syncing are offline once a commit is cached. A branch is re-read from the remote only when the
 * caller does not pass the commit it locked before (which is what `--upgrade` does).
 *
 * Pitfalls: a fetch updates every branch and tag at once (one round trip, and later revisions of the
 * same repository are then local); a tag is peeled to its commit (`^{commit}`), since an annotated
 * tag's own id is not a commit; a revision given in a URL may be a branch, a tag or a commit, tried
 * in that order, like pip; a worktree is marked complete by a sibling `<commit>.ok` file written
 * last, so a checkout interrupted half-way is redone rather than built from. Submodules are checked
 * out into the worktree (recursively) from their own cached bare repositories, before the marker.
 */

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { redact } from "@lockstep/index/auth";
import { tempName } from "@lockstep/wheel";
import { git, runGit } from "./git-command";
import { GitError } from "./git-error";
import { parseGitlinks, parseGitmodules, submodulesOf } from "./git-submodules";
import { isFullCommit, repositoryKey } from "./git-url";
import type { GitRevision } from "./git-url";

export const GIT_CACHE_BUCKET = "git-v1";
/** Submodules inside submodules inside …: beyond this, a cycle or a mistake. */
const MAX_SUBMODULE_DEPTH = 8;

export interface GitCacheOptions {
  cacheDir: string;
  /** Refuse to fetch: only commits already cached can be used. */
  offline?: boolean | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** The git binary (tests point it at a missing one). */
  binary?: string | undefined;
}

export interface ResolveGitInput {
  repository: string;
  revision: GitRevision;
  /** The commit an existing lock holds for this same repository and revision: kept when cached or fetchable. */
  locked?: string | undefined;
}

/** Describe a revision for messages: `tag "v1"`, `branch "main"`, `revision "abc"`, `the default branch`. */
export function describeRevision(revision: GitRevision): string {
  return revision.kind === "default"
    ? "the default branch"
    : `${revision.kind === "rev" ? "revision" : revision.kind} ${JSON.stringify(revision.value)}`;
}

/** In a checkout's `.ok` marker: its submodules were checked out too (older markers lack it). */
const SUBMODULES_MARK = "submodules";

/** A marked checkout is complete unless it has submodules and was made before they were checked out. */
function complete(done: string, dir: string): boolean {
  if (!existsSync(join(dir, ".gitmodules"))) return true;
  try {
    return readFileSync(done, "utf8").split("\n").includes(SUBMODULES_MARK);
  } catch {
    return false;
  }
}

export class GitCache {
  readonly root: string;
  /** Fetches made by this instance: tests assert that a cached commit needs none. */
  fetches = 0;

  constructor(private readonly options: GitCacheOptions) {
    this.root = join(options.cacheDir, GIT_CACHE_BUCKET);
  }

  dbDir(repository: string): string {
    return join(this.root, "db", repositoryKey(repository));
  }

  /**
   * Operations on one repository run one after another: two packages from one monorepo resolve
   * concurrently, and two fetches into one bare repository would race for its ref locks.
   */
  private readonly queues = new Map<string, Promise<unknown>>();

  private serial<T>(repository: string, task: () => Promise<T>): Promise<T> {
    const key = repositoryKey(repository);
    const run = (this.queues.get(key) ?? Promise.resolve()).then(task, task);
    this.queues.set(
      key,
      run.catch(() => undefined),
    );
    return run;
  }

  /** The full commit id `input.revision` names (or the locked one, kept). */
  resolve(input: ResolveGitInput): Promise<string> {
    return this.serial(input.repository, () => this.resolveNow(input));
  }

  private async resolveNow(input: ResolveGitInput): Promise<string> {
    const db = await this.ensureDb(input.repository);
    if (input.locked !== undefined && isFullCommit(input.locked)) {
      if (await this.hasCommit(db, input.locked, input.repository)) return input.locked;
    }
    const rev = input.revision;
    if (rev.kind !== "default" && rev.kind !== "branch" && isFullCommit(rev.value)) {
      if (await this.hasCommit(db, rev.value, input.repository)) return rev.value;
    }
    await this.fetch(db, input.repository);
    if (input.locked !== undefined && (await this.hasCommit(db, input.locked, input.repository))) {
      return input.locked;
    }
    const found = await this.lookup(db, input.repository, rev);
    if (found !== undefined) return found;
    if (rev.kind !== "default" && rev.kind !== "branch" && /^[0-9a-f]{7,64}$/.test(rev.value)) {
      // A commit no branch or tag reaches: ask for it by id (servers allow that with protocol v2).
      const direct = await runGit(
        ["--git-dir", db, "fetch", "--no-tags", "--", input.repository, rev.value],
        {
          purpose: input.repository,
          env: this.options.env,
          binary: this.options.binary,
        },
      );
      if (direct.code === 0) {
        const commit = await this.revParse(db, "FETCH_HEAD^{commit}", input.repository);
        if (commit !== undefined) return commit;
      }
    }
    throw new GitError(
      "git-ref-not-found",
      `${describeRevision(rev)} was not found in ${redact(input.repository)}`,
      {
        hint:
          rev.kind === "default"
            ? "the repository has no default branch (HEAD); name a branch, tag or commit"
            : "check the spelling; `git ls-remote <url>` lists the branches and tags the repository has",
      },
    );
  }

  /**
   * What a revision from a URL names once fetched (`resolve` first): a branch, a tag, or a commit —
   * so `add git+…@v1` can write `tag = "v1"` as uv does.
   */
  async kindOf(repository: string, value: string): Promise<"branch" | "tag" | "rev"> {
    const db = this.dbDir(repository);
    if ((await this.revParse(db, `refs/remotes/origin/${value}^{commit}`, repository)) !== undefined)
      return "branch";
    if ((await this.revParse(db, `refs/tags/${value}^{commit}`, repository)) !== undefined) return "tag";
    return "rev";
  }

  /** A worktree of `repository` at `commit` (fetched already by `resolve`), reused when present. */
  checkout(repository: string, commit: string): Promise<string> {
    return this.serial(repository, () => this.checkoutNow(repository, commit));
  }

  private async checkoutNow(repository: string, commit: string): Promise<string> {
    if (!isFullCommit(commit)) {
      throw new GitError("git-commit-invalid", `${JSON.stringify(commit)} is not a full commit id`);
    }
    const parent = join(this.root, "checkouts", repositoryKey(repository));
    const dir = join(parent, commit);
    const done = `${dir}.ok`;
    if (existsSync(done) && existsSync(dir) && complete(done, dir)) return dir;
    const db = await this.ensureCommit(repository, commit);
    mkdirSync(parent, { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    await this.worktree(db, repository, commit, dir);
    // Submodules are part of the source tree a build reads (vendored C code, shared modules).
    await this.submodules(db, repository, commit, dir, [repositoryKey(repository)]);
    writeFileSync(done, `${commit}\n${SUBMODULES_MARK}\n`);
    return dir;
  }

  /** The bare repository of `repository`, holding `commit` (fetched when missing). */
  private async ensureCommit(repository: string, commit: string): Promise<string> {
    const db = await this.ensureDb(repository);
    if (!(await this.hasCommit(db, commit, repository))) {
      await this.fetch(db, repository);
      if (!(await this.hasCommit(db, commit, repository))) {
        throw new GitError("git-ref-not-found", `commit ${commit} was not found in ${redact(repository)}`);
      }
    }
    return db;
  }

  private async worktree(db: string, repository: string, commit: string, dir: string): Promise<void> {
    const opts = { purpose: repository, env: this.options.env, binary: this.options.binary };
    await runGit(["--git-dir", db, "worktree", "prune"], opts);
    await git(["--git-dir", db, "worktree", "add", "--detach", "--force", dir, commit], {
      ...opts,
      failure: `Could not check out ${commit} of ${redact(repository)}`,
    });
  }

  /**
   * Check out the submodules `commit` records into its worktree `dir`, recursively, each from its
   * own cached bare repository (so a cached submodule commit needs no network, like any git
   * source). `held` are the repositories whose queues this chain holds (a repository that is its
   * own submodule must not wait for itself).
   */
  private async submodules(
    db: string,
    repository: string,
    commit: string,
    dir: string,
    held: readonly string[],
  ): Promise<void> {
    const file = join(dir, ".gitmodules");
    if (!existsSync(file)) return;
    const shown = `${redact(repository)}@${commit.slice(0, 12)}`;
    if (held.length > MAX_SUBMODULE_DEPTH) {
      throw new GitError(
        "git-submodule-depth",
        `submodules of ${shown} nest deeper than ${MAX_SUBMODULE_DEPTH} levels`,
      );
    }
    const opts = { purpose: repository, env: this.options.env, binary: this.options.binary };
    const config = await runGit(
      ["config", "-f", file, "--get-regexp", "^submodule\\..*\\.(path|url)$"],
      opts,
    );
    const entries = parseGitmodules(config.stdout);
    const paths = [...entries.values()].flatMap((e) => (e.path === undefined ? [] : [e.path]));
    if (paths.length === 0) return;
    const tree = await git(["--git-dir", db, "ls-tree", "-r", "-z", commit, "--", ...paths], {
      ...opts,
      failure: `Could not list the submodules of ${shown}`,
    });
    for (const sub of submodulesOf(entries, parseGitlinks(tree), repository, shown)) {
      const key = repositoryKey(sub.url);
      const step = async () => {
        const subDb = await this.ensureCommit(sub.url, sub.commit);
        const target = join(dir, sub.path);
        await this.worktree(subDb, sub.url, sub.commit, target);
        await this.submodules(subDb, sub.url, sub.commit, target, [...held, key]);
      };
      await (held.includes(key) ? step() : this.serial(sub.url, step));
    }
  }

  private async ensureDb(repository: string): Promise<string> {
    const db = this.dbDir(repository);
    if (existsSync(join(db, "HEAD"))) return db;
    mkdirSync(join(this.root, "db"), { recursive: true });
    const staging = join(this.root, "db", tempName(repositoryKey(repository)));
    await git(["init", "--bare", "--quiet", staging], {
      purpose: repository,
      env: this.options.env,
      binary: this.options.binary,
      failure: `Could not create the git cache for ${redact(repository)}`,
    });
    try {
      renameSync(staging, db);
    } catch {
      // Another process created it first: use theirs.
      rmSync(staging, { recursive: true, force: true });
    }
    return db;
  }

  /** Repositories this instance (one command) fetched already: later revisions are read locally. */
  private readonly fetched = new Set<string>();

  private async fetch(db: string, repository: string): Promise<void> {
    if (this.fetched.has(db)) return;
    if (this.options.offline) {
      throw new GitError(
        "git-offline",
        `${redact(repository)} would have to be fetched, but the network is off (--offline)`,
        { hint: "run once without --offline so the commit is cached" },
      );
    }
    this.fetches++;
    const refspecs = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"];
    const opts = { purpose: repository, env: this.options.env, binary: this.options.binary };
    await git(["--git-dir", db, "fetch", "--force", "--prune", "--no-tags", "--", repository, ...refspecs], {
      ...opts,
      code: "git-fetch-failed",
      failure: `Could not fetch ${redact(repository)}`,
    });
    this.fetched.add(db);
    // The remote's default branch, for requirements that name no revision.
    const head = await runGit(["--git-dir", db, "ls-remote", "--symref", "--", repository, "HEAD"], opts);
    const symref = /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(head.stdout);
    if (symref) {
      await runGit(
        ["--git-dir", db, "symbolic-ref", "refs/remotes/origin/HEAD", `refs/remotes/origin/${symref[1]}`],
        opts,
      );
    }
  }

  private async lookup(db: string, repository: string, rev: GitRevision): Promise<string | undefined> {
    switch (rev.kind) {
      case "default":
        return this.revParse(db, "refs/remotes/origin/HEAD^{commit}", repository);
      case "branch":
        return this.revParse(db, `refs/remotes/origin/${rev.value}^{commit}`, repository);
      case "tag":
        return this.revParse(db, `refs/tags/${rev.value}^{commit}`, repository);
      case "rev":
        return (
          (await this.revParse(db, `refs/remotes/origin/${rev.value}^{commit}`, repository)) ??
          (await this.revParse(db, `refs/tags/${rev.value}^{commit}`, repository)) ??
          (/^[0-9a-f]{4,64}$/.test(rev.value)
            ? await this.revParse(db, `${rev.value}^{commit}`, repository)
            : undefined)
        );
    }
  }

  private async hasCommit(db: string, commit: string, repository: string): Promise<boolean> {
    return (await this.revParse(db, `${commit}^{commit}`, repository)) === commit;
  }

  private async revParse(db: string, expr: string, repository: string): Promise<string | undefined> {
    const r = await runGit(["--git-dir", db, "rev-parse", "--verify", "--quiet", "--end-of-options", expr], {
      purpose: repository,
      env: this.options.env,
      binary: this.options.binary,
    });
    return r.code === 0 ? r.stdout.trim() : undefined;
  }
}
