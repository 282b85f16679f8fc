/**
 * Generated install files (RECORD, INSTALLER, REQUESTED, `lockstep-wheel.json`, the incomplete
 * marker, console-script launchers) placed as hardlinks of content-addressed copies in the cache,
 * instead of being created in every venv.
 *
 * Why: creating a file allocates an inode and journals it, which on a busy ext4 costs 0.3–0.8 ms,
 * some 20× a hardlink; a warm sync of 92 small packages created ~500 such files and spent most of
 * its time there. Their contents repeat from one venv to the next (a RECORD differs only when the
 * venv's interpreter path does), so the second venv links what the first one wrote.
 *
 * Layout: `<dir>/<first 2 hex>/<sha256 of the bytes>` (`-x` appended for an executable file: a
 * hardlink shares its mode). A copy is written to a temporary name and renamed, so a kill leaves a
 * whole copy or none; a copy whose bytes no longer match its name (a venv's file edited in place)
 * is replaced before it is linked again.
 *
 * Pitfalls: only for `--link-mode hardlink`, like the package files themselves; a link is atomic,
 * so a RECORD placed this way is never seen torn; a cache on another file system (EXDEV) or a copy
 * at the file system's link limit (EMLINK) falls back to writing the file in place.
 */
import { createHash } from "node:crypto";
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { unlinkIfExists } from "./install-link";

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** A store of generated files under `dir`, linked into venvs. */
export class GeneratedFiles {
  /** Copies known to hold their bytes in this process. */
  private readonly checked = new Set<string>();
  /** Set once linking failed in a way that will not change (another file system). */
  private disabled = false;

  constructor(readonly dir: string) {}

  private copyOf(data: Uint8Array | string, mode: number, executable: boolean): string {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    const digest = createHash("sha256").update(bytes).digest("hex");
    const path = join(this.dir, digest.slice(0, 2), executable ? `${digest}-x` : digest);
    if (this.checked.has(path)) return path;
    let same = false;
    try {
      same = Buffer.from(bytes).equals(readFileSync(path));
    } catch {
      same = false;
    }
    if (!same) {
      mkdirSync(join(this.dir, digest.slice(0, 2)), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes, { mode });
      // The umask applies at creation; a launcher must be executable whatever it says.
      if (executable) chmodSync(tmp, mode);
      renameSync(tmp, path);
    }
    this.checked.add(path);
    return path;
  }

  /**
   * Put `data` at `dest` as a hardlink of its cached copy; false when that is not possible here
   * (the caller then writes the file itself). With `replace`, an existing `dest` is replaced;
   * without, it is an error (EEXIST), as `flag: "wx"` would be.
   */
  place(
    dest: string,
    data: Uint8Array | string,
    mode: number,
    executable: boolean,
    replace: boolean,
  ): boolean {
    if (this.disabled) return false;
    let copy: string;
    try {
      copy = this.copyOf(data, mode, executable);
    } catch {
      this.disabled = true; // an unwritable cache: write in place from now on
      return false;
    }
    try {
      linkSync(copy, dest);
      return true;
    } catch (error) {
      if (code(error) === "EEXIST" && replace) {
        unlinkIfExists(dest);
        linkSync(copy, dest);
        return true;
      }
      if (code(error) === "EXDEV" || code(error) === "EPERM") this.disabled = true;
      if (code(error) === "EXDEV" || code(error) === "EPERM" || code(error) === "EMLINK") return false;
      throw error;
    }
  }
}
