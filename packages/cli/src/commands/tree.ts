/**
 * `lockstep tree`: the locked dependency tree, from the project's requirements down (or, with
 * `--invert`, from packages up to what needs them). Reads pylock.toml; never resolves.
 */
import type { Argv } from "yargs";
import { UsageError } from "@lockstep/errors";
import { renderJson, warn } from "../output";
import { OUTPUT_FORMAT_OPTION } from "./shared-options";
import type { Output } from "../output";
import { projectOption } from "./lock";

export interface TreeArgs {
  project?: string | undefined;
  depth?: string | undefined;
  invert?: boolean | undefined;
  package?: string[] | undefined;
  frozen?: boolean | undefined;
  locked?: boolean | undefined;
  "output-format"?: string | undefined;
}

export function treeBuilder<T>(y: Argv<T>) {
  return (
    projectOption(y)
      // A string, checked below: yargs' number type turns `abc` into NaN.
      .option("depth", {
        alias: "d",
        type: "string",
        requiresArg: true,
        describe: "Levels of dependencies to show",
      })
      .option("invert", {
        type: "boolean",
        describe: "Show what depends on each package, from the leaves up",
      })
      .option("package", { type: "string", array: true, describe: "Show the tree of this package only" })
      .option("frozen", { type: "boolean", describe: "Do not check the lock against pyproject.toml" })
      .option("locked", { type: "boolean", describe: "Fail if the lock is out of date" })
      .options(OUTPUT_FORMAT_OPTION)
  );
}

export async function runTree(args: TreeArgs, out: Output): Promise<number> {
  if (args.depth !== undefined && !/^\d+$/.test(args.depth)) {
    throw new UsageError(`--depth: expected a whole number >= 0, got ${JSON.stringify(args.depth)}`);
  }
  const depth = args.depth === undefined ? undefined : Number(args.depth);
  const [{ readProjectLock }, { renderTree, treeJson }] = await Promise.all([
    import("@lockstep/project"),
    import("../render-tree"),
  ]);
  const { lock, warnings } = readProjectLock({
    project: args.project,
    frozen: args.frozen,
    locked: args.locked,
  });
  for (const w of warnings) warn(out, w);
  if (args["output-format"] === "json") {
    renderJson(out, treeJson(lock, { depth, invert: args.invert, packages: args.package }));
    return 0;
  }
  out.stdout(renderTree(lock, { depth, invert: args.invert, packages: args.package }));
  return 0;
}
