/**
 * Whether a PEP 508 direct URL names the same resource as a project's source, as uv's
 * "same resource" test: a dependency's own metadata may ask for `lib @ <url>` only when that is
 * where the project already takes `lib` from (see the resolver's transitive-url.ts).
 *
 * Identity: git by canonical repository (no credentials, no `.git`, host lowercased), revision as
 * written and subdirectory; an http(s) archive by its URL without credentials or fragment (but with
 * a `subdirectory=`); a `file:` URL and a path source by the absolute path. Pitfalls: a tag written
 * `tag = "v1"` in a source and `@v1` in a URL are the same revision; `#sha256=` fragments and `egg=`
 * are not part of the identity; an unparsable URL is never the same as anything.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { canonicalRepository, formatGitUrl, parseGitUrl } from "@lockstep/build/git";
import type { GitRevision } from "@lockstep/build/git";
import { redact } from "@lockstep/index/auth";
import type { RequestedUrl } from "@lockstep/resolver";

function subdirectoryOf(fragment: string): string | undefined {
  return new URLSearchParams(fragment.replace(/^#/, "")).get("subdirectory") ?? undefined;
}

function gitKey(repository: string, revision: string | undefined, subdirectory: string | undefined): string {
  return ["git", canonicalRepository(repository), revision ?? "", subdirectory ?? ""].join(" ");
}

function pathKey(path: string, subdirectory: string | undefined): string {
  return ["path", resolve(path), subdirectory ?? ""].join(" ");
}

/** The identity of a PEP 508 direct URL; undefined when it cannot be read. */
export function urlIdentity(url: string): string | undefined {
  try {
    if (url.startsWith("git+")) {
      const spec = parseGitUrl(url);
      const rev = spec.revision.kind === "default" ? undefined : spec.revision.value;
      return gitKey(spec.repository, rev, spec.subdirectory);
    }
    const parsed = new URL(url);
    const sub = subdirectoryOf(parsed.hash);
    if (parsed.protocol === "file:") {
      parsed.hash = "";
      return pathKey(fileURLToPath(parsed), sub);
    }
    parsed.username = "";
    parsed.password = "";
    parsed.hash = "";
    return ["url", parsed.toString(), sub ?? ""].join(" ");
  } catch {
    return undefined;
  }
}

function requested(url: string, key: string | undefined): RequestedUrl {
  return { url, matches: (other) => key !== undefined && urlIdentity(other) === key };
}

/** A git source (repository as written, revision, subdirectory). */
export function gitRequested(
  repository: string,
  revision: GitRevision,
  subdirectory: string | undefined,
): RequestedUrl {
  const rev = revision.kind === "default" ? undefined : revision.value;
  return requested(formatGitUrl(repository, rev, subdirectory), gitKey(repository, rev, subdirectory));
}

/** A URL source or requirement (`#subdirectory=` in the URL, or given apart). */
export function urlRequested(url: string, subdirectory: string | undefined): RequestedUrl {
  const withSub =
    subdirectory === undefined || subdirectoryOf(new URL(url).hash) !== undefined
      ? url
      : `${url}#subdirectory=${subdirectory}`;
  return requested(redact(withSub), urlIdentity(withSub));
}

/** A path source (a directory, wheel or sdist), by its absolute path. */
export function pathRequested(path: string, subdirectory?: string): RequestedUrl {
  const url = `file://${resolve(path).split("\\").join("/")}${subdirectory ? `#subdirectory=${subdirectory}` : ""}`;
  return requested(url, pathKey(path, subdirectory));
}
