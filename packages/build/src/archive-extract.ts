/**
 * Unpacking an sdist (`.tar.gz` or `.zip`, PEP 625) safely, and finding its single top directory
 * (`{name}-{version}/`, the source tree a backend builds from).
 *
 * Every entry is checked before anything is written, and the archive is refused as a whole when one
 * entry is unsafe: absolute paths, drive letters, backslashes and `..` segments; links whose target
 * is absolute or leaves the top directory; hard links to anything but a file extracted earlier;
 * entries that would be written through a symlink extracted earlier (`a -> /etc`, then `a/passwd`);
 * devices and FIFOs. Modes keep only the permission bits, owner-writable.
 */

import { gunzipSync } from "node:zlib";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, posix } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { extractEntry, readZipEntries } from "@lockstep/wheel";
import { readTar } from "./tar-reader";
import type { ArchiveEntry } from "./tar-reader";

export class ArchiveError extends LockstepError {}

/** The entries of an sdist at `path`, by its extension. */
export function readArchive(path: string): ArchiveEntry[] {
  const name = basename(path);
  const bytes = new Uint8Array(readFileSync(path));
  if (/\.(tar\.gz|tgz)$/i.test(name)) {
    let tar: Uint8Array;
    try {
      tar = new Uint8Array(gunzipSync(bytes));
    } catch (cause) {
      throw new ArchiveError("archive-invalid", `${name}: not a gzip file`, { cause });
    }
    return readTar(tar, name);
  }
  if (/\.zip$/i.test(name)) return readZip(bytes, name);
  throw new ArchiveError("archive-unsupported", `${name}: unsupported source archive`, {
    hint: "source distributions are .tar.gz or .zip files (PEP 625)",
  });
}

function readZip(bytes: Uint8Array, name: string): ArchiveEntry[] {
  let entries;
  try {
    entries = readZipEntries(bytes).entries;
  } catch (cause) {
    throw new ArchiveError("archive-invalid", `${name}: not a zip file`, { cause });
  }
  return entries.map((e) => {
    const unixMode = e.externalAttributes >>> 16;
    const kind = unixMode & 0o170000;
    const dir = e.name.endsWith("/") || kind === 0o040000;
    const data = dir ? new Uint8Array(0) : extractEntry(bytes.subarray(e.localHeaderOffset), e);
    const symlink = kind === 0o120000;
    return {
      path: e.name,
      type: dir ? "dir" : symlink ? "symlink" : "file",
      mode: unixMode & 0o7777 || (dir ? 0o755 : 0o644),
      data: symlink ? new Uint8Array(0) : data,
      linkTarget: symlink ? new TextDecoder().decode(data) : "",
    } satisfies ArchiveEntry;
  });
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
export function extractSdist(archive: string, dest: string): string {
  const name = basename(archive);
  const entries = readArchive(archive);
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
