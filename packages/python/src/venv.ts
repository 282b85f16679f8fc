/**
 * Creating a virtual environment (PEP 405) without running `python -m venv`: write `pyvenv.cfg`,
 * link the interpreter into `bin/` (`Scripts\` on Windows), create `site-packages`, and write the
 * activation scripts. The base interpreter is asked once (cached) for its install scheme, so the
 * layout matches what that Python expects (e.g. `lib/python3.12/site-packages`).
 *
 * Pitfalls: `home` in pyvenv.cfg must be the directory of the *base* interpreter, never another
 * venv's; the interpreter link must point at the real base binary; a 64-bit POSIX venv also gets a
 * `lib64 -> lib` link, as CPython's own venv module makes.
 */
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { ACTIVATE_CSH, ACTIVATE_FISH, ACTIVATE_PS1, ACTIVATE_SH, fillTemplate } from "./activate-scripts";
import type { InterpreterInfo } from "./interpreter";
import { queryInterpreter, schemeFor } from "./interpreter";

export interface Venv {
  root: string;
  bin: string;
  python: string;
  sitePackages: string;
  scheme: Record<string, string>;
}

export interface CreateVenvOptions {
  prompt?: string;
  /** Remove an existing directory first (it must look like a venv or be empty). */
  clear?: boolean;
  /**
   * Remove whatever is at the path first, venv or not (`lockstep venv --clear`). Without it, a file
   * or a non-empty directory that is not a venv is refused.
   */
  force?: boolean;
  lockstepVersion?: string;
  cacheDir?: string | undefined;
}

function isWindows(info: InterpreterInfo): boolean {
  return info.markers.os_name === "nt";
}

/** Describe a venv's paths for `info` (without creating anything). */
export function venvLayout(root: string, info: InterpreterInfo): Venv {
  const abs = resolve(root);
  const scheme = schemeFor(info, abs);
  const bin = scheme.scripts ?? join(abs, isWindows(info) ? "Scripts" : "bin");
  const pyName = isWindows(info) ? "python.exe" : "python";
  const sitePackages =
    scheme.purelib ?? join(abs, "lib", `python${info.version[0]}.${info.version[1]}`, "site-packages");
  return {
    root: abs,
    bin,
    python: join(bin, pyName),
    sitePackages,
    scheme: { ...scheme, purelib: sitePackages },
  };
}

/** The base (non-venv) interpreter behind `info`. */
export function baseInterpreter(info: InterpreterInfo): string {
  const candidate = info.isVenv ? info.baseExecutable : info.executable;
  return realpathSync(candidate);
}

export function createVenv(root: string, info: InterpreterInfo, opts: CreateVenvOptions = {}): Venv {
  const layout = venvLayout(root, info);
  if (existsSync(layout.root) || isDanglingLink(layout.root)) {
    if (!opts.force && !isDirectory(layout.root)) {
      // A plain file (or a dangling link) named like the venv is the user's, not ours to replace.
      throw new LockstepError(
        "venv-not-directory",
        `${layout.root} exists and is not a directory; refusing to replace it with a virtual environment`,
        { hint: "remove it, or choose another path (`lockstep venv --clear` replaces it)" },
      );
    }
    const isVenv = existsSync(join(layout.root, "pyvenv.cfg"));
    if (!opts.clear && !opts.force && isVenv) return layout;
    if (!opts.force && !isVenv && readdirSafe(layout.root).length > 0) {
      throw new LockstepError(
        "venv-not-empty",
        `${layout.root} exists and is not a virtual environment; refusing to overwrite it`,
        { hint: "remove it, or choose another path (`lockstep venv --clear` replaces it)" },
      );
    }
    rmSync(layout.root, { recursive: true, force: true });
  }
  const base = baseInterpreter(info);
  const prompt = opts.prompt ?? basename(dirname(layout.root));
  mkdirSync(layout.bin, { recursive: true });
  mkdirSync(layout.sitePackages, { recursive: true });
  const [maj, min, mic] = info.version;
  writeFileSync(
    join(layout.root, "pyvenv.cfg"),
    [
      `home = ${dirname(base)}`,
      `implementation = ${info.markers.platform_python_implementation}`,
      `version_info = ${maj}.${min}.${mic}`,
      `include-system-site-packages = false`,
      `lockstep = ${opts.lockstepVersion ?? "0.1.0"}`,
      `prompt = ${prompt}`,
      "",
    ].join("\n"),
  );
  writeFileSync(join(layout.root, ".gitignore"), "*\n");
  if (isWindows(info)) {
    copyFileSync(base, layout.python);
  } else {
    symlinkSync(base, layout.python);
    for (const alias of [`python${maj}`, `python${maj}.${min}`])
      symlinkSync("python", join(layout.bin, alias));
    const lib = join(layout.root, "lib");
    if (
      info.pointerSize === 64 &&
      info.markers.sys_platform !== "darwin" &&
      existsSync(lib) &&
      !existsSync(join(layout.root, "lib64"))
    ) {
      symlinkSync("lib", join(layout.root, "lib64"));
    }
  }
  const values = {
    VENV: layout.root,
    BIN: layout.bin,
    BINNAME: basename(layout.bin),
    PROMPT: prompt,
    SEP: isWindows(info) ? "\\" : "/",
    PATHSEP: isWindows(info) ? ";" : ":",
  };
  writeFileSync(join(layout.bin, "activate"), fillTemplate(ACTIVATE_SH, values));
  writeFileSync(join(layout.bin, "activate.fish"), fillTemplate(ACTIVATE_FISH, values));
  writeFileSync(join(layout.bin, "activate.csh"), fillTemplate(ACTIVATE_CSH, values));
  writeFileSync(join(layout.bin, "activate.ps1"), fillTemplate(ACTIVATE_PS1, values));
  return layout;
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Read an existing venv: its interpreter (queried, cached) and layout. */
export function openVenv(root: string, cacheDir?: string): { venv: Venv; info: InterpreterInfo } | undefined {
  const abs = resolve(root);
  if (!existsSync(join(abs, "pyvenv.cfg"))) return undefined;
  const py = [join(abs, "bin", "python"), join(abs, "Scripts", "python.exe")].find((p) => existsSync(p));
  if (!py) return undefined;
  const info = queryInterpreter(py, cacheDir);
  return { venv: venvLayout(abs, info), info };
}

/** The `version_info` recorded in pyvenv.cfg (cheap; no interpreter started). */
export function venvVersion(root: string): string | undefined {
  try {
    const m = /^version_info\s*=\s*(.+)$/m.exec(readFileSync(join(root, "pyvenv.cfg"), "utf8"));
    return m?.[1]?.trim();
  } catch {
    return undefined;
  }
}
