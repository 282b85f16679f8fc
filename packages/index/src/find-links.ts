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
import { filenameFromUrl, parseAnchors } from "./simple-html";

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

export async function listFlatPage(http: HttpClient, url: string): Promise<DistFile[]> {
  const res = await http.get(url, { accept: "text/html" });
  if (res.status !== 200) return [];
  return parseAnchors(res.body.toString("utf8"), res.url)
    .map((a) => {
      const { url: fileUrl, fragment } = splitUrl(a.href);
      return { a, fileUrl, fragment, filename: filenameFromUrl(fileUrl) };
    })
    .filter(({ filename }) => isDistFilename(filename))
    .map(({ a, fileUrl, fragment, filename }) => ({
      filename,
      url: fileUrl,
      hashes: parseHashFragment(fragment),
      requiresPython: a.attrs.get("data-requires-python") || undefined,
      yanked: a.attrs.has("data-yanked") ? { reason: a.attrs.get("data-yanked") ?? "" } : false,
      size: undefined,
      uploadTime: undefined,
      coreMetadata: false as const,
      source: url,
    }));
}
