/**
 * `.python-version`: the nearest such file from a directory upwards names the Python a project
 * wants (its first non-blank, non-comment line, as pyenv and uv read it). Node built-ins only, and
 * exported as `@lockstep/python/python-version-file`, because the no-op sync check compares it on
 * the start-up path.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The nearest `.python-version` from `dir` upwards: its first non-comment line. */
export function findPythonVersionFile(dir: string): { path: string; request: string } | undefined {
  let d = resolve(dir);
  for (;;) {
    const f = join(d, ".python-version");
    if (existsSync(f)) {
      const line = readFileSync(f, "utf8")
        .split(/\r?\n/)
        .map((l) => l.trim())
        .find((l) => l && !l.startsWith("#"));
      if (line) return { path: f, request: line };
    }
    const parent = dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}
