/**
 * `lockstep upgrade [NAME…]`: raise the lower bounds in pyproject.toml to the locked versions
 * (`requests>=2.0` → `requests>=2.31.0`), then lock. `--dry-run` prints the edits and writes
 * nothing. The rules (pins, bare names and `~=` left alone) are `@lockstep/project/audit`'s
 * `upgradeProject`; this file declares the flags and prints what changed.
 */
import type { Argv } from "yargs";
import { INDEX_OPTIONS, RESOLVER_OPTIONS, settingFlags } from "./shared-options";
import type { SharedFlagArgs } from "./shared-options";
import { projectOption } from "./lock";
import { formatDuration, plural, warn } from "../output";
import type { Output } from "../output";

export interface UpgradeArgs extends SharedFlagArgs {
  packages?: string[] | undefined;
  project?: string | undefined;
  "dry-run"?: boolean | undefined;
}

export function upgradeBuilder<T>(y: Argv<T>) {
  return projectOption(y)
    .positional("packages", { type: "string", array: true, describe: "Only these packages" })
    .option("dry-run", { type: "boolean", describe: "Print the edits to pyproject.toml, write nothing" })
    .options(INDEX_OPTIONS)
    .options(RESOLVER_OPTIONS);
}

export async function runUpgrade(args: UpgradeArgs, out: Output, lockstepVersion: string): Promise<number> {
  const { upgradeProject } = await import("@lockstep/project/audit");
  const dryRun = args["dry-run"] === true;
  const o = await upgradeProject({
    ...settingFlags(args),
    project: args.project,
    names: args.packages,
    dryRun,
    lockstepVersion,
  });
  for (const w of o.lock.warnings) warn(out, w);
  const s = out.style;
  const red = (t: string) => (s ? s.red(t) : t);
  const green = (t: string) => (s ? s.green(t) : t);
  for (const e of o.edits) out.stderr(`${e.where}: ${red(e.from)} -> ${green(e.to)}\n`);
  if (o.edits.length === 0) out.stderr("No lower bound to raise: pyproject.toml is unchanged\n");
  if (dryRun) {
    if (o.edits.length > 0) out.stderr(`Dry run: would update ${o.pyproject} and lock\n`);
    return 0;
  }
  if (o.edits.length > 0) out.stderr(`Updated ${plural(o.edits.length, "requirement")} in ${o.pyproject}\n`);
  const final = o.relock ?? o.lock;
  out.stderr(`Resolved ${plural(final.packages, "package")} in ${formatDuration(final.ms)}\n`);
  const changes = [
    ...(o.lock.kind === "resolved" ? o.lock.changes : []),
    ...(o.relock?.kind === "resolved" ? o.relock.changes : []),
  ];
  for (const line of changes) out.stderr(`${line}\n`);
  return 0;
}
