/**
 * Git submodules of a checkout: which ones a commit records (`.gitmodules` names each one's path
 * and URL; the commit's tree holds a gitlink, mode 160000, with the submodule's commit at that
 * path), and where each one's repository is.
 *
 * A relative URL (`../lib.git`, `./vendor/x`) is relative to the superproject's own repository URL
 * taken as a directory, as `git submodule` resolves it against the remote; the superproject's
 * credentials carry over to the same host. An absolute path becomes a `file://` URL and an
 * scp-like address (`git@host:org/r.git`) an `ssh://` one, so each submodule is cached like any
 * git source, keyed by its URL (`git-cache.ts` checks it out from its own bare repository).
 *
 * Pitfalls: `.gitmodules` may list a submodule the commit no longer has (a stale entry), which is
 * skipped, as `git submodule update` does; a path with `..` or an absolute one is refused, since the
 * checkout is written at that path; a gitlink without a `.gitmodules` entry cannot be fetched (no
 * URL) and is refused with its path.
 */
import { GitError } from "./git-error";

export interface Submodule {
  name: string;
  /** Relative to the superproject's checkout, `/`-separated. */
  path: string;
  /** Absolute URL of its repository. */
  url: string;
  /** The commit the superproject records for it. */
  commit: string;
}

/** `git config -f .gitmodules --get-regexp` output → name → { path, url } (raw). */
export function parseGitmodules(configList: string): Map<string, { path?: string; url?: string }> {
  const out = new Map<string, { path?: string; url?: string }>();
  for (const line of configList.split("\n")) {
    const m = /^submodule\.(.+)\.(path|url) (.*)$/.exec(line.trim());
    if (!m) continue;
    const [, name, key, value] = m as unknown as [string, string, "path" | "url", string];
    const entry = out.get(name) ?? {};
    entry[key] = value;
    out.set(name, entry);
  }
  return out;
}

/** `git ls-tree -z` output → path → commit, for gitlinks (mode 160000) only. */
export function parseGitlinks(lsTree: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const record of lsTree.split("\0")) {
    const m = /^160000 commit ([0-9a-f]{40,64})\t(.+)$/.exec(record);
    if (m) out.set(m[2] as string, m[1] as string);
  }
  return out;
}

/** A submodule URL as an absolute URL, relative ones resolved against the superproject's. */
export function submoduleUrl(raw: string, superproject: string): string {
  if (raw.startsWith("./") || raw.startsWith("../")) {
    const base = superproject.replace(/\/+$/, "");
    return new URL(raw, `${base}/`).toString().replace(/\/+$/, "");
  }
  if (raw.startsWith("/")) return new URL(`file://${raw}`).toString();
  const scp = /^([^@/:]+@)?([^/:]+):(?!\/\/)(.+)$/.exec(raw);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return `ssh://${scp[1] ?? ""}${scp[2]}/${scp[3]}`;
  return raw;
}

/** The submodules a commit records, from its `.gitmodules` text (as config list) and its gitlinks. */
export function submodulesOf(
  gitmodules: Map<string, { path?: string; url?: string }>,
  gitlinks: Map<string, string>,
  superproject: string,
  shown: string,
): Submodule[] {
  const out: Submodule[] = [];
  const known = new Set<string>();
  for (const [name, entry] of gitmodules) {
    if (entry.path === undefined) continue;
    const path = entry.path.replace(/\/+$/, "");
    known.add(path);
    const commit = gitlinks.get(path);
    if (commit === undefined) continue;
    if (path.startsWith("/") || path.split("/").includes("..")) {
      throw new GitError(
        "git-submodule-path",
        `submodule ${JSON.stringify(name)} of ${shown} has the path ${JSON.stringify(path)}, which leaves the checkout`,
      );
    }
    if (entry.url === undefined) {
      throw new GitError(
        "git-submodule-url",
        `submodule ${JSON.stringify(name)} of ${shown} has no url in .gitmodules`,
      );
    }
    out.push({ name, path, url: submoduleUrl(entry.url, superproject), commit });
  }
  for (const path of gitlinks.keys()) {
    if (!known.has(path)) {
      throw new GitError(
        "git-submodule-url",
        `${shown} records a submodule at ${JSON.stringify(path)} that .gitmodules does not list, so it cannot be fetched`,
      );
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
