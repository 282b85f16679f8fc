/**
 * Scripts a wheel installs (binary distribution format 1.0; entry points specification): the
 * `console_scripts` and `gui_scripts` launchers generated from `entry_points.txt`, and the `#!python`
 * shebang rewrite of files in `.data/scripts/`.
 *
 * On POSIX a launcher is a small Python file, byte for byte what pip writes, run by the venv's
 * interpreter through its shebang; gui scripts differ only on Windows (pythonw). Windows needs a
 * native `.exe` launcher that lockstep does not ship yet, so generating launchers for Windows is
 * refused with a clear error rather than writing scripts that cannot run.
 *
 * Pitfalls: `entry_points.txt` is an INI file whose keys are case-sensitive; an entry must name a
 * callable (`module:attr`), not just a module; a shebang line longer than the kernel accepts (127
 * bytes on Linux, 512 on macOS) or holding a space must go through `/bin/sh` (the `'''exec'` trick
 * that is valid both as shell and as Python); `#!pythonw` and `#!python3` are `#!python` too.
 */
import { LockstepError } from "@lockstep/errors";

export interface EntryPoint {
  name: string;
  module: string;
  /** Dotted attribute path, e.g. `main` or `cli.run`. */
  attr: string;
}

export interface ScriptEntryPoints {
  console: EntryPoint[];
  gui: EntryPoint[];
}

export class EntryPointError extends LockstepError {}

/** Every `[group]` of an entry_points.txt as name → value, in file order. */
export function parseEntryPointsIni(text: string): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      const name = section[1]!.trim();
      current = groups.get(name) ?? new Map();
      groups.set(name, current);
      continue;
    }
    const eq = line.search(/[=:]/);
    if (!current || eq <= 0 || line[eq] !== "=") continue;
    current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return groups;
}

/** Parse `module.sub:attr.path [extra1, extra2]`. */
export function parseEntryPoint(name: string, value: string): EntryPoint {
  const m = /^([\w.]+)\s*(?::\s*([\w.]+))?\s*(?:\[[^\]]*\])?$/.exec(value.trim());
  if (!m) {
    throw new EntryPointError(
      "entry-point-invalid",
      `Invalid script entry point ${JSON.stringify(`${name} = ${value}`)}`,
    );
  }
  if (m[2] === undefined) {
    throw new EntryPointError(
      "entry-point-no-callable",
      `Invalid script entry point ${JSON.stringify(`${name} = ${value}`)}: a callable suffix (module:function) is required`,
    );
  }
  return { name, module: m[1]!, attr: m[2] };
}

/**
 * A script name becomes a file in the scripts directory, so it must be one path component of
 * characters no file system or shell treats specially (real names look like `pip3.12`, `f2py`,
 * `jupyter-lab`, `sphinx_build`).
 */
const SCRIPT_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;

/**
 * The console and gui scripts declared by an entry_points.txt; `source` names the file in errors
 * (e.g. `the wheel foo-1.0-py3-none-any.whl (foo-1.0.dist-info/entry_points.txt)`).
 */
export function scriptEntryPoints(text: string, source = "entry_points.txt"): ScriptEntryPoints {
  const groups = parseEntryPointsIni(text);
  const pick = (group: string) =>
    [...(groups.get(group) ?? new Map<string, string>())].map(([n, v]) => {
      if (!SCRIPT_NAME.test(n) || n.length > 255) {
        throw new EntryPointError(
          "entry-point-name-unsafe",
          `Refusing the ${group} entry point ${JSON.stringify(`${n} = ${v}`)} in ${source}: a script name must be one file name of letters, digits and . _ + - (not starting with . + or -)`,
        );
      }
      return parseEntryPoint(n, v);
    });
  return { console: pick("console_scripts"), gui: pick("gui_scripts") };
}

/** The shebang (with its line end) that runs `python` on POSIX. */
export function shebang(python: string, platform: NodeJS.Platform = process.platform): string {
  const max = platform === "darwin" ? 512 : 127;
  if (!python.includes(" ") && python.length + 3 <= max) return `#!${python}\n`;
  const quoted = python.includes(" ") ? `"${python}"` : python;
  return `#!/bin/sh\n'''exec' ${quoted} "$0" "$@"\n' '''\n`;
}

/** The body of a launcher (everything after the shebang). */
export function launcherBody(ep: EntryPoint): string {
  const importName = ep.attr.split(".", 1)[0]!;
  return (
    "# -*- coding: utf-8 -*-\n" +
    "import re\n" +
    "import sys\n" +
    `from ${ep.module} import ${importName}\n` +
    "if __name__ == '__main__':\n" +
    "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n" +
    `    sys.exit(${ep.attr}())\n`
  );
}

export type ScriptPlatform = "posix" | "windows";

/** The file contents of the launcher for `ep`, run by `python`. */
export function launcherScript(ep: EntryPoint, python: string, platform: ScriptPlatform = "posix"): string {
  if (platform === "windows") {
    throw new EntryPointError(
      "scripts-windows-unsupported",
      `Cannot create the launcher ${JSON.stringify(ep.name)}: Windows .exe launchers are not supported yet`,
    );
  }
  return shebang(python) + launcherBody(ep);
}

const PYTHON_SHEBANG = [0x23, 0x21, 0x70, 0x79, 0x74, 0x68, 0x6f, 0x6e]; // "#!python"

/**
 * A `.data/scripts` file with its `#!python…` first line replaced by `#!<python>`, or undefined when
 * the file does not start with `#!python` (then it is installed unchanged).
 */
export function rewriteScriptShebang(data: Uint8Array, python: string): Uint8Array | undefined {
  if (data.length < PYTHON_SHEBANG.length) return undefined;
  for (let i = 0; i < PYTHON_SHEBANG.length; i++) if (data[i] !== PYTHON_SHEBANG[i]) return undefined;
  let eol = data.indexOf(0x0a);
  eol = eol < 0 ? data.length : eol + 1;
  const head = new TextEncoder().encode(`#!${python}\n`);
  const out = new Uint8Array(head.length + data.length - eol);
  out.set(head, 0);
  out.set(data.subarray(eol), head.length);
  return out;
}

/**
 * True for a `.data/scripts` file that setuptools generated for one of the entry points (`name`,
 * `name.exe`, `name-script.py`, `name.pya`): the launcher written for the entry point replaces it.
 */
export function isEntryPointWrapper(file: string, eps: ScriptEntryPoints): boolean {
  const lower = file.toLowerCase();
  let stem = file;
  if (lower.endsWith(".exe") || lower.endsWith(".pya")) stem = file.slice(0, -4);
  else if (lower.endsWith("-script.py")) stem = file.slice(0, -10);
  return eps.console.some((e) => e.name === stem) || eps.gui.some((e) => e.name === stem);
}
