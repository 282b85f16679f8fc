/**
 * The global cache: a directory shared by every lockstep process on the machine.
 *
 * Layout (each bucket versioned so a format change never reads old bytes):
 *   simple-v1/<index-hash>/<name>.json   parsed project pages + HTTP validators (ETag, Last-Modified, expiry)
 *   metadata-v1/<sha256-of-dist>.METADATA core metadata, keyed by the distribution's hash (or URL hash)
 *   archives-v1/<sha256>/<filename>      downloaded distributions, verified before they are stored
 *
 * Writes are atomic (temp file in the same directory, then rename), so concurrent processes never see
 * half a file; the last writer wins with identical content.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

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

export class Cache {
  constructor(readonly root: string) {}

  simplePath(indexUrl: string, name: string): string {
    return join(this.root, "simple-v1", sha256Hex(indexUrl).slice(0, 16), `${name}.json`);
  }

  metadataPath(file: { url: string; hashes: Record<string, string> }): string {
    const key = file.hashes.sha256 ?? `url-${sha256Hex(file.url)}`;
    return join(this.root, "metadata-v1", `${key}.METADATA`);
  }

  archivePath(sha256: string, filename: string): string {
    return join(this.root, "archives-v1", sha256, filename);
  }
}

/** Freshness from Cache-Control / Expires; 0 when the response must be revalidated. */
export function freshUntil(headers: Record<string, string | undefined>, now: number): number {
  const cc = (headers["cache-control"] ?? "").toLowerCase();
  if (/\bno-cache\b|\bno-store\b/.test(cc)) return 0;
  const maxAge = /\bmax-age=(\d+)/.exec(cc);
  if (maxAge) {
    const age = Number(headers.age ?? 0) || 0;
    return now + Math.max(0, Number(maxAge[1]) - age) * 1000;
  }
  const expires = headers.expires ? Date.parse(headers.expires) : NaN;
  return Number.isFinite(expires) ? expires : 0;
}
