/**
 * What a build starts from: an sdist archive (`.tar.gz`, `.zip`) or a source directory (a path
 * dependency, a git checkout). This module fingerprints it for the cache, unpacks archives into a
 * private work directory, and names the build for messages.
 *
 * Pitfalls: an archive is fingerprinted by its bytes, before anything is unpacked, so a cache hit
 * costs one hash; a directory is built in place (as uv and pip do), so backends that write `build/`
 * or `*.egg-info` into it must not change its fingerprint (see `source-hash.ts`); an editable build
 * needs a directory that outlives the build, so it refuses archives.
 */

import { statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { extractSdist } from "./archive-extract";
import { BuildError } from "./build-error";
import { hashFile, hashTree } from "./source-hash";

export type SourceKind = "archive" | "directory";

export interface BuildSource {
  kind: SourceKind;
  /** The archive file or the source directory, absolute. */
  path: string;
  /** SHA-256 of the archive, or the tree fingerprint of the directory. */
  hash: string;
}

/** Classify and fingerprint `source`. */
export async function identifySource(source: string): Promise<BuildSource> {
  const path = resolve(source);
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (cause) {
    throw new BuildError("build-source-missing", `No build source at ${path}`, {}, { cause });
  }
  if (isDir) return { kind: "directory", path, hash: await hashTree(path) };
  if (!/\.(tar\.gz|tgz|zip)$/i.test(path)) {
    throw new BuildError(
      "build-source-unsupported",
      `Cannot build ${basename(path)}: not a source directory, .tar.gz or .zip`,
    );
  }
  return { kind: "archive", path, hash: await hashFile(path) };
}

/** The source tree to run the backend in: the directory itself, or the archive unpacked in `workDir`. */
export function sourceTree(source: BuildSource, workDir: string): string {
  return source.kind === "directory" ? source.path : extractSdist(source.path, join(workDir, "src"));
}

/** How messages name the build: `sample_lib-1.1.0.tar.gz`, or `demo 0.1.0 (/path/to/demo)`. */
export function describeSource(source: BuildSource, project: { name?: string; version?: string }): string {
  if (source.kind === "archive") return basename(source.path);
  const name = [project.name, project.version].filter((s) => s !== undefined).join(" ");
  return name === "" ? source.path : `${name} (${source.path})`;
}
