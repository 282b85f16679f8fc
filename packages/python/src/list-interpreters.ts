/**
 * Every interpreter discovery can see (`lockstep python list`), in the order `findInterpreter` tries
 * them, each asked once (cached) for what it is. The same interpreter reached by several names
 * (`python3`, `python3.12`, a symlink, a pyenv shim) is listed once, under the first name, keyed by
 * the `sys.executable` it reports; a venv is listed apart from its base because its prefix differs.
 *
 * Pitfall: a candidate that cannot be queried (a pyenv shim for a version that is not installed, a
 * broken link, Python 2 without `json`'s needs) is reported as skipped with the reason, not dropped
 * in silence, so a user can tell why an interpreter they expected is missing.
 */
import { realpathSync } from "node:fs";
import { candidatePaths } from "./discovery";
import type { InterpreterInfo } from "./interpreter";
import { queryInterpreter } from "./interpreter";

export interface ListedInterpreter {
  path: string;
  implementation: string;
  version: string;
  /** The binary the path resolves to. */
  executable: string;
  isVenv: boolean;
  info: InterpreterInfo;
}

export interface InterpreterList {
  interpreters: ListedInterpreter[];
  skipped: { path: string; reason: string }[];
}

export function listInterpreters(opts: {
  projectDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cacheDir?: string | undefined;
}): InterpreterList {
  const interpreters: ListedInterpreter[] = [];
  const skipped: InterpreterList["skipped"] = [];
  const seen = new Set<string>();
  for (const path of candidatePaths({ projectDir: opts.projectDir, env: opts.env })) {
    let info: InterpreterInfo;
    try {
      realpathSync(path);
      info = queryInterpreter(path, opts.cacheDir);
    } catch (err) {
      skipped.push({ path, reason: (err as Error).message });
      continue;
    }
    // A pyenv shim and the binary it runs are one interpreter: key by what Python reports.
    const key = `${info.prefix}\0${realOrSelf(info.executable)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    interpreters.push({
      path,
      implementation: info.markers.platform_python_implementation,
      version: info.markers.python_full_version,
      executable: realOrSelf(info.executable),
      isVenv: info.isVenv,
      info,
    });
  }
  return { interpreters, skipped };
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
