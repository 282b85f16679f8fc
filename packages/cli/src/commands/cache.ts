/**
 * `lockstep cache dir|clean|prune|size`: where the global cache is, emptying it (or one package's
 * entries), dropping what nothing refers to, and how big it is. The work, and the rules that make
 * `clean` and `prune` safe beside a running lockstep, are `@lockstep/project`'s cache-admin.ts.
 */
import type { Argv } from "yargs";
import type { Output } from "../output";
import { plural } from "../output";
import { cacheDirOption, outputFormatOption, writeJson } from "./admin-options";
import type { OutputFormatArgs } from "./admin-options";

export interface CacheArgs extends OutputFormatArgs {
  packages?: string[] | undefined;
  "cache-dir"?: string | undefined;
}

export type CacheHandler = (sub: "dir" | "clean" | "prune" | "size", args: CacheArgs) => unknown;

export function cacheBuilder<T>(y: Argv<T>, handle: CacheHandler) {
  return y
    .command(
      "dir",
      "Print the cache directory",
      (s) => cacheDirOption(s),
      async (a) => void (await handle("dir", a as CacheArgs)),
    )
    .command(
      "clean [packages..]",
      "Remove the cache, or every entry of the named packages",
      (s) => cacheDirOption(s).positional("packages", { type: "string", array: true }),
      async (a) => void (await handle("clean", a as CacheArgs)),
    )
    .command(
      "prune",
      "Remove entries nothing refers to and temporary files of dead processes",
      (s) => cacheDirOption(s),
      async (a) => void (await handle("prune", a as CacheArgs)),
    )
    .command(
      "size",
      "Print the size of the cache",
      (s) => outputFormatOption(cacheDirOption(s)),
      async (a) => void (await handle("size", a as CacheArgs)),
    )
    .demandCommand(1, "Give a subcommand: dir, clean, prune or size");
}

export async function runCache(
  sub: "dir" | "clean" | "prune" | "size",
  args: CacheArgs,
  out: Output,
): Promise<number> {
  const admin = await import("@lockstep/project");
  const dir = admin.resolveCacheDir(args["cache-dir"]);
  if (sub === "dir") {
    out.stdout(`${dir}\n`);
    return 0;
  }
  if (sub === "size") {
    const size = admin.cacheSize(dir);
    if (args["output-format"] === "json") {
      writeJson(out, {
        dir,
        bytes: size.bytes,
        human: admin.humanBytes(size.bytes),
        files: size.files,
        buckets: size.buckets,
      });
    } else {
      out.stdout(
        `${admin.humanBytes(size.bytes)} (${size.bytes} bytes, ${plural(size.files, "file")}) in ${dir}\n`,
      );
    }
    return 0;
  }
  if (sub === "clean") {
    const r = admin.cleanCache(dir, args.packages ?? []);
    const entries = r.removed.length === 1 ? "1 entry" : `${r.removed.length} entries`;
    const what = args.packages?.length ? `${entries} of ${args.packages.join(", ")}` : entries;
    out.stderr(`Removed ${what} (${admin.humanBytes(r.bytes)}) from ${dir}\n`);
    if (r.keptLive.length > 0)
      out.stderr(
        `Kept ${r.keptLive.length === 1 ? "1 temporary entry" : `${r.keptLive.length} temporary entries`} a running lockstep is writing\n`,
      );
    return 0;
  }
  const r = admin.pruneCache(dir);
  out.stderr(
    `Pruned ${r.removed.length === 1 ? "1 entry" : `${r.removed.length} entries`} (${admin.humanBytes(r.bytes)}) from ${dir}\n`,
  );
  return 0;
}
