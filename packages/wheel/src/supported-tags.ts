/**
 * The ordered list of tags an interpreter accepts (PEP 425), most preferred first — the same order
 * `packaging.tags.sys_tags()` yields, so that we pick the wheel pip would pick.
 *
 * For CPython 3.12 on platform list P the order is:
 *   cp312-cp312-P…, cp312-abi3-P…, cp312-none-P…, cp311-abi3-P… … cp32-abi3-P…,
 *   py312-none-P…, py3-none-P…, py311-none-P… … py30-none-P…,
 *   cp312-none-any, py312-none-any, py3-none-any, py311-none-any … py30-none-any.
 *
 * Pitfalls: the interpreter-specific `cpXY-none-any` comes *between* the platform-specific generic tags
 * and the generic `any` ones; `abi3` does not apply to free-threaded builds
 * (their ABI is `cp313t`, their stable ABI is PEP 803's `abi3t`, as in packaging 26);
 * before 3.8 CPython's ABI carried the pymalloc flag (`cp37m`); PyPy uses the generic scheme
 * (`pp310-pypy310_pp73-P`) and `pp3-none-any`, not `pp310-none-any`.
 */

import { platformTags } from "./platform-tags";
import { DEFAULT_PYPY_VERSION, type TargetEnv } from "./target";
import { formatTag } from "./tag";

/** `py312`, `py3`, `py311` … `py30`: the order generic tags are tried in. */
function pythonRange(major: number, minor: number): string[] {
  const out = [`py${major}${minor}`, `py${major}`];
  for (let m = minor - 1; m >= 0; m--) out.push(`py${major}${m}`);
  return out;
}

function push(out: string[], interpreter: string, abi: string, platforms: readonly string[]): void {
  for (const platform of platforms) out.push(formatTag({ interpreter, abi, platform }));
}

/** Supported tags for `target`, as `interpreter-abi-platform` strings, most preferred first. */
export function supportedTags(target: TargetEnv): string[] {
  const [major, minor] = target.pythonVersion;
  const platforms = platformTags(target);
  const out: string[] = [];
  let specificAny: string;

  if (target.implementation === "cpython") {
    const interpreter = `cp${major}${minor}`;
    // Free-threaded builds cannot load abi3 extensions; PEP 803's abi3t takes its place.
    const stable =
      major > 3 || (major === 3 && minor >= 2) ? (target.freeThreaded ? "abi3t" : "abi3") : undefined;
    const abi = `${interpreter}${target.freeThreaded ? "t" : ""}${major === 3 && minor < 8 ? "m" : ""}`;
    push(out, interpreter, abi, platforms);
    if (stable) push(out, interpreter, stable, platforms);
    push(out, interpreter, "none", platforms);
    if (stable) {
      for (let m = minor - 1; m >= 2; m--) push(out, `cp${major}${m}`, stable, platforms);
    }
    specificAny = interpreter;
  } else {
    const [pypyMajor, pypyMinor] = target.pypyVersion ?? DEFAULT_PYPY_VERSION;
    const interpreter = `pp${major}${minor}`;
    push(out, interpreter, `pypy${major}${minor}_pp${pypyMajor}${pypyMinor}`, platforms);
    push(out, interpreter, "none", platforms);
    specificAny = `pp${major}`;
  }

  const range = pythonRange(major, minor);
  for (const python of range) push(out, python, "none", platforms);
  out.push(`${specificAny}-none-any`);
  for (const python of range) out.push(`${python}-none-any`);
  return out;
}
