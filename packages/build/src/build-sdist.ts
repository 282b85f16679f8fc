/**
 * Building an sdist from a source directory (PEP 517 `build_sdist`), in an isolated environment like
 * a wheel build. Not cached: an sdist is built to be published or to check what a wheel build from
 * it would see, and both want a fresh one.
 *
 * Pitfalls: `get_requires_for_build_sdist` may add requirements; the hook returns the basename of a
 * `.tar.gz` it wrote into the directory we gave (PEP 517 requires that format).
 */

import { mkdirSync } from "node:fs";
import { basename } from "node:path";
import { toInterpreterInfo } from "./build-env";
import { BuildError } from "./build-error";
import { identifySource } from "./build-source";
import { checkBuiltFile, installDynamicRequires, withSession } from "./build-wheel";
import type { BuildOptions } from "./build-wheel";
import { callHook } from "./run-hook";

export interface BuiltSdist {
  sdistPath: string;
}

/** Build an sdist of the source directory `source` into `options.outDir`. */
export async function buildSdist(
  source: string,
  options: Omit<BuildOptions, "editable" | "cacheDir" | "outDir"> & { outDir: string },
): Promise<BuiltSdist> {
  const info = toInterpreterInfo(options.interpreter);
  const src = await identifySource(source);
  if (src.kind !== "directory") {
    throw new BuildError(
      "build-sdist-source",
      `Cannot build an sdist from ${basename(src.path)}: sdists are built from a source directory`,
    );
  }
  mkdirSync(options.outDir, { recursive: true });
  return withSession(src, info, options, async (s) => {
    await installDynamicRequires(s, "sdist");
    const result = await callHook(s.ctx, "build_sdist", {
      sdist_directory: options.outDir,
      config_settings: s.settings,
    });
    if (result.missing) {
      throw new BuildError(
        "build-failed",
        `Failed to build ${s.label}: the build backend "${s.ctx.backend}" has no build_sdist hook`,
        {
          hook: "build_sdist",
        },
      );
    }
    return { sdistPath: checkBuiltFile(s, "build_sdist", result.value, options.outDir, ".tar.gz") };
  });
}
