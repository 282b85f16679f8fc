/**
 * PEP 503 "simple" HTML pages (with PEP 592 `data-yanked`, PEP 345 `data-requires-python`,
 * PEP 658/714 `data-dist-info-metadata` / `data-core-metadata`).
 *
 * Pitfalls: attribute values are HTML-escaped (`&lt;3.9` in requires-python); hrefs are relative to
 * the page URL (or a `<base href>`); the attributes may be present without a value (`data-yanked`
 * with no reason means yanked); metadata attributes are `true` or `sha256=<hex>`. An href that is
 * not a URL, or whose name is unsafe (see index-input.ts), is skipped with a warning, never the page.
 */
import type { DistFile, ProjectPage } from "./dist-file";
import { parseHashFragment, splitUrl } from "./dist-file";
import type { Warn } from "./index-input";
import { acceptedHashes, filenameFromUrl, reasonOf } from "./index-input";

const ANCHOR = /<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi;
const ATTR = /([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const BASE = /<base\b[^>]*\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

export function unescapeHtml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ent: string) => {
    if (ent.startsWith("#x") || ent.startsWith("#X")) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith("#")) return String.fromCodePoint(parseInt(ent.slice(1), 10));
    return ENTITIES[ent.toLowerCase()] ?? whole;
  });
}

function parseAttributes(raw: string): Map<string, string | undefined> {
  const attrs = new Map<string, string | undefined>();
  for (const m of raw.matchAll(ATTR)) {
    const name = (m[1] as string).toLowerCase();
    const value = m[2] ?? m[3] ?? m[4];
    attrs.set(name, value === undefined ? undefined : unescapeHtml(value));
  }
  return attrs;
}

export interface Anchor {
  /** The resolved URL; undefined when the href could not be resolved (then `error` says why). */
  href: string | undefined;
  /** The href as written (unescaped). */
  rawHref: string;
  error?: string | undefined;
  text: string;
  attrs: Map<string, string | undefined>;
}

function safeUnescape(s: string): string {
  try {
    return unescapeHtml(s);
  } catch {
    return s; // a numeric entity beyond U+10FFFF: keep the text as written
  }
}

/** Every `<a>` with an href, resolved against the page (or its `<base>`) where possible. */
export function parseAnchors(html: string, pageUrl: string): Anchor[] {
  const baseMatch = BASE.exec(html);
  const baseHref = baseMatch ? safeUnescape(baseMatch[1] ?? baseMatch[2] ?? baseMatch[3] ?? "") : undefined;
  let base = pageUrl;
  if (baseHref) {
    try {
      base = new URL(baseHref, pageUrl).toString();
    } catch {
      base = pageUrl; // an unusable <base> is ignored, as browsers do
    }
  }
  const anchors: Anchor[] = [];
  for (const m of html.matchAll(ANCHOR)) {
    let attrs: Map<string, string | undefined>;
    try {
      attrs = parseAttributes(m[1] as string);
    } catch (error) {
      anchors.push({
        href: undefined,
        rawHref: m[1] as string,
        error: reasonOf(error),
        text: "",
        attrs: new Map(),
      });
      continue;
    }
    const rawHref = attrs.get("href");
    if (!rawHref) continue;
    const text = safeUnescape((m[2] as string).trim());
    try {
      anchors.push({ href: new URL(rawHref, base).toString(), rawHref, text, attrs });
    } catch (error) {
      anchors.push({ href: undefined, rawHref, error: `not a URL (${reasonOf(error)})`, text, attrs });
    }
  }
  return anchors;
}

function metadataAttr(
  value: string | undefined,
  present: boolean,
  where: string,
  warn: Warn,
): DistFile["coreMetadata"] {
  if (!present) return false;
  if (value === undefined || value === "" || value.toLowerCase() === "true") return { hashes: {} };
  if (value.toLowerCase() === "false") return false;
  return { hashes: acceptedHashes(parseHashFragment(value), `the metadata file of ${where}`, warn) };
}

/** Warns about a link that cannot be used. */
export function skipLink(warn: Warn, pageUrl: string, link: string, reason: string): void {
  warn(`Skipping the link ${JSON.stringify(link)} on ${pageUrl}: ${reason}`);
}

export function parseSimpleHtml(
  html: string,
  pageUrl: string,
  name: string,
  warn: Warn = () => undefined,
): ProjectPage {
  const files: DistFile[] = [];
  for (const a of parseAnchors(html, pageUrl)) {
    if (a.href === undefined) {
      skipLink(warn, pageUrl, a.rawHref, a.error ?? "not a URL");
      continue;
    }
    let url: string;
    let fragment: string;
    let filename: string;
    try {
      ({ url, fragment } = splitUrl(a.href));
      // A link to a directory (`../`, a sub-page) is not a file: not a warning either.
      if (new URL(url).pathname.endsWith("/")) continue;
      filename = filenameFromUrl(url);
    } catch (error) {
      skipLink(warn, pageUrl, a.rawHref, reasonOf(error));
      continue;
    }
    const where = url;
    const core = a.attrs.has("data-core-metadata")
      ? metadataAttr(a.attrs.get("data-core-metadata"), true, where, warn)
      : metadataAttr(
          a.attrs.get("data-dist-info-metadata"),
          a.attrs.has("data-dist-info-metadata"),
          where,
          warn,
        );
    const yankedPresent = a.attrs.has("data-yanked");
    files.push({
      filename,
      url,
      hashes: acceptedHashes(parseHashFragment(fragment), where, warn),
      requiresPython: a.attrs.get("data-requires-python") || undefined,
      yanked: yankedPresent ? { reason: a.attrs.get("data-yanked") ?? "" } : false,
      size: undefined,
      uploadTime: undefined,
      coreMetadata: core,
      source: pageUrl,
    });
  }
  return { name, files, versions: undefined, url: pageUrl };
}
