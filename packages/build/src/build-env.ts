/**
 * The isolated build environment (PEP 518): a fresh virtual environment in a temporary directory,
 * holding only the build requirements, so that a build never sees the project's or the user's
 * packages.
 *
 * Installing is injected (`BuildInstaller`): this package must not import the resolver or sync,
 * which sit above it; the CLI passes an installer that resolves against the configured index and
 * installs with lockstep's own sync, and tests pass one that runs pip against the fixture index.
 *
 * Pitfalls: requirements arrive in two rounds (`[build-system] requires`, then what
 * `get_requires_for_build_*` adds), so the environment stays open between them; an empty round must
 * not call the installer (a backend with `requires = []` builds with no index at all).
 */

import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVenv, queryInterpreter } from "@lockstep/python";
import type { InterpreterInfo, Venv } from "@lockstep/python";
import { BuildError } from "./build-error";
import { BUILD_ENV_TEMP_PREFIX, makeBuildTemp } from "./build-temp";

/** Installs PEP 508 `requirements` into `venv`. Rejects when they cannot be installed. */
export type BuildInstaller = (requirements: string[], venv: Venv) => Promise<void>;

export interface BuildEnv {
  venv: Venv;
  /** Every requirement installed so far, in order. */
  readonly installed: readonly string[];
  /** Install more requirements (no-op for an empty list). */
  install(requirements: readonly string[]): Promise<void>;
  /** Remove the environment. */
  dispose(): void;
}

export interface BuildEnvOptions {
  /** Required unless every requirement list is empty. */
  installer?: BuildInstaller | undefined;
  /** Where to make the temporary directory; default the OS temp dir. */
  tempDir?: string | undefined;
  /** Names the build in installer errors. */
  label?: string | undefined;
}

/** `InterpreterInfo`, or a path to query (and cache under `cacheDir`). */
export function toInterpreterInfo(interpreter: InterpreterInfo | string, cacheDir?: string): InterpreterInfo {
  return typeof interpreter === "string" ? queryInterpreter(interpreter, cacheDir) : interpreter;
}

/** Create a fresh venv for `interpreter` and install `requirements` into it. */
export async function createBuildEnv(
  interpreter: InterpreterInfo | string,
  requirements: readonly string[],
  options: BuildEnvOptions = {},
): Promise<BuildEnv> {
  const info = toInterpreterInfo(interpreter);
  const root = makeBuildTemp(options.tempDir ?? tmpdir(), BUILD_ENV_TEMP_PREFIX);
  let venv: Venv;
  try {
    venv = createVenv(join(root, "venv"), info, { prompt: "build" });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const installed: string[] = [];
  const env: BuildEnv = {
    venv,
    installed,
    async install(reqs) {
      if (reqs.length === 0) return;
      const what = options.label === undefined ? "" : ` for ${options.label}`;
      if (!options.installer) {
        throw new BuildError(
          "build-requirements-failed",
          `Cannot install the build requirements${what} (${reqs.join(", ")}): no installer was given`,
        );
      }
      try {
        await options.installer([...reqs], venv);
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new BuildError(
          "build-requirements-failed",
          `Failed to install the build requirements${what} (${reqs.join(", ")}): ${reason}`,
          {},
          { cause },
        );
      }
      installed.push(...reqs);
    },
    dispose() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await env.install(requirements);
  } catch (error) {
    env.dispose();
    throw error;
  }
  return env;
}
