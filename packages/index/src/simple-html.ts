/**
 * PEP 503 "simple" HTML pages (with PEP 592 `data-yanked`, PEP 345 `data-requires-python`,
 * PEP 658/714 `data-dist-info-metadata` / `data-core-metadata`).
 *
 * Pitfalls: attribute values are HTML-escaped (`&lt;3.9` in requires-python); hrefs are relative to
 * the page URL (or a `<base href>`); the attributes may be present without a value (`data-yanked`
 * with no reason means yanked); metadata attributes are `true` or `sha256=<hex>`.
 */
import type { DistFile, ProjectPage } from "./dist-file";
import { parseHashFragment, splitUrl } from "./dist-file";

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
  href: string;
  text: string;
  attrs: Map<string, string | undefined>;
}

/** Every `<a>` of a page, with resolved hrefs. */
export function parseAnchors(html: string, pageUrl: string): Anchor[] {
  const baseMatch = BASE.exec(html);
  const baseHref = baseMatch ? unescapeHtml(baseMatch[1] ?? baseMatch[2] ?? baseMatch[3] ?? "") : undefined;
  const base = baseHref ? new URL(baseHref, pageUrl).toString() : pageUrl;
  const anchors: Anchor[] = [];
  for (const m of html.matchAll(ANCHOR)) {
    const attrs = parseAttributes(m[1] as string);
    const href = attrs.get("href");
    if (!href) continue;
    anchors.push({
      href: new URL(href, base).toString(),
      text: unescapeHtml((m[2] as string).trim()),
      attrs,
    });
  }
  return anchors;
}

function metadataAttr(value: string | undefined, present: boolean): DistFile["coreMetadata"] {
  if (!present) return false;
  if (value === undefined || value === "" || value.toLowerCase() === "true") return { hashes: {} };
  if (value.toLowerCase() === "false") return false;
  return { hashes: parseHashFragment(value) };
}

/** A file's name is the last path segment of its URL (PEP 503), percent-decoded. */
export function filenameFromUrl(url: string): string {
  const path = new URL(url).pathname;
  return decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
}

export function parseSimpleHtml(html: string, pageUrl: string, name: string): ProjectPage {
  const files: DistFile[] = [];
  for (const a of parseAnchors(html, pageUrl)) {
    const { url, fragment } = splitUrl(a.href);
    const filename = filenameFromUrl(url);
    if (!filename) continue;
    const core = a.attrs.has("data-core-metadata")
      ? metadataAttr(a.attrs.get("data-core-metadata"), true)
      : metadataAttr(a.attrs.get("data-dist-info-metadata"), a.attrs.has("data-dist-info-metadata"));
    const yankedPresent = a.attrs.has("data-yanked");
    files.push({
      filename,
      url,
      hashes: parseHashFragment(fragment),
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
