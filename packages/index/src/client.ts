/**
 * The index client: which files exist for a project, what a file's core metadata is, and the file's
 * bytes — from several indexes, find-links, and the global cache.
 *
 * Index strategy (`indexStrategy`, uv's three): "first-index" (the default) asks indexes in order
 * and the first that knows the project is the only one used for it, so a name registered later on
 * another index can never add versions to it (the defence against dependency confusion); when a
 * later index's page for the same project is already at hand (fetched this run or in the cache — no
 * request is made for this) and its highest version differs, a warning names the package, both
 * indexes and both versions. "unsafe-best-match" and "unsafe-first-match" read every index and
 * merge the files, a version found on several indexes taken from the first only; each file carries
 * its index's rank (`indexRank`) so a resolver can, under unsafe-first-match, exhaust the first
 * index's versions before the next. A package pinned to an index uses that index alone; `explicit`
 * indexes are used only by pinned packages. Find-links files are added to whatever the index offers.
 *
 * Index input is not trusted (see index-input.ts, http.ts): pages and metadata files are read with
 * a size cap, a bad link is skipped with a warning, a file listed without a hash is hashed when it
 * is locked (`withSha256`), and core metadata whose Name/Version disagree with the file name is
 * refused.
 *
 * Caching: project pages are stored parsed, with their HTTP validators, and reused without a request
 * while fresh (Cache-Control max-age or Expires; for a static mirror's pages, which carry only
 * Last-Modified/ETag, RFC 9111's heuristic: 10% of their age, at most 10 minutes; or the
 * `cacheTtlSeconds` / `LOCKSTEP_CACHE_TTL` override); stale ones are revalidated with If-None-Match /
 * If-Modified-Since. Revalidations run concurrently: each page request goes out as soon as a page is
 * asked for (the resolver's prefetch asks for all of a version's dependencies at once), up to the
 * HTTP client's concurrency over keep-alive connections. Metadata and archives are content-addressed
 * and never revalidated.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { LockstepError } from "@lockstep/errors";
import { Version } from "@lockstep/pep440";
import { canonicalizeName } from "@lockstep/pep508";
import {
  SdistFilename,
  WheelFilename,
  ZIP_TAIL_SIZE,
  isHashDigest,
  sweepStaleTemp,
  tempName,
} from "@lockstep/wheel";
import { CredentialStore, redact } from "./auth";
import { Cache, cacheTtlFromEnv, defaultCacheDir, freshUntil, readOrUndefined, writeAtomic } from "./cache";
import { PYPI_URL } from "./default-index";
import { preferredHash } from "./dist-file";
import type { DistFile, ProjectPage } from "./dist-file";
import { listDirectory, listFlatPage, projectOfFilename } from "./find-links";
import type { HttpOptions } from "./http";
import { HttpClient, formatBytes } from "./http";
import { reasonOf } from "./index-input";
import { parseSimpleHtml } from "./simple-html";
import { parseSimpleJson } from "./simple-json";
import { SdistNeedsBuildError, pkgInfoFromSdist, staticSdistMetadata } from "./sdist-metadata";
import { HashMismatchError, checkFileHash } from "./verify";
import type { MetadataLimits, MetadataVia } from "./wheel-metadata";
import { fetchPep658, metadataFromTail, metadataFromWheelFile } from "./wheel-metadata";

export { PYPI_URL };

/** Default cap on one index page (HTML or JSON), after decompression: 64 MiB. */
export const DEFAULT_MAX_PAGE_BYTES = 64 * 1024 * 1024;
/** Default cap on one core-metadata file (PEP 658 `.metadata`, a METADATA entry): 16 MiB. */
export const DEFAULT_MAX_METADATA_BYTES = 16 * 1024 * 1024;
/** Largest wheel or sdist downloaded (8 GiB: the largest real wheels, CUDA builds, are 2–4 GiB). */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 8 * 1024 ** 3;
/** Downloads in progress: `archives-v1/.download-<pid>-<time>-<random>`, swept when their owner is gone. */
const DOWNLOAD_TEMP_PREFIX = ".download-";

export const INDEX_STRATEGIES = ["first-index", "unsafe-first-match", "unsafe-best-match"] as const;
export type IndexStrategy = (typeof INDEX_STRATEGIES)[number];

export interface IndexSpec {
  name?: string | undefined;
  url: string;
  /** Used only by packages pinned to it. */
  explicit?: boolean | undefined;
  /** The fallback index, asked last (PyPI unless one is declared). */
  default?: boolean | undefined;
}

export interface IndexClientOptions {
  /** Declared indexes in priority order; `orderIndexes` fills in the default. */
  indexes?: IndexSpec[];
  findLinks?: string[];
  /** canonical package name → index name. */
  pins?: Record<string, string>;
  cacheDir?: string;
  offline?: boolean;
  /** Revalidate every cached page (`--refresh`). */
  refresh?: boolean;
  /** Revalidate these packages' pages (`--refresh-package`). */
  refreshPackages?: string[];
  /**
   * Seconds a cached project page is used without asking the index again, counted from when it was
   * fetched or last revalidated, whatever the index's headers say (0: revalidate every page).
   * Default: `LOCKSTEP_CACHE_TTL`, else the headers decide (`freshUntil` in cache.ts: Cache-Control,
   * Expires, else 10% of the time since Last-Modified, at most 10 minutes).
   */
  cacheTtlSeconds?: number;
  http?: Partial<Omit<HttpOptions, "credentials">>;
  env?: NodeJS.ProcessEnv;
  netrcPath?: string;
  /**
   * Prepares the metadata of a source distribution whose PKG-INFO cannot be trusted (Metadata-Version
   * below 2.2, or dependencies marked Dynamic), given the verified archive's path. The CLI passes
   * one backed by `@lockstep/build`; without it such sdists fail with `SdistNeedsBuildError`.
   */
  buildMetadata?: (file: DistFile, archivePath: string) => Promise<string>;
  /** Which indexes a project's files come from (see the file comment). Default "first-index". */
  indexStrategy?: IndexStrategy;
  /**
   * Under first-index, how to look for the same project on later indexes: "cached" (default) only
   * compares pages already fetched or cached, "fetch" also fetches them (one request per project and
   * later index), "off" never looks.
   */
  shadowCheck?: "cached" | "fetch" | "off";
  /** Largest index page accepted (bytes, after decompression). Default 64 MiB. */
  maxPageBytes?: number;
  /** Largest core-metadata file accepted (bytes). Default 16 MiB. */
  maxMetadataBytes?: number;
  /** Largest wheel or sdist downloaded, as sent (default 8 GiB); larger is refused with nothing kept. */
  maxDownloadBytes?: number;
  /**
   * Receives each warning: a link skipped, a hash ignored, a package shadowed on another index.
   * Every warning is also kept in `IndexClient.warnings` (each distinct text once).
   */
  onWarning?: (message: string) => void;
  /**
   * Receives one debug record per index page (from the cache, or requested: status, ms) and per
   * download (bytes, ms); URLs are redacted here already. The CLI's `-vv` logger.
   */
  log?: { debug(fields: Record<string, unknown>, message: string): void };
}

export const SIMPLE_ACCEPT =
  "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

/** Declared indexes in order, with the default index (PyPI unless declared) last. */
export function orderIndexes(declared: IndexSpec[]): IndexSpec[] {
  const defaults = declared.filter((i) => i.default);
  const rest = declared.filter((i) => !i.default);
  return [...rest, ...(defaults.length > 0 ? defaults : [{ name: "pypi", url: PYPI_URL, default: true }])];
}

interface CachedPage {
  v: 2;
  status: 200 | 404;
  etag?: string | undefined;
  lastModified?: string | undefined;
  freshUntil: number;
  /** When it was fetched or last revalidated (epoch ms); absent in entries written before. */
  fetchedAt?: number | undefined;
  page?: ProjectPage | undefined;
}

export class PackageNotFoundError extends LockstepError {
  constructor(
    readonly packageName: string,
    indexes: string[],
  ) {
    super(
      "package-not-found",
      `Package \`${packageName}\` was not found in ${indexes.length === 1 ? "the index" : "any of the indexes"} (${indexes.join(", ")})`,
    );
  }
}

export class OfflineError extends LockstepError {
  constructor(what: string) {
    super("offline-cache-miss", `Network access is disabled (--offline), and ${what} is not in the cache`, {
      hint: "run once without --offline to fill the cache",
    });
  }
}

export class MetadataMismatchError extends LockstepError {
  constructor(filename: string, field: "Name" | "Version", inMetadata: string, inFilename: string) {
    super(
      "metadata-mismatch",
      `The core metadata of ${filename} says ${field}: ${inMetadata}, but the file name says ${inFilename}`,
      {
        hint: "the index serves a file whose contents are not what its name claims; nothing from it was used",
      },
    );
  }
}

/** The Name and Version fields of core metadata's header (the first of each). */
export function metadataNameVersion(text: string): { name: string | undefined; version: string | undefined } {
  const header = text.split(/\r?\n\r?\n/, 1)[0] ?? "";
  return {
    name: /^Name:[ \t]*(.*?)[ \t]*$/im.exec(header)?.[1],
    version: /^Version:[ \t]*(.*?)[ \t]*$/im.exec(header)?.[1],
  };
}

/**
 * Throws MetadataMismatchError when `text`'s Name or Version disagree with the file name (names
 * compared canonically, versions as PEP 440 versions). A file name that cannot be parsed is left to
 * the resolver, which skips such files.
 */
export function checkMetadataMatchesFilename(text: string, filename: string): void {
  const { name, version } = metadataNameVersion(text);
  let fileName: string;
  let fileVersion: Version;
  if (filename.endsWith(".whl")) {
    const w = WheelFilename.tryParse(filename);
    if (!w) return;
    fileName = w.name;
    fileVersion = w.version;
  } else {
    const byName = name === undefined ? undefined : SdistFilename.tryParse(filename, name);
    const sd = byName ?? SdistFilename.tryParse(filename);
    if (!sd) return;
    fileName = sd.name;
    fileVersion = sd.version;
  }
  if (name === undefined || canonicalizeName(name) !== fileName) {
    throw new MetadataMismatchError(filename, "Name", name ?? "(missing)", fileName);
  }
  const v = version === undefined ? undefined : Version.tryParse(version);
  if (!v || !v.equals(fileVersion)) {
    throw new MetadataMismatchError(filename, "Version", version ?? "(missing)", fileVersion.toString());
  }
}

/** The highest version among a page's files (by file name), or undefined. */
export function highestVersion(page: ProjectPage): Version | undefined {
  let best: Version | undefined;
  for (const f of page.files) {
    const v = fileVersion(f.filename, page.name);
    if (v && (!best || v.compare(best) > 0)) best = v;
  }
  return best;
}

function fileVersion(filename: string, project: string): Version | undefined {
  if (filename.endsWith(".whl")) return WheelFilename.tryParse(filename)?.version;
  return SdistFilename.tryParse(filename, project)?.version;
}

export interface IndexStats {
  requests: number;
  bytes: number;
  notModified: number;
  pagesFromCache: number;
  metadata: Record<MetadataVia | "cache", number>;
}

function normalizeIndexUrl(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

export class IndexClient {
  readonly cache: Cache;
  readonly indexes: Array<IndexSpec & { url: string }>;
  /** Every distinct warning so far, in order (also sent to `onWarning`). */
  readonly warnings: string[] = [];
  private readonly credentials: CredentialStore;
  private readonly http: HttpClient;
  private readonly pages = new Map<string, Promise<ProjectPage>>();
  /** One index's answer for one project: `${indexUrl} ${name}` → page, or undefined when absent. */
  private readonly indexPages = new Map<string, Promise<ProjectPage | undefined>>();
  private readonly hashMemo = new Map<string, Promise<string>>();
  private readonly metadataMemo = new Map<string, Promise<string>>();
  private readonly noRanges = new Set<string>();
  private findLinksFiles: Promise<DistFile[]> | undefined;
  private readonly pagesFromCache = { n: 0 };
  private readonly metadataCounts: IndexStats["metadata"] = { pep658: 0, range: 0, download: 0, cache: 0 };
  private sweptDownloads = false;
  private readonly cacheTtlMs: number | undefined;

  constructor(private readonly options: IndexClientOptions = {}) {
    const env = options.env ?? process.env;
    this.credentials = new CredentialStore(options.netrcPath ?? env.NETRC);
    this.indexes = orderIndexes(options.indexes ?? []).map((i) => ({
      ...i,
      url: normalizeIndexUrl(this.credentials.addIndex(i.url, i.name, env)),
    }));
    this.cache = new Cache(options.cacheDir ?? defaultCacheDir(env));
    this.http = new HttpClient({ credentials: this.credentials, env, ...options.http });
    const ttl = options.cacheTtlSeconds ?? cacheTtlFromEnv(env);
    this.cacheTtlMs = ttl === undefined ? undefined : ttl * 1000;
  }

  /** Whether a cached page may be used without a request at `now`. */
  private isFresh(entry: CachedPage, now: number): boolean {
    if (this.cacheTtlMs !== undefined)
      return entry.fetchedAt !== undefined && entry.fetchedAt + this.cacheTtlMs > now;
    return entry.freshUntil > now;
  }

  get indexStrategy(): IndexStrategy {
    return this.options.indexStrategy ?? "first-index";
  }

  private warn = (message: string): void => {
    if (this.warnings.includes(message)) return;
    this.warnings.push(message);
    this.options.onWarning?.(message);
  };

  private get maxPageBytes(): number {
    return this.options.maxPageBytes ?? DEFAULT_MAX_PAGE_BYTES;
  }

  private get maxMetadataBytes(): number {
    return this.options.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES;
  }

  get stats(): IndexStats {
    return {
      ...this.http.stats,
      pagesFromCache: this.pagesFromCache.n,
      metadata: { ...this.metadataCounts },
    };
  }

  close(): void {
    this.http.close();
  }

  /**
   * Start loading these projects' pages now, all at once, without waiting for the answers. A re-lock
   * passes the names in the existing lock: their stale cached pages are then revalidated in one
   * concurrent batch (up to the HTTP concurrency, over keep-alive connections) instead of level by
   * level as the resolver discovers the graph. A failure is not reported here: the resolver's own
   * request for the page gets the same answer and reports it, attributed to the package needing it.
   */
  warmPages(names: Iterable<string>): void {
    for (const name of names) this.project(name).catch(() => undefined);
  }

  /**
   * The files of a project (memoized per run). Throws PackageNotFoundError when no source has it.
   * `index` names the one index to read it from (a source chosen by marker), over any pin.
   */
  project(name: string, index?: string): Promise<ProjectPage> {
    const canonical = canonicalizeName(name);
    const key = index === undefined ? canonical : `${canonical} ${index}`;
    let p = this.pages.get(key);
    if (!p) {
      p = this.loadProject(canonical, index);
      this.pages.set(key, p);
    }
    return p;
  }

  private candidateIndexes(name: string, index?: string): Array<IndexSpec & { url: string }> {
    const pin = index ?? this.options.pins?.[name];
    if (pin !== undefined) {
      const idx = this.indexes.filter((i) => i.name === pin);
      if (idx.length === 0) {
        throw new LockstepError(
          "index-unknown",
          `Package \`${name}\` is pinned to index \`${pin}\`, which is not declared`,
          {
            hint: `declared indexes: ${this.indexes.map((i) => i.name ?? i.url).join(", ")}`,
          },
        );
      }
      return idx;
    }
    return this.indexes.filter((i) => !i.explicit);
  }

  private async loadProject(name: string, index?: string): Promise<ProjectPage> {
    const extra = (await this.allFindLinks()).filter((f) => projectOfFilename(f.filename) === name);
    const candidates = this.candidateIndexes(name, index);
    const tried = candidates.map((i) => redact(i.url));
    const page =
      this.indexStrategy === "first-index"
        ? await this.firstIndexPage(name, candidates)
        : await this.mergedPage(name, candidates);
    if (page) return extra.length ? { ...page, files: [...page.files, ...extra] } : page;
    if (extra.length > 0) return { name, files: extra, versions: undefined, url: extra[0]?.source ?? "" };
    throw new PackageNotFoundError(name, tried);
  }

  /** One index's page for `name`, fetched at most once per run. */
  private indexPage(indexUrl: string, name: string): Promise<ProjectPage | undefined> {
    const key = `${indexUrl} ${name}`;
    let p = this.indexPages.get(key);
    if (!p) {
      p = this.fetchPage(indexUrl, name);
      this.indexPages.set(key, p);
    }
    return p;
  }

  private async firstIndexPage(
    name: string,
    candidates: Array<IndexSpec & { url: string }>,
  ): Promise<ProjectPage | undefined> {
    for (const [i, index] of candidates.entries()) {
      const page = await this.indexPage(index.url, name);
      if (!page) continue;
      await this.warnIfShadowed(name, index, page, candidates.slice(i + 1));
      return withRank(page, i);
    }
    return undefined;
  }

  /**
   * First-index keeps `page` from `chosen`; say so when a later index has the project with another
   * highest version (the dependency-confusion signal, either way round). Looks only at pages at hand
   * unless `shadowCheck` is "fetch"; never fails the lock.
   */
  private async warnIfShadowed(
    name: string,
    chosen: IndexSpec & { url: string },
    page: ProjectPage,
    later: Array<IndexSpec & { url: string }>,
  ): Promise<void> {
    const mode = this.options.shadowCheck ?? "cached";
    if (mode === "off" || later.length === 0) return;
    const mine = highestVersion(page);
    for (const other of later) {
      let theirs: ProjectPage | undefined;
      try {
        theirs =
          mode === "fetch" ? await this.indexPage(other.url, name) : await this.pageAtHand(other.url, name);
      } catch {
        continue; // only a warning: an unreachable later index is not this lock's problem
      }
      const best = theirs && highestVersion(theirs);
      if (!best || (mine && best.equals(mine))) continue;
      this.warn(
        `Package \`${name}\` is taken from ${describeIndex(chosen)} (highest version ${mine?.toString() ?? "none"}), ` +
          `but ${describeIndex(other)} also has it (highest version ${best.toString()}); ` +
          `under index-strategy "first-index" only the first is used` +
          (mine && best.compare(mine) < 0
            ? ` — if \`${name}\` is yours, pin it to its index in [tool.lockstep.sources]`
            : ""),
      );
    }
  }

  /** A page already fetched this run or stored in the cache (however old), without a request. */
  private async pageAtHand(indexUrl: string, name: string): Promise<ProjectPage | undefined> {
    const memo = this.indexPages.get(`${indexUrl} ${name}`);
    if (memo) return memo;
    const cached = this.readCachedPage(this.cache.simplePath(indexUrl, name));
    return cached?.status === 200 ? cached.page : undefined;
  }

  /** unsafe-*: every index's files; a version on several indexes comes from the first only. */
  private async mergedPage(
    name: string,
    candidates: Array<IndexSpec & { url: string }>,
  ): Promise<ProjectPage | undefined> {
    const pages = await Promise.all(candidates.map((index) => this.indexPage(index.url, name)));
    let merged: ProjectPage | undefined;
    const seen = new Set<string>();
    pages.forEach((page, rank) => {
      if (!page) return;
      const files: DistFile[] = [];
      const mine = new Set<string>();
      for (const f of page.files) {
        const key = fileVersion(f.filename, name)?.toString() ?? `file:${f.filename}`;
        if (seen.has(key)) continue;
        mine.add(key);
        files.push({ ...f, indexRank: rank });
      }
      for (const k of mine) seen.add(k);
      merged = merged
        ? { ...merged, files: [...merged.files, ...files], versions: undefined }
        : { ...page, files };
    });
    return merged;
  }

  private allFindLinks(): Promise<DistFile[]> {
    this.findLinksFiles ??= (async () => {
      const out: DistFile[] = [];
      for (const src of this.options.findLinks ?? []) {
        if (/^https?:\/\//.test(src))
          out.push(...(await listFlatPage(this.http, src, this.warn, this.maxPageBytes)));
        else out.push(...listDirectory(src.startsWith("file:") ? fileURLToPath(src) : src));
      }
      return out;
    })();
    return this.findLinksFiles;
  }

  private mustRefresh(name: string): boolean {
    return (
      this.options.refresh === true ||
      (this.options.refreshPackages ?? []).map(canonicalizeName).includes(name)
    );
  }

  private readCachedPage(path: string): CachedPage | undefined {
    const raw = readOrUndefined(path);
    if (!raw) return undefined;
    try {
      const entry = JSON.parse(raw.toString("utf8")) as CachedPage;
      return entry.v === 2 ? entry : undefined;
    } catch {
      return undefined; // a damaged cache entry is a miss
    }
  }

  /** One index's page for `name`, or undefined when the index does not have it. */
  private async fetchPage(indexUrl: string, name: string): Promise<ProjectPage | undefined> {
    const path = this.cache.simplePath(indexUrl, name);
    const cached = this.readCachedPage(path);
    const now = Date.now();
    if (cached && (this.options.offline || (!this.mustRefresh(name) && this.isFresh(cached, now)))) {
      this.pagesFromCache.n++;
      this.options.log?.debug({ url: redact(`${indexUrl}${name}/`), cached: true }, "index page");
      return cached.status === 200 ? cached.page : undefined;
    }
    if (this.options.offline) throw new OfflineError(`the index page of \`${name}\` (${redact(indexUrl)})`);
    const url = `${indexUrl}${name}/`;
    const headers: Record<string, string> = { accept: SIMPLE_ACCEPT };
    if (cached?.etag) headers["if-none-match"] = cached.etag;
    if (cached?.lastModified) headers["if-modified-since"] = cached.lastModified;
    const requested = performance.now();
    const res = await this.http.get(url, headers, { maxBytes: this.maxPageBytes, what: "index page" });
    this.options.log?.debug(
      { url: redact(url), status: res.status, ms: Math.round(performance.now() - requested), cached: false },
      "index page",
    );
    if (res.status === 304 && cached) {
      this.pagesFromCache.n++;
      // A 304 need not repeat Last-Modified; the stored one still dates the page.
      const headers = { "last-modified": cached.lastModified, ...res.headers };
      writeAtomic(path, JSON.stringify({ ...cached, freshUntil: freshUntil(headers, now), fetchedAt: now }));
      return cached.status === 200 ? cached.page : undefined;
    }
    if (res.status === 404 || res.status === 410) {
      writeAtomic(
        path,
        JSON.stringify({
          v: 2,
          status: 404,
          freshUntil: freshUntil(res.headers, now),
          fetchedAt: now,
        } satisfies CachedPage),
      );
      return undefined;
    }
    if (res.status !== 200) {
      throw new LockstepError("index-http-error", `The index answered HTTP ${res.status} for ${redact(url)}`);
    }
    const page = parsePage(res.headers["content-type"], res.body, res.url, name, this.warn);
    const entry: CachedPage = {
      v: 2,
      status: 200,
      etag: res.headers.etag,
      lastModified: res.headers["last-modified"],
      freshUntil: freshUntil(res.headers, now),
      fetchedAt: now,
      page,
    };
    writeAtomic(path, JSON.stringify(entry));
    return page;
  }

  /**
   * The core metadata text of a distribution (METADATA of a wheel, static PKG-INFO of an sdist),
   * fetched at most once per run and cached by the file's hash.
   */
  metadata(file: DistFile): Promise<string> {
    const key = file.hashes.sha256 ?? file.url;
    let p = this.metadataMemo.get(key);
    if (!p) {
      p = this.loadMetadata(file);
      this.metadataMemo.set(key, p);
    }
    return p;
  }

  private async loadMetadata(file: DistFile): Promise<string> {
    const text = await this.loadMetadataText(file);
    checkMetadataMatchesFilename(text, file.filename);
    return text;
  }

  private async loadMetadataText(file: DistFile): Promise<string> {
    const started = performance.now();
    const path = this.cache.metadataPath(file);
    const cached = readOrUndefined(path);
    if (cached) {
      this.metadataCounts.cache++;
      return cached.toString("utf8");
    }
    const wheel = file.filename.endsWith(".whl");
    if (file.url.startsWith("file:")) {
      const local = fileURLToPath(file.url);
      if (wheel)
        return this.storeMetadata(file, path, this.wheelFileMetadata(local, file), "download", started);
      return this.storeMetadata(
        file,
        path,
        await this.sdistMetadata(file, readFileSync(local)),
        "download",
        started,
      );
    }
    // A wheel already in the cache (a sync downloaded it) answers without a request.
    const archived = this.cachedArchive(file);
    if (archived && wheel)
      return this.storeMetadata(file, path, this.wheelFileMetadata(archived, file), "cache", started);
    if (this.options.offline) throw new OfflineError(`the metadata of ${file.filename}`);
    if (!wheel) {
      const bytes = readFileSync(archived ?? (await this.fetchArchive(file)));
      return this.storeMetadata(file, path, await this.sdistMetadata(file, bytes), "download", started);
    }
    if (file.coreMetadata) {
      return this.storeMetadata(
        file,
        path,
        await fetchPep658(this.http, file, this.metadataLimits),
        "pep658",
        started,
      );
    }
    const origin = new URL(file.url).origin;
    if (!this.noRanges.has(origin)) {
      // Asking for the tail costs nothing extra where ranges are ignored: the 200 is the download.
      const got = await this.fetchInto(file, { tail: ZIP_TAIL_SIZE });
      if (typeof got !== "string") {
        const text = await metadataFromTail(this.http, file, got.body, got.contentRange, this.metadataLimits);
        return this.storeMetadata(file, path, text, "range", started);
      }
      this.noRanges.add(origin);
      return this.storeMetadata(file, path, this.wheelFileMetadata(got, file), "download", started);
    }
    return this.storeMetadata(
      file,
      path,
      this.wheelFileMetadata(await this.fetchArchive(file), file),
      "download",
      started,
    );
  }

  private wheelFileMetadata(archive: string, file: DistFile): string {
    return metadataFromWheelFile(archive, file.filename, this.metadataLimits);
  }

  /** The verified archive of `file` in the cache, if it is there (no request, nothing read). */
  private cachedArchive(file: DistFile): string | undefined {
    const sha = file.hashes.sha256 ?? this.knownUrlHash(file.url);
    if (!sha) return undefined;
    const path = this.cache.archivePath(sha, file.filename);
    return isFile(path) ? path : undefined;
  }

  private get metadataLimits(): Required<MetadataLimits> {
    return {
      maxMetadataBytes: this.maxMetadataBytes,
      maxDirectoryBytes: this.maxPageBytes,
      maxDownloadBytes: this.options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES,
    };
  }

  /** Static sdist metadata, or the build hook's answer when the sdist's metadata is dynamic. */
  private async sdistMetadata(file: DistFile, bytes: Uint8Array): Promise<string> {
    try {
      return staticSdistMetadata(
        pkgInfoFromSdist(bytes, file.filename, this.maxMetadataBytes),
        file.filename,
      );
    } catch (err) {
      if (!(err instanceof SdistNeedsBuildError) || !this.options.buildMetadata) throw err;
      return this.options.buildMetadata(file, await this.download(file));
    }
  }

  private storeMetadata(
    file: DistFile,
    path: string,
    text: string,
    via: MetadataVia | "cache",
    started: number,
  ): string {
    this.metadataCounts[via]++;
    this.options.log?.debug(
      { url: redact(file.url), via, ms: Math.round(performance.now() - started) },
      "metadata",
    );
    writeAtomic(path, text);
    return text;
  }

  private rememberUrlHash(url: string, sha256: string): void {
    writeAtomic(this.cache.urlHashPath(url), JSON.stringify({ v: 1, url, sha256 }));
  }

  /** The sha256 computed earlier for a file listed without one, if any. */
  private knownUrlHash(url: string): string | undefined {
    const raw = readOrUndefined(this.cache.urlHashPath(url));
    if (!raw) return undefined;
    try {
      const entry = JSON.parse(raw.toString("utf8")) as { url?: unknown; sha256?: unknown };
      return entry.url === url && isHashDigest("sha256", entry.sha256)
        ? entry.sha256.toLowerCase()
        : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * `file` with a sha256, for the lock: as listed when the index gave one; otherwise computed from
   * the downloaded file (once: the digest is remembered by URL in the cache, the file kept under
   * it) and any other listed hash verified on the way. The lock must always carry a hash, and the
   * installer checks against it.
   */
  async withSha256(file: DistFile): Promise<DistFile> {
    if (file.hashes.sha256 !== undefined) return file;
    let p = this.hashMemo.get(file.url);
    if (!p) {
      p = this.computeSha256(file);
      this.hashMemo.set(file.url, p);
    }
    const sha256 = await p;
    return { ...file, hashes: { ...file.hashes, sha256 } };
  }

  private async computeSha256(file: DistFile): Promise<string> {
    if (file.url.startsWith("file:")) return checkFileHash(file.url, fileURLToPath(file.url), file.hashes);
    const known = this.knownUrlHash(file.url);
    if (known) return known;
    if (this.options.offline) throw new OfflineError(`the file ${file.filename} (listed without a hash)`);
    const path = await this.fetchArchive(file);
    return this.knownUrlHash(file.url) ?? checkFileHash(file.url, path, {});
  }

  /**
   * Download `file` into the cache and return its path there. The body is streamed to a temporary
   * file in the cache, hashed and counted as it arrives (over `maxDownloadBytes` it is cut off), and
   * renamed to its content-addressed place only once the listed hash checks out; an oversize,
   * mismatched or failed download leaves nothing behind. Temporaries of killed runs are swept.
   */
  private async fetchArchive(file: DistFile, onProgress?: DownloadProgress): Promise<string> {
    return (await this.fetchInto(file, { onProgress })) as string;
  }

  /**
   * `fetchArchive`, optionally asking first for only the last `tail` bytes: a server that honours
   * the range answers with that part (returned, nothing stored); one that ignores it sends the
   * whole file, which is stored as any download and its path returned.
   */
  private async fetchInto(
    file: DistFile,
    opts: { onProgress?: DownloadProgress | undefined; tail?: number },
  ): Promise<string | { body: Buffer; contentRange: string | undefined }> {
    const { onProgress } = opts;
    const listed = preferredHash(file.hashes);
    const algorithms = listed && listed[0] !== "sha256" ? ["sha256", listed[0]] : ["sha256"];
    const tempDir = this.cache.within("archives-v1");
    mkdirSync(tempDir, { recursive: true });
    if (!this.sweptDownloads) {
      this.sweptDownloads = true;
      sweepStaleTemp(tempDir, DOWNLOAD_TEMP_PREFIX, { maxAgeMs: 24 * 60 * 60 * 1000 });
    }
    const temp = this.cache.within("archives-v1", tempName(DOWNLOAD_TEMP_PREFIX));
    const requested = performance.now();
    const res = await this.http
      .download(file.url, temp, {
        algorithms,
        maxBytes: this.options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES,
        what: "file",
        // Content-Length first; the index's listed size when a server streams without one.
        onProgress: onProgress && ((bytes, total) => onProgress(bytes, total ?? file.size)),
        ...(opts.tail !== undefined ? { range: `bytes=-${opts.tail}`, maxPartBytes: opts.tail } : {}),
      })
      .catch((error: unknown) => {
        // Nothing of a failed download stays in the cache (http.ts removes its file too).
        rmSync(temp, { force: true });
        throw error;
      });
    this.options.log?.debug(
      { url: redact(file.url), status: res.status, ms: Math.round(performance.now() - requested) },
      "download",
    );
    if (res.part) return res.part;
    try {
      if (res.status !== 200) {
        throw new LockstepError(
          "download-failed",
          `Failed to download ${redact(file.url)}: HTTP ${res.status}`,
        );
      }
      const sha256 = res.digests.sha256 as string;
      if (listed) {
        const [algo, expected] = listed;
        const actual = res.digests[algo] as string;
        if (actual !== expected.toLowerCase())
          throw new HashMismatchError(redact(file.url), algo, expected, actual);
      }
      const dest = this.cache.archivePath(sha256, file.filename);
      mkdirSync(dirname(dest), { recursive: true });
      renameSync(temp, dest);
      if (file.hashes.sha256 === undefined) this.rememberUrlHash(file.url, sha256);
      return dest;
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /**
   * The path of the verified distribution in the cache, downloading it when needed. `onProgress`
   * hears the bytes of a network download only (a cached or local file reports nothing).
   */
  async download(file: DistFile, opts: { onProgress?: DownloadProgress } = {}): Promise<string> {
    if (file.url.startsWith("file:")) {
      const path = fileURLToPath(file.url);
      checkFileHash(file.url, path, file.hashes);
      return path;
    }
    const cached = this.cachedArchive(file);
    if (cached) return cached;
    if (this.options.offline) throw new OfflineError(`the file ${file.filename}`);
    return this.fetchArchive(file, opts.onProgress);
  }
}

/** Bytes received so far and the total (Content-Length, else the listed size), for progress bars. */
export type DownloadProgress = (bytes: number, total: number | undefined) => void;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function withRank(page: ProjectPage, rank: number): ProjectPage {
  return { ...page, files: page.files.map((f) => ({ ...f, indexRank: rank })) };
}

/** An index as a warning names it: its name and its URL without credentials. */
function describeIndex(index: IndexSpec & { url: string }): string {
  const url = redact(index.url);
  return index.name ? `index \`${index.name}\` (${url})` : url;
}

const HTML_TYPES = new Set(["", "text/html", "application/xhtml+xml", "application/vnd.pypi.simple.v1+html"]);

/**
 * A project page's body as HTML or JSON by its Content-Type. Anything else, or a body that is not
 * text, is one clear error naming the URL: a static server answering a wrong path with a binary or a
 * login page must not read as "no files".
 */
export function parsePage(
  contentType: string | undefined,
  body: Buffer,
  url: string,
  name: string,
  warn: (message: string) => void,
): ProjectPage {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type !== "application/vnd.pypi.simple.v1+json" && !HTML_TYPES.has(type)) {
    throw new LockstepError(
      "index-page-invalid",
      `The index page ${url} was served as ${type}, which is neither HTML nor the simple API's JSON`,
      { hint: "check that the index URL points at a PEP 503/691 simple index" },
    );
  }
  if (body.includes(0)) {
    throw new LockstepError(
      "index-page-invalid",
      `The index page ${url} is not text (it contains NUL bytes; ${formatBytes(body.length)})`,
      { hint: "check that the index URL points at a PEP 503/691 simple index" },
    );
  }
  const text = body.toString("utf8");
  try {
    return type === "application/vnd.pypi.simple.v1+json"
      ? parseSimpleJson(text, url, name, warn)
      : parseSimpleHtml(text, url, name, warn);
  } catch (error) {
    if (error instanceof LockstepError) throw error;
    throw new LockstepError(
      "index-page-invalid",
      `The index page ${url} could not be read: ${reasonOf(error)}`,
      {
        cause: error,
      },
    );
  }
}
