/**
 * Carrying out a sync plan: fetch (download, verify, unpack into the cache) concurrently, pipelined
 * with linking into the venv; removals first; optional bytecode compilation at the end.
 *
 * Safety: the whole change runs under the venv lock (`venv-lock.ts`), and the plan is recomputed
 * under it from a fresh read of the venv, so a plan made before another sync finished is not applied
 * blindly. Each install and removal is ordered (see `@lockstep/wheel`'s install.ts / uninstall.ts)
 * so that a process killed at any point leaves `.dist-info` directories marked incomplete, which the
 * next plan repairs (remove by RECORD, then install); a RECORD that no longer parses (torn by a kill
 * of an older version that wrote it in place) is removed as far as it can be read, with a warning
 * in `SyncResult.warnings`, never a hard failure. A package whose download fails its hash check
 * or whose wheel is malformed installs nothing; the others go ahead, and one SyncError then names
 * every failure (package, file, reason). Wheels are unpacked by streaming (bounded memory, archive
 * limits in `archiveLimits`), several at once (`concurrency`).
 *
 * The no-op path is short: a plan with nothing to do returns before the lock, the HTTP client or
 * the cache is touched. A wheel already unpacked in the cache (keyed by its sha256) is not even
 * downloaded or read again.
 */
import { spawnSync } from "node:child_process";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import pLimit from "p-limit";
import { LockstepError } from "@lockstep/errors";
import type { DistFile } from "@lockstep/index";
import { canonicalizeName } from "@lockstep/pep508";
import type { InterpreterInfo, Venv } from "@lockstep/python";
import {
  GeneratedFiles,
  installUnpacked,
  newLinkStats,
  uninstallDistribution,
  unpackWheel,
  unpackedWheelDir,
} from "@lockstep/wheel";
import type { ArchiveLimits, InstalledWheel, LinkMode, LinkStats, WheelScheme } from "@lockstep/wheel";
import { existsSync } from "node:fs";
import { readInstalled } from "./installed";
import type { InstalledDistribution } from "./installed";
import { directUrlFor, isNoop, planSync } from "./plan";
import type { PlannedDistribution, SyncPlan } from "./plan";
import type { SyncSummary } from "./summary";
import { acquireVenvLock, clearStaleVenvLock } from "./venv-lock";

export type SyncEvent =
  | { kind: "download" | "build" | "unpack" | "install" | "uninstall"; name: string; version: string }
  /**
   * What the steps will add up to, sent once before the first of them: wheels to download (those
   * not already unpacked in the cache), the bytes of those fetched over the network as the lock
   * lists them (undefined when any size is unlisted), sdists and directories to build, packages to
   * install and to uninstall.
   */
  | {
      kind: "totals";
      downloads: number;
      downloadBytes: number | undefined;
      builds: number;
      installs: number;
      uninstalls: number;
    }
  /** Bytes of one download so far; `total` is its Content-Length, else the listed size. */
  | { kind: "download-bytes"; name: string; version: string; bytes: number; total: number | undefined }
  | { kind: "compile"; files: number }
  | { kind: "wait-lock"; owner: number | undefined };

export interface ExecuteOptions {
  venv: Venv;
  interpreter: InterpreterInfo;
  /** Downloads verified archives into the cache (`IndexClient`). */
  client: {
    download(
      file: DistFile,
      opts?: { onProgress?: (bytes: number, total: number | undefined) => void },
    ): Promise<string>;
  };
  cacheDir: string;
  linkMode?: LinkMode;
  /** Concurrent downloads and unpacks. Default 8. */
  concurrency?: number;
  compileBytecode?: boolean;
  /** Limits for every wheel unpacked (`DEFAULT_ARCHIVE_LIMITS` for those left out). */
  archiveLimits?: Partial<ArchiveLimits>;
  /** Canonical names of the project's direct dependencies: they get REQUESTED. */
  requested?: ReadonlySet<string>;
  /** Builds an sdist or directory into a wheel and returns its path (`@lockstep/build`). */
  buildWheel?: (d: PlannedDistribution) => Promise<string>;
  lockTimeoutMs?: number;
  onProgress?: (event: SyncEvent) => void;
  /** Called after every file-system change in the venv (crash tests kill the process here). */
  onFileOperation?: () => void;
}

export interface SyncFailure {
  name: string;
  version: string;
  /** The file's URL or path. */
  source: string;
  reason: string;
  error: unknown;
}

export interface SyncResult extends SyncSummary {
  /** The plan as recomputed under the lock (the input plan when nothing had to be done). */
  plan: SyncPlan;
  /** Time spent fetching (downloads and unpacking), overlapping installs. */
  prepareMs: number;
  downloads: number;
  unpacked: number;
  links: LinkStats;
  compiled: number;
  failures: SyncFailure[];
  /**
   * Things repaired on the way that the user should hear about, each naming the distribution: a
   * damaged RECORD of an interrupted install, RECORD paths outside the venv left alone.
   */
  warnings: string[];
}

export class SyncError extends LockstepError {
  constructor(
    readonly failures: SyncFailure[],
    readonly result: SyncResult,
    /** False when the failures came before the venv was touched (downloads, hashes, builds, unpacking). */
    readonly changed: boolean,
  ) {
    super(
      "sync-failed",
      `Failed to install ${failures.length} package${failures.length === 1 ? "" : "s"}:\n${failures
        .map((f) => `  ${f.name}==${f.version} (${f.source}): ${f.reason.replace(/\n/g, "\n    ")}`)
        .join("\n")}`,
      {
        hint: changed
          ? "nothing from the packages above was installed; the rest of the environment was synced"
          : "nothing was installed or removed: the environment is as it was",
      },
    );
  }
}

function emptyResult(plan: SyncPlan): SyncResult {
  return {
    plan,
    installed: [],
    uninstalled: [],
    installMs: 0,
    uninstallMs: 0,
    prepareMs: 0,
    downloads: 0,
    unpacked: 0,
    links: newLinkStats(),
    compiled: 0,
    failures: [],
    warnings: [],
  };
}

function sourceOf(d: PlannedDistribution): string {
  return d.url ?? d.path ?? d.filename ?? `${d.name}==${d.version}`;
}

/** The index-client view of a planned distribution, for downloading it. */
export function distFile(d: PlannedDistribution): DistFile {
  const url = d.url ?? pathToFileURL(d.path ?? "").href;
  return {
    filename: d.filename ?? basename(new URL(url).pathname),
    url,
    hashes: d.hashes,
    requiresPython: undefined,
    yanked: false,
    size: d.size,
    uploadTime: undefined,
    coreMetadata: false,
    source: url,
  };
}

/** The wheel scheme of `venv` for one distribution (headers go to a per-project directory, as pip does). */
export function venvWheelScheme(venv: Venv, info: InterpreterInfo, name: string): WheelScheme {
  const [maj, min] = info.version;
  return {
    purelib: venv.sitePackages,
    platlib: venv.scheme.platlib ?? venv.sitePackages,
    scripts: venv.bin,
    headers: join(venv.root, "include", "site", `python${maj}.${min}`, name),
    data: venv.root,
  };
}

/** Make the venv match `plan.desired`. */
export async function executeSync(plan: SyncPlan, opts: ExecuteOptions): Promise<SyncResult> {
  if (isNoop(plan)) {
    clearStaleVenvLock(opts.venv.root);
    return emptyResult(plan);
  }
  const lock = await acquireVenvLock(opts.venv.root, {
    ...(opts.lockTimeoutMs === undefined ? {} : { timeoutMs: opts.lockTimeoutMs }),
    onWait: (owner) => opts.onProgress?.({ kind: "wait-lock", owner }),
  });
  try {
    return await executeLocked(
      planSync(plan.desired, readInstalled(opts.venv.sitePackages), plan.options),
      opts,
    );
  } finally {
    lock.release();
  }
}

async function executeLocked(plan: SyncPlan, opts: ExecuteOptions): Promise<SyncResult> {
  const result = emptyResult(plan);
  if (isNoop(plan)) return result;
  const { venv } = opts;
  const progress = opts.onProgress ?? (() => {});
  const limit = pLimit(opts.concurrency ?? 8);
  const toInstall = [...plan.install, ...plan.reinstall.map((r) => r.desired)];
  const toRemove: InstalledDistribution[] = [
    ...plan.remove,
    ...plan.reinstall.map((r) => r.installed),
  ].flatMap((d) => [d, ...d.extra]);

  const unpackedAlready = (d: PlannedDistribution): string | undefined => {
    const sha = d.hashes.sha256;
    if (d.kind !== "wheel" || sha === undefined) return undefined;
    const dir = unpackedWheelDir(opts.cacheDir, sha);
    return existsSync(dir) ? dir : undefined;
  };
  if (opts.onProgress) {
    const fetched = toInstall.filter((d) => d.kind === "wheel" && unpackedAlready(d) === undefined);
    const networked = fetched.filter((d) => d.url !== undefined && !d.url.startsWith("file:"));
    progress({
      kind: "totals",
      downloads: fetched.length,
      // Local files (file: URLs, a path) are read, not received: no bytes are reported for them.
      downloadBytes: networked.every((d) => d.size !== undefined)
        ? networked.reduce((sum, d) => sum + (d.size ?? 0), 0)
        : undefined,
      builds: toInstall.filter((d) => d.kind !== "wheel").length,
      installs: toInstall.length,
      uninstalls: toRemove.length,
    });
  }

  const failed = (d: PlannedDistribution, error: unknown): void => {
    result.failures.push({
      name: d.name,
      version: d.version,
      source: sourceOf(d),
      reason: (error as Error).message,
      error,
    });
  };
  const prepare = async (d: PlannedDistribution): Promise<string> => {
    const sha = d.hashes.sha256;
    const cached = unpackedAlready(d);
    if (cached !== undefined) return cached;
    let archive: string;
    if (d.kind === "wheel") {
      progress({ kind: "download", name: d.name, version: d.version });
      result.downloads++;
      archive = await opts.client.download(
        distFile(d),
        opts.onProgress
          ? {
              onProgress: (bytes, total) =>
                progress({ kind: "download-bytes", name: d.name, version: d.version, bytes, total }),
            }
          : {},
      );
    } else {
      progress({ kind: "build", name: d.name, version: d.version });
      if (!opts.buildWheel)
        throw new LockstepError(
          "build-unavailable",
          `Cannot install ${d.name}==${d.version}: building ${d.kind === "sdist" ? "sdists" : "source directories"} is not available here`,
        );
      archive = await opts.buildWheel(d);
    }
    progress({ kind: "unpack", name: d.name, version: d.version });
    const dir = await unpackWheel(archive, opts.cacheDir, {
      sha256: d.kind === "wheel" ? sha : undefined,
      filename: d.kind === "wheel" ? d.filename : undefined,
      limits: opts.archiveLimits,
    });
    result.unpacked++;
    return dir;
  };
  // Everything to install is downloaded, verified and unpacked into the cache before the venv is
  // touched: a failing download, hash, build or wheel leaves the environment exactly as it was.
  const prepareStart = performance.now();
  const prepared = await Promise.all(
    toInstall.map((d) =>
      limit(() => prepare(d)).then(
        (dir) => ({ d, dir }),
        (error: unknown) => {
          failed(d, error);
          return undefined;
        },
      ),
    ),
  );
  result.prepareMs = performance.now() - prepareStart;
  if (result.failures.length > 0) throw new SyncError(result.failures, result, false);

  const keepDirs = [venv.bin, venv.sitePackages, venv.scheme.platlib ?? venv.sitePackages];
  const uninstallStart = performance.now();
  for (const d of toRemove) {
    progress({ kind: "uninstall", name: d.name, version: d.version });
    const removed = uninstallDistribution(d.distInfo, {
      prefix: venv.root,
      keepDirs,
      ...(opts.onFileOperation ? { onFileOperation: opts.onFileOperation } : {}),
    });
    result.warnings.push(...removed.warnings.map((w) => `${d.name}==${d.version}: ${w}`));
    if (removed.refused.length > 0) {
      result.warnings.push(
        `${d.name}==${d.version}: RECORD lists ${removed.refused.length} path${removed.refused.length === 1 ? "" : "s"} outside the environment, left alone: ${removed.refused.slice(0, 3).join(", ")}${removed.refused.length > 3 ? ", …" : ""}`,
      );
    }
    if (!d.incomplete) result.uninstalled.push({ name: d.name, version: d.version });
  }
  result.uninstallMs = performance.now() - uninstallStart;

  const installStart = performance.now();
  const installedFiles: string[] = [];
  const generated = new GeneratedFiles(join(opts.cacheDir, "generated-v1"));
  for (const p of prepared) {
    if (p === undefined) continue;
    const { d, dir: unpacked } = p;
    const name = canonicalizeName(d.name);
    progress({ kind: "install", name: d.name, version: d.version });
    let installed: InstalledWheel;
    try {
      installed = installUnpacked(unpacked, venvWheelScheme(venv, opts.interpreter, name), {
        python: venv.python,
        linkMode: opts.linkMode ?? "hardlink",
        requested: opts.requested?.has(name) ?? false,
        directUrl: directUrlFor(d),
        // What `lockstep verify` compares with the lock: the wheel's own hash (not a built one).
        wheel:
          d.kind === "wheel" && d.hashes.sha256 !== undefined && d.filename !== undefined
            ? { filename: d.filename, sha256: d.hashes.sha256 }
            : undefined,
        stats: result.links,
        generated,
        ...(opts.onFileOperation ? { onFileOperation: opts.onFileOperation } : {}),
      });
    } catch (error) {
      failed(d, error);
      continue;
    }
    result.installed.push({ name, version: d.version });
    if (opts.compileBytecode) {
      for (const row of installed.record)
        if (row.path.endsWith(".py")) installedFiles.push(join(venv.sitePackages, row.path));
    }
  }
  result.installMs = performance.now() - installStart;
  result.installed.sort((a, b) => (a.name < b.name ? -1 : 1));
  result.uninstalled.sort((a, b) => (a.name < b.name ? -1 : 1));
  if (opts.compileBytecode && installedFiles.length > 0) {
    progress({ kind: "compile", files: installedFiles.length });
    result.compiled = compile(venv.python, installedFiles);
  }
  if (result.failures.length > 0) throw new SyncError(result.failures, result, true);
  return result;
}

/** `python -m compileall` over `files` (read from stdin, so the list may be long). */
function compile(python: string, files: string[]): number {
  const res = spawnSync(python, ["-m", "compileall", "-q", "-f", "-i", "-"], {
    input: files.join("\n"),
    encoding: "utf8",
  });
  if (res.error || res.status !== 0) {
    throw new LockstepError(
      "compile-failed",
      `Bytecode compilation failed: ${(res.error?.message ?? res.stdout + res.stderr).trim()}`,
    );
  }
  return files.length;
}
