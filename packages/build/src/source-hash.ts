/**
 * Fingerprints of build sources, for the built-wheel cache: an sdist archive by the SHA-256 of its
 * bytes; a source directory (a path dependency, a git checkout) by its file list with sizes and
 * modification times, which is cheap and changes whenever an editor or `git checkout` touches a file.
 *
 * Pitfalls: the tree walk must skip what builds and tools write into the tree (`build/`, `dist/`,
 * `*.egg-info`, `__pycache__`, virtual environments, VCS metadata), or every build would invalidate
 * its own cache entry; symlinks are hashed by their target text, not followed (a link into a venv
 * could be huge, a cycle endless).
 */

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";

/** Directory names skipped anywhere in the tree. */
export const SKIPPED_EVERYWHERE: ReadonlySet<string> = new Set([
  ".git",
  ".hg",
  ".svn",
  ".bzr",
  "__pycache__",
  ".venv",
  ".tox",
  ".nox",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
  "node_modules",
]);

/** Directory names skipped only at the top of the tree (a `build/` package deeper down is source). */
export const SKIPPED_AT_TOP: ReadonlySet<string> = new Set(["build", "dist", "venv"]);

/** SHA-256 (hex) of a file's bytes, streamed. */
export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/** SHA-256 (hex) over the sorted `path size mtime` lines of every file under `root`. */
export async function hashTree(root: string): Promise<string> {
  const lines: string[] = [];
  async function walk(dir: string, rel: string): Promise<void> {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const path = join(dir, name);
      const relPath = rel === "" ? name : `${rel}/${name}`;
      const st = await lstat(path);
      if (st.isDirectory()) {
        if (
          SKIPPED_EVERYWHERE.has(name) ||
          name.endsWith(".egg-info") ||
          (rel === "" && SKIPPED_AT_TOP.has(name))
        )
          continue;
        await walk(path, relPath);
      } else if (st.isSymbolicLink()) {
        lines.push(`${relPath}\0link\0${await readlink(path)}`);
      } else if (st.isFile()) {
        if (name.endsWith(".pyc")) continue;
        lines.push(`${relPath}\0${st.size}\0${Math.trunc(st.mtimeMs)}\0${st.mode & 0o111 ? "x" : "-"}`);
      }
    }
  }
  await walk(root, "");
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}
