/**
 * `--find-links`: a local directory of distributions, or a flat HTML page listing them (pip's
 * format: anchors to files of any project). Files found there are offered next to the index's.
 * Local files are hashed when listed (the lockfile needs a hash for every file).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { canonicalizeName } from "@lockstep/pep508";
import type { DistFile } from "./dist-file";
import { splitUrl, parseHashFragment } from "./dist-file";
import type { HttpClient } from "./http";
import type { Warn } from "./index-input";
import { acceptedHashes, filenameFromUrl, reasonOf } from "./index-input";
import { parseAnchors, skipLink } from "./simple-html";

/** The project a distribution file belongs to, from its name alone (wheel or sdist), canonical. */
export function projectOfFilename(filename: string): string | undefined {
  if (filename.endsWith(".whl")) {
    const first = filename.split("-")[0];
    return first ? canonicalizeName(first) : undefined;
  }
  const stem = /^(.*)\.(tar\.gz|zip|tar\.bz2|tgz)$/.exec(filename)?.[1];
  if (!stem) return undefined;
  // The version starts at the last "-" followed by a digit (names may contain dashes).
  const m = /^(.*?)-(v?\d[^-]*)$/.exec(stem);
  return m ? canonicalizeName(m[1] as string) : undefined;
}

function isDistFilename(f: string): boolean {
  return /\.(whl|tar\.gz|zip)$/.test(f);
}

export function listDirectory(dir: string): DistFile[] {
  const abs = resolve(dir);
  const out: DistFile[] = [];
  for (const filename of readdirSync(abs).sort()) {
    if (!isDistFilename(filename)) continue;
    const path = join(abs, filename);
    const st = statSync(path);
    if (!st.isFile()) continue;
    out.push({
      filename,
      url: pathToFileURL(path).toString(),
      hashes: { sha256: createHash("sha256").update(readFileSync(path)).digest("hex") },
      requiresPython: undefined,
      yanked: false,
      size: st.size,
      uploadTime: undefined,
      coreMetadata: false,
      source: pathToFileURL(abs).toString(),
    });
  }
  return out;
}

/**
 * The distributions a flat HTML page links to. Links to other things (directories, READMEs) are
 * ignored; a link to a distribution whose name or URL is unusable is skipped with a warning.
 */
export async function listFlatPage(
  http: HttpClient,
  url: string,
  warn: Warn = () => undefined,
  maxBytes?: number,
): Promise<DistFile[]> {
  const res = await http.get(url, { accept: "text/html" }, maxBytes === undefined ? {} : { maxBytes });
  if (res.status !== 200) return [];
  const out: DistFile[] = [];
  for (const a of parseAnchors(res.body.toString("utf8"), res.url)) {
    if (!isDistFilename(a.rawHref.split(/[?#]/)[0] ?? "")) continue;
    if (a.href === undefined) {
      skipLink(warn, res.url, a.rawHref, a.error ?? "not a URL");
      continue;
    }
    let fileUrl: string;
    let fragment: string;
    let filename: string;
    try {
      ({ url: fileUrl, fragment } = splitUrl(a.href));
      filename = filenameFromUrl(fileUrl);
    } catch (error) {
      skipLink(warn, res.url, a.rawHref, reasonOf(error));
      continue;
    }
    if (!isDistFilename(filename)) continue;
    out.push({
      filename,
      url: fileUrl,
      hashes: acceptedHashes(parseHashFragment(fragment), fileUrl, warn),
      requiresPython: a.attrs.get("data-requires-python") || undefined,
      yanked: a.attrs.has("data-yanked") ? { reason: a.attrs.get("data-yanked") ?? "" } : false,
      size: undefined,
      uploadTime: undefined,
      coreMetadata: false,
      source: url,
    });
  }
  return out;
}
