/**
 * What an index says about one distribution file (PEP 503 anchors / PEP 691 file objects), in one
 * shape whichever format the index served. URLs are absolute and never carry credentials: those are
 * added per request by `auth.ts`, so they cannot leak into caches, logs or the lockfile.
 */

export interface DistFile {
  filename: string;
  /** Absolute URL without fragment and without userinfo. */
  url: string;
  /** Lower-case algorithm name → lower-case hex digest. May be empty (then the file is unverifiable). */
  hashes: Record<string, string>;
  requiresPython: string | undefined;
  /** PEP 592: false, or the reason (possibly empty). */
  yanked: false | { reason: string };
  size: number | undefined;
  /** PEP 700, RFC 3339. */
  uploadTime: string | undefined;
  /** PEP 658/714: false when not advertised, else the hashes of the `.metadata` file (may be empty). */
  coreMetadata: false | { hashes: Record<string, string> };
  /** The index (or find-links source) URL that listed this file. */
  source: string;
  /**
   * The priority of the index that listed it among those asked for the project (0 = first). Under
   * index-strategy "unsafe-first-match" a resolver prefers lower ranks; absent for find-links files.
   */
  indexRank?: number | undefined;
}

export interface ProjectPage {
  /** PEP 503 canonical name. */
  name: string;
  files: DistFile[];
  /** PEP 700 `versions`, when the index sent it. */
  versions: string[] | undefined;
  /** The URL that answered (after redirects), without credentials. */
  url: string;
}

/** Strip userinfo and fragment from a URL; returns the fragment separately. */
export function splitUrl(raw: string, base?: string): { url: string; fragment: string } {
  const u = new URL(raw, base);
  const fragment = u.hash.startsWith("#") ? u.hash.slice(1) : "";
  u.hash = "";
  u.username = "";
  u.password = "";
  return { url: u.toString(), fragment };
}

/**
 * Split a `#sha256=abc` fragment or a `sha256=abc` attribute value into `{ algorithm: value }`, as
 * given: the value is checked by `acceptedHashes` (index-input.ts), which warns about a bad one
 * instead of losing it silently.
 */
export function parseHashFragment(fragment: string): Record<string, string> {
  const out: Record<string, string> = {};
  const m = /^([A-Za-z0-9_-]+)=(.*)$/.exec(fragment.trim());
  if (m) out[(m[1] as string).toLowerCase()] = m[2] as string;
  return out;
}

/** The strongest hash we can check, as [algorithm, hex]. */
export function preferredHash(hashes: Record<string, string>): [string, string] | undefined {
  for (const algo of ["sha256", "sha512", "sha384", "sha224", "blake2b", "sha1", "md5"]) {
    const v = hashes[algo];
    if (v) return [algo, v];
  }
  return undefined;
}
