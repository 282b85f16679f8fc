/**
 * The source tree of a project that lives in a subdirectory of a source archive: uv's
 * `{ url = "…/repo.zip", subdirectory = "pkg" }`, PEP 751's `archive.subdirectory`, pip's
 * `name @ https://…/repo.tar.gz#subdirectory=pkg`. Such an archive is usually a repository snapshot
 * (one top directory, `repo-1.0/`), so the subdirectory is relative to that top directory, not to
 * the archive's root.
 *
 * The archive is unpacked once per content (`<cache>/archive-trees-v1/<sha256>/`, by the archive's
 * digest, so the same URL with new bytes never reuses an old tree), with the same safety checks as
 * an sdist (`extractSdist`). A tree is complete when its `<sha256>.ok` marker exists; it is
 * unpacked into a temporary directory and renamed into place, so a killed unpack is never used.
 *
 * Pitfalls: the subdirectory must stay inside the archive (no `..`, not absolute) and must hold a
 * `pyproject.toml` or `setup.py`, else the error names the archive and the subdirectory.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { extractSdist } from "./archive-extract";
import { BuildError } from "./build-error";
import { checkSubdirectory } from "./git/git-url";
import { tempName } from "@lockstep/wheel";

export const ARCHIVE_TREES_BUCKET = "archive-trees-v1";

/**
 * The directory of the project at `subdirectory` inside the source archive at `archive` (whose
 * sha256 is `sha256`), unpacked into the cache on first use. `shown` names the archive in errors
 * (its URL, credentials removed).
 */
export function archiveSubdirectoryTree(
  archive: string,
  sha256: string,
  cacheDir: string,
  subdirectory: string,
  shown: string,
): string {
  const sub = checkSubdirectory(subdirectory, shown, "archive");
  const bucket = join(cacheDir, ARCHIVE_TREES_BUCKET);
  const dir = join(bucket, sha256);
  const ok = `${dir}.ok`;
  if (!existsSync(ok)) {
    mkdirSync(bucket, { recursive: true });
    const temp = join(bucket, tempName(`.tmp-${sha256.slice(0, 16)}-`));
    try {
      extractSdist(archive, temp);
      rmSync(dir, { recursive: true, force: true });
      renameSync(temp, dir);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    writeFileSync(ok, "");
  }
  const tree = join(topDirectory(dir), sub);
  if (!existsSync(join(tree, "pyproject.toml")) && !existsSync(join(tree, "setup.py"))) {
    throw new BuildError(
      "archive-subdirectory-missing",
      `${shown} has no project in subdirectory ${JSON.stringify(sub)} (no pyproject.toml or setup.py at ${JSON.stringify(relative(dir, tree))})`,
      {},
      { hint: "the subdirectory is relative to the archive's top directory; check its spelling" },
    );
  }
  return tree;
}

/** `extractSdist` checked that there is exactly one top directory. */
function topDirectory(dir: string): string {
  return join(dir, readdirSync(dir)[0] as string);
}
