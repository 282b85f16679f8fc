/**
 * `lockstep init [PATH]`: create a new project (pyproject.toml, .python-version, README.md,
 * .gitignore, the first code; see `@lockstep/project`'s init-project.ts for the layout rules).
 */
import type { Argv } from "yargs";
import { warn } from "../output";
import type { Output } from "../output";
import { cacheDirOption } from "./admin-options";

export interface InitArgs {
  path?: string | undefined;
  app?: boolean | undefined;
  lib?: boolean | undefined;
  package?: boolean | undefined;
  "no-package"?: boolean | undefined;
  name?: string | undefined;
  python?: string | undefined;
  vcs?: string | undefined;
  "build-backend"?: string | undefined;
  "cache-dir"?: string | undefined;
}

export function initBuilder<T>(y: Argv<T>) {
  return cacheDirOption(y)
    .positional("path", {
      type: "string",
      describe: "The project directory (default: the working directory)",
    })
    .option("app", { type: "boolean", describe: "An application (the default): a main.py, not built" })
    .option("lib", { type: "boolean", describe: "A library: a package under src/, built and installed" })
    .option("package", {
      type: "boolean",
      describe: "Build and install the project (src/ layout, [build-system])",
    })
    .option("no-package", {
      type: "boolean",
      describe: "Do not build the project (the default for an application)",
    })
    .option("name", {
      type: "string",
      requiresArg: true,
      describe: "The project name (default: the directory's name)",
    })
    .option("python", {
      alias: "p",
      type: "string",
      requiresArg: true,
      describe: "The Python to pin and require (e.g. 3.12); default: the first interpreter found",
    })
    .option("vcs", {
      type: "string",
      choices: ["git", "none"],
      requiresArg: true,
      describe: "Initialize a version control repository (default git, when git is installed)",
    })
    .option("build-backend", {
      type: "string",
      choices: ["hatchling", "setuptools", "flit-core", "pdm-backend"],
      requiresArg: true,
      describe: "The build backend of a package (default hatchling)",
    })
    .conflicts("app", "lib")
    .conflicts("package", "no-package");
}

export async function runInit(args: InitArgs, out: Output): Promise<number> {
  const { initProject } = await import("@lockstep/project");
  const outcome = initProject({
    path: args.path,
    kind: args.lib ? "lib" : "app",
    package: args.package ? true : args["no-package"] ? false : undefined,
    name: args.name,
    python: args.python,
    vcs: args.vcs as "git" | "none" | undefined,
    vcsExplicit: args.vcs !== undefined,
    buildBackend: args["build-backend"] as "hatchling" | undefined,
    cacheDir: args["cache-dir"],
  });
  for (const w of outcome.warnings) warn(out, w);
  const what =
    outcome.kind === "lib" ? "library" : outcome.isPackage ? "packaged application" : "application";
  out.stderr(
    `Initialized ${what} \`${outcome.name}\` at \`${outcome.root}\` (requires-python ${outcome.requiresPython}${outcome.gitInitialized ? ", git repository" : ""})\n`,
  );
  return 0;
}
