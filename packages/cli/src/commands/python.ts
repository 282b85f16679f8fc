/**
 * `lockstep python find|list|pin`: which interpreter a request picks, every interpreter discovery
 * sees, and pinning one in `.python-version`. The work is `@lockstep/python` (discovery) and
 * `@lockstep/project` (project context: `.python-version`, requires-python).
 */
import type { Argv } from "yargs";
import { warn } from "../output";
import type { Output } from "../output";
import { cacheDirOption, outputFormatOption, writeJson } from "./admin-options";
import type { OutputFormatArgs } from "./admin-options";

export interface PythonArgs extends OutputFormatArgs {
  request?: string | undefined;
  project?: string | undefined;
  "cache-dir"?: string | undefined;
}

function common<T>(y: Argv<T>) {
  return cacheDirOption(y).option("project", {
    type: "string",
    requiresArg: true,
    describe: "Act as if run from this directory",
  });
}

export type PythonHandler = (sub: "find" | "list" | "pin", args: PythonArgs) => unknown;

export function pythonBuilder<T>(y: Argv<T>, handle: PythonHandler) {
  return y
    .command(
      "find [request]",
      "Print the path of the interpreter a request picks (3.12, >=3.10, cpython@3.11, a path)",
      (s) => common(s).positional("request", { type: "string" }),
      async (args) => void (await handle("find", args as PythonArgs)),
    )
    .command(
      "list",
      "List every interpreter discovery finds: version, implementation, path",
      (s) => outputFormatOption(common(s)),
      async (args) => void (await handle("list", args as PythonArgs)),
    )
    .command(
      "pin [request]",
      "Write .python-version in the project (without a version: print the current pin)",
      (s) => common(s).positional("request", { type: "string" }),
      async (args) => void (await handle("pin", args as PythonArgs)),
    )
    .demandCommand(1, "Give a subcommand: find, list or pin");
}

export async function runPython(
  sub: "find" | "list" | "pin",
  args: PythonArgs,
  out: Output,
): Promise<number> {
  const cwd = args.project ?? process.cwd();
  const cacheDir = args["cache-dir"];
  if (sub === "find") {
    const { findPython } = await import("@lockstep/project");
    out.stdout(`${findPython({ request: args.request, cwd, cacheDir }).path}\n`);
    return 0;
  }
  if (sub === "list") {
    const { listPythons } = await import("@lockstep/project");
    const { interpreters } = listPythons({ cwd, cacheDir });
    if (args["output-format"] === "json") {
      writeJson(
        out,
        interpreters.map((i) => ({
          implementation: i.implementation.toLowerCase(),
          version: i.version,
          path: i.path,
          executable: i.executable,
          venv: i.isVenv,
        })),
      );
      return 0;
    }
    const rows = interpreters.map((i) => [`${i.implementation.toLowerCase()}-${i.version}`, i.path]);
    const width = Math.max(0, ...rows.map((r) => r[0]!.length));
    for (const [key, path] of rows) out.stdout(`${key!.padEnd(width)}    ${path}\n`);
    return 0;
  }
  const { pinPython } = await import("@lockstep/project");
  const r = pinPython({ request: args.request, cwd, cacheDir });
  for (const w of r.warnings) warn(out, w);
  if (args.request === undefined) out.stdout(`${r.pinned}\n`);
  else if (r.previous !== undefined && r.previous !== r.pinned)
    out.stderr(`Updated \`${r.path}\` from \`${r.previous}\` -> \`${r.pinned}\`\n`);
  else out.stderr(`Pinned \`${r.path}\` to \`${r.pinned}\`\n`);
  return 0;
}
