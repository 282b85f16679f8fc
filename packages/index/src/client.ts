/**
 * The index client: which files exist for a project, what a file's core metadata is, and the file's
 * bytes — from several indexes, find-links, and the global cache.
 *
 * Index strategy "first-index" (the default, uv's): indexes are asked in order and the first that
 * knows the project is the only one used for it, so a name registered later on another index can
 * never shadow it (the defence against dependency confusion). A package pinned to an index uses that
 * index alone; `explicit` indexes are used only by pinned packages. Find-links files are added to
 * whatever the index offers.
 *
 * Caching: project pages are stored parsed, with their HTTP validators, and reused without a request
 * while fresh (Cache-Control max-age); stale ones are revalidated with If-None-Match /
 * If-Modified-Since. Metadata and archives are content-addressed and never revalidated.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LockstepError } from "@lockstep/errors";
import { canonicalizeName } from "@lockstep/pep508";
import { CredentialStore, redact } from "./auth";
import { Cache, defaultCacheDir, freshUntil, readOrUndefined, sha256Hex, writeAtomic } from "./cache";
import { PYPI_URL } from "./default-index";
import type { DistFile, ProjectPage } from "./dist-file";
import { listDirectory, listFlatPage, projectOfFilename } from "./find-links";
import type { HttpOptions } from "./http";
import { HttpClient } from "./http";
import { parseSimpleHtml } from "./simple-html";
import { parseSimpleJson } from "./simple-json";
import { SdistNeedsBuildError, pkgInfoFromSdist, staticSdistMetadata } from "./sdist-metadata";
import { checkHash } from "./verify";
import type { MetadataVia } from "./wheel-metadata";
import { fetchByRanges, fetchPep658, metadataFromWheelBytes } from "./wheel-metadata";

export { PYPI_URL };

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
  http?: Partial<Omit<HttpOptions, "credentials">>;
  env?: NodeJS.ProcessEnv;
  netrcPath?: string;
  /**
   * Prepares the metadata of a source distribution whose PKG-INFO cannot be trusted (Metadata-Version
   * below 2.2, or dependencies marked Dynamic), given the verified archive's path. The CLI passes
   * one backed by `@lockstep/build`; without it such sdists fail with `SdistNeedsBuildError`.
   */
  buildMetadata?: (file: DistFile, archivePath: string) => Promise<string>;
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
  v: 1;
  status: 200 | 404;
  etag?: string | undefined;
  lastModified?: string | undefined;
  freshUntil: number;
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
  private readonly credentials: CredentialStore;
  private readonly http: HttpClient;
  private readonly pages = new Map<string, Promise<ProjectPage>>();
  private readonly metadataMemo = new Map<string, Promise<string>>();
  private readonly noRanges = new Set<string>();
  private findLinksFiles: Promise<DistFile[]> | undefined;
  private readonly pagesFromCache = { n: 0 };
  private readonly metadataCounts: IndexStats["metadata"] = { pep658: 0, range: 0, download: 0, cache: 0 };

  constructor(private readonly options: IndexClientOptions = {}) {
    const env = options.env ?? process.env;
    this.credentials = new CredentialStore(options.netrcPath ?? env.NETRC);
    this.indexes = orderIndexes(options.indexes ?? []).map((i) => ({
      ...i,
      url: normalizeIndexUrl(this.credentials.addIndex(i.url, i.name, env)),
    }));
    this.cache = new Cache(options.cacheDir ?? defaultCacheDir(env));
    this.http = new HttpClient({ credentials: this.credentials, env, ...options.http });
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

  /** The files of a project (memoized per run). Throws PackageNotFoundError when no source has it. */
  project(name: string): Promise<ProjectPage> {
    const canonical = canonicalizeName(name);
    let p = this.pages.get(canonical);
    if (!p) {
      p = this.loadProject(canonical);
      this.pages.set(canonical, p);
    }
    return p;
  }

  private candidateIndexes(name: string): Array<IndexSpec & { url: string }> {
    const pin = this.options.pins?.[name];
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

  private async loadProject(name: string): Promise<ProjectPage> {
    const extra = (await this.allFindLinks()).filter((f) => projectOfFilename(f.filename) === name);
    const tried: string[] = [];
    for (const index of this.candidateIndexes(name)) {
      tried.push(redact(index.url));
      const page = await this.fetchPage(index.url, name);
      if (page) return extra.length ? { ...page, files: [...page.files, ...extra] } : page;
    }
    if (extra.length > 0) return { name, files: extra, versions: undefined, url: extra[0]?.source ?? "" };
    throw new PackageNotFoundError(name, tried);
  }

  private allFindLinks(): Promise<DistFile[]> {
    this.findLinksFiles ??= (async () => {
      const out: DistFile[] = [];
      for (const src of this.options.findLinks ?? []) {
        if (/^https?:\/\//.test(src)) out.push(...(await listFlatPage(this.http, src)));
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

  /** One index's page for `name`, or undefined when the index does not have it. */
  private async fetchPage(indexUrl: string, name: string): Promise<ProjectPage | undefined> {
    const path = this.cache.simplePath(indexUrl, name);
    const raw = readOrUndefined(path);
    const cached = raw ? (JSON.parse(raw.toString("utf8")) as CachedPage) : undefined;
    const now = Date.now();
    if (cached && (this.options.offline || (!this.mustRefresh(name) && cached.freshUntil > now))) {
      this.pagesFromCache.n++;
      return cached.status === 200 ? cached.page : undefined;
    }
    if (this.options.offline) throw new OfflineError(`the index page of \`${name}\` (${redact(indexUrl)})`);
    const url = `${indexUrl}${name}/`;
    const headers: Record<string, string> = { accept: SIMPLE_ACCEPT };
    if (cached?.etag) headers["if-none-match"] = cached.etag;
    if (cached?.lastModified) headers["if-modified-since"] = cached.lastModified;
    const res = await this.http.get(url, headers);
    if (res.status === 304 && cached) {
      this.pagesFromCache.n++;
      writeAtomic(path, JSON.stringify({ ...cached, freshUntil: freshUntil(res.headers, now) }));
      return cached.status === 200 ? cached.page : undefined;
    }
    if (res.status === 404 || res.status === 410) {
      writeAtomic(
        path,
        JSON.stringify({ v: 1, status: 404, freshUntil: freshUntil(res.headers, now) } satisfies CachedPage),
      );
      return undefined;
    }
    if (res.status !== 200) {
      throw new LockstepError("index-http-error", `The index answered HTTP ${res.status} for ${redact(url)}`);
    }
    const type = (res.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    const text = res.body.toString("utf8");
    const page =
      type === "application/vnd.pypi.simple.v1+json"
        ? parseSimpleJson(text, res.url, name)
        : parseSimpleHtml(text, res.url, name);
    const entry: CachedPage = {
      v: 1,
      status: 200,
      etag: res.headers.etag,
      lastModified: res.headers["last-modified"],
      freshUntil: freshUntil(res.headers, now),
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
    const path = this.cache.metadataPath(file);
    const cached = readOrUndefined(path);
    if (cached) {
      this.metadataCounts.cache++;
      return cached.toString("utf8");
    }
    if (file.url.startsWith("file:")) {
      const bytes = readFileSync(fileURLToPath(file.url));
      return this.storeMetadata(path, await this.sdistMetadata(file, bytes), "download");
    }
    if (this.options.offline) throw new OfflineError(`the metadata of ${file.filename}`);
    if (!file.filename.endsWith(".whl")) {
      const bytes = await this.fetchArchive(file);
      return this.storeMetadata(path, await this.sdistMetadata(file, bytes), "download");
    }
    if (file.coreMetadata) {
      return this.storeMetadata(path, await fetchPep658(this.http, file), "pep658");
    }
    const origin = new URL(file.url).origin;
    if (!this.noRanges.has(origin)) {
      const got = await fetchByRanges(this.http, file);
      if ("text" in got) return this.storeMetadata(path, got.text, "range");
      this.noRanges.add(origin);
      checkHash(file.url, got.whole, file.hashes);
      this.storeArchive(file, got.whole);
      return this.storeMetadata(path, metadataFromWheelBytes(got.whole, file.filename), "download");
    }
    const bytes = await this.fetchArchive(file);
    return this.storeMetadata(path, metadataFromWheelBytes(bytes, file.filename), "download");
  }

  private metadataFromArchive(file: DistFile, bytes: Uint8Array): string {
    if (file.filename.endsWith(".whl")) return metadataFromWheelBytes(bytes, file.filename);
    return staticSdistMetadata(pkgInfoFromSdist(bytes, file.filename), file.filename);
  }

  /** Static sdist metadata, or the build hook's answer when the sdist's metadata is dynamic. */
  private async sdistMetadata(file: DistFile, bytes: Uint8Array): Promise<string> {
    try {
      return this.metadataFromArchive(file, bytes);
    } catch (err) {
      if (!(err instanceof SdistNeedsBuildError) || !this.options.buildMetadata) throw err;
      return this.options.buildMetadata(file, await this.download(file));
    }
  }

  private storeMetadata(path: string, text: string, via: MetadataVia): string {
    this.metadataCounts[via]++;
    writeAtomic(path, text);
    return text;
  }

  private storeArchive(file: DistFile, bytes: Uint8Array): string {
    const sha = file.hashes.sha256 ?? sha256Hex(bytes);
    const path = this.cache.archivePath(sha, file.filename);
    writeAtomic(path, bytes);
    return path;
  }

  private async fetchArchive(file: DistFile): Promise<Buffer> {
    const res = await this.http.get(file.url, { "accept-encoding": "identity" });
    if (res.status !== 200) {
      throw new LockstepError(
        "download-failed",
        `Failed to download ${redact(file.url)}: HTTP ${res.status}`,
      );
    }
    checkHash(file.url, res.body, file.hashes);
    this.storeArchive(file, res.body);
    return res.body;
  }

  /** The path of the verified distribution in the cache, downloading it when needed. */
  async download(file: DistFile): Promise<string> {
    if (file.url.startsWith("file:")) {
      const path = fileURLToPath(file.url);
      checkHash(file.url, readFileSync(path), file.hashes);
      return path;
    }
    const sha = file.hashes.sha256;
    if (sha) {
      const path = this.cache.archivePath(sha, file.filename);
      if (readOrUndefined(path)) return path;
    }
    if (this.options.offline) throw new OfflineError(`the file ${file.filename}`);
    const bytes = await this.fetchArchive(file);
    return this.cache.archivePath(file.hashes.sha256 ?? sha256Hex(bytes), file.filename);
  }
}
