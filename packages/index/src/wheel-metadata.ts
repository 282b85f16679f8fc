/**
 * A wheel's METADATA without downloading the wheel, in order of cost:
 *   1. PEP 658/714: `<url>.metadata`, when the index advertises it (hash checked when given);
 *   2. HTTP range requests: the archive's tail (EOCD), its central directory, then only the
 *      `*.dist-info/METADATA` entry — up to three small requests instead of the whole file;
 *   3. the whole wheel, streamed to the cache (hashed as it arrives, never held in memory), then
 *      only its central directory and METADATA entry read from disk (`metadataFromWheelFile`).
 * The tail request is the first step of 2 and 3 both: a static server (`python3 -m http.server`)
 * ignores `Range` and answers 200 with the whole file, which the client streams into the cache as
 * a download — the file sync would fetch later, under the same content address — and remembers per
 * origin not to ask for ranges again. Memory stays bounded by the central directory and one
 * METADATA entry whatever the wheel's size.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { LockstepError } from "@lockstep/errors";
import {
  entryByteRange,
  extractEntry,
  parseCentralDirectory,
  LOCAL_HEADER_SIZE,
  parseZipEocd,
  ZIP_TAIL_SIZE,
  ZipError,
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
  // The compressed size too: it is what gets read, and a hostile directory may declare anything.
  const size = Math.max(entry.uncompressedSize, entry.compressedSize);
  if (maxBytes !== undefined && size > maxBytes) {
    throw new LockstepError(
      "metadata-too-large",
      `The METADATA of ${filename} is ${formatBytes(size)}, more than the limit of ${formatBytes(maxBytes)}; refusing it`,
      { hint: "the limit protects against a hostile or broken index; raise it only for an index you trust" },
    );
  }
}

/**
 * Read METADATA out of a wheel on disk with positioned reads: its tail, its central directory and
 * the one entry, so a wheel of any size costs its directory and METADATA only. This is not
 * `ZipFile`: its archive-wide checks (duplicates, overlaps, file/directory clashes) cost 20–40 ms
 * on torch's 12,000 entries and belong to installing, which runs them on the same file anyway.
 */
export function metadataFromWheelFile(path: string, filename: string, limits: MetadataLimits = {}): string {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const tailStart = Math.max(0, size - ZIP_TAIL_SIZE);
    const eocd = parseZipEocd(readAt(fd, tailStart, size - tailStart), tailStart);
    const cdStart = eocd.centralDirectoryOffset;
    const cdEnd = cdStart + eocd.centralDirectorySize;
    if (cdEnd > size) throw new ZipError(`The central directory of ${filename} is outside the file`);
    if (limits.maxDirectoryBytes !== undefined && eocd.centralDirectorySize > limits.maxDirectoryBytes) {
      throw new LockstepError(
        "metadata-too-large",
        `The central directory of ${filename} is ${formatBytes(eocd.centralDirectorySize)}, more than the limit of ${formatBytes(limits.maxDirectoryBytes)}; refusing it`,
      );
    }
    const entries = parseCentralDirectory(readAt(fd, cdStart, eocd.centralDirectorySize));
    const entry = findMetadataEntry(entries, filename);
    checkEntrySize(entry, filename, limits.maxMetadataBytes);
    const { start, end } = entryByteRange(entries, entry, cdStart);
    // The local header (30 bytes, a name and an extra field of at most 64 KiB each), then the data.
    const length = Math.min(end, size) - start;
    const needed = LOCAL_HEADER_SIZE + 2 * 0xffff + entry.compressedSize;
    return new TextDecoder().decode(extractEntry(readAt(fd, start, Math.min(length, needed)), entry));
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(Math.max(0, length));
  let done = 0;
  while (done < out.length) {
    const n = readSync(fd, out, done, out.length - done, position + done);
    if (n === 0) throw new ZipError(`Unexpected end of file at offset ${position + done}`);
    done += n;
  }
  return out;
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
 * Range-request strategy, from the archive's tail (the answer to `bytes=-ZIP_TAIL_SIZE`, with its
 * Content-Range): the central directory and the METADATA entry are taken from the tail when they lie
 * in it, else asked for by two more range requests.
 */
export async function metadataFromTail(
  http: HttpClient,
  file: DistFile,
  tail: Buffer,
  contentRange: string | undefined,
  limits: MetadataLimits = {},
): Promise<string> {
  const total = contentRangeTotal(contentRange) ?? file.size;
  if (total === undefined)
    throw new LockstepError("range-unsupported", `No Content-Range total from ${file.url}`);
  const tailOffset = total - tail.length;
  const eocd = parseZipEocd(tail, tailOffset);
  const cdStart = eocd.centralDirectoryOffset;
  const cdEnd = cdStart + eocd.centralDirectorySize;
  let cd: Uint8Array;
  if (cdStart >= tailOffset) {
    cd = tail.subarray(cdStart - tailOffset, cdEnd - tailOffset);
  } else {
    cd = await rangeOf(http, file, cdStart, cdEnd, cap(limits.maxDirectoryBytes, "central directory of"));
  }
  const entries = parseCentralDirectory(cd);
  const entry = findMetadataEntry(entries, file.filename);
  checkEntrySize(entry, file.filename, limits.maxMetadataBytes);
  const { start, end } = entryByteRange(entries, entry, cdStart);
  const bytes =
    start >= tailOffset
      ? tail.subarray(start - tailOffset, end - tailOffset)
      : await rangeOf(http, file, start, end, cap(limits.maxMetadataBytes, "METADATA entry of"));
  return new TextDecoder().decode(extractEntry(bytes, entry));
}

async function rangeOf(
  http: HttpClient,
  file: DistFile,
  start: number,
  end: number,
  request: { maxBytes?: number; what: string },
): Promise<Buffer> {
  const res = await http.get(
    file.url,
    { range: `bytes=${start}-${end - 1}`, "accept-encoding": "identity" },
    request,
  );
  if (res.status !== 206)
    throw new LockstepError("range-unsupported", `Range request to ${file.url} failed: HTTP ${res.status}`);
  return res.body;
}
