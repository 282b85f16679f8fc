/**
 * Git URLs in requirements: `git+https://`, `git+ssh://`, `git+file://` (and `git+http://`), in the
 * form pip and PEP 508 direct references use: `git+<url>[@<revision>][#subdirectory=<dir>]`.
 *
 * Pitfalls: `@` also separates credentials from the host (`git+ssh://git@host/repo.git@v1`), so the
 * revision is split off the *path* only; the revision may be a branch, a tag or a commit (the URL
 * does not say which), while `[tool.lockstep.sources]` says so with `branch`/`tag`/`rev`; the cache
 * key is the canonical URL with credentials removed, so a token change does not clone again and a
 * token never ends up in a file name.
 */

import { createHash } from "node:crypto";
import { redact } from "@lockstep/index/auth";
import { GitError } from "./git-error";

/** What a requirement asks for; `rev` is anything `git rev-parse` understands after a fetch. */
export type GitRevision = { kind: "default" } | { kind: "rev" | "tag" | "branch"; value: string };

export interface GitSpec {
  /** The repository URL git is given (no `git+`, no revision, no fragment), credentials kept. */
  repository: string;
  revision: GitRevision;
  subdirectory: string | undefined;
}

const SCHEMES = ["https:", "http:", "ssh:", "git:", "file:"];

/** Parse `git+https://host/repo.git@v1#subdirectory=pkg`. */
export function parseGitUrl(text: string): GitSpec {
  const shown = redact(text);
  if (!text.startsWith("git+")) {
    throw new GitError(
      "git-url-invalid",
      `${JSON.stringify(shown)} is not a git URL: it must start with "git+"`,
    );
  }
  const hashAt = text.indexOf("#");
  const body = hashAt < 0 ? text.slice(4) : text.slice(4, hashAt);
  const fragment = hashAt < 0 ? "" : text.slice(hashAt + 1);
  let url: URL;
  try {
    url = new URL(body);
  } catch {
    throw new GitError("git-url-invalid", `${JSON.stringify(shown)} is not a valid git URL`);
  }
  if (!SCHEMES.includes(url.protocol)) {
    throw new GitError(
      "git-url-invalid",
      `${JSON.stringify(shown)} uses the unsupported scheme "git+${url.protocol.slice(0, -1)}"`,
      { hint: "use git+https://, git+ssh://, git+http://, git+git:// or git+file://" },
    );
  }
  let revision: GitRevision = { kind: "default" };
  const at = url.pathname.lastIndexOf("@");
  if (at >= 0) {
    const value = decodeURIComponent(url.pathname.slice(at + 1));
    if (value === "") {
      throw new GitError("git-url-invalid", `${JSON.stringify(shown)} has an empty revision after "@"`);
    }
    revision = { kind: "rev", value };
    url.pathname = url.pathname.slice(0, at);
  }
  let subdirectory: string | undefined;
  for (const part of fragment.split("&").filter((p) => p !== "")) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
    if (key === "subdirectory") subdirectory = checkSubdirectory(value, shown);
    else if (key !== "egg") {
      throw new GitError("git-url-invalid", `${JSON.stringify(shown)} has an unknown fragment key "${key}"`, {
        hint: "a git URL's fragment may hold only subdirectory=<dir>",
      });
    }
  }
  return { repository: url.toString(), revision, subdirectory };
}

/** A subdirectory must stay inside the checkout (or, `within = "archive"`, a source archive). */
export function checkSubdirectory(value: string, shown: string, within = "repository"): string {
  const parts = value.split("/").filter((p) => p !== "" && p !== ".");
  if (value === "" || value.startsWith("/") || parts.includes("..") || parts.length === 0) {
    throw new GitError(
      "git-subdirectory-invalid",
      `subdirectory ${JSON.stringify(value)} of ${JSON.stringify(shown)} must be a relative path inside the ${within}`,
    );
  }
  return parts.join("/");
}

/** The URL with credentials, a trailing slash and a trailing `.git` removed, host lowercased. */
export function canonicalRepository(repository: string): string {
  const url = new URL(repository);
  url.username = "";
  url.password = "";
  url.hostname = url.hostname.toLowerCase();
  url.pathname = url.pathname.replace(/\/+$/, "").replace(/\.git$/, "");
  return url.toString();
}

/** The cache directory name of a repository: a hash of its canonical, credential-free URL. */
export function repositoryKey(repository: string): string {
  return createHash("sha256").update(canonicalRepository(repository)).digest("hex").slice(0, 16);
}

/** `git+<url>@<revision>#subdirectory=…`, the form pip and `export` write; credentials removed. */
export function formatGitUrl(
  repository: string,
  revision: string | undefined,
  subdirectory?: string,
): string {
  const rev = revision === undefined ? "" : `@${revision}`;
  const sub = subdirectory === undefined ? "" : `#subdirectory=${subdirectory}`;
  return `git+${redact(repository)}${rev}${sub}`;
}

/** A full SHA-1 (or SHA-256) commit id. */
export function isFullCommit(text: string): boolean {
  return /^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(text);
}
