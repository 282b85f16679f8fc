/**
 * `lockstep venv [PATH]`: create a virtual environment (default `.venv` in the project, or here),
 * printing the interpreter used and how to activate it, as uv does.
 */
import { relative } from "node:path";
import type { Argv } from "yargs";
import type { Output } from "../output";
import { cacheDirOption } from "./admin-options";

export interface VenvArgs {
  path?: string | undefined;
  python?: string | undefined;
  seed?: boolean | undefined;
  prompt?: string | undefined;
  clear?: boolean | undefined;
  project?: string | undefined;
  "cache-dir"?: string | undefined;
}

export function venvBuilder<T>(y: Argv<T>) {
  return cacheDirOption(y)
    .positional("path", { type: "string", describe: "Where to create it (default: .venv)" })
    .option("python", {
      alias: "p",
      type: "string",
      requiresArg: true,
      describe: "The interpreter: a version request (3.12, >=3.10, cpython@3.11) or a path",
    })
    .option("seed", { type: "boolean", describe: "Install pip into it (with the interpreter's ensurepip)" })
    .option("prompt", {
      type: "string",
      requiresArg: true,
      describe: "The prompt shown when it is active (`.`: the current directory's name)",
    })
    .option("clear", {
      type: "boolean",
      describe: "Remove whatever is at PATH first, even when it is not a virtual environment",
    })
    .option("project", {
      type: "string",
      requiresArg: true,
      describe: "Act as if run from this directory",
    });
}

export async function runVenv(args: VenvArgs, out: Output, version: string): Promise<number> {
  const { createProjectVenv } = await import("@lockstep/project");
  const cwd = args.project ?? process.cwd();
  const r = createProjectVenv({
    path: args.path,
    cwd,
    python: args.python,
    seed: args.seed,
    prompt: args.prompt,
    clear: args.clear,
    cacheDir: args["cache-dir"],
    lockstepVersion: version,
  });
  const info = r.interpreter;
  out.stderr(
    `Using ${info.markers.platform_python_implementation} ${info.markers.python_full_version} interpreter at: ${info.path}\n`,
  );
  const shown = relative(process.cwd(), r.venv.root) || ".";
  const display = shown.startsWith("..") ? r.venv.root : shown;
  out.stderr(`${r.replaced ? "Replaced" : "Creating"} virtual environment at: ${display}\n`);
  if (r.pip !== undefined) out.stderr(` + pip==${r.pip}\n`);
  const activate =
    info.markers.os_name === "nt" ? `${display}\\Scripts\\activate` : `source ${display}/bin/activate`;
  out.stderr(`Activate with: ${activate}\n`);
  return 0;
}
