/**
 * `lockstep remove NAME…`: take packages out of the project's dependencies (or an extra's, with
 * `--optional`, or a group's, with `--group`/`--dev`), re-lock and sync — `add`'s path in reverse
 * (see `add.ts`). Naming a package that is not there is an error and changes nothing.
 */
import type { Argv } from "yargs";
import type { Output } from "../output";
import { editFlags, runEdit } from "./add";
import type { EditArgs } from "./add";

export interface RemoveArgs extends EditArgs {
  packages?: string[] | undefined;
}

export function removeBuilder<T>(y: Argv<T>) {
  return editFlags(y, "Remove").positional("packages", {
    type: "string",
    array: true,
    describe: "Package names",
  });
}

export function runRemove(args: RemoveArgs, out: Output, lockstepVersion: string): Promise<number> {
  return runEdit("remove", args.packages ?? [], args, out, lockstepVersion);
}
