/**
 * `lockstep python find` and `lockstep python pin`: which interpreter a request picks, and pinning
 * one for a project in `.python-version` (the file pyenv, uv and lockstep's own discovery read).
 *
 * Inside a project, `find` without a request honours the project as `sync` would: its
 * `.python-version` and its `requires-python`. `pin` writes in the directory of the nearest
 * pyproject.toml (the working directory when there is none), and refuses a version the project's
 * `requires-python` excludes (the pin would make every sync fail); a request that no installed
 * interpreter satisfies is written with a warning (it may be installed later).
 *
 * Pitfall: a pin like `3.12` is checked against requires-python as the interpreter found for it
 * (e.g. 3.12.1), or as `3.12` itself when none is installed; comparing the bare `3.12` alone would
 * wrongly refuse `>=3.12.1`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { LockstepError, UsageError } from "@lockstep/errors";
import { SpecifierSet, Version } from "@lockstep/pep440";
import { readProject } from "@lockstep/pyproject";
import { defaultCacheDir } from "@lockstep/index";
import {
  findInterpreter,
  findPythonVersionFile,
  listInterpreters,
  parsePythonRequest,
} from "@lockstep/python";
import type { InterpreterInfo, InterpreterList } from "@lockstep/python";

function nearestProjectDir(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pyproject.toml"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function requiresPythonOf(dir: string | undefined): SpecifierSet | undefined {
  if (dir === undefined) return undefined;
  return readProject(join(dir, "pyproject.toml")).requiresPython?.specifiers;
}

export interface FindPythonOptions {
  request?: string | undefined;
  cwd?: string | undefined;
  cacheDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

/** The interpreter `request` picks (inside a project without a request: as `sync` would pick it). */
export function findPython(opts: FindPythonOptions): InterpreterInfo {
  const cwd = opts.cwd ?? process.cwd();
  opts = { ...opts, cacheDir: opts.cacheDir ?? defaultCacheDir(opts.env) };
  if (opts.request !== undefined) {
    return findInterpreter({ request: opts.request, cacheDir: opts.cacheDir, env: opts.env });
  }
  const dir = nearestProjectDir(cwd);
  return findInterpreter({
    projectDir: dir ?? cwd,
    requiresPython: requiresPythonOf(dir),
    cacheDir: opts.cacheDir,
    env: opts.env,
  });
}

export interface PinOptions {
  /** Undefined: report the current pin. */
  request?: string | undefined;
  cwd?: string | undefined;
  cacheDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export interface PinOutcome {
  path: string;
  previous: string | undefined;
  pinned: string;
  /** The interpreter that satisfies the pin, when one is installed. */
  interpreter: InterpreterInfo | undefined;
  warnings: string[];
}

export function pinPython(opts: PinOptions): PinOutcome {
  const cwd = opts.cwd ?? process.cwd();
  opts = { ...opts, cacheDir: opts.cacheDir ?? defaultCacheDir(opts.env) };
  const projectDir = nearestProjectDir(cwd);
  const path = join(projectDir ?? resolve(cwd), ".python-version");
  const current = findPythonVersionFile(projectDir ?? cwd);
  if (opts.request === undefined) {
    if (current === undefined) {
      throw new LockstepError(
        "python-pin-missing",
        `No .python-version in ${projectDir ?? cwd} or its parents`,
        {
          hint: "pin one with `lockstep python pin 3.12`",
        },
      );
    }
    return {
      path: current.path,
      previous: current.request,
      pinned: current.request,
      interpreter: undefined,
      warnings: [],
    };
  }
  const text = opts.request.trim();
  if (text === "" || text === "any" || text === "default") {
    throw new UsageError(
      `python pin: expected a version like 3.12 or a path, got ${JSON.stringify(opts.request)}`,
    );
  }
  const request = parsePythonRequest(text, cwd);
  const warnings: string[] = [];
  let interpreter: InterpreterInfo | undefined;
  try {
    interpreter = findInterpreter({ request: text, cacheDir: opts.cacheDir, env: opts.env });
  } catch (err) {
    if (request.kind === "path") throw err;
    warnings.push(
      `No interpreter satisfying \`${text}\` is installed; it is pinned anyway (install one before syncing)`,
    );
  }
  const requiresPython = requiresPythonOf(projectDir);
  if (requiresPython !== undefined) {
    const m = request.kind === "version" ? /^(?:[a-z]+@?)?(\d+(?:\.\d+){0,2})$/i.exec(request.text) : null;
    const version = interpreter
      ? Version.parse(interpreter.markers.python_full_version)
      : m?.[1] !== undefined
        ? Version.parse(m[1])
        : undefined;
    if (version !== undefined && !requiresPython.contains(version, { prereleases: true })) {
      throw new LockstepError(
        "python-pin-incompatible",
        `The requested Python \`${text}\` (${version.toString()}) does not satisfy the project's requires-python \`${requiresPython.toString()}\``,
        {
          hint: `pin a version that satisfies ${requiresPython.toString()}, or change requires-python in ${join(projectDir ?? cwd, "pyproject.toml")}`,
        },
      );
    }
  }
  const previous = existsSync(path)
    ? readFileSync(path, "utf8")
        .split(/\r?\n/)
        .map((l) => l.trim())
        .find((l) => l && !l.startsWith("#"))
    : undefined;
  writeFileSync(path, `${text}\n`);
  return { path, previous, pinned: text, interpreter, warnings };
}

/** Every interpreter discovery sees from `cwd` (its `.venv` included), queries cached. */
export function listPythons(opts: FindPythonOptions): InterpreterList {
  return listInterpreters({
    projectDir: nearestProjectDir(opts.cwd ?? process.cwd()) ?? opts.cwd,
    cacheDir: opts.cacheDir ?? defaultCacheDir(opts.env),
    ...(opts.env === undefined ? {} : { env: opts.env }),
  });
}
