/**
 * Remembering which executable a pyenv shim runs, so that a warm run does not start the shim (a
 * chain of bash scripts: 0.1–0.2 s each, and discovery may try several `python3.X` shims on PATH).
 *
 * A shim's answer depends on what pyenv reads, never on the shim's bytes: `PYENV_VERSION`, the
 * nearest `.python-version` walking up from `PYENV_DIR` (default: the working directory), else
 * `$PYENV_ROOT/version`, and which versions are installed (`$PYENV_ROOT/versions`); `system` and
 * hooks follow `PATH`. All of these go into a stamp; an answer is reused only under the same stamp,
 * and a remembered executable that no longer exists is asked again. A shim that failed (the version
 * pyenv selects has no such command) is remembered as the same failure.
 *
 * Pitfall: only pyenv's own shims (a script exporting `PYENV_ROOT` and running `libexec/pyenv
 * exec`) are recognised; any other script that picks a Python (asdf, a hand-written wrapper) may
 * read anything, so it is asked every time.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** What a pyenv shim answered: the real executable, or the failure message. */
export type ShimAnswer = { executable: string } | { error: string };

/** `$PYENV_ROOT` as a pyenv shim's text sets it, or undefined when `text` is not a pyenv shim. */
export function pyenvShimRoot(text: string): string | undefined {
  if (!/libexec\/pyenv"?\s+exec\s/.test(text)) return undefined;
  return /^export PYENV_ROOT="([^"]+)"$/m.exec(text)?.[1];
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function mtimeOrNone(path: string): string {
  try {
    return String(statSync(path).mtimeMs);
  } catch {
    return "none";
  }
}

/** The nearest `.python-version` at or above `dir` (path and contents), as pyenv-version-file finds it. */
function nearestVersionFile(dir: string): string {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const file = join(d, ".python-version");
    if (existsSync(file)) return `${file}\n${readOrEmpty(file)}`;
    if (dirname(d) === d) return "";
  }
}

/** Everything the shim's choice depends on, hashed. */
export function pyenvShimStamp(shim: string, root: string, env: NodeJS.ProcessEnv, cwd: string): string {
  const st = statSync(shim);
  const parts = [
    "pyenv-shim-v1",
    shim,
    `${st.size}:${st.mtimeMs}`,
    root,
    env.PYENV_ROOT ?? "",
    env.PYENV_VERSION ?? "",
    env.PYENV_DIR ?? "",
    env.PATH ?? "",
    nearestVersionFile(env.PYENV_DIR ?? cwd),
    readOrEmpty(join(root, "version")),
    mtimeOrNone(join(root, "versions")),
  ];
  return createHash("sha256").update(parts.join("\0")).digest("hex");
}

function answerFile(cacheDir: string, stamp: string): string {
  return join(cacheDir, "interpreter-v1", `shim-${stamp.slice(0, 32)}.json`);
}

/** The remembered answer under `stamp`, if any and still valid. */
export function cachedShimAnswer(cacheDir: string, stamp: string): ShimAnswer | undefined {
  let saved: { stamp?: string; answer?: ShimAnswer };
  try {
    saved = JSON.parse(readFileSync(answerFile(cacheDir, stamp), "utf8")) as typeof saved;
  } catch {
    return undefined;
  }
  const answer = saved.answer;
  if (saved.stamp !== stamp || answer === undefined) return undefined;
  if ("executable" in answer && !existsSync(answer.executable)) return undefined;
  return answer;
}

export function saveShimAnswer(cacheDir: string, stamp: string, answer: ShimAnswer): void {
  const file = answerFile(cacheDir, stamp);
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ stamp, answer }));
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs the next run a spawn.
  }
}
