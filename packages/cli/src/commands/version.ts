/**
 * `lockstep version`: print the project's name and version, or bump/set it in pyproject.toml
 * (format-preserving; the PEP 440 bump rules are `@lockstep/pyproject`'s project-version.ts).
 * `lockstep self version` (and `--version`) print lockstep's own.
 */
import type { Argv } from "yargs";
import type { Output } from "../output";
import { outputFormatOption, writeJson } from "./admin-options";
import type { OutputFormatArgs } from "./admin-options";

export interface VersionArgs extends OutputFormatArgs {
  project?: string | undefined;
  short?: boolean | undefined;
  bump?: string[] | undefined;
  set?: string | undefined;
  "dry-run"?: boolean | undefined;
}

export const BUMP_CHOICES = ["major", "minor", "patch", "alpha", "beta", "rc", "post", "dev", "stable"];

export function versionBuilder<T>(y: Argv<T>) {
  return outputFormatOption(y)
    .option("project", {
      type: "string",
      requiresArg: true,
      describe: "The project directory (default: the nearest pyproject.toml upwards)",
    })
    .option("short", { type: "boolean", describe: "Print the version only" })
    .option("bump", {
      type: "string",
      array: true,
      nargs: 1,
      requiresArg: true,
      choices: BUMP_CHOICES,
      describe: "Raise the version (repeatable: --bump patch --bump beta)",
    })
    .option("set", { type: "string", requiresArg: true, describe: "Set the version to this PEP 440 version" })
    .option("dry-run", { type: "boolean", describe: "Print the new version without writing it" })
    .conflicts("bump", "set");
}

export async function runVersion(args: VersionArgs, out: Output): Promise<number> {
  const { projectVersion } = await import("@lockstep/project");
  const r = projectVersion({
    project: args.project,
    bump: args.bump as never,
    set: args.set,
    dryRun: args["dry-run"],
  });
  const changed = args.set !== undefined || (args.bump?.length ?? 0) > 0;
  if (args["output-format"] === "json") {
    writeJson(out, {
      name: r.name,
      version: r.version,
      ...(changed ? { previous: r.previous, written: r.written } : {}),
    });
    return 0;
  }
  if (args.short) out.stdout(`${r.version}\n`);
  else if (changed) out.stdout(`${r.name} ${r.previous} => ${r.version}\n`);
  else out.stdout(`${r.name} ${r.version}\n`);
  if (changed && args["dry-run"]) out.stderr(`Not written (--dry-run): ${r.path}\n`);
  return 0;
}

/** `self version`; `onVersion` is the handler run-cli.ts wraps (errors, exit code). */
export function selfBuilder<T>(y: Argv<T>, onVersion: (args: OutputFormatArgs) => unknown) {
  return y
    .command(
      "version",
      "Print lockstep's own version",
      (s) => outputFormatOption(s),
      async (a) => void (await onVersion(a as OutputFormatArgs)),
    )
    .demandCommand(1, "Give a subcommand: version");
}

export function runSelfVersion(args: OutputFormatArgs, out: Output, version: string): number {
  if (args["output-format"] === "json") writeJson(out, { name: "lockstep", version });
  else out.stdout(`lockstep ${version}\n`);
  return 0;
}
