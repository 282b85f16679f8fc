/**
 * Filling an isolated build environment (PEP 517/518) with its build requirements: resolve them
 * for the build venv's own interpreter against the project's indexes, then install them with the
 * same sync machinery as the project (cache, hash checks, links). Source distributions among the
 * build requirements are built in turn through `buildWheel`.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { DistFile, IndexClient } from "@lockstep/index";
import { lockFromResolution, requirementsOnlyInputs, selectForEnvironment } from "@lockstep/lockfile";
import { Version } from "@lockstep/pep440";
import { Requirement } from "@lockstep/pep508";
import type { InterpreterInfo, Venv } from "@lockstep/python";
import { queryInterpreter } from "@lockstep/python";
import { resolvePython } from "@lockstep/resolver";
import { distFile, executeSync, planSync, readInstalled } from "@lockstep/sync";
import type { ExecuteOptions, PlannedDistribution, SyncEvent, SyncPlan, SyncResult } from "@lockstep/sync";
import { TagPriority, supportedTags, targetFromMarkerEnvironment } from "@lockstep/wheel";
import type { LinkMode } from "@lockstep/wheel";

export type BuildWheelFn = (d: PlannedDistribution) => Promise<string>;

export function buildEnvInstaller(client: IndexClient, cacheDir: string, buildWheel: BuildWheelFn) {
  return async (requirements: string[], venv: Venv): Promise<void> => {
    const info = queryInterpreter(venv.python, cacheDir);
    const libc = info.libc
      ? {
          libc: {
            kind: info.libc.kind,
            version: info.libc.version.split(".").map(Number).slice(0, 2) as [number, number],
          },
        }
      : {};
    const tags = supportedTags(targetFromMarkerEnvironment(info.markers, libc));
    const dependencies = requirements.map((r) => Requirement.parse(r));
    const resolution = await resolvePython(
      client,
      {
        name: "build-environment",
        version: Version.parse("0"),
        dependencies,
        extras: new Map(),
        groups: new Map(),
      },
      {
        target: { kind: "specific", markers: info.markers, tags: new TagPriority(tags) },
        requiresPython: undefined,
      },
    );
    const lock = lockFromResolution(resolution, requirementsOnlyInputs("build-environment", dependencies));
    const planned: PlannedDistribution[] = selectForEnvironment(lock, info.markers, {
      tags,
      extras: [],
      groups: [],
    }).map((i) => {
      if (i.kind !== "wheel" && i.kind !== "sdist") {
        throw new Error(`build requirement ${i.name} resolved to an unsupported ${i.kind} source`);
      }
      return {
        name: i.name,
        version: i.version ?? "0",
        kind: i.kind,
        url: i.url,
        filename: i.filename,
        hashes: i.hashes,
        size: i.size,
      };
    });
    const plan = planSync(planned, readInstalled(venv.sitePackages), { inexact: true });
    await executeSync(plan, { venv, interpreter: info, client, cacheDir, buildWheel });
  };
}

/**
 * Building sources for one interpreter: wheels for sync (sdists, source trees, the editable project)
 * and metadata for the resolver (sdists whose PKG-INFO is dynamic), all through isolated build
 * environments filled by `buildEnvInstaller`.
 */
export function sourceBuilder(client: IndexClient, cacheDir: string, interpreter: () => InterpreterInfo) {
  const buildWheel: BuildWheelFn = async (d) => {
    const { buildWheel: build } = await import("@lockstep/build");
    let source = d.kind === "directory" ? (d.path ?? ".") : await client.download(distFile(d));
    // A source archive whose project is in a subdirectory (PEP 751 `archive.subdirectory`).
    if (d.kind === "sdist" && d.subdirectory !== undefined)
      source = await subdirectoryTree(d, source, cacheDir);
    const built = await build(source, {
      interpreter: interpreter(),
      cacheDir,
      editable: d.editable === true,
      installer: buildEnvInstaller(client, cacheDir, buildWheel),
    });
    return built.wheelPath;
  };
  const buildMetadata = async (_file: DistFile | undefined, archivePath: string): Promise<string> => {
    const { prepareMetadata } = await import("@lockstep/build");
    const prepared = await prepareMetadata(archivePath, {
      interpreter: interpreter(),
      cacheDir,
      installer: buildEnvInstaller(client, cacheDir, buildWheel),
    });
    return prepared.metadataText;
  };
  /** Core metadata of a local source tree or sdist (a path source), prepared by its backend. */
  const prepareSource = (path: string): Promise<string> => buildMetadata(undefined, path);
  return { buildWheel, buildMetadata, prepareSource };
}

async function subdirectoryTree(d: PlannedDistribution, archive: string, cacheDir: string): Promise<string> {
  const [{ archiveSubdirectoryTree }, { redact }] = await Promise.all([
    import("@lockstep/build"),
    import("@lockstep/index/auth"),
  ]);
  const sha256 = d.hashes.sha256 ?? createHash("sha256").update(readFileSync(archive)).digest("hex");
  return archiveSubdirectoryTree(archive, sha256, cacheDir, d.subdirectory ?? "", redact(d.url ?? archive));
}

/** How files get into the venv: the settings `sync` and `sync --lockfile` take from their flags. */
export interface InstallSettings {
  linkMode?: LinkMode | undefined;
  compileBytecode: boolean;
  onProgress?: ((event: SyncEvent) => void) | undefined;
}

/**
 * `executeSync` for a project's venv: sources (sdists, directories, the project itself) are built in
 * isolated environments whose build requirements are resolved against the same indexes (`client`)
 * and installed by the same machinery.
 */
export function executeBuildingSources(
  plan: SyncPlan,
  opts: Omit<ExecuteOptions, "client" | "buildWheel" | keyof InstallSettings> & { client: IndexClient },
  settings: InstallSettings,
): Promise<SyncResult> {
  const { buildWheel } = sourceBuilder(opts.client, opts.cacheDir, () => opts.interpreter);
  return executeSync(plan, {
    ...opts,
    ...(settings.linkMode ? { linkMode: settings.linkMode } : {}),
    compileBytecode: settings.compileBytecode,
    buildWheel,
    ...(settings.onProgress ? { onProgress: settings.onProgress } : {}),
  });
}
