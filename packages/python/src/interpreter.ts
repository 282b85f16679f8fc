/**
 * One Python interpreter, as it describes itself: its PEP 508 marker environment, what PEP 425 tags
 * need (implementation, version, platform, libc, macOS version), and its install scheme relative to a
 * prefix. Asked once per interpreter and cached on disk by path, size and modification time, so a
 * warm run never starts Python just to learn what it already knows.
 *
 * Pitfall: a shim (pyenv's, asdf's: a script that picks a Python by `.python-version`,
 * `PYENV_VERSION`, the directory…) runs a different interpreter tomorrow while its own bytes never
 * change, so it is never cached or kept: it is asked once which executable it runs now
 * (`sys.executable`, real path), and that executable is queried, cached and returned instead. pyenv's
 * own shims are the exception: their answer is remembered under a stamp of everything pyenv reads
 * to choose (`pyenv-shim.ts`), so a warm run starts no shim at all.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { LockstepError } from "@lockstep/errors";
import type { MarkerEnvironment } from "@lockstep/pep508";
import { cachedShimAnswer, pyenvShimRoot, pyenvShimStamp, saveShimAnswer } from "./pyenv-shim";
import { QUERY_SCRIPT } from "./query-script";

export interface InterpreterInfo {
  /** The path we were given (may be a symlink, e.g. a venv's bin/python). */
  path: string;
  markers: MarkerEnvironment;
  executable: string;
  prefix: string;
  basePrefix: string;
  baseExecutable: string;
  version: [number, number, number];
  pointerSize: 32 | 64;
  /** sysconfig.get_platform(), e.g. "linux-x86_64", "macosx-11.0-arm64", "win-amd64". */
  platform: string;
  soabi: string | null;
  abiflags: string;
  gilDisabled: boolean;
  libc: { kind: "glibc" | "musl"; version: string } | null;
  macosVersion: string;
  /** Install scheme with `{base}` standing for the prefix: purelib, platlib, scripts, include, data. */
  scheme: Record<string, string>;
  isVenv: boolean;
}

const CACHE_VERSION = 1;

export class InterpreterError extends LockstepError {}

function cacheKey(path: string): { key: string; stamp: string } {
  const real = realpathSync(path);
  const st = statSync(real);
  return {
    key: createHash("sha256").update(path).digest("hex").slice(0, 24),
    stamp: `${CACHE_VERSION}:${real}:${st.size}:${st.mtimeMs}`,
  };
}

/** Run the query script with `path`. */
export function runQuery(path: string): InterpreterInfo {
  const res = spawnSync(path, ["-E", "-s", "-c", QUERY_SCRIPT], { encoding: "utf8", timeout: 30_000 });
  if (res.error || res.status !== 0) {
    const detail = res.error ? res.error.message : (res.stderr || "").trim().split("\n").slice(-3).join("\n");
    throw new InterpreterError(
      "interpreter-query-failed",
      `Failed to query the Python interpreter at ${path}: ${detail}`,
    );
  }
  const raw = JSON.parse(res.stdout) as Record<string, unknown>;
  return {
    path,
    markers: raw.markers as MarkerEnvironment,
    executable: raw.executable as string,
    prefix: raw.prefix as string,
    basePrefix: raw.base_prefix as string,
    baseExecutable: raw.base_executable as string,
    version: raw.version as [number, number, number],
    pointerSize: raw.pointer_size as 32 | 64,
    platform: raw.platform as string,
    soabi: (raw.soabi as string | null) ?? null,
    abiflags: (raw.abiflags as string) ?? "",
    gilDisabled: Boolean(raw.gil_disabled),
    libc: (raw.libc as InterpreterInfo["libc"]) ?? null,
    macosVersion: (raw.macos_version as string) ?? "",
    scheme: (raw.scheme as Record<string, string>) ?? {},
    isVenv: Boolean(raw.is_venv),
  };
}

/** The first bytes of the file at `path` (symlinks followed) when it is a script (`#!`), else undefined. */
function scriptHead(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(realpathSync(path), "r");
    const head = Buffer.alloc(1024);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, n).toString("latin1");
    return text.startsWith("#!") ? text : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The real executable a shim runs now. */
function resolveShim(path: string): string {
  const res = spawnSync(path, ["-E", "-s", "-c", "import os, sys; print(os.path.realpath(sys.executable))"], {
    encoding: "utf8",
    timeout: 30_000,
  });
  const real = res.stdout?.trim();
  if (res.error || res.status !== 0 || !real) {
    const detail = res.error ? res.error.message : (res.stderr || "").trim().split("\n").slice(-3).join("\n");
    throw new InterpreterError(
      "interpreter-query-failed",
      `Failed to query the Python interpreter at ${path}: ${detail}`,
    );
  }
  return real;
}

/**
 * `resolveShim`, answered from the cache for pyenv's own shims while nothing pyenv reads changed
 * (`pyenv-shim.ts`); any other script is asked every time.
 */
function resolveShimCached(path: string, head: string, cacheDir: string | undefined): string {
  const root = cacheDir === undefined ? undefined : pyenvShimRoot(head);
  if (cacheDir === undefined || root === undefined) return resolveShim(path);
  const stamp = pyenvShimStamp(path, root, process.env, process.cwd());
  const known = cachedShimAnswer(cacheDir, stamp);
  if (known !== undefined) {
    if ("executable" in known) return known.executable;
    throw new InterpreterError("interpreter-query-failed", known.error);
  }
  try {
    const executable = resolveShim(path);
    saveShimAnswer(cacheDir, stamp, { executable });
    return executable;
  } catch (error) {
    if (error instanceof InterpreterError) saveShimAnswer(cacheDir, stamp, { error: error.message });
    throw error;
  }
}

/**
 * Query `path`, answering from `<cacheDir>/interpreter-v1/` when the binary is unchanged. A shim is
 * resolved first: the answer is the executable it runs (its `path` is that executable).
 */
export function queryInterpreter(given: string, cacheDir?: string): InterpreterInfo {
  const head = scriptHead(given);
  const path = head === undefined ? given : resolveShimCached(given, head, cacheDir);
  let stamp: { key: string; stamp: string };
  try {
    stamp = cacheKey(path);
  } catch (cause) {
    throw new InterpreterError("interpreter-missing", `No Python interpreter at ${path}`, { cause });
  }
  const file = cacheDir ? join(cacheDir, "interpreter-v1", `${stamp.key}.json`) : undefined;
  if (file) {
    try {
      const cached = JSON.parse(readFileSync(file, "utf8")) as { stamp: string; info: InterpreterInfo };
      if (cached.stamp === stamp.stamp) return cached.info;
    } catch {
      // no cache entry yet
    }
  }
  const info = runQuery(path);
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ stamp: stamp.stamp, info }));
    renameSync(tmp, file);
  }
  return info;
}

/** `python_full_version` as a display string, e.g. "CPython 3.12.1". */
export function describe(info: InterpreterInfo): string {
  return `${info.markers.platform_python_implementation} ${info.markers.python_full_version}`;
}

/** Scheme paths for a concrete prefix (venv). */
export function schemeFor(info: InterpreterInfo, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(info.scheme)) out[k] = v.split("{base}").join(prefix);
  return out;
}
