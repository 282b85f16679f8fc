/**
 * `lockstep init`: a new project in a directory — pyproject.toml (PEP 621), `.python-version`, a
 * README, a `.gitignore` that keeps `.venv` out, and the first code, laid out as uv lays it out:
 * - an application (the default) is virtual: no `[build-system]`, a `main.py` beside pyproject.toml;
 * - `--package` (implied by `--lib`) makes it buildable: a `[build-system]`, the code under
 *   `src/<module>/`, and for an application a console script `<name> = "<module>:main"`;
 * - `--lib` also marks the package typed (`py.typed`).
 * The build backend defaults to hatchling, as uv's does; `--build-backend` picks another standard
 * one. A backend is a package like any other: building the project needs it on the index.
 *
 * Pitfalls: an existing pyproject.toml is never overwritten (the error names it); other files that
 * already exist (README.md, .gitignore, main.py, the package directory) are kept as they are. The
 * name comes from the directory unless `--name`, so a directory like `my app` is refused with a
 * hint rather than written as an invalid name. `requires-python` is `>=X.Y` of the interpreter found
 * (or of `--python X.Y` when no such interpreter is installed, with a warning), and
 * `.python-version` pins that `X.Y`. `git init` runs only when git exists and the directory is not
 * already inside a work tree (a project inside a monorepo must not get a nested repository).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { LockstepError, UsageError } from "@lockstep/errors";
import { defaultCacheDir } from "@lockstep/index";
import { canonicalizeName, isValidName } from "@lockstep/pep508";
import { findInterpreter, parsePythonRequest } from "@lockstep/python";

export const BUILD_BACKENDS = {
  hatchling: { requires: "hatchling", backend: "hatchling.build" },
  setuptools: { requires: "setuptools>=61", backend: "setuptools.build_meta" },
  "flit-core": { requires: "flit_core>=3.4,<4", backend: "flit_core.buildapi" },
  "pdm-backend": { requires: "pdm-backend", backend: "pdm.backend" },
} as const;
export type BuildBackendName = keyof typeof BUILD_BACKENDS;

export interface InitOptions {
  /** The directory (created when missing); default the working directory. */
  path?: string | undefined;
  cwd?: string | undefined;
  kind?: "app" | "lib" | undefined;
  /** Build and install the project itself; default false for an app, true for a library. */
  package?: boolean | undefined;
  name?: string | undefined;
  /** A Python request (`3.12`, `cpython@3.11`, a path). */
  python?: string | undefined;
  vcs?: "git" | "none" | undefined;
  /** Whether `vcs` was given explicitly (then a missing git is an error, not a silent skip). */
  vcsExplicit?: boolean | undefined;
  buildBackend?: BuildBackendName | undefined;
  cacheDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export interface InitOutcome {
  root: string;
  name: string;
  kind: "app" | "lib";
  isPackage: boolean;
  requiresPython: string;
  pythonVersion: string;
  /** Files written, relative to the root, in the order written. */
  written: string[];
  gitInitialized: boolean;
  warnings: string[];
}

/** The import name of a distribution name: `My.App-x` → `my_app_x`. */
export function moduleName(name: string): string {
  return canonicalizeName(name).replace(/-/g, "_");
}

function chooseName(opts: InitOptions, root: string): string {
  const name = opts.name ?? basename(root);
  if (isValidName(name)) return name;
  if (opts.name !== undefined) {
    throw new UsageError(
      `--name ${JSON.stringify(name)} is not a valid project name: use ASCII letters, digits, and . _ - inside, starting and ending with a letter or digit (PEP 508)`,
    );
  }
  throw new LockstepError(
    "init-invalid-name",
    `The directory name ${JSON.stringify(name)} is not a valid project name (PEP 508: ASCII letters, digits, and . _ - inside, starting and ending with a letter or digit)`,
    { hint: "pass --name NAME" },
  );
}

/** `X.Y` and `>=X.Y` from the interpreter found for the request, or from the request itself. */
function choosePython(opts: InitOptions, root: string, warnings: string[]) {
  let found: { major: number; minor: number } | undefined;
  let failure: unknown;
  try {
    const info = findInterpreter({
      request: opts.python,
      cacheDir: opts.cacheDir ?? defaultCacheDir(opts.env),
      env: opts.env,
    });
    found = { major: info.version[0], minor: info.version[1] };
  } catch (err) {
    failure = err;
  }
  if (found === undefined && opts.python !== undefined) {
    const request = parsePythonRequest(opts.python, root);
    const m = /(\d+)\.(\d+)/.exec(request.kind === "version" ? request.text : "");
    if (m === null) throw failure;
    found = { major: Number(m[1]), minor: Number(m[2]) };
    warnings.push(
      `No interpreter found for Python ${opts.python}; pinned ${found.major}.${found.minor} anyway (install it before syncing)`,
    );
  }
  if (found === undefined) throw failure;
  const version = `${found.major}.${found.minor}`;
  return { version, requiresPython: `>=${version}` };
}

function insideGitWorkTree(dir: string): boolean {
  const res = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: dir, encoding: "utf8" });
  return res.status === 0 && res.stdout.trim() === "true";
}

function gitAvailable(): boolean {
  const res = spawnSync("git", ["--version"], { encoding: "utf8" });
  return !res.error && res.status === 0;
}

function pyprojectText(o: {
  name: string;
  module: string;
  kind: "app" | "lib";
  isPackage: boolean;
  requiresPython: string;
  backend: BuildBackendName;
}): string {
  const lines = [
    "[project]",
    `name = "${o.name}"`,
    'version = "0.1.0"',
    'description = "Add your description here"',
    'readme = "README.md"',
    `requires-python = "${o.requiresPython}"`,
    "dependencies = []",
  ];
  if (o.kind === "app" && o.isPackage) {
    lines.push("", "[project.scripts]", `${o.name} = "${o.module}:main"`);
  }
  if (o.isPackage) {
    const b = BUILD_BACKENDS[o.backend];
    lines.push("", "[build-system]", `requires = ["${b.requires}"]`, `build-backend = "${b.backend}"`);
  }
  return `${lines.join("\n")}\n`;
}

export function initProject(opts: InitOptions): InitOutcome {
  const kind = opts.kind ?? "app";
  const isPackage = opts.package ?? kind === "lib";
  if (kind === "lib" && !isPackage) {
    throw new UsageError("--lib cannot be combined with --no-package: a library is always a package");
  }
  const root = resolve(opts.cwd ?? process.cwd(), opts.path ?? ".");
  if (existsSync(root) && !statSync(root).isDirectory()) {
    throw new LockstepError("init-not-directory", `${root} exists and is not a directory`);
  }
  const pyproject = join(root, "pyproject.toml");
  if (existsSync(pyproject)) {
    throw new LockstepError(
      "init-project-exists",
      `Project is already initialized in ${root}: ${pyproject} exists`,
      { hint: "edit it, or run `lockstep init` in another directory" },
    );
  }
  const name = chooseName(opts, root);
  const module = moduleName(name);
  const warnings: string[] = [];
  const python = choosePython(opts, root, warnings);
  const backend = opts.buildBackend ?? "hatchling";

  const written: string[] = [];
  const write = (rel: string, text: string) => {
    const path = join(root, rel);
    if (existsSync(path)) return;
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
    written.push(rel);
  };
  mkdirSync(root, { recursive: true });
  write(
    "pyproject.toml",
    pyprojectText({ name, module, kind, isPackage, requiresPython: python.requiresPython, backend }),
  );
  write(".python-version", `${python.version}\n`);
  write("README.md", `# ${name}\n`);
  write(
    ".gitignore",
    [
      "# Python-generated files",
      "__pycache__/",
      "*.py[oc]",
      "build/",
      "dist/",
      "*.egg-info",
      "",
      "# Virtual environments",
      ".venv",
      "",
    ].join("\n"),
  );
  const hello = `Hello from ${name}!`;
  if (!isPackage) {
    write(
      "main.py",
      `def main():\n    print(${JSON.stringify(hello)})\n\n\nif __name__ == "__main__":\n    main()\n`,
    );
  } else if (kind === "app") {
    write(`src/${module}/__init__.py`, `def main() -> None:\n    print(${JSON.stringify(hello)})\n`);
  } else {
    write(`src/${module}/__init__.py`, `def hello() -> str:\n    return ${JSON.stringify(hello)}\n`);
    write(`src/${module}/py.typed`, "");
  }

  let gitInitialized = false;
  const vcs = opts.vcs ?? "git";
  if (vcs === "git") {
    if (!gitAvailable()) {
      if (opts.vcsExplicit) {
        throw new LockstepError(
          "init-git-missing",
          "--vcs git was given, but git is not installed (or not on PATH)",
          {
            hint: "install git, or pass --vcs none",
          },
        );
      }
    } else if (!insideGitWorkTree(root)) {
      const res = spawnSync("git", ["init", "--quiet"], { cwd: root, encoding: "utf8" });
      if (res.status !== 0) {
        throw new LockstepError(
          "init-git-failed",
          `git init failed in ${root}: ${(res.stderr || "").trim()}`,
        );
      }
      gitInitialized = true;
    }
  }
  return {
    root,
    name,
    kind,
    isPackage,
    requiresPython: python.requiresPython,
    pythonVersion: python.version,
    written,
    gitInitialized,
    warnings,
  };
}
