/**
 * The global cache: a directory shared by every lockstep process on the machine.
 *
 * Layout (each bucket versioned so a format change never reads old bytes):
 *   simple-v2/<index-hash>/<name>.json   parsed project pages + HTTP validators (ETag, Last-Modified, expiry)
 *   metadata-v1/<sha256-of-dist>.METADATA core metadata, keyed by the distribution's hash (or URL hash)
 *   archives-v1/<sha256>/<filename>      downloaded distributions, verified before they are stored
 *   url-hashes-v1/<sha256-of-url>.json   the sha256 of a file its index listed without a hash
 *
 * Writes are atomic (temp file in the same directory, then rename), so concurrent processes never see
 * half a file; the last writer wins with identical content.
 *
 * Every path is built by `Cache.within` from segments that come, in the end, from an index (file
 * names, digests, project names): each segment must be one plain path component and the result must
 * lie inside the root, or `CachePathError` is thrown before anything is read or written. The parsers
 * already refuse such input; this is the last line, so one missed check cannot write outside.
 * (simple-v1 held pages parsed before file names and hashes were validated; it is no longer read.)
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { isHashDigest, unsafeFilenameChar } from "@lockstep/wheel";

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LOCKSTEP_CACHE_DIR) return env.LOCKSTEP_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(xdg, "lockstep");
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

export class CachePathError extends LockstepError {
  constructor(root: string, segments: readonly string[], reason: string) {
    super(
      "cache-path-escape",
      `Refusing the cache path ${JSON.stringify(segments.join("/"))} under ${root}: ${reason}`,
      { hint: "the name or hash came from an index; nothing was read or written" },
    );
  }
}

/** Why `segment` is not one plain path component, or undefined. */
function segmentProblem(segment: string): string | undefined {
  if (segment === "" || segment === "." || segment === "..")
    return `${JSON.stringify(segment)} is not a file name`;
  const unsafe = unsafeFilenameChar(segment);
  if (unsafe) return `${JSON.stringify(segment)} contains ${unsafe.what}`;
  return undefined;
}

export class Cache {
  readonly root: string;
  /** Index URL → its directory under simple-v2 (hashed once, not once per page). */
  private readonly indexDirs = new Map<string, string>();

  /** The root with a trailing separator: a path starting with it lies inside. */
  private readonly rootPrefix: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.rootPrefix = this.root.endsWith(sep) ? this.root : this.root + sep;
  }

  /** `root/segments…`, each segment one path component, the result inside the root (else CachePathError). */
  within(...segments: string[]): string {
    for (const segment of segments) {
      const problem = segmentProblem(segment);
      if (problem) throw new CachePathError(this.root, segments, problem);
    }
    const path = join(this.root, ...segments);
    // The common answer without path.relative (a warm lock builds hundreds of these paths); any
    // other path gets the full check.
    if (path.length > this.rootPrefix.length && path.startsWith(this.rootPrefix)) return path;
    const rel = relative(this.root, path);
    if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new CachePathError(this.root, segments, "it is not inside the cache");
    }
    return path;
  }

  simplePath(indexUrl: string, name: string): string {
    let dir = this.indexDirs.get(indexUrl);
    if (dir === undefined) {
      dir = sha256Hex(indexUrl).slice(0, 16);
      this.indexDirs.set(indexUrl, dir);
    }
    return this.within("simple-v2", dir, `${name}.json`);
  }

  metadataPath(file: { url: string; hashes: Record<string, string> }): string {
    const sha = file.hashes.sha256;
    const key = sha === undefined ? `url-${sha256Hex(file.url)}` : this.digest(sha);
    return this.within("metadata-v1", `${key}.METADATA`);
  }

  archivePath(sha256: string, filename: string): string {
    return this.within("archives-v1", this.digest(sha256), filename);
  }

  /** Where the computed sha256 of a file listed without a hash is remembered, by its URL. */
  urlHashPath(url: string): string {
    return this.within("url-hashes-v1", `${sha256Hex(url)}.json`);
  }

  private digest(sha256: string): string {
    if (!isHashDigest("sha256", sha256)) {
      throw new CachePathError(this.root, [sha256], "a sha256 digest must be 64 hexadecimal digits");
    }
    return sha256.toLowerCase();
  }
}

/**
 * How long a page without explicit freshness (no Cache-Control max-age, no Expires) stays fresh:
 * a tenth of the time since its Last-Modified (RFC 9111 §4.2.2's heuristic), never more than this.
 * Ten minutes: a static mirror's page that changed an hour ago is trusted for six minutes, one
 * unchanged for a year for ten, so a release uploaded meanwhile shows up within ten minutes (or at
 * once with `--refresh`), while back-to-back locks make no request at all.
 */
export const HEURISTIC_FRESHNESS_CAP_MS = 10 * 60 * 1000;

/**
 * Until when (epoch ms) a response may be reused without asking the server again; `now` or earlier
 * means it must be revalidated first. RFC 9111, as a private cache:
 * - `Cache-Control: no-store`/`no-cache` → revalidate every time;
 * - `max-age=N` (less any `Age`) → N seconds; else `Expires` (an invalid date means already stale);
 * - neither, but `Last-Modified` → heuristic freshness: 10% of (now − Last-Modified), at most
 *   HEURISTIC_FRESHNESS_CAP_MS (static mirrors send only Last-Modified/ETag);
 * - nothing at all → revalidate every time.
 */
export function freshUntil(headers: Record<string, string | undefined>, now: number): number {
  const cc = (headers["cache-control"] ?? "").toLowerCase();
  if (/\bno-cache\b|\bno-store\b/.test(cc)) return 0;
  const maxAge = /(?:^|[\s,])max-age=(\d+)/.exec(cc);
  if (maxAge) {
    const age = Number(headers.age ?? 0) || 0;
    return now + Math.max(0, Number(maxAge[1]) - age) * 1000;
  }
  if (headers.expires !== undefined) {
    const expires = Date.parse(headers.expires);
    return Number.isFinite(expires) ? expires : 0;
  }
  const lastModified = headers["last-modified"] ? Date.parse(headers["last-modified"]) : NaN;
  if (!Number.isFinite(lastModified)) return 0;
  // Aged by our clock, not the response's Date: a few seconds of skew are nothing against minutes.
  const age = now - lastModified;
  if (age <= 0) return 0;
  return now + Math.min(age / 10, HEURISTIC_FRESHNESS_CAP_MS);
}

/**
 * The cache TTL from `LOCKSTEP_CACHE_TTL` (seconds, a non-negative integer), or undefined when unset.
 * Anything else is a `cache-ttl-invalid` error naming the value.
 */
export function cacheTtlFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.LOCKSTEP_CACHE_TTL;
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!/^\d+$/.test(raw.trim())) {
    throw new LockstepError(
      "cache-ttl-invalid",
      `LOCKSTEP_CACHE_TTL must be a whole number of seconds, got ${JSON.stringify(raw)}`,
      { hint: "0 revalidates every cached index page; 600 trusts them for ten minutes" },
    );
  }
  return Number(raw.trim());
}
