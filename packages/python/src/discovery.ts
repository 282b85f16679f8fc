/**
 * Finding a Python interpreter, as a uv user expects: an explicit `--python` (a path, or a version
 * request such as `3.12`, `3.12.1`, `>=3.10`, `cpython3.12`, `pypy@3.10`), else the nearest
 * `.python-version` file; candidates are looked for in the active `VIRTUAL_ENV`, the project's
 * `.venv`, then each `PATH` directory's `python3`, `python` and `python3.X` (newest first), then pyenv's versions. The first
 * candidate that satisfies both the request and the project's `requires-python` wins.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { SpecifierSet, Version } from "@lockstep/pep440";
import type { InterpreterInfo } from "./interpreter";
import { queryInterpreter } from "./interpreter";
import { findPythonVersionFile } from "./python-version-file";

export { findPythonVersionFile };

export type PythonRequest =
  | { kind: "any" }
  | { kind: "path"; path: string }
  | {
      kind: "version";
      implementation: "cpython" | "pypy" | undefined;
      specifiers: SpecifierSet;
      text: string;
    };

/** Parse a `--python` value or a `.python-version` line. */
export function parsePythonRequest(text: string, cwd = process.cwd()): PythonRequest {
  const t = text.trim();
  if (t === "" || t === "any" || t === "default") return { kind: "any" };
  if (
    t.includes("/") ||
    t.includes("\\") ||
    (existsSync(resolve(cwd, t)) && statSync(resolve(cwd, t)).isFile())
  ) {
    return { kind: "path", path: isAbsolute(t) ? t : resolve(cwd, t) };
  }
  const m = /^(cpython|python|pypy|cp|pp)?[@-]?(.*)$/i.exec(t);
  const implText = (m?.[1] ?? "").toLowerCase();
  const implementation =
    implText === "pypy" || implText === "pp"
      ? "pypy"
      : implText === "cpython" || implText === "cp"
        ? "cpython"
        : undefined;
  let rest = (m?.[2] ?? "").trim();
  if (/^\d{2,3}$/.test(rest) && (implText === "cp" || implText === "pp"))
    rest = `${rest[0]}.${rest.slice(1)}`;
  if (/^\d+(\.\d+){0,2}$/.test(rest)) {
    const parts = rest.split(".");
    const spec = parts.length === 3 ? `==${rest}` : `==${rest}.*`;
    return { kind: "version", implementation, specifiers: SpecifierSet.parse(spec), text: t };
  }
  try {
    return { kind: "version", implementation, specifiers: SpecifierSet.parse(rest), text: t };
  } catch (cause) {
    throw new LockstepError(
      "python-request-invalid",
      `Invalid Python request "${t}": expected a path, a version like 3.12, or specifiers like >=3.10`,
      { cause },
    );
  }
}

function venvPython(prefix: string): string {
  return process.platform === "win32" ? join(prefix, "Scripts", "python.exe") : join(prefix, "bin", "python");
}

/** Candidate executables in discovery order (unqueried, deduplicated, existing). */
export function candidatePaths(opts: { projectDir?: string | undefined; env?: NodeJS.ProcessEnv }): string[] {
  const env = opts.env ?? process.env;
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.includes(p) && existsSync(p)) out.push(p);
  };
  if (env.VIRTUAL_ENV) add(venvPython(env.VIRTUAL_ENV));
  if (opts.projectDir) add(venvPython(join(opts.projectDir, ".venv")));
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    const versioned = names
      .filter((n) => /^python3\.\d+$/.test(n))
      .sort((a, b) => Number(b.slice(8)) - Number(a.slice(8)));
    // uv's order within a directory: `python3` and `python` (what the user runs) before the
    // versioned names, which are only reached when those do not satisfy the request. Trying
    // `python3.13` first would also start a pyenv shim that fails for every version not selected.
    for (const n of ["python3", "python", ...versioned]) if (names.includes(n)) add(join(dir, n));
  }
  const pyenvRoot = env.PYENV_ROOT ?? join(homedir(), ".pyenv");
  let versions: string[] = [];
  try {
    versions = readdirSync(join(pyenvRoot, "versions"));
  } catch {
    versions = [];
  }
  const parsed = versions
    .map((v) => ({ v, parsed: Version.tryParse(v) }))
    .filter((x): x is { v: string; parsed: Version } => x.parsed !== undefined)
    .sort((a, b) => b.parsed.compare(a.parsed));
  for (const { v } of parsed) {
    add(join(pyenvRoot, "versions", v, "bin", "python3"));
    add(join(pyenvRoot, "versions", v, "bin", "python"));
  }
  return out;
}

export function satisfies(
  info: InterpreterInfo,
  request: PythonRequest,
  requiresPython?: SpecifierSet,
): boolean {
  const version = Version.parse(info.markers.python_full_version);
  if (requiresPython && !requiresPython.contains(version, { prereleases: true })) return false;
  if (request.kind === "version") {
    if (request.implementation && info.markers.implementation_name !== request.implementation) return false;
    if (!request.specifiers.contains(version, { prereleases: true })) return false;
  }
  return true;
}

export interface FindOptions {
  request?: string | undefined;
  requiresPython?: SpecifierSet | undefined;
  projectDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cacheDir?: string | undefined;
}

export function findInterpreter(opts: FindOptions = {}): InterpreterInfo {
  const fromFile =
    opts.request === undefined && opts.projectDir ? findPythonVersionFile(opts.projectDir) : undefined;
  const requestText = opts.request ?? fromFile?.request;
  const request =
    requestText === undefined ? ({ kind: "any" } as const) : parsePythonRequest(requestText, opts.projectDir);
  if (request.kind === "path") {
    const info = queryInterpreter(request.path, opts.cacheDir);
    if (opts.requiresPython && !satisfies(info, { kind: "any" }, opts.requiresPython)) {
      throw new LockstepError(
        "python-incompatible",
        `The interpreter at ${request.path} is Python ${info.markers.python_full_version}, which does not satisfy the project's requires-python ${opts.requiresPython.toString()}`,
      );
    }
    return info;
  }
  const seen: string[] = [];
  for (const path of candidatePaths({ projectDir: opts.projectDir, env: opts.env })) {
    let info: InterpreterInfo;
    try {
      info = queryInterpreter(path, opts.cacheDir);
    } catch {
      continue;
    }
    if (satisfies(info, request, opts.requiresPython)) return info;
    seen.push(`${info.markers.python_full_version} (${path})`);
  }
  const wanted = [
    request.kind === "version"
      ? `Python ${request.text}${fromFile ? ` (from ${fromFile.path})` : ""}`
      : "a Python",
    opts.requiresPython ? `satisfying requires-python ${opts.requiresPython.toString()}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  throw new LockstepError(
    "python-not-found",
    `No interpreter found for ${wanted} in VIRTUAL_ENV, .venv, PATH or pyenv`,
    {
      hint: seen.length
        ? `found: ${seen.slice(0, 8).join(", ")}${seen.length > 8 ? ", …" : ""}`
        : "install Python or pass --python PATH",
    },
  );
}
