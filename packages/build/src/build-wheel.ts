/**
 * Building wheels and editables (PEP 517, PEP 660) and preparing metadata, through the cache.
 *
 * One build: fingerprint the source and answer from the cache when possible; otherwise unpack it,
 * read `[build-system]`, create the isolated environment with its `requires`, install what
 * `get_requires_for_build_*` adds, call the hook, check the result, and commit it to the cache.
 *
 * Fallbacks (PEP 517 / 660): a missing `get_requires_for_build_*` means no extra requirements; a
 * missing `prepare_metadata_for_build_*` means building the wheel and reading its METADATA (the
 * wheel is kept in the cache, so the build that usually follows is a hit); a missing
 * `build_editable` means the backend cannot do editable installs, which is an error.
 *
 * Pitfalls: the hook returns a basename that must name a file it wrote into the directory we gave;
 * that file must be a valid wheel whose METADATA we can read; temporary trees and environments are
 * removed on every path out, including failures.
 */

import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseCoreMetadata, readWheelMetadataFile, WheelFilename } from "@lockstep/wheel";
import type { CoreMetadata } from "@lockstep/wheel";
import type { InterpreterInfo } from "@lockstep/python";
import { cacheKey, commit, lookup, stagingDir } from "./build-cache";
import type { BuildKind, ConfigSettings } from "./build-cache";
import { createBuildEnv, toInterpreterInfo } from "./build-env";
import type { BuildEnv, BuildInstaller } from "./build-env";
import { BuildError } from "./build-error";
import { describeSource, identifySource, sourceTree } from "./build-source";
import type { BuildSource } from "./build-source";
import { readBuildSystem } from "./build-system";
import { BUILD_TEMP_PREFIX, makeBuildTemp } from "./build-temp";
import { callHook } from "./run-hook";
import type { HookContext } from "./run-hook";

export interface BuildOptions {
  /** The Python to build for (its info, or a path to query). */
  interpreter: InterpreterInfo | string;
  /** Copy the result here; when absent, the returned path points into the cache. */
  outDir?: string | undefined;
  /** Installs build requirements into the isolated environment; needed unless `requires = []`. */
  installer?: BuildInstaller | undefined;
  /** Cache root (the wheel goes to `<cacheDir>/built-wheels-v1/<key>/`); no caching when absent. */
  cacheDir?: string | undefined;
  /** Build an editable wheel (PEP 660); the source must be a directory. */
  editable?: boolean | undefined;
  /** PEP 517 `config_settings`. */
  configSettings?: ConfigSettings | undefined;
  /** Parent of temporary directories; default the OS temp dir. */
  tempDir?: string | undefined;
}

export interface BuiltWheel {
  wheelPath: string;
  filename: WheelFilename;
  metadata: CoreMetadata;
  /** METADATA as the backend wrote it. */
  metadataText: string;
  /** True when the wheel came from the cache and no backend ran. */
  cached: boolean;
}

export interface PreparedMetadata {
  metadata: CoreMetadata;
  metadataText: string;
  cached: boolean;
}

export interface Session {
  ctx: HookContext;
  env: BuildEnv;
  settings: ConfigSettings;
  label: string;
}

/** Run `fn` with the source unpacked, the build system read and the environment ready. */
export async function withSession<T>(
  source: BuildSource,
  info: InterpreterInfo,
  options: BuildOptions,
  fn: (s: Session) => Promise<T>,
): Promise<T> {
  const workDir = makeBuildTemp(options.tempDir ?? tmpdir(), BUILD_TEMP_PREFIX);
  let env: BuildEnv | undefined;
  try {
    const tree = sourceTree(source, workDir);
    const system = readBuildSystem(tree);
    const label = describeSource(source, system.project);
    env = await createBuildEnv(info, system.requires, {
      installer: options.installer,
      tempDir: options.tempDir,
      label,
    });
    const ctx: HookContext = {
      python: env.venv.python,
      sourceDir: tree,
      backend: system.backend,
      backendPath: system.backendPath,
      label,
      workDir,
    };
    return await fn({ ctx, env, settings: options.configSettings ?? {}, label });
  } finally {
    env?.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Install what `get_requires_for_build_<target>` asks for beyond `[build-system] requires`. */
export async function installDynamicRequires(
  s: Session,
  target: "wheel" | "editable" | "sdist",
): Promise<void> {
  const hook = `get_requires_for_build_${target}` as const;
  const result = await callHook(s.ctx, hook, { config_settings: s.settings });
  if (result.missing) return;
  const value = result.value;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new BuildError(
      "build-failed",
      `Failed to build ${s.label}: ${hook} returned ${JSON.stringify(value)}, expected a list of strings`,
      { hook },
    );
  }
  await s.env.install(value as string[]);
}

/** Call `build_wheel` / `build_editable` into `directory`; returns the wheel's path. */
async function runBuild(s: Session, editable: boolean, directory: string): Promise<string> {
  const hook = editable ? "build_editable" : "build_wheel";
  const result = await callHook(s.ctx, hook, { wheel_directory: directory, config_settings: s.settings });
  if (result.missing) {
    if (editable) {
      throw new BuildError(
        "build-editable-unsupported",
        `Failed to build ${s.label}: the build backend "${s.ctx.backend}" does not support editable installs (it has no build_editable hook, PEP 660)`,
        { hook },
      );
    }
    throw new BuildError(
      "build-failed",
      `Failed to build ${s.label}: the build backend "${s.ctx.backend}" has no build_wheel hook`,
      { hook },
    );
  }
  return checkBuiltFile(s, hook, result.value, directory, ".whl");
}

export function checkBuiltFile(
  s: Session,
  hook: string,
  value: unknown,
  directory: string,
  suffix: string,
): string {
  if (typeof value !== "string" || value.includes("/") || value.includes("\\") || !value.endsWith(suffix)) {
    throw new BuildError(
      "build-failed",
      `Failed to build ${s.label}: ${hook} returned ${JSON.stringify(value)}, expected the basename of a ${suffix} file`,
      { hook },
    );
  }
  const path = join(directory, value);
  if (!existsSync(path)) {
    throw new BuildError(
      "build-failed",
      `Failed to build ${s.label}: ${hook} returned ${JSON.stringify(value)}, but no such file was written`,
      { hook },
    );
  }
  return path;
}

function readBuilt(wheelPath: string, cached: boolean): BuiltWheel {
  const name = basename(wheelPath);
  const filename = WheelFilename.parse(name);
  const metadataText = readWheelMetadataFile(wheelPath, name);
  return {
    wheelPath,
    filename,
    metadata: parseCoreMetadata(metadataText, `${name}!METADATA`),
    metadataText,
    cached,
  };
}

function deliver(path: string, outDir: string | undefined): string {
  if (outDir === undefined) return path;
  mkdirSync(outDir, { recursive: true });
  const target = join(outDir, basename(path));
  copyFileSync(path, target);
  return target;
}

function checkEditableSource(source: BuildSource, editable: boolean): void {
  if (editable && source.kind === "archive") {
    throw new BuildError(
      "build-editable-archive",
      `Cannot build an editable wheel from ${basename(source.path)}: editable builds need a source directory`,
    );
  }
}

/** Build a wheel (or, with `editable`, a PEP 660 editable wheel) from an sdist or a source directory. */
export async function buildWheel(source: string, options: BuildOptions): Promise<BuiltWheel> {
  const info = toInterpreterInfo(options.interpreter, options.cacheDir);
  const src = await identifySource(source);
  const editable = options.editable === true;
  checkEditableSource(src, editable);
  const kind: BuildKind = editable ? "editable" : "wheel";
  const key = cacheKey({
    kind,
    sourceHash: src.hash,
    sourceDir: src.path,
    interpreter: info,
    configSettings: options.configSettings,
  });
  const { cacheDir } = options;
  if (cacheDir !== undefined) {
    const hit = lookup(cacheDir, key, kind);
    if (hit) {
      const built = readBuilt(hit, true);
      return { ...built, wheelPath: deliver(hit, options.outDir) };
    }
  }
  if (cacheDir === undefined && options.outDir === undefined) {
    throw new BuildError("build-no-output", "buildWheel needs an outDir or a cacheDir to put the wheel in");
  }
  return withSession(src, info, options, async (s) => {
    await installDynamicRequires(s, editable ? "editable" : "wheel");
    const staging = cacheDir === undefined ? join(s.ctx.workDir, "wheel") : stagingDir(cacheDir, key);
    mkdirSync(staging, { recursive: true });
    try {
      const built = readBuilt(await runBuild(s, editable, staging), false);
      if (cacheDir === undefined) return { ...built, wheelPath: deliver(built.wheelPath, options.outDir) };
      const entry = commit(cacheDir, key, staging);
      const inCache = join(entry, basename(built.wheelPath));
      return { ...built, wheelPath: deliver(inCache, options.outDir) };
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  });
}

/**
 * Core metadata of what `source` would build, through `prepare_metadata_for_build_wheel` (or
 * `_editable`), for resolving sdists whose metadata is dynamic. Falls back to building the wheel.
 */
export async function prepareMetadata(source: string, options: BuildOptions): Promise<PreparedMetadata> {
  const info = toInterpreterInfo(options.interpreter, options.cacheDir);
  const src = await identifySource(source);
  const editable = options.editable === true;
  checkEditableSource(src, editable);
  const wheelKind: BuildKind = editable ? "editable" : "wheel";
  const keyInput = {
    sourceHash: src.hash,
    sourceDir: src.path,
    interpreter: info,
    configSettings: options.configSettings,
  };
  const metaKey = cacheKey({
    ...keyInput,
    kind: "metadata",
    sourceDir: editable ? src.path : undefined,
    sourceHash: `${wheelKind}:${src.hash}`,
  });
  const wheelKey = cacheKey({ ...keyInput, kind: wheelKind });
  const { cacheDir } = options;
  if (cacheDir !== undefined) {
    const meta = lookup(cacheDir, metaKey, "metadata");
    if (meta) {
      const text = readFileSync(meta, "utf8");
      return { metadata: parseCoreMetadata(text, meta), metadataText: text, cached: true };
    }
    const wheel = lookup(cacheDir, wheelKey, wheelKind);
    if (wheel) {
      const built = readBuilt(wheel, true);
      return { metadata: built.metadata, metadataText: built.metadataText, cached: true };
    }
  }
  const prepared = await withSession(src, info, options, async (s) => {
    await installDynamicRequires(s, editable ? "editable" : "wheel");
    const hook = editable ? "prepare_metadata_for_build_editable" : "prepare_metadata_for_build_wheel";
    const metadataDir = join(s.ctx.workDir, "metadata");
    mkdirSync(metadataDir, { recursive: true });
    const result = await callHook(s.ctx, hook, {
      metadata_directory: metadataDir,
      config_settings: s.settings,
    });
    if (!result.missing) {
      const value = result.value;
      if (typeof value !== "string" || !value.endsWith(".dist-info") || value.includes("/")) {
        throw new BuildError(
          "build-failed",
          `Failed to build ${s.label}: ${hook} returned ${JSON.stringify(value)}, expected a .dist-info directory name`,
          { hook },
        );
      }
      const path = join(metadataDir, value, "METADATA");
      if (!existsSync(path)) {
        throw new BuildError(
          "build-failed",
          `Failed to build ${s.label}: ${hook} wrote no ${value}/METADATA`,
          { hook },
        );
      }
      const text = readFileSync(path, "utf8");
      return { metadata: parseCoreMetadata(text, `${value}/METADATA`), metadataText: text, cached: false };
    }
    // PEP 517 fallback: build the wheel and read its METADATA; keep the wheel for the build to come.
    const staging = cacheDir === undefined ? join(s.ctx.workDir, "wheel") : stagingDir(cacheDir, wheelKey);
    mkdirSync(staging, { recursive: true });
    try {
      const built = readBuilt(await runBuild(s, editable, staging), false);
      if (cacheDir !== undefined) commit(cacheDir, wheelKey, staging);
      return { metadata: built.metadata, metadataText: built.metadataText, cached: false };
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  });
  if (cacheDir !== undefined) {
    const staging = stagingDir(cacheDir, metaKey);
    writeFileSync(join(staging, "METADATA"), prepared.metadataText);
    commit(cacheDir, metaKey, staging);
  }
  return prepared;
}
