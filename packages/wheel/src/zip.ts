/**
 * A ZIP reader that works on pieces of a file (PKWARE APPNOTE 6.3, incl. ZIP64), so that the index
 * client can read a wheel's METADATA with HTTP range requests: fetch the last 64 KiB, find the end of
 * central directory record (EOCD), fetch the central directory, then fetch one entry's bytes.
 *
 * Pitfalls: the EOCD is followed by a comment of up to 65535 bytes, so it must be searched for
 * backwards, and a match is only real if its comment length reaches exactly the end of the file;
 * ZIP64 archives put 0xFFFF/0xFFFFFFFF in the EOCD and the real values in a ZIP64 record located
 * through a locator just before the EOCD; sizes in the *local* header may be zero (data descriptor),
 * so sizes always come from the central directory; the local header's extra field may differ in
 * length from the central one, so the data offset is only known once the local header is read.
 */

import { LockstepError } from "@lockstep/errors";
import { inflateSync } from "fflate";

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIZE = 20;
const CENTRAL_HEADER_SIZE = 46;
export const LOCAL_HEADER_SIZE = 30;
/** How much of a file's end to read so that the EOCD is surely in it (record + longest comment). */
export const ZIP_TAIL_SIZE = 64 * 1024 + EOCD_SIZE;

export class ZipError extends LockstepError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super("zip-invalid", message, options);
  }
}

export interface ZipEocd {
  entryCount: number;
  centralDirectoryOffset: number;
  centralDirectorySize: number;
  comment: Uint8Array;
  zip64: boolean;
}

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** Upper 16 bits hold the Unix mode when the archive was made on Unix. */
  externalAttributes: number;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(dv: DataView, at: number): number {
  const value = dv.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError(`A ZIP64 field is too large (${value})`);
  return Number(value);
}

/**
 * Find and read the EOCD in `tail`, the last bytes of an archive that starts `tailOffset` bytes
 * before `tail` does (0 when `tail` is the whole file). Offsets returned are absolute.
 */
export function parseZipEocd(tail: Uint8Array, tailOffset = 0): ZipEocd {
  const dv = view(tail);
  const lowest = Math.max(0, tail.length - EOCD_SIZE - 0xffff);
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= lowest; i--) {
    if (
      dv.getUint32(i, true) === EOCD_SIGNATURE &&
      i + EOCD_SIZE + dv.getUint16(i + 20, true) === tail.length
    ) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipError("No end of central directory record found: this is not a ZIP archive");
  let entryCount = dv.getUint16(at + 10, true);
  let centralDirectorySize = dv.getUint32(at + 12, true);
  let centralDirectoryOffset = dv.getUint32(at + 16, true);
  const comment = tail.slice(at + EOCD_SIZE);
  const needs64 =
    entryCount === 0xffff || centralDirectorySize === 0xffffffff || centralDirectoryOffset === 0xffffffff;
  const locator = at - ZIP64_LOCATOR_SIZE;
  const has64 = locator >= 0 && dv.getUint32(locator, true) === ZIP64_LOCATOR_SIGNATURE;
  if (!has64) {
    if (needs64) throw new ZipError("The ZIP64 end of central directory locator is missing");
    return { entryCount, centralDirectoryOffset, centralDirectorySize, comment, zip64: false };
  }
  const record = u64(dv, locator + 8) - tailOffset;
  if (record < 0 || record + 56 > locator) {
    throw new ZipError("The ZIP64 end of central directory record is outside the bytes given", {
      hint: "read more of the end of the file",
    });
  }
  if (dv.getUint32(record, true) !== ZIP64_EOCD_SIGNATURE) {
    throw new ZipError("The ZIP64 end of central directory record has a bad signature");
  }
  entryCount = u64(dv, record + 32);
  centralDirectorySize = u64(dv, record + 40);
  centralDirectoryOffset = u64(dv, record + 48);
  return { entryCount, centralDirectoryOffset, centralDirectorySize, comment, zip64: true };
}

const utf8 = new TextDecoder("utf-8", { fatal: false });
const latin1 = new TextDecoder("latin1");

/** Read every entry of a central directory (the `centralDirectorySize` bytes at its offset). */
export function parseCentralDirectory(bytes: Uint8Array): ZipEntry[] {
  const dv = view(bytes);
  const entries: ZipEntry[] = [];
  let at = 0;
  while (at + 4 <= bytes.length && dv.getUint32(at, true) === CENTRAL_SIGNATURE) {
    if (at + CENTRAL_HEADER_SIZE > bytes.length) throw new ZipError("A central directory entry is truncated");
    const flags = dv.getUint16(at + 8, true);
    const nameLength = dv.getUint16(at + 28, true);
    const extraLength = dv.getUint16(at + 30, true);
    const commentLength = dv.getUint16(at + 32, true);
    const end = at + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
    if (end > bytes.length) throw new ZipError("A central directory entry is truncated");
    const nameBytes = bytes.subarray(at + CENTRAL_HEADER_SIZE, at + CENTRAL_HEADER_SIZE + nameLength);
    // Bit 11: the name is UTF-8; otherwise CP437, whose ASCII half is all that wheels use.
    const name = (flags & 0x800 ? utf8 : latin1).decode(nameBytes);
    let uncompressedSize = dv.getUint32(at + 24, true);
    let compressedSize = dv.getUint32(at + 20, true);
    let localHeaderOffset = dv.getUint32(at + 42, true);
    let extra = at + CENTRAL_HEADER_SIZE + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = dv.getUint16(extra, true);
      const size = dv.getUint16(extra + 2, true);
      if (id === 0x0001) {
        // ZIP64: only the fields that overflowed are present, always in this order.
        let field = extra + 4;
        const take = () => {
          if (field + 8 > extra + 4 + size)
            throw new ZipError(`The ZIP64 extra field of "${name}" is truncated`);
          const value = u64(dv, field);
          field += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
      }
      extra += 4 + size;
    }
    entries.push({
      name,
      method: dv.getUint16(at + 10, true),
      crc32: dv.getUint32(at + 16, true),
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
      externalAttributes: dv.getUint32(at + 38, true),
    });
    at = end;
  }
  if (at !== bytes.length) throw new ZipError(`Unexpected bytes at offset ${at} of the central directory`);
  return entries;
}

/** The EOCD and every entry of a whole archive held in memory. */
export function readZipEntries(bytes: Uint8Array): { eocd: ZipEocd; entries: ZipEntry[] } {
  const eocd = parseZipEocd(
    bytes.subarray(Math.max(0, bytes.length - ZIP_TAIL_SIZE)),
    Math.max(0, bytes.length - ZIP_TAIL_SIZE),
  );
  const start = eocd.centralDirectoryOffset;
  if (start + eocd.centralDirectorySize > bytes.length)
    throw new ZipError("The central directory is outside the file");
  const entries = parseCentralDirectory(bytes.subarray(start, start + eocd.centralDirectorySize));
  if (entries.length !== eocd.entryCount) {
    throw new ZipError(
      `The central directory has ${entries.length} entries, the EOCD says ${eocd.entryCount}`,
    );
  }
  return { eocd, entries };
}

/**
 * The byte range [start, end) that surely holds `entry`'s local header and data: up to the next
 * entry's local header, or the central directory when it is the last one.
 */
export function entryByteRange(
  entries: readonly ZipEntry[],
  entry: ZipEntry,
  centralDirectoryOffset: number,
): { start: number; end: number } {
  let end = centralDirectoryOffset;
  for (const other of entries) {
    if (other.localHeaderOffset > entry.localHeaderOffset && other.localHeaderOffset < end) {
      end = other.localHeaderOffset;
    }
  }
  return { start: entry.localHeaderOffset, end };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The uncompressed contents of `entry`, given bytes that start at its local header and contain at
 * least all of its data. Stored and deflated entries are supported; the CRC-32 is checked.
 */
export function extractEntry(localHeaderAndData: Uint8Array, entry: ZipEntry): Uint8Array {
  const dv = view(localHeaderAndData);
  if (localHeaderAndData.length < LOCAL_HEADER_SIZE || dv.getUint32(0, true) !== LOCAL_SIGNATURE) {
    throw new ZipError(`No local file header for "${entry.name}" at the given bytes`);
  }
  const start = LOCAL_HEADER_SIZE + dv.getUint16(26, true) + dv.getUint16(28, true);
  const end = start + entry.compressedSize;
  if (end > localHeaderAndData.length) {
    throw new ZipError(
      `The data of "${entry.name}" is truncated: need ${end} bytes, have ${localHeaderAndData.length}`,
    );
  }
  const raw = localHeaderAndData.subarray(start, end);
  let data: Uint8Array;
  if (entry.method === 0) {
    data = raw.slice();
  } else if (entry.method === 8) {
    try {
      data = inflateSync(raw, { out: new Uint8Array(entry.uncompressedSize) });
    } catch (cause) {
      throw new ZipError(`The data of "${entry.name}" could not be inflated`, { cause });
    }
  } else {
    throw new ZipError(
      `"${entry.name}" uses compression method ${entry.method}, only stored (0) and deflate (8) are supported`,
    );
  }
  if (data.length !== entry.uncompressedSize) {
    throw new ZipError(
      `"${entry.name}" has ${data.length} bytes, the central directory says ${entry.uncompressedSize}`,
    );
  }
  const actual = crc32(data);
  if (actual !== entry.crc32) {
    throw new ZipError(
      `"${entry.name}" has CRC-32 ${actual.toString(16).padStart(8, "0")}, expected ${entry.crc32.toString(16).padStart(8, "0")}`,
    );
  }
  return data;
}
