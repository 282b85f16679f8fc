/**
 * Calling one PEP 517 / PEP 660 hook: write the shim and the request to a work directory, run the
 * build environment's Python in the source tree, read the result file, and turn every way of failing
 * into a `BuildError` that names the build, the hook and the tail of the backend's stderr.
 *
 * Pitfalls: the backend's stdout and stderr are captured, never inherited (they would corrupt the
 * CLI's output) and never parsed (the result travels in a file); a Python that dies without writing
 * the result (a segfault, `os._exit`) is a failure of that hook, not a protocol error; the build
 * environment's `bin/` goes first on PATH, as backends run tools (cython, cmake) installed there.
 */

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { BuildError, withOutputTail } from "./build-error";
import { SHIM_SOURCE } from "./frontend-shim";
import type { HookName } from "./frontend-shim";

export interface HookContext {
  /** The build environment's interpreter. */
  python: string;
  sourceDir: string;
  backend: string;
  /** Absolute directories (see `BuildSetup.backendPath`). */
  backendPath: string[];
  /** Names the build in messages, e.g. `sample-lib 1.1.0 (sample_lib-1.1.0.tar.gz)`. */
  label: string;
  /** A private directory for the shim, requests and results. */
  workDir: string;
}

export type HookResult =
  { missing: true } | { missing: false; value: unknown; stdout: string; stderr: string };

interface ShimResult {
  ok: boolean;
  value?: unknown;
  missing?: boolean;
  error?: string;
  message?: string;
}

let counter = 0;

/** Run `hook` with `kwargs` (JSON-serializable keyword arguments). */
export async function callHook(
  ctx: HookContext,
  hook: HookName,
  kwargs: Record<string, unknown>,
): Promise<HookResult> {
  const shim = join(ctx.workDir, "lockstep_build_shim.py");
  if (!existsSync(shim)) await writeFile(shim, SHIM_SOURCE);
  const id = `${hook}-${++counter}`;
  const input = join(ctx.workDir, `${id}.in.json`);
  const output = join(ctx.workDir, `${id}.out.json`);
  await writeFile(input, JSON.stringify({ backend: ctx.backend, backend_path: ctx.backendPath, kwargs }));

  const run = await runPython(ctx, [shim, hook, input, output]);
  let result: ShimResult | undefined;
  try {
    result = JSON.parse(await readFile(output, "utf8")) as ShimResult;
  } catch {
    result = undefined;
  }
  const detail = { hook, stdout: run.stdout, stderr: run.stderr };
  if (result === undefined) {
    const how = run.error ?? (run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`);
    throw new BuildError(
      "build-failed",
      withOutputTail(
        `Failed to build ${ctx.label}: Python ${how} while running the ${hook} hook of backend "${ctx.backend}"`,
        run.stdout,
        run.stderr,
      ),
      detail,
    );
  }
  if (result.ok) return { missing: false, value: result.value, stdout: run.stdout, stderr: run.stderr };
  if (result.missing) return { missing: true };
  const message = result.message ?? "unknown error";
  switch (result.error) {
    case "backend-missing":
      throw new BuildError(
        "build-backend-missing",
        `Failed to build ${ctx.label}: the build backend "${ctx.backend}" is not available (${message})`,
        detail,
        {
          hint:
            ctx.backendPath.length > 0
              ? `the backend should be in backend-path (${ctx.backendPath.join(", ")})`
              : "the backend must be installed by [build-system] requires in pyproject.toml",
        },
      );
    case "backend-path-mismatch":
      throw new BuildError("build-backend-missing", `Failed to build ${ctx.label}: ${message}`, detail);
    case "backend-import-failed":
      throw new BuildError(
        "build-failed",
        withOutputTail(
          `Failed to build ${ctx.label}: importing the build backend "${ctx.backend}" raised ${message}`,
          run.stdout,
          run.stderr,
        ),
        detail,
      );
    default:
      throw new BuildError(
        "build-failed",
        withOutputTail(
          `Failed to build ${ctx.label}: the ${hook} hook of backend "${ctx.backend}" raised ${message}`,
          run.stdout,
          run.stderr,
        ),
        detail,
      );
  }
}

interface RunOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error: string | undefined;
}

function runPython(ctx: HookContext, args: string[]): Promise<RunOutput> {
  const env = { ...process.env, PATH: [dirname(ctx.python), process.env["PATH"] ?? ""].join(delimiter) };
  return new Promise((resolve) => {
    const child = spawn(ctx.python, ["-I", "-B", ...args], {
      cwd: ctx.sourceDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let error: string | undefined;
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", (e) => (error = `could not be started (${e.message})`));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, error }));
  });
}
