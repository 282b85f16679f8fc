/**
 * One PEP 751 lock entry, selected for an interpreter, turned into what the sync plan installs:
 * shared by `sync` (a project's lock), `sync --lockfile` (any tool's lock) and `run`'s throw-away
 * environments, so every entry kind installs the same way whichever command reads it.
 *
 * - `wheel`/`sdist` (an index file): fetched by its URL or path, checked against its hashes.
 * - `archive` (a local or remote wheel/sdist named by the lock itself): installed like a file of its
 *   kind, with PEP 610 `archive_info`; an sdist/zip with `subdirectory` is unpacked and the project
 *   in that subdirectory is built (PEP 751 allows `subdirectory` on archives).
 * - `directory`: built (or installed editable) from the path, `subdirectory` appended.
 * - `vcs`: built from the cached git checkout (`gitCheckouts`), recorded as PEP 610 `vcs_info`.
 *
 * Pitfalls: relative paths are relative to the lock's directory, never the working directory; a
 * `vcs` entry may name its repository by `path` instead of `url` (a local repository), which is the
 * same as a `file://` URL; a wheel has no subdirectory, so one with a `subdirectory` is refused
 * rather than installed from the wrong tree.
 */
import { basename, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { InstallItem } from "@lockstep/lockfile";
import type { PlannedDistribution } from "@lockstep/sync";
import { RemoteSourceError, plannedFromVcs } from "./remote-sources";

export interface PlannedItemContext {
  /** The lock file's directory: relative `path`s are relative to it. */
  lockDir: string;
  /** `gitCheckouts` of the same items: the checkout each `vcs` entry is built from. */
  checkouts: ReadonlyMap<string, string>;
  /** The version of a source tree the lock gives none (directories): the project's, or what is installed. */
  versionOf: (item: InstallItem, path: string | undefined) => string;
}

/** A `vcs` entry that names its repository by path gets a `file://` URL, which the git cache fetches. */
export function withVcsUrl(item: InstallItem, lockDir: string): InstallItem {
  if (item.kind !== "vcs" || item.url !== undefined || item.path === undefined) return item;
  const path = isAbsolute(item.path) ? item.path : resolve(lockDir, item.path);
  return { ...item, url: pathToFileURL(path).href };
}

export function plannedFromItem(item: InstallItem, ctx: PlannedItemContext): PlannedDistribution {
  if (item.kind === "vcs") return plannedFromVcs(withVcsUrl(item, ctx.lockDir), ctx.checkouts);
  let path =
    item.path === undefined ? undefined : isAbsolute(item.path) ? item.path : resolve(ctx.lockDir, item.path);
  if (item.kind === "directory" && path !== undefined && item.subdirectory !== undefined)
    path = join(path, item.subdirectory);
  const version = item.version ?? ctx.versionOf(item, path);
  const archiveName =
    item.kind === "archive"
      ? (item.filename ?? basename(path ?? new URL(item.url ?? "").pathname))
      : undefined;
  const kind = archiveName === undefined ? item.kind : archiveName.endsWith(".whl") ? "wheel" : "sdist";
  if (kind === "wheel" && item.subdirectory !== undefined) {
    throw new RemoteSourceError(
      "archive-subdirectory-wheel",
      `Cannot install ${item.name}: its lock entry is a wheel (${archiveName ?? ""}) with subdirectory = ${JSON.stringify(item.subdirectory)}, but a wheel has no source tree`,
      { hint: "a subdirectory applies to source archives (.tar.gz, .zip) only; fix the lock entry" },
    );
  }
  return {
    name: item.name,
    version,
    kind: kind === "archive" ? "sdist" : kind,
    ...(archiveName === undefined ? {} : { filename: archiveName, direct: true }),
    ...(item.url === undefined ? {} : { url: item.url }),
    ...(path === undefined ? {} : { path }),
    ...(item.filename === undefined ? {} : { filename: item.filename }),
    hashes: item.hashes,
    ...(item.size === undefined ? {} : { size: item.size }),
    ...(item.editable === undefined ? {} : { editable: item.editable }),
    ...(item.kind === "archive" && item.subdirectory !== undefined
      ? { subdirectory: item.subdirectory }
      : {}),
  };
}
