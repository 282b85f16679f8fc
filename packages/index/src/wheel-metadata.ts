/**
 * A wheel's METADATA without downloading the wheel, in order of cost:
 *   1. PEP 658/714: `<url>.metadata`, when the index advertises it (hash checked when given);
 *   2. HTTP range requests: the archive's tail (EOCD), its central directory, then only the
 *      `*.dist-info/METADATA` entry — three small requests instead of the whole file;
 *   3. the whole wheel (verified against its hash, and kept in the cache for sync).
 * A server that answers a range request with 200 has sent the whole file: we use it, and remember
 * per origin not to ask for ranges again.
 */
import { LockstepError } from "@lockstep/errors";
import {
  entryByteRange,
  extractEntry,
  parseCentralDirectory,
  parseZipEocd,
  ZIP_TAIL_SIZE,
} from "@lockstep/wheel";
import type { ZipEntry } from "@lockstep/wheel";
import type { DistFile } from "./dist-file";
import type { HttpClient } from "./http";
import { formatBytes } from "./http";
import { checkHash } from "./verify";

export type MetadataVia = "pep658" | "range" | "download";

export function findMetadataEntry(entries: readonly ZipEntry[], filename: string): ZipEntry {
  const candidates = entries.filter((e) => /^[^/]+\.dist-info\/METADATA$/.test(e.name));
  if (candidates.length === 1) return candidates[0] as ZipEntry;
  throw new LockstepError(
    "wheel-metadata-missing",
    candidates.length === 0
      ? `The wheel ${filename} has no .dist-info/METADATA file`
      : `The wheel ${filename} has ${candidates.length} .dist-info/METADATA files`,
  );
}

/**
 * Refuse a METADATA entry whose declared size passes the cap before anything is inflated: the
 * inflater allocates the declared size up front, and a hostile central directory can declare 4 GiB.
 */
function checkEntrySize(entry: ZipEntry, filename: string, maxBytes: number | undefined): void {
  if (maxBytes !== undefined && entry.uncompressedSize > maxBytes) {
    throw new LockstepError(
      "metadata-too-large",
      `The METADATA of ${filename} is ${formatBytes(entry.uncompressedSize)}, more than the limit of ${formatBytes(maxBytes)}; refusing it`,
      { hint: "the limit protects against a hostile or broken index; raise it only for an index you trust" },
    );
  }
}

/** Read METADATA out of a whole wheel held in memory. */
export function metadataFromWheelBytes(
  bytes: Uint8Array,
  filename: string,
  limits: MetadataLimits = {},
): string {
  const eocd = parseZipEocd(
    bytes.subarray(Math.max(0, bytes.length - ZIP_TAIL_SIZE)),
    Math.max(0, bytes.length - ZIP_TAIL_SIZE),
  );
  const cd = bytes.subarray(
    eocd.centralDirectoryOffset,
    eocd.centralDirectoryOffset + eocd.centralDirectorySize,
  );
  const entries = parseCentralDirectory(cd);
  const entry = findMetadataEntry(entries, filename);
  checkEntrySize(entry, filename, limits.maxMetadataBytes);
  const range = entryByteRange(entries, entry, eocd.centralDirectoryOffset);
  return new TextDecoder().decode(extractEntry(bytes.subarray(range.start, range.end), entry));
}

function contentRangeTotal(header: string | undefined): number | undefined {
  const m = /\/(\d+)\s*$/.exec(header ?? "");
  return m ? Number(m[1]) : undefined;
}

/** Caps on what the metadata strategies read (bytes). */
export interface MetadataLimits {
  /** A `.metadata` file or a METADATA entry. */
  maxMetadataBytes?: number | undefined;
  /** A wheel's central directory. */
  maxDirectoryBytes?: number | undefined;
  /** The whole wheel, sent by a server that ignores `Range` (capped like a download). */
  maxDownloadBytes?: number | undefined;
}

function cap(maxBytes: number | undefined, what: string): { maxBytes?: number; what: string } {
  return maxBytes === undefined ? { what } : { maxBytes, what };
}

export async function fetchPep658(
  http: HttpClient,
  file: DistFile,
  limits: MetadataLimits = {},
): Promise<string> {
  const url = `${file.url}.metadata`;
  const res = await http.get(url, {}, cap(limits.maxMetadataBytes, "metadata file"));
  if (res.status !== 200) {
    throw new LockstepError("metadata-fetch-failed", `Failed to fetch ${url}: HTTP ${res.status}`);
  }
  if (file.coreMetadata) checkHash(url, res.body, file.coreMetadata.hashes);
  return res.body.toString("utf8");
}

/**
 * Range-request strategy. Returns the METADATA text, or `{ whole }` when the server ignored the
 * range and sent the full file (the caller verifies and caches it).
 */
export async function fetchByRanges(
  http: HttpClient,
  file: DistFile,
  limits: MetadataLimits = {},
): Promise<{ text: string } | { whole: Buffer }> {
  const tailRes = await http.get(
    file.url,
    { range: `bytes=-${ZIP_TAIL_SIZE}`, "accept-encoding": "identity" },
    cap(limits.maxDownloadBytes, "file"),
  );
  if (tailRes.status === 200) return { whole: tailRes.body };
  if (tailRes.status !== 206) {
    throw new LockstepError("metadata-fetch-failed", `Failed to fetch ${file.url}: HTTP ${tailRes.status}`);
  }
  const total = contentRangeTotal(tailRes.headers["content-range"]) ?? file.size;
  if (total === undefined)
    throw new LockstepError("range-unsupported", `No Content-Range total from ${file.url}`);
  const tailOffset = total - tailRes.body.length;
  const eocd = parseZipEocd(tailRes.body, tailOffset);
  const cdStart = eocd.centralDirectoryOffset;
  const cdEnd = cdStart + eocd.centralDirectorySize;
  let cd: Uint8Array;
  if (cdStart >= tailOffset) {
    cd = tailRes.body.subarray(cdStart - tailOffset, cdEnd - tailOffset);
  } else {
    const cdRes = await http.get(
      file.url,
      { range: `bytes=${cdStart}-${cdEnd - 1}`, "accept-encoding": "identity" },
      cap(limits.maxDirectoryBytes, "central directory of"),
    );
    if (cdRes.status !== 206)
      throw new LockstepError(
        "range-unsupported",
        `Range request to ${file.url} failed: HTTP ${cdRes.status}`,
      );
    cd = cdRes.body;
  }
  const entries = parseCentralDirectory(cd);
  const entry = findMetadataEntry(entries, file.filename);
  checkEntrySize(entry, file.filename, limits.maxMetadataBytes);
  const { start, end } = entryByteRange(entries, entry, cdStart);
  let bytes: Uint8Array;
  if (start >= tailOffset) {
    bytes = tailRes.body.subarray(start - tailOffset, end - tailOffset);
  } else {
    const res = await http.get(
      file.url,
      { range: `bytes=${start}-${end - 1}`, "accept-encoding": "identity" },
      cap(limits.maxMetadataBytes, "METADATA entry of"),
    );
    if (res.status !== 206)
      throw new LockstepError("range-unsupported", `Range request to ${file.url} failed: HTTP ${res.status}`);
    bytes = res.body;
  }
  return { text: new TextDecoder().decode(extractEntry(bytes, entry)) };
}
