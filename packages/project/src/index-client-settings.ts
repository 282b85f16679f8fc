/**
 * What the project layer gives every index client and every install besides the indexes: the limits
 * (issue 13: `[tool.lockstep]` keys, overridden by the command line's `LOCKSTEP_*` values), the
 * warnings channel (skipped links, ignored hashes, shadowed packages end up in the outcome's
 * warnings, which the CLI prints), the "waiting for <host>" notice, and the lock's hashes.
 *
 * Pitfalls: a limit the user did not set stays undefined here, so the enforcing package's default
 * applies (`@lockstep/index`, `@lockstep/wheel`); timeouts are seconds in settings and milliseconds
 * in the client; a file an index listed without a sha256 is downloaded once to hash it, because a
 * lock must always carry hashes (the installer checks every file against them).
 */
import type { DistFile, IndexClientOptions } from "@lockstep/index";
import type { LimitSettings, Project } from "@lockstep/pyproject";
import type { ArchiveLimits, WheelFilename } from "@lockstep/wheel";

/** Options of lockProject / syncProject that reach the network and the archive readers. */
export interface NetworkOptions {
  /** Limits from the command line or `LOCKSTEP_*` variables; each wins over `[tool.lockstep]`. */
  limits?: LimitSettings | undefined;
  /** A request to this host (host[:port], no credentials) is still unanswered after a few seconds. */
  onWaiting?: ((host: string) => void) | undefined;
}

/** `[tool.lockstep]`'s limits with the given ones on top (an undefined given value changes nothing). */
export function effectiveLimits(project: Project, given: LimitSettings | undefined): LimitSettings {
  const out: LimitSettings = { ...project.lockstep.limits };
  for (const [key, value] of Object.entries(given ?? {}) as [keyof LimitSettings, number | undefined][])
    if (value !== undefined) out[key] = value;
  return out;
}

/** The index client's share: limits, timeouts, warnings into `warnings`, the waiting notice. */
export function indexClientSettings(
  limits: LimitSettings,
  opts: NetworkOptions,
  warnings: string[],
): Pick<IndexClientOptions, "onWarning" | "http" | "maxPageBytes" | "maxMetadataBytes" | "maxDownloadBytes"> {
  const http: NonNullable<IndexClientOptions["http"]> = {};
  if (limits.httpConnectTimeout !== undefined) http.connectTimeoutMs = limits.httpConnectTimeout * 1000;
  if (limits.httpTimeout !== undefined) http.idleTimeoutMs = limits.httpTimeout * 1000;
  const onWaiting = opts.onWaiting;
  if (onWaiting) http.onWaiting = (notice) => onWaiting(notice.host);
  return {
    onWarning: (message) => {
      if (!warnings.includes(message)) warnings.push(message);
    },
    http,
    ...(limits.maxIndexPageSize !== undefined ? { maxPageBytes: limits.maxIndexPageSize } : {}),
    ...(limits.maxMetadataSize !== undefined ? { maxMetadataBytes: limits.maxMetadataSize } : {}),
    ...(limits.maxDownloadSize !== undefined ? { maxDownloadBytes: limits.maxDownloadSize } : {}),
  };
}

/** The archive readers' share (unpacking wheels in sync). */
export function archiveLimits(limits: LimitSettings): Partial<ArchiveLimits> {
  const out: Partial<ArchiveLimits> = {};
  if (limits.maxArchiveSize !== undefined) out.maxTotalSize = limits.maxArchiveSize;
  if (limits.maxArchiveEntries !== undefined) out.maxEntries = limits.maxArchiveEntries;
  if (limits.maxCompressionRatio !== undefined) out.maxRatio = limits.maxCompressionRatio;
  return out;
}

interface FilesOf {
  candidate: {
    wheels: ReadonlyArray<{ file: DistFile; filename: WheelFilename }>;
    sdist: DistFile | undefined;
  };
}

/**
 * The resolved packages with a sha256 on every file: listed ones as they are, the others hashed by
 * `withSha256` (the index client downloads each once and remembers its digest by URL).
 */
export async function withLockHashes<P extends FilesOf>(
  packages: readonly P[],
  withSha256: (file: DistFile) => Promise<DistFile>,
): Promise<P[]> {
  const hashed = (file: DistFile): Promise<DistFile> | DistFile =>
    file.hashes.sha256 !== undefined ? file : withSha256(file);
  return Promise.all(
    packages.map(async (p) => {
      const c = p.candidate;
      const complete =
        (c.sdist === undefined || c.sdist.hashes.sha256 !== undefined) &&
        c.wheels.every((w) => w.file.hashes.sha256 !== undefined);
      if (complete) return p;
      const [sdist, wheels] = await Promise.all([
        c.sdist === undefined ? undefined : hashed(c.sdist),
        Promise.all(c.wheels.map(async (w) => ({ ...w, file: await hashed(w.file) }))),
      ]);
      return { ...p, candidate: { ...c, sdist, wheels } };
    }),
  );
}
