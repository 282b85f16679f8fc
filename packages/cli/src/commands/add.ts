/**
 * `lockstep add REQ…` (and, through `runEdit`, `lockstep remove NAME…`): edit the project's dependencies (or an extra's,
 * with `--optional`, or a group's, with `--group`/`--dev`), re-lock, and sync. The edit is undone,
 * byte for byte, when locking fails. `--frozen` only edits pyproject.toml; `--no-sync` edits and
 * locks.
 */
import type { Argv } from "yargs";
import { UsageError } from "@lockstep/errors";
import type { DependencyTarget } from "@lockstep/pyproject";
import {
  INDEX_OPTIONS,
  INSTALL_OPTIONS,
  PARSER_CONFIG,
  RESOLVER_OPTIONS,
  settingFlags,
} from "./shared-options";
import type { InstallFlagArgs, SharedFlagArgs } from "./shared-options";
import { formatDuration, plural, warn } from "../output";
import type { Output } from "../output";
import { projectOption } from "./lock";
import { performSync } from "./sync";

export interface EditArgs extends SharedFlagArgs, InstallFlagArgs {
  project?: string | undefined;
  python?: string | undefined;
  frozen?: boolean | undefined;
  locked?: boolean | undefined;
  "no-sync"?: boolean | undefined;
  optional?: string | undefined;
  group?: string | undefined;
  dev?: boolean | undefined;
}

export interface AddArgs extends EditArgs {
  requirements?: string[] | undefined;
  editable?: boolean | undefined;
}

export function editFlags<T>(y: Argv<T>, verb: "Add" | "Remove") {
  // `--no-dev`, `--no-sync`, … are flags of their own, not negations of `--dev`, `--sync`.
  return projectOption(y.parserConfiguration(PARSER_CONFIG))
    .option("optional", {
      type: "string",
      describe: `${verb} to/from this extra ([project.optional-dependencies])`,
    })
    .option("group", { type: "string", describe: `${verb} to/from this dependency group` })
    .option("dev", { type: "boolean", describe: "The `dev` dependency group (same as --group dev)" })
    .option("python", { alias: "p", type: "string", describe: "The Python for the venv" })
    .option("frozen", { type: "boolean", describe: "Only edit pyproject.toml: do not lock or sync" })
    .option("locked", { type: "boolean", describe: "Fail if the lock would change" })
    .option("no-sync", { type: "boolean", describe: "Edit and lock, but do not sync the venv" })
    .options(INSTALL_OPTIONS)
    .options(INDEX_OPTIONS)
    .options(RESOLVER_OPTIONS)
    .conflicts("optional", ["group", "dev"])
    .conflicts("group", "dev")
    .conflicts("frozen", "locked");
}

export function addBuilder<T>(y: Argv<T>) {
  return editFlags(y, "Add")
    .positional("requirements", {
      type: "string",
      array: true,
      describe: "PEP 508 requirements, git+URLs, or paths (../lib, dist/x-1.0-py3-none-any.whl)",
    })
    .option("editable", {
      type: "boolean",
      describe: "Add a directory as an editable path source ({ path = …, editable = true })",
    });
}

function targetOf(args: EditArgs): DependencyTarget {
  if (args.optional !== undefined) return { kind: "extra", name: args.optional };
  if (args.dev) return { kind: "group", name: "dev" };
  if (args.group !== undefined) return { kind: "group", name: args.group };
  return { kind: "project" };
}

export async function runEdit(
  action: "add" | "remove",
  items: string[],
  args: EditArgs,
  out: Output,
  lockstepVersion: string,
): Promise<number> {
  if (items.length === 0)
    throw new UsageError(
      `\`lockstep ${action}\` needs at least one ${action === "add" ? "requirement" : "package name"}`,
    );
  const { editProject, prepareGitAdditions, preparePathAdditions } = await import("@lockstep/project");
  const target = targetOf(args);
  // `add git+https://…@v1`: the name goes to the dependencies, the repository to the sources.
  const git =
    action === "add"
      ? await prepareGitAdditions({
          items,
          project: args.project,
          cacheDir: args["cache-dir"] ?? (await import("@lockstep/index")).defaultCacheDir(),
          offline: args.offline,
        })
      : undefined;
  // `add ../lib [--editable]`: the name goes to the dependencies, the path to the sources.
  let paths: ReturnType<typeof preparePathAdditions> | undefined;
  try {
    paths =
      action === "add"
        ? preparePathAdditions({
            items: git?.requirements ?? items,
            editable: (args as AddArgs).editable === true,
            project: args.project,
          })
        : undefined;
  } catch (err) {
    git?.restore();
    throw err;
  }
  const outcome = await editProject({
    action,
    requirements: paths?.requirements ?? git?.requirements ?? items,
    target,
    mode: args.frozen ? "frozen" : args.locked ? "locked" : "lock",
    project: args.project,
    ...settingFlags(args),
    lockstepVersion,
  }).catch((err: unknown) => {
    paths?.restore();
    git?.restore();
    throw err;
  });
  if (!outcome.lock) return 0;
  for (const w of outcome.lock.warnings) warn(out, w);
  out.stderr(`Resolved ${plural(outcome.lock.packages, "package")} in ${formatDuration(outcome.lock.ms)}\n`);
  if (outcome.lock.kind === "resolved") for (const line of outcome.lock.changes) out.stderr(`${line}\n`);
  if (args["no-sync"]) return 0;
  await performSync(
    {
      project: args.project,
      python: args.python,
      // The lock was just settled; the sync reads it as it is.
      frozen: true,
      ...(target.kind === "group" && action === "add" ? { group: [target.name] } : {}),
      "link-mode": args["link-mode"],
      "compile-bytecode": args["compile-bytecode"],
      "index-url": args["index-url"],
      "extra-index-url": args["extra-index-url"],
      "find-links": args["find-links"],
      offline: args.offline,
      "cache-dir": args["cache-dir"],
    },
    out,
    lockstepVersion,
    { lockPrinted: true },
  );
  return 0;
}

export function runAdd(args: AddArgs, out: Output, lockstepVersion: string): Promise<number> {
  return runEdit("add", args.requirements ?? [], args, out, lockstepVersion);
}
