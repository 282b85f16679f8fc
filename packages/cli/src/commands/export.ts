/**
 * `lockstep export`: the lock as a `requirements.txt` (pinned, hashed, with environment markers) for
 * pip, or as a copy of `pylock.toml`. Writes to stdout or `-o FILE`; never resolves.
 */
import { writeFileSync } from "node:fs";
import type { Argv } from "yargs";
import { warn } from "../output";
import type { Output } from "../output";
import { projectOption } from "./lock";
import { PARSER_CONFIG } from "./shared-options";

export interface ExportArgs {
  project?: string | undefined;
  format?: string | undefined;
  output?: string | undefined;
  hashes?: boolean | undefined;
  extra?: string[] | undefined;
  "all-extras"?: boolean | undefined;
  group?: string[] | undefined;
  "all-groups"?: boolean | undefined;
  dev?: boolean | undefined;
  "default-groups"?: boolean | undefined;
  frozen?: boolean | undefined;
  locked?: boolean | undefined;
}

export const EXPORT_FORMATS = ["requirements-txt", "pylock"];

export function exportBuilder<T>(y: Argv<T>) {
  // `--no-hashes`, `--no-dev`, `--no-default-groups` negate boolean flags here.
  return projectOption(y.parserConfiguration({ ...PARSER_CONFIG, "boolean-negation": true }))
    .option("format", {
      type: "string",
      choices: EXPORT_FORMATS,
      default: "requirements-txt",
      describe: "The output format",
    })
    .option("output", {
      alias: ["o", "output-file"],
      type: "string",
      describe: "Write to this file instead of stdout",
    })
    .option("hashes", {
      type: "boolean",
      default: true,
      describe: "Write --hash lines (--no-hashes to leave them out)",
    })
    .option("extra", { type: "string", array: true, describe: "Include this extra" })
    .option("all-extras", { type: "boolean", describe: "Include every extra" })
    .option("group", { type: "string", array: true, describe: "Include this dependency group" })
    .option("all-groups", { type: "boolean", describe: "Include every dependency group" })
    .option("dev", {
      type: "boolean",
      default: true,
      describe: "Include the dev group (--no-dev to leave it out)",
    })
    .option("default-groups", {
      type: "boolean",
      default: true,
      describe: "Include the default groups (--no-default-groups to leave them out)",
    })
    .option("frozen", { type: "boolean", describe: "Do not check the lock against pyproject.toml" })
    .option("locked", { type: "boolean", describe: "Fail if the lock is out of date" });
}

export async function runExport(args: ExportArgs, out: Output): Promise<number> {
  const { readProjectLock, exportRequirementsTxt } = await import("@lockstep/project");
  const { lock, text, warnings } = readProjectLock({
    project: args.project,
    frozen: args.frozen,
    locked: args.locked,
  });
  for (const w of warnings) warn(out, w);
  const result =
    args.format === "pylock"
      ? text
      : exportRequirementsTxt(lock, {
          extras: args.extra,
          allExtras: args["all-extras"],
          groups: args.group,
          allGroups: args["all-groups"],
          noDev: args.dev === false,
          noDefaultGroups: args["default-groups"] === false,
          hashes: args.hashes !== false,
        });
  if (args.output) {
    writeFileSync(args.output, result);
    out.stderr(`Wrote ${args.output}\n`);
  } else {
    out.stdout(result);
  }
  return 0;
}
