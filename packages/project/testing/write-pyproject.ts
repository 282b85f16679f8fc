/**
 * A minimal project for tests: `[project]` with `name`, version 0.1.0, `requires-python = ">=3.9"`
 * and `dependencies`, then `extra` verbatim (sources, indexes, settings), written to
 * `dir/pyproject.toml`; `dir` is created if missing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function writePyproject(
  dir: string,
  name: string,
  dependencies: readonly string[],
  extra = "",
): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "pyproject.toml"),
    [
      "[project]",
      `name = "${name}"`,
      'version = "0.1.0"',
      'requires-python = ">=3.9"',
      `dependencies = ${JSON.stringify(dependencies)}`,
      extra,
    ].join("\n"),
  );
  return dir;
}
