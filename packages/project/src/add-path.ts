/**
 * `lockstep add ../lib [--editable]` (and `add dist/x-1.0-py3-none-any.whl`): as uv does, the
 * dependency is written by name and the path goes to `[tool.lockstep.sources]`
 * (`lib = { path = "../lib", editable = true }`).
 *
 * An argument is a path when it starts with `.`, `/` or `~/`, or names an existing directory or
 * `.whl`/`.tar.gz`/`.zip` file; anything else is left for the requirement parser. The name comes from
 * the directory's pyproject.toml `[project] name`, or the archive's file name. The path is written
 * relative to the pyproject.toml being edited (the member the command stands in), whatever
 * directory it was typed from.
 *
 * Pitfalls: a path that does not exist is an error naming it; `--editable` only makes sense for a
 * directory; the sources edit is undone with the rest of the edit when locking fails (`restore`).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join, relative, resolve, sep } from "node:path";
import { LockstepError, UsageError } from "@lockstep/errors";
import { readProject, setSource } from "@lockstep/pyproject";
import { SdistFilename, WheelFilename } from "@lockstep/wheel";
import { locateProject } from "./find-project";

export interface PathAdditions {
  /** The requirements with each path argument replaced by the package's name. */
  requirements: string[];
  /** Put pyproject.toml back as it was before the sources were written. */
  restore(): void;
}

const ARCHIVE = /\.(whl|tar\.gz|zip)$/;

function looksLikePath(item: string, cwd: string): boolean {
  if (/^(\.{1,2}(\/|\\|$)|\/|~\/)/.test(item)) return true;
  const abs = resolve(cwd, item);
  return existsSync(abs) && (statSync(abs).isDirectory() || ARCHIVE.test(item));
}

function nameOf(abs: string, item: string): string {
  if (statSync(abs).isDirectory()) {
    const pyproject = join(abs, "pyproject.toml");
    const name = existsSync(pyproject) ? readProject(pyproject).name : undefined;
    if (name === undefined) {
      throw new LockstepError(
        "path-add-name-unknown",
        `Cannot tell the package name of ${JSON.stringify(item)}: ${existsSync(pyproject) ? "its pyproject.toml declares no [project] name" : "it has no pyproject.toml"}`,
        { hint: `add it as \`NAME @ file://${abs}\`` },
      );
    }
    return name;
  }
  const file = basename(abs);
  if (file.endsWith(".whl")) return WheelFilename.parse(file).name;
  return SdistFilename.parse(file).name;
}

/** Write a path source for every path argument in `items`, returning what `add` should add. */
export function preparePathAdditions(opts: {
  items: readonly string[];
  editable?: boolean | undefined;
  project?: string | undefined;
  cwd?: string | undefined;
}): PathAdditions {
  const cwd = opts.cwd ?? process.cwd();
  const pathItems = opts.items.filter((i) => looksLikePath(i, cwd));
  if (pathItems.length === 0) {
    if (opts.editable)
      throw new UsageError("--editable needs a directory to add (e.g. `add ../lib --editable`)");
    return { requirements: [...opts.items], restore: () => {} };
  }
  const located = locateProject({ project: opts.project, cwd });
  const memberDir = located.workspace.current.root;
  const path = join(memberDir, "pyproject.toml");
  const original = readFileSync(path);
  let text = original.toString("utf8");
  const names = new Map<string, string>();
  for (const item of pathItems) {
    const abs = item.startsWith("~/") ? join(homedir(), item.slice(2)) : resolve(cwd, item);
    if (!existsSync(abs)) {
      throw new LockstepError(
        "path-add-missing",
        `Cannot add ${JSON.stringify(item)}: the path ${abs} does not exist`,
      );
    }
    const isDir = statSync(abs).isDirectory();
    if (!isDir && !ARCHIVE.test(abs)) {
      throw new LockstepError(
        "path-add-kind",
        `Cannot add ${JSON.stringify(item)}: it is neither a directory nor a wheel or sdist (.whl, .tar.gz, .zip)`,
      );
    }
    if (opts.editable && !isDir) {
      throw new UsageError(
        `--editable: ${JSON.stringify(item)} is an archive; only a directory can be editable`,
      );
    }
    const name = nameOf(abs, item);
    const rel = relative(memberDir, abs).split(sep).join("/") || ".";
    const table = `{ path = ${JSON.stringify(rel)}${opts.editable ? ", editable = true" : ""} }`;
    text = setSource(text, name, table);
    names.set(item, name);
  }
  writeFileSync(path, text);
  return {
    requirements: opts.items.map((i) => names.get(i) ?? i),
    restore: () => writeFileSync(path, original),
  };
}
