/**
 * `lockstep cache dir|clean|size|prune`: looking after the global cache that every lockstep process
 * on the machine shares (layout: `@lockstep/index`'s cache.ts for index pages, metadata, archives and
 * URL hashes; `wheels-v1/<sha256>/` unpacked wheels; `built-wheels-v1/<key>/` built wheels;
 * `interpreter-v1/` interpreter queries).
 *
 * Which package an entry belongs to is read from the entry itself: a project page's file name, an
 * archive's file name, the `.dist-info` inside an unpacked or built wheel, the `Name:` of a metadata
 * file, the URL a remembered hash is for.
 *
 * Safety while another lockstep runs: entries appear by rename, whole or not at all, so the only
 * half-written things are temporary names, and those carry their writer's pid (`.tmp-<pid>-…`
 * directories, `<file>.tmp-<pid>-<hex>` files, `<file>.<pid>.tmp`). Neither `clean` nor `prune`
 * touches a temporary name whose process is alive and younger than the temp-age limit. `prune`
 * removes a complete entry only when nothing refers to it *and* it is older than an hour, because a
 * running sync may have just downloaded an archive that no cached page lists (a find-links file).
 *
 * What prune removes: other format versions of known buckets (e.g. `simple-v1`, no longer read); stale
 * temporary files and directories (dead owner, or older than the limit), including the build
 * directories in the OS temp directory; interpreter queries whose binary is gone or changed;
 * archives, unpacked wheels and metadata whose sha256 no cached project page lists, and remembered
 * URL hashes for URLs no page lists.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pruneStaleBuildTemp } from "@lockstep/build";
import { LockstepError } from "@lockstep/errors";
import { defaultCacheDir } from "@lockstep/index";
import { canonicalizeName } from "@lockstep/pep508";
import { DEFAULT_TEMP_MAX_AGE_MS, parseTempName, processAlive, pruneStaleTemp } from "@lockstep/wheel";

/** The buckets this lockstep reads and writes; any other `<name>-v<N>` is another format version. */
export const CACHE_BUCKETS = [
  "simple-v2",
  "metadata-v1",
  "archives-v1",
  "url-hashes-v1",
  "wheels-v1",
  "built-wheels-v1",
  "interpreter-v1",
  // `run` environments: PEP 723 scripts and `--with` overlays (run-environment.ts).
  "environments-v1",
  // Generated install files hardlinked into venvs (@lockstep/wheel install-blobs.ts).
  "generated-v1",
] as const;

/** A complete entry nothing refers to is kept this long (a running sync may be about to use it). */
export const UNREFERENCED_GRACE_MS = 60 * 60 * 1000;

/** The cache directory: `--cache-dir`, else `$LOCKSTEP_CACHE_DIR`, else the XDG default. */
export function resolveCacheDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const dir = flag ?? defaultCacheDir(env);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new LockstepError(
      "cache-dir-not-directory",
      `The cache directory ${dir} is a file, not a directory`,
      {
        hint: "pass --cache-dir DIR (or set LOCKSTEP_CACHE_DIR) to a directory",
      },
    );
  }
  return dir;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The owner pid of a temporary name, or undefined when `name` is not one. */
export function tempOwner(name: string): number | undefined {
  const dirTemp = parseTempName(name, ".tmp-");
  if (dirTemp) return dirTemp.pid;
  const fileTemp = /\.tmp-(\d+)-[0-9a-f]{8}$/.exec(name) ?? /\.(\d+)\.tmp$/.exec(name);
  if (fileTemp) return Number(fileTemp[1]);
  return undefined;
}

function ageMs(path: string, now: number): number {
  try {
    return now - lstatSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** A temporary name some process may still be writing: its pid is alive and it is not too old. */
function liveTemp(path: string, name: string, now: number, maxAgeMs: number): boolean {
  const pid = tempOwner(name);
  if (pid === undefined) return false;
  return processAlive(pid) && ageMs(path, now) <= maxAgeMs;
}

function remove(path: string, removed: string[]): void {
  rmSync(path, { recursive: true, force: true });
  removed.push(path);
}

// -------------------------------------------------------------------------------------------------
// Which package an entry belongs to

/** The distribution name of a wheel or sdist file name, PEP 503 normalized. */
export function distributionOf(filename: string): string | undefined {
  if (filename.endsWith(".whl")) return canonicalizeName(filename.split("-")[0] ?? "");
  const stem = /^(.+)\.(?:tar\.gz|zip|tar\.bz2|tar\.xz|tgz)$/.exec(filename)?.[1];
  if (stem === undefined) return undefined;
  const dash = stem.lastIndexOf("-");
  return dash > 0 ? canonicalizeName(stem.slice(0, dash)) : undefined;
}

function nameFromMetadata(path: string): string | undefined {
  try {
    const head = readFileSync(path, "utf8").slice(0, 8192);
    const m = /^Name:\s*(.+?)\s*$/m.exec(head);
    return m?.[1] === undefined ? undefined : canonicalizeName(m[1]);
  } catch {
    return undefined;
  }
}

function nameFromDir(dir: string): string | undefined {
  for (const n of list(dir)) {
    if (n.endsWith(".dist-info")) return canonicalizeName(n.split("-")[0] ?? "");
    if (n.endsWith(".whl")) return distributionOf(n);
    if (n === "METADATA") return nameFromMetadata(join(dir, n));
  }
  return undefined;
}

function nameFromUrlHash(path: string): string | undefined {
  try {
    const entry = JSON.parse(readFileSync(path, "utf8")) as { url?: unknown };
    if (typeof entry.url !== "string") return undefined;
    const file = decodeURIComponent(new URL(entry.url).pathname.split("/").pop() ?? "");
    return distributionOf(file);
  } catch {
    return undefined;
  }
}

/** Every complete entry of the cache with the package it belongs to (undefined: none). */
function entries(root: string): { bucket: string; path: string; name: string; pkg: string | undefined }[] {
  const out: { bucket: string; path: string; name: string; pkg: string | undefined }[] = [];
  const add = (bucket: string, path: string, name: string, pkg: string | undefined) =>
    out.push({ bucket, path, name, pkg });
  for (const index of list(join(root, "simple-v2"))) {
    const dir = join(root, "simple-v2", index);
    for (const n of list(dir)) {
      if (n.endsWith(".json")) add("simple-v2", join(dir, n), n, canonicalizeName(n.slice(0, -5)));
    }
  }
  for (const n of list(join(root, "metadata-v1"))) {
    const p = join(root, "metadata-v1", n);
    if (n.endsWith(".METADATA")) add("metadata-v1", p, n, nameFromMetadata(p));
  }
  for (const sha of list(join(root, "archives-v1"))) {
    if (sha.startsWith(".")) continue;
    const p = join(root, "archives-v1", sha);
    const file = list(p).find((f) => !f.includes(".tmp-"));
    add("archives-v1", p, sha, file === undefined ? undefined : distributionOf(file));
  }
  for (const n of list(join(root, "url-hashes-v1"))) {
    const p = join(root, "url-hashes-v1", n);
    if (n.endsWith(".json")) add("url-hashes-v1", p, n, nameFromUrlHash(p));
  }
  for (const bucket of ["wheels-v1", "built-wheels-v1"]) {
    for (const n of list(join(root, bucket))) {
      if (n.startsWith(".")) continue;
      const p = join(root, bucket, n);
      add(bucket, p, n, nameFromDir(p));
    }
  }
  for (const n of list(join(root, "interpreter-v1"))) {
    if (n.endsWith(".json")) add("interpreter-v1", join(root, "interpreter-v1", n), n, undefined);
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// size

export interface CacheSize {
  dir: string;
  bytes: number;
  files: number;
  buckets: Record<string, number>;
}

/** Bytes on disk under the cache (a hardlinked file counted once), in total and per bucket. */
export function cacheSize(dir: string): CacheSize {
  const seen = new Set<string>();
  const buckets: Record<string, number> = {};
  let bytes = 0;
  let files = 0;
  const walk = (path: string, bucket: string) => {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const n of list(path)) walk(join(path, n), bucket);
      return;
    }
    const inode = `${st.dev}:${st.ino}`;
    if (st.nlink > 1 && seen.has(inode)) return;
    seen.add(inode);
    bytes += st.size;
    files += 1;
    buckets[bucket] = (buckets[bucket] ?? 0) + st.size;
  };
  for (const bucket of list(dir)) walk(join(dir, bucket), bucket);
  return { dir, bytes, files, buckets };
}

/** `784.0 KiB`: binary units, one decimal, bytes below 1 KiB. */
export function humanBytes(bytes: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB"];
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = "B";
  for (const u of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  return `${value.toFixed(1)} ${unit}`;
}

// -------------------------------------------------------------------------------------------------
// clean

export interface CleanOutcome {
  dir: string;
  /** Paths removed (entries, or whole buckets). */
  removed: string[];
  /** Bytes those paths held. */
  bytes: number;
  /** Temporary entries of running processes that were left in place. */
  keptLive: string[];
}

function sizeOf(path: string): number {
  return cacheSize(path).bytes + (statSafeFile(path) ?? 0);
}

function statSafeFile(path: string): number | undefined {
  try {
    const st = lstatSync(path);
    return st.isDirectory() ? undefined : st.size;
  } catch {
    return undefined;
  }
}

/**
 * Remove the whole cache, or (with `packages`) every entry of those packages: index pages,
 * metadata, archives, unpacked and built wheels, remembered URL hashes.
 */
export function cleanCache(
  dir: string,
  packages: readonly string[] = [],
  opts: { now?: number; maxAgeMs?: number } = {},
): CleanOutcome {
  const now = opts.now ?? Date.now();
  const maxAge = opts.maxAgeMs ?? DEFAULT_TEMP_MAX_AGE_MS;
  const removed: string[] = [];
  const keptLive: string[] = [];
  let bytes = 0;
  if (!existsSync(dir)) return { dir, removed, bytes, keptLive };
  if (packages.length === 0) {
    // Everything but what a running process is writing: walk two levels (bucket, entry), where
    // temporary names live (simple-v2 nests one level deeper: its index directories go whole
    // unless they hold a live temp file).
    for (const bucket of list(dir)) {
      const bucketPath = join(dir, bucket);
      if (!lstatSync(bucketPath).isDirectory()) {
        bytes += sizeOf(bucketPath);
        remove(bucketPath, removed);
        continue;
      }
      let kept = false;
      for (const n of list(bucketPath)) {
        const p = join(bucketPath, n);
        const inner = lstatSync(p).isDirectory() ? list(p) : [];
        const liveInside = inner.filter((m) => liveTemp(join(p, m), m, now, maxAge));
        if (liveTemp(p, n, now, maxAge)) {
          keptLive.push(p);
          kept = true;
        } else if (liveInside.length > 0) {
          keptLive.push(...liveInside.map((m) => join(p, m)));
          kept = true;
          for (const m of inner) {
            if (liveInside.includes(m)) continue;
            bytes += sizeOf(join(p, m));
            remove(join(p, m), removed);
          }
        } else {
          bytes += sizeOf(p);
          remove(p, removed);
        }
      }
      if (!kept) rmSync(bucketPath, { recursive: true, force: true });
    }
    return { dir, removed, bytes, keptLive };
  }
  const wanted = new Set(packages.map((p) => canonicalizeName(p)));
  for (const e of entries(dir)) {
    if (e.pkg === undefined || !wanted.has(e.pkg)) continue;
    bytes += sizeOf(e.path);
    remove(e.path, removed);
  }
  return { dir, removed, bytes, keptLive };
}

// -------------------------------------------------------------------------------------------------
// prune

export interface PruneOutcome {
  dir: string;
  removed: string[];
  bytes: number;
}

/** sha256 digests and URLs that some cached project page lists. */
function referenced(dir: string): { hashes: Set<string>; urls: Set<string> } {
  const hashes = new Set<string>();
  const urls = new Set<string>();
  for (const index of list(join(dir, "simple-v2"))) {
    for (const n of list(join(dir, "simple-v2", index))) {
      if (!n.endsWith(".json")) continue;
      try {
        const raw = JSON.parse(readFileSync(join(dir, "simple-v2", index, n), "utf8")) as {
          page?: { files?: { url?: unknown; hashes?: { sha256?: unknown }; coreMetadata?: unknown }[] };
        };
        for (const f of raw.page?.files ?? []) {
          if (typeof f.url === "string") urls.add(f.url);
          if (typeof f.hashes?.sha256 === "string") hashes.add(f.hashes.sha256.toLowerCase());
        }
      } catch {
        // an unreadable page refers to nothing; the client rewrites it on its next fetch
      }
    }
  }
  return { hashes, urls };
}

/** Whether an interpreter query still describes the binary it was made for. */
function interpreterCurrent(path: string): boolean {
  try {
    const { stamp } = JSON.parse(readFileSync(path, "utf8")) as { stamp?: unknown };
    if (typeof stamp !== "string") return false;
    const m = /^\d+:(.+):(\d+):([\d.]+)$/.exec(stamp);
    if (!m) return false;
    const real = realpathSync(m[1]!);
    const st = statSync(real);
    return real === m[1] && String(st.size) === m[2] && String(st.mtimeMs) === m[3];
  } catch {
    return false;
  }
}

export function pruneCache(
  dir: string,
  opts: { now?: number; maxAgeMs?: number; graceMs?: number; tempDir?: string } = {},
): PruneOutcome {
  const now = opts.now ?? Date.now();
  const maxAge = opts.maxAgeMs ?? DEFAULT_TEMP_MAX_AGE_MS;
  const grace = opts.graceMs ?? UNREFERENCED_GRACE_MS;
  const removed: string[] = [];
  let bytes = 0;
  const drop = (p: string) => {
    bytes += sizeOf(p);
    remove(p, removed);
  };
  // Build directories (OS temp dir and the built-wheel cache's staging) and unpack directories.
  removed.push(...pruneStaleBuildTemp(opts.tempDir ?? tmpdir(), dir, { now }));
  removed.push(...pruneStaleTemp(dir, { now, maxAgeMs: maxAge }));
  if (!existsSync(dir)) return { dir, removed, bytes };

  // Another version of a bucket this lockstep knows (`simple-v1` beside `simple-v2`); a bucket
  // whose name it does not know at all may be a newer lockstep's, and is left alone.
  const current = new Set<string>(CACHE_BUCKETS);
  const knownBases = new Set(CACHE_BUCKETS.map((b) => b.replace(/-v\d+$/, "")));
  for (const bucket of list(dir)) {
    const base = /^([a-z][a-z-]*)-v\d+$/.exec(bucket)?.[1];
    if (base !== undefined && knownBases.has(base) && !current.has(bucket)) drop(join(dir, bucket));
  }
  // Temporary files of atomic writes, one or two levels down.
  const sweepFiles = (d: string) => {
    for (const n of list(d)) {
      const p = join(d, n);
      if (tempOwner(n) === undefined || n.startsWith(".tmp-")) continue;
      if (!liveTemp(p, n, now, maxAge)) drop(p);
    }
  };
  for (const bucket of CACHE_BUCKETS) {
    sweepFiles(join(dir, bucket));
    // Buckets with a level of subdirectories (per index, per archive hash, per digest prefix).
    if (bucket === "simple-v2" || bucket === "archives-v1" || bucket === "generated-v1") {
      for (const n of list(join(dir, bucket))) sweepFiles(join(dir, bucket, n));
    }
  }

  const refs = referenced(dir);
  const old = (p: string) => ageMs(p, now) > grace;
  for (const e of entries(dir)) {
    let unused = false;
    if (e.bucket === "interpreter-v1") unused = !interpreterCurrent(e.path);
    else if (e.bucket === "archives-v1" || e.bucket === "wheels-v1") unused = !refs.hashes.has(e.name);
    else if (e.bucket === "metadata-v1") {
      const key = e.name.slice(0, -".METADATA".length);
      unused = !key.startsWith("url-") && !refs.hashes.has(key);
    } else if (e.bucket === "url-hashes-v1") {
      try {
        const { url } = JSON.parse(readFileSync(e.path, "utf8")) as { url?: unknown };
        unused = typeof url !== "string" || !refs.urls.has(url);
      } catch {
        unused = true;
      }
    }
    if (unused && (e.bucket === "interpreter-v1" || old(e.path))) drop(e.path);
  }
  return { dir, removed, bytes };
}
