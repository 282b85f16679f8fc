/**
 * Putting one file from the unpacked-wheel cache into a venv: hardlink, reflink clone, copy or
 * symlink (`--link-mode`).
 *
 * Pitfalls: a hardlinked file *is* the cache's file, so an existing destination is always unlinked
 * and replaced, never written through (it may itself be a hardlink into the cache, and truncating
 * it would corrupt every venv sharing it; copies therefore use `COPYFILE_EXCL`); hardlinks cannot
 * cross file systems (EXDEV), and then every later file falls back to copying; `COPYFILE_FICLONE`
 * reflinks where the file system can and silently copies where it cannot; symlinks keep the venv
 * tied to the cache (removing the cache breaks it).
 */
import { constants, copyFileSync, linkSync, symlinkSync, unlinkSync } from "node:fs";

export type LinkMode = "hardlink" | "copy" | "clone" | "symlink";

export const LINK_MODES: readonly LinkMode[] = ["hardlink", "copy", "clone", "symlink"];

/** How files were placed: one counter per method actually used. */
export interface LinkStats {
  hardlinked: number;
  copied: number;
  cloned: number;
  symlinked: number;
  /** Set after the first EXDEV: hardlinks are not possible between the cache and this venv. */
  crossDevice: boolean;
}

export function newLinkStats(): LinkStats {
  return { hardlinked: 0, copied: 0, cloned: 0, symlinked: 0, crossDevice: false };
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Remove `path` if it exists (a file or a symlink). */
export function unlinkIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (code(error) !== "ENOENT") throw error;
  }
}

/**
 * Run `create` (which fails with EEXIST when `dest` exists); on EEXIST unlink `dest` and run it
 * again. In a fresh venv nothing is there, so the common case costs one system call, and an existing
 * file (perhaps a hardlink into the cache) is still replaced, never written through.
 */
function replacing(dest: string, create: () => void): void {
  try {
    create();
  } catch (error) {
    if (code(error) !== "EEXIST") throw error;
    unlinkIfExists(dest);
    create();
  }
}

/** Place `src` at `dest` by `mode`; the parent directory must exist. */
export function placeFile(src: string, dest: string, mode: LinkMode, stats: LinkStats): void {
  // COPYFILE_EXCL: a copy never truncates an existing destination (it may be a hardlink into the cache).
  const copy = (flags: number) =>
    replacing(dest, () => copyFileSync(src, dest, constants.COPYFILE_EXCL | flags));
  switch (mode) {
    case "hardlink":
      if (!stats.crossDevice) {
        try {
          replacing(dest, () => linkSync(src, dest));
          stats.hardlinked++;
          return;
        } catch (error) {
          if (code(error) !== "EXDEV" && code(error) !== "EPERM" && code(error) !== "EMLINK") throw error;
          stats.crossDevice = code(error) === "EXDEV" || stats.crossDevice;
        }
      }
      copy(0);
      stats.copied++;
      return;
    case "clone":
      copy(constants.COPYFILE_FICLONE);
      stats.cloned++;
      return;
    case "copy":
      copy(0);
      stats.copied++;
      return;
    case "symlink":
      replacing(dest, () => symlinkSync(src, dest));
      stats.symlinked++;
      return;
  }
}
