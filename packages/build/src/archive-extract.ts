/**
 * Unpacking an sdist (`.tar.gz` or `.zip`, PEP 625) safely, and finding its single top directory
 * (`{name}-{version}/`, the source tree a backend builds from).
 *
 * Every entry is checked before anything is written, and the archive is refused as a whole when one
 * entry is unsafe: absolute paths, drive letters, backslashes and `..` segments; links whose target
 * is absolute or leaves the top directory; hard links to anything but a file extracted earlier;
 * entries that would be written through a symlink extracted earlier (`a -> /etc`, then `a/passwd`);
 * devices and FIFOs. Modes keep only the permission bits, owner-writable.
 *
 * Limits (`SdistLimits`): an sdist is still read in memory (they are small: the largest real ones
 * are a few hundred MB unpacked), so its total unpacked size is capped — a gzip bomb stops at the cap
 * instead of exhausting memory — and so is its entry count; a `.zip` sdist also gets the wheel
 * reader's checks (ratio, overlapping and duplicate entries).
 */

import { gunzipSync } from "node:zlib";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, posix } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { ArchiveLimitError, DEFAULT_ARCHIVE_LIMITS, ZipError, ZipFile } from "@lockstep/wheel";
import type { ZipEntry } from "@lockstep/wheel";
import { readTar } from "./tar-reader";
import type { ArchiveEntry } from "./tar-reader";

export class ArchiveError extends LockstepError {}

export interface SdistLimits {
  /** Total unpacked size in bytes (the archive is unpacked in memory). */
  maxTotalSize: number;
  /** Number of entries. */
  maxEntries: number;
}

/** 1 GiB unpacked and the wheels' entry limit: far above real sdists, far below a memory blow-up. */
export const DEFAULT_SDIST_LIMITS: Readonly<SdistLimits> = Object.freeze({
  maxTotalSize: 1024 ** 3,
  maxEntries: DEFAULT_ARCHIVE_LIMITS.maxEntries,
});

function limitError(name: string, what: string, limit: string): ArchiveError {
  return new ArchiveError("archive-limit-exceeded", `The archive ${name} ${what}`, {
    hint: `refused by the sdist limit ${limit}; nothing from it was kept. If the archive is trusted, raise that limit`,
  });
}

/** The entries of an sdist at `path`, by its extension. */
export function readArchive(path: string, limits: Partial<SdistLimits> = {}): ArchiveEntry[] {
  const name = basename(path);
  const { maxTotalSize, maxEntries } = { ...DEFAULT_SDIST_LIMITS, ...limits };
  if (/\.(tar\.gz|tgz)$/i.test(name)) {
    let tar: Uint8Array;
    try {
      tar = new Uint8Array(gunzipSync(readFileSync(path), { maxOutputLength: maxTotalSize }));
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
        throw limitError(name, `expands to more than ${maxTotalSize} bytes`, "maxTotalSize");
      }
      throw new ArchiveError("archive-invalid", `${name}: not a gzip file`, { cause });
    }
    const entries = readTar(tar, name);
    if (entries.length > maxEntries) {
      throw limitError(
        name,
        `has ${entries.length} entries, more than the limit of ${maxEntries}`,
        "maxEntries",
      );
    }
    return entries;
  }
  if (/\.zip$/i.test(name)) return readZip(path, name, maxTotalSize, maxEntries);
  throw new ArchiveError("archive-unsupported", `${name}: unsupported source archive`, {
    hint: "source distributions are .tar.gz or .zip files (PEP 625)",
  });
}

function readZip(path: string, name: string, maxTotalSize: number, maxEntries: number): ArchiveEntry[] {
  let zip: ZipFile;
  try {
    zip = ZipFile.open(path, { label: name, limits: { maxTotalSize, maxEntries } });
  } catch (cause) {
    if (cause instanceof ZipError) {
      throw new ArchiveError("archive-invalid", `${name}: not a zip file`, { cause });
    }
    throw cause;
  }
  try {
    return zip.entries.map((e) => readZipEntry(zip, e));
  } catch (cause) {
    if (cause instanceof ArchiveLimitError || !(cause instanceof LockstepError)) throw cause;
    throw new ArchiveError("archive-invalid", `${name}: ${cause.message}`, { cause });
  } finally {
    zip.close();
  }
}

function readZipEntry(zip: ZipFile, e: ZipEntry): ArchiveEntry {
  const unixMode = e.externalAttributes >>> 16;
  const kind = unixMode & 0o170000;
  const dir = e.name.endsWith("/") || kind === 0o040000;
  const data = dir ? new Uint8Array(0) : new Uint8Array(zip.readSmall(e, zip.limits.maxTotalSize));
  const symlink = kind === 0o120000;
  return {
    path: e.name,
    type: dir ? "dir" : symlink ? "symlink" : "file",
    mode: unixMode & 0o7777 || (dir ? 0o755 : 0o644),
    data: symlink ? new Uint8Array(0) : data,
    linkTarget: symlink ? new TextDecoder().decode(data) : "",
  } satisfies ArchiveEntry;
}

/** A normalized relative path, or a reason it is unsafe. */
function cleanPath(raw: string): string | { unsafe: string } {
  if (raw.startsWith("/") || /^[A-Za-z]:/.test(raw)) return { unsafe: "is absolute" };
  if (raw.includes("\\")) return { unsafe: "contains a backslash" };
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) return { unsafe: 'contains ".."' };
  if (parts.length === 0) return { unsafe: "is empty" };
  return parts.join("/");
}

/**
 * Extract the archive at `archive` into `dest` (created) and return the top directory's path.
 * Throws `ArchiveError` (`archive-unsafe`, `archive-layout`, …) naming the archive and the entry.
 */
export function extractSdist(archive: string, dest: string, limits: Partial<SdistLimits> = {}): string {
  const name = basename(archive);
  const entries = readArchive(archive, limits);
  const unsafe = (entry: string, why: string): never => {
    throw new ArchiveError("archive-unsafe", `${name}: refusing to extract ${JSON.stringify(entry)}: ${why}`);
  };

  const plan: { path: string; entry: ArchiveEntry; target?: string }[] = [];
  const tops = new Set<string>();
  let nested = false;
  for (const entry of entries) {
    const path = cleanPath(entry.path);
    if (typeof path !== "string") {
      if (path.unsafe === "is empty") continue;
      return unsafe(entry.path, `the path ${path.unsafe}`);
    }
    if (entry.type === "other") return unsafe(entry.path, "it is not a file, directory or link");
    const top = path.split("/")[0] as string;
    tops.add(top);
    if (path.includes("/")) nested = true;
    plan.push({ path, entry });
  }
  if (tops.size !== 1 || !nested) {
    const found = [...tops]
      .sort()
      .slice(0, 5)
      .map((t) => JSON.stringify(t));
    throw new ArchiveError(
      "archive-layout",
      `${name}: expected a single top-level directory, found ${tops.size === 0 ? "nothing" : found.join(", ")}`,
      { hint: "an sdist holds one directory, {name}-{version}/, with the source tree inside" },
    );
  }
  const top = [...tops][0] as string;

  const files = new Set<string>();
  const symlinks = new Set<string>();
  const throughLink = (path: string): boolean => {
    for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1))
      if (symlinks.has(path.slice(0, i))) return true;
    return false;
  };
  for (const item of plan) {
    const { path, entry } = item;
    if (throughLink(path)) return unsafe(entry.path, "a parent directory is a symbolic link");
    if (entry.type === "symlink" || entry.type === "hardlink") {
      const raw = entry.linkTarget;
      if (raw.startsWith("/") || /^[A-Za-z]:/.test(raw))
        return unsafe(entry.path, `the link target ${JSON.stringify(raw)} is absolute`);
      const target =
        entry.type === "symlink"
          ? posix.normalize(posix.join(posix.dirname(path), raw))
          : posix.normalize(raw);
      if (target !== top && !target.startsWith(`${top}/`)) {
        return unsafe(
          entry.path,
          `the link target ${JSON.stringify(raw)} is outside the archive's top directory`,
        );
      }
      if (entry.type === "hardlink" && !files.has(target)) {
        return unsafe(
          entry.path,
          `the hard link target ${JSON.stringify(raw)} is not a file extracted before it`,
        );
      }
      item.target = entry.type === "symlink" ? raw : target;
      if (entry.type === "symlink") symlinks.add(path);
      else files.add(path);
    } else if (entry.type === "file") {
      if (symlinks.has(path)) return unsafe(entry.path, "it would overwrite a symbolic link");
      files.add(path);
    }
  }

  mkdirSync(dest, { recursive: true });
  const written = new Map<string, ArchiveEntry>();
  for (const { path, entry, target } of plan) {
    const out = join(dest, ...path.split("/"));
    if (entry.type === "dir") {
      mkdirSync(out, { recursive: true });
      continue;
    }
    mkdirSync(dirname(out), { recursive: true });
    if (entry.type === "symlink") {
      symlinkSync(target as string, out);
      continue;
    }
    const source = entry.type === "hardlink" ? (written.get(target as string) ?? entry) : entry;
    writeFileSync(out, source.data);
    chmodSync(out, (source.mode & 0o777) | 0o600);
    written.set(path, source);
  }
  return join(dest, top);
}
