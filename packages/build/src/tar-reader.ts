/**
 * Reading tar archives (POSIX ustar, PAX extended headers, GNU long names) into entries, for sdists.
 * Only reading: what to do with an entry (and whether it is safe) is `archive-extract.ts`'s job.
 *
 * Pitfalls: numeric fields are octal ASCII, or base-256 when the high bit of the first byte is set
 * (GNU, for sizes over 8 GiB); a ustar name may be split into `prefix` + `name`; a PAX `path` or
 * `linkpath` record, or a GNU `L`/`K` entry, overrides the next header's name; the archive ends at
 * two zero blocks, but some writers stop after one or none.
 */

import { LockstepError } from "@lockstep/errors";

export type ArchiveEntryType = "file" | "dir" | "symlink" | "hardlink" | "other";

export interface ArchiveEntry {
  /** As stored (`/`-separated, possibly `./`-prefixed); checked by the extractor, not here. */
  path: string;
  type: ArchiveEntryType;
  /** Unix permission bits. */
  mode: number;
  data: Uint8Array;
  /** For links: the target as stored. */
  linkTarget: string;
}

const BLOCK = 512;
const decoder = new TextDecoder();

function field(block: Uint8Array, offset: number, length: number): string {
  const bytes = block.subarray(offset, offset + length);
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function numeric(block: Uint8Array, offset: number, length: number, source: string): number {
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    let value = first & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + (block[offset + i] ?? 0);
    return value;
  }
  const text = field(block, offset, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text))
    throw new LockstepError("archive-invalid", `${source}: invalid tar header field ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

function parsePax(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  // Each record is `<length> <key>=<value>\n`, where <length> counts the record's bytes.
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(decoder.decode(data.subarray(at, space)));
    if (!Number.isInteger(length) || length <= space - at) break;
    const body = decoder.decode(data.subarray(space + 1, at + length)).replace(/\n$/, "");
    const eq = body.indexOf("=");
    if (eq > 0) out.set(body.slice(0, eq), body.slice(eq + 1));
    at += length;
  }
  return out;
}

/** Every entry of an uncompressed tar. `source` names the archive in errors. */
export function readTar(bytes: Uint8Array, source: string): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  let at = 0;
  let pending: Map<string, string> = new Map();
  const global = new Map<string, string>();
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
    if (sum !== numeric(header, 148, 8, source)) {
      throw new LockstepError("archive-invalid", `${source}: bad tar header checksum at offset ${at}`);
    }
    const size = numeric(header, 124, 12, source);
    const typeflag = String.fromCharCode(header[156] ?? 0);
    const dataStart = at + BLOCK;
    if (dataStart + size > bytes.length)
      throw new LockstepError("archive-invalid", `${source}: truncated tar entry at offset ${at}`);
    const data = bytes.subarray(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (typeflag === "x" || typeflag === "g") {
      const records = parsePax(data);
      for (const [k, v] of records) (typeflag === "g" ? global : pending).set(k, v);
      continue;
    }
    if (typeflag === "L" || typeflag === "K") {
      pending.set(typeflag === "L" ? "path" : "linkpath", decoder.decode(data).replace(/\0+$/, ""));
      continue;
    }
    const magic = field(header, 257, 6);
    const prefix = magic.startsWith("ustar") ? field(header, 345, 155) : "";
    const name = field(header, 0, 100);
    const path = pending.get("path") ?? global.get("path") ?? (prefix ? `${prefix}/${name}` : name);
    const linkTarget = pending.get("linkpath") ?? field(header, 157, 100);
    const realSize = pending.has("size") ? Number(pending.get("size")) : size;
    pending = new Map();
    const type: ArchiveEntryType =
      typeflag === "0" || typeflag === "\0" || typeflag === "7"
        ? "file"
        : typeflag === "5"
          ? "dir"
          : typeflag === "2"
            ? "symlink"
            : typeflag === "1"
              ? "hardlink"
              : "other";
    entries.push({
      path,
      type: type === "file" && path.endsWith("/") ? "dir" : type,
      mode: numeric(header, 100, 8, source) & 0o7777,
      data: type === "file" ? data.subarray(0, realSize) : new Uint8Array(0),
      linkTarget,
    });
  }
  return entries;
}
