/**
 * `lockstep verify`: audit the venv against the lock (versions, wheel hashes, every installed file
 * against its RECORD) and list drift, tampering and strays; exit 1 when there is any, 0 when clean.
 * Never changes anything: `lockstep sync` is the repair. The selection flags are `sync`'s, workspace
 * members (`--package`, `--all-packages`) included.
 */
import type { Argv } from "yargs";
import type { VerifyOutcome, VerifyProblem } from "@lockstep/project/audit";
import { outputFormatOption } from "./admin-options";
import type { OutputFormatArgs } from "./admin-options";
import { projectOption } from "./lock";
import { selectionFromFlags } from "./selection-flags";
import { headline, plural, renderJson } from "../output";
import type { Output } from "../output";

export interface VerifyArgs extends OutputFormatArgs {
  project?: string | undefined;
  extra?: string[] | undefined;
  "all-extras"?: boolean | undefined;
  group?: string[] | undefined;
  "no-group"?: string[] | undefined;
  "all-groups"?: boolean | undefined;
  "no-default-groups"?: boolean | undefined;
  "no-dev"?: boolean | undefined;
  "no-install-project"?: boolean | undefined;
  package?: string[] | undefined;
  "all-packages"?: boolean | undefined;
  lockfile?: string | undefined;
  "cache-dir"?: string | undefined;
}

export function verifyBuilder<T>(y: Argv<T>) {
  const list = { type: "string", array: true, nargs: 1, requiresArg: true } as const;
  return outputFormatOption(projectOption(y))
    .option("extra", { ...list, describe: "The venv was synced with this extra" })
    .option("all-extras", { type: "boolean", describe: "The venv was synced with every extra" })
    .option("group", { ...list, describe: "The venv was synced with this dependency group" })
    .option("no-group", { ...list, describe: "The venv was synced without this dependency group" })
    .option("all-groups", { type: "boolean", describe: "The venv was synced with every group" })
    .option("no-default-groups", {
      type: "boolean",
      describe: "The venv was synced without the default groups",
    })
    .option("no-dev", { type: "boolean", describe: "The venv was synced without the `dev` group" })
    .option("no-install-project", { type: "boolean", describe: "The project itself is not expected" })
    .option("package", {
      ...list,
      describe: "Workspace: check this member and its dependencies (default: the member you stand in)",
    })
    .option("all-packages", { type: "boolean", describe: "Workspace: check every member" })
    .option("lockfile", {
      type: "string",
      requiresArg: true,
      describe: "Verify against this pylock.toml (venv: $VIRTUAL_ENV or ./.venv) instead of the project's",
    });
}

const LABELS: Record<VerifyProblem["kind"], string> = {
  missing: "missing",
  version: "drift",
  "wheel-hash": "tampered",
  modified: "tampered",
  deleted: "tampered",
  incomplete: "broken",
  stray: "stray",
};

export function renderVerify(o: VerifyOutcome, out: Output): void {
  const s = out.style;
  const red = (t: string) => (s ? s.red(t) : t);
  const dim = (t: string) => (s ? s.dim(t) : t);
  out.stderr(
    headline(
      out,
      `Verified ${plural(o.checked, "package")} and ${plural(o.files, "file")} in ${o.venv} against ${o.lockPath}`,
    ),
  );
  for (const p of o.problems) {
    const version = p.installed ?? p.locked ?? "";
    out.stdout(
      `${red(LABELS[p.kind].padEnd(8))} ${p.name}${version ? dim(`==${version}`) : ""}: ${p.detail}\n`,
    );
  }
  if (o.unrecorded.length > 0)
    out.stderr(
      `${dim(`Wheel hash not recorded (installed by another tool or an older lockstep): ${o.unrecorded.join(", ")}`)}\n`,
    );
  out.stderr(
    o.problems.length === 0
      ? "The environment matches the lock\n"
      : `Found ${plural(o.problems.length, "problem")}\n`,
  );
}

export async function runVerify(args: VerifyArgs, out: Output): Promise<number> {
  const { verifyEnvironment } = await import("@lockstep/project/audit");
  const outcome = verifyEnvironment({
    project: args.project,
    lockfile: args.lockfile,
    cacheDir: args["cache-dir"],
    ...selectionFromFlags(args),
    packages: args.package,
    allPackages: args["all-packages"] === true,
  });
  if (args["output-format"] === "json") renderJson(out, outcome);
  else renderVerify(outcome, out);
  return outcome.problems.length > 0 ? 1 : 0;
}
