/**
 * `lockstep venv`: create a virtual environment (default: the project's `.venv`, or `./.venv`
 * outside a project) with the interpreter a request picks, optionally seeded with pip.
 *
 * The interpreter is chosen as `sync` chooses it — `--python`, else the nearest `.python-version`,
 * and (without `--python`) the project's `requires-python` — but never from the venv being
 * replaced or the active `VIRTUAL_ENV`: a venv must be built on a base interpreter, and the one at
 * the target path is about to be removed.
 *
 * Replacing: an existing venv at the path is recreated (the outcome says so, for the user to hear);
 * a file or a non-empty directory that is not a venv is refused unless `--clear`, which removes
 * whatever is there.
 */
import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { defaultCacheDir } from "@lockstep/index";
import { SpecifierSet } from "@lockstep/pep440";
import { readProject } from "@lockstep/pyproject";
import { createVenv, findInterpreter, findPythonVersionFile, seedPip } from "@lockstep/python";
import type { InterpreterInfo, Venv } from "@lockstep/python";
import { projectEnvironment } from "./sync-state";

export interface CreateVenvCommandOptions {
  path?: string | undefined;
  cwd?: string | undefined;
  python?: string | undefined;
  seed?: boolean | undefined;
  prompt?: string | undefined;
  clear?: boolean | undefined;
  cacheDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
  lockstepVersion?: string | undefined;
}

export interface CreateVenvOutcome {
  venv: Venv;
  interpreter: InterpreterInfo;
  /** Where the request came from: `--python`, a `.python-version` path, or undefined (any). */
  requestSource: string | undefined;
  /** An existing venv (or, with --clear, whatever was there) was removed first. */
  replaced: boolean;
  /** The pip version installed by `--seed`. */
  pip: string | undefined;
}

function nearestProjectDir(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pyproject.toml"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function createProjectVenv(opts: CreateVenvCommandOptions): CreateVenvOutcome {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const env = { ...(opts.env ?? process.env) };
  const projectDir = nearestProjectDir(cwd);
  const target =
    opts.path !== undefined
      ? resolve(cwd, opts.path)
      : projectDir !== undefined
        ? projectEnvironment(projectDir, env)
        : join(cwd, ".venv");
  const fromFile = opts.python === undefined ? findPythonVersionFile(projectDir ?? cwd) : undefined;
  let requiresPython: SpecifierSet | undefined;
  if (opts.python === undefined && projectDir !== undefined) {
    requiresPython = readProject(join(projectDir, "pyproject.toml")).requiresPython?.specifiers;
  }
  delete env.VIRTUAL_ENV;
  const interpreter = findInterpreter({
    request: opts.python ?? fromFile?.request,
    requiresPython,
    cacheDir: opts.cacheDir ?? defaultCacheDir(env),
    env,
  });
  const replaced = existsSync(target);
  const prompt = opts.prompt === "." ? basename(cwd) : opts.prompt;
  const venv = createVenv(target, interpreter, {
    clear: true,
    force: opts.clear === true,
    ...(prompt === undefined ? {} : { prompt }),
    ...(opts.lockstepVersion === undefined ? {} : { lockstepVersion: opts.lockstepVersion }),
    cacheDir: opts.cacheDir,
  });
  const pip = opts.seed ? seedPip(venv) : undefined;
  return {
    venv,
    interpreter,
    requestSource: opts.python !== undefined ? "--python" : fromFile?.path,
    replaced,
    pip,
  };
}
