/**
 * `lockstep sync`: make the project's venv hold exactly what the lock selects for it. This file
 * declares the flags (shared with `run`, `add` and `remove`), turns them into the project layer's
 * options and prints the outcome; the work is `@lockstep/project/sync` (the no-op check, then the
 * full sync only when the check cannot prove the venv is already in sync), imported when the
 * command runs.
 */
import type { Argv } from "yargs";
import {
  INDEX_OPTIONS,
  INSTALL_OPTIONS,
  OUTPUT_FORMAT_OPTION,
  PARSER_CONFIG,
  RESOLVER_OPTIONS,
  settingFlags,
} from "./shared-options";
import type { InstallFlagArgs, SharedFlagArgs } from "./shared-options";
import type { LinkMode } from "@lockstep/wheel";
import type { SyncEvent } from "@lockstep/sync";
import type { SyncOutcome, SyncProjectOptions } from "@lockstep/project/sync";
import { limitsFromArgs, waitingNotice } from "../limits";
import { changeLine, formatDuration, headline, plural, quietOutput, renderJson, warn } from "../output";
import { createProgress, NO_PROGRESS } from "../progress";
import type { Output } from "../output";
import { projectOption } from "./lock";
import { selectionFromFlags } from "./selection-flags";
import { syncStateKeys } from "./sync-key";
import type { SelectionFlagArgs } from "./selection-flags";

/** Flags of every command that syncs (`sync`, `run`, `add`, `remove`). */
export interface SyncFlags extends SharedFlagArgs, InstallFlagArgs, SelectionFlagArgs {
  project?: string | undefined;
  python?: string | undefined;
  frozen?: boolean | undefined;
  locked?: boolean | undefined;
  inexact?: boolean | undefined;
  /** Workspaces: install this member and its dependencies (repeatable). */
  package?: string[] | undefined;
  "all-packages"?: boolean | undefined;
}

export interface SyncArgs extends SyncFlags {
  "dry-run"?: boolean | undefined;
  /** Install from this pylock.toml (any tool's) instead of the project's lock (sync-lockfile.ts). */
  lockfile?: string | undefined;
  "output-format"?: string | undefined;
}

/** Value-taking flags of SyncFlags (and their aliases), for `run`'s own argv splitting. */
export const SYNC_VALUE_FLAGS = [
  "project",
  "package",
  "python",
  "p",
  "extra",
  "group",
  "no-group",
  "only-group",
  "link-mode",
  "index-url",
  "i",
  "extra-index-url",
  "find-links",
  "f",
  "cache-dir",
  "prerelease",
  "resolution",
  "exclude-newer",
];

export function syncFlags<T>(y: Argv<T>) {
  // `--no-dev`, `--no-sync`, … are flags of their own, not negations of `--dev`, `--sync`.
  return projectOption(y.parserConfiguration(PARSER_CONFIG))
    .option("python", {
      alias: "p",
      type: "string",
      describe: "The Python for the venv: a version (3.12), specifiers (>=3.11) or a path",
    })
    .option("frozen", {
      type: "boolean",
      describe: "Use pylock.toml as it is, without checking it against pyproject.toml",
    })
    .option("locked", {
      type: "boolean",
      describe: "Fail if pylock.toml is missing or out of date instead of re-locking",
    })
    .option("extra", {
      type: "string",
      array: true,
      nargs: 1,
      requiresArg: true,
      describe: "Include this extra of the project",
    })
    .option("all-extras", { type: "boolean", describe: "Include every extra of the project" })
    .option("group", {
      type: "string",
      array: true,
      nargs: 1,
      requiresArg: true,
      describe: "Include this dependency group",
    })
    .option("no-group", {
      type: "string",
      array: true,
      nargs: 1,
      requiresArg: true,
      describe: "Leave out this dependency group (even a default one)",
    })
    .option("only-group", {
      type: "string",
      array: true,
      nargs: 1,
      requiresArg: true,
      describe: "Install only this group and what it needs, not the project",
    })
    .option("all-groups", { type: "boolean", describe: "Include every dependency group" })
    .option("no-default-groups", {
      type: "boolean",
      describe: 'Do not include the default groups (default-groups, ["dev"] unless set)',
    })
    .option("no-dev", { type: "boolean", describe: "Leave out the `dev` group" })
    .option("no-install-project", { type: "boolean", describe: "Do not install the project itself" })
    .option("inexact", { type: "boolean", describe: "Keep installed packages the lock does not select" })
    .option("package", {
      type: "string",
      array: true,
      requiresArg: true,
      describe: "Workspace: install this member and its dependencies (default: the member you stand in)",
    })
    .option("all-packages", { type: "boolean", describe: "Workspace: install every member" })
    .options(INSTALL_OPTIONS)
    .options(INDEX_OPTIONS)
    .options(RESOLVER_OPTIONS)
    .conflicts("frozen", "locked")
    .conflicts("only-group", ["extra", "all-extras", "group", "all-groups"]);
}

export function syncBuilder<T>(y: Argv<T>) {
  return syncFlags(y)
    .option("dry-run", {
      type: "boolean",
      describe: "Print what would change, change nothing",
    })
    .option("lockfile", {
      type: "string",
      requiresArg: true,
      describe:
        "Install from this pylock.toml (any tool's) into $VIRTUAL_ENV or ./.venv; no pyproject.toml needed",
    })
    .options(OUTPUT_FORMAT_OPTION);
}

async function keysOf(args: SyncArgs, lockstepVersion: string) {
  const { key, satisfiedBy } = await syncStateKeys(args, lockstepVersion);
  return { key, keySatisfiedBy: satisfiedBy };
}

/** The options of a sync from its flags (without callbacks), and the key the fast path compares. */
export async function syncRequest(
  args: SyncArgs,
  lockstepVersion: string,
): Promise<Omit<SyncProjectOptions, "onLock" | "onVenv" | "onProgress">> {
  const selection = selectionFromFlags(args);
  const inexact = args.inexact === true;
  const compileBytecode = args["compile-bytecode"] === true;
  return {
    ...selection,
    project: args.project,
    mode: args.frozen ? "frozen" : args.locked ? "locked" : "lock",
    python: args.python,
    packages: args.package,
    allPackages: args["all-packages"] === true,
    inexact,
    linkMode: args["link-mode"] as LinkMode | undefined,
    compileBytecode,
    dryRun: args["dry-run"] === true,
    ...settingFlags(args),
    ...(await keysOf(args, lockstepVersion)),
    lockstepVersion,
    limits: limitsFromArgs(args),
  };
}

/** Progress on a terminal (`progress.ts`): a spinner until the lock is settled, then each step. */
function progressLine(out: Output): {
  onProgress?: (e: SyncEvent) => void;
  done: () => void;
  spin: () => void;
} {
  const progress = createProgress(out);
  if (progress === NO_PROGRESS) return { done: () => {}, spin: () => {} };
  const verbs = {
    download: "Downloading",
    build: "Building",
    unpack: "Unpacking",
    install: "Installing",
    uninstall: "Uninstalling",
  };
  return {
    spin: () => progress.spin("Resolving dependencies…"),
    onProgress: (e) => {
      if (e.kind === "compile") progress.step("Compiling", `${e.files} files`);
      else if (e.kind === "wait-lock")
        progress.spin(`Waiting for another lockstep process${e.owner ? ` (pid ${e.owner})` : ""}`);
      else if (e.kind === "totals") {
        progress.expect(verbs.download, e.downloads, e.downloadBytes);
        progress.expect(verbs.build, e.builds);
        // Unpacking follows every download and build; installing covers the cached ones too.
        progress.expect(verbs.unpack, e.downloads + e.builds);
        progress.expect(verbs.install, e.installs);
        progress.expect(verbs.uninstall, e.uninstalls);
      } else if (e.kind === "download-bytes")
        progress.bytes(verbs.download, `${e.name}==${e.version}`, e.bytes, e.total);
      else progress.step(verbs[e.kind], `${e.name}==${e.version}`);
    },
    done: () => progress.clear(),
  };
}

function relativeVenv(path: string): string {
  const cwd = process.cwd();
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}

/** Print what a full sync did (or, for `--dry-run`, would do). */
export function renderSync(o: SyncOutcome, out: Output, dryRun: boolean): void {
  for (const w of o.warnings) warn(out, w);
  const { plan, result } = o;
  if (dryRun) {
    const removing = [...plan.remove, ...plan.reinstall.map((r) => r.installed)];
    const installing = [...plan.install, ...plan.reinstall.map((r) => r.desired)];
    if (removing.length === 0 && installing.length === 0) {
      out.stderr(
        `Audited ${plural(o.selected.length, "package")} in ${formatDuration(o.auditMs)}\nWould make no changes\n`,
      );
      return;
    }
    if (removing.length > 0) out.stderr(`Would uninstall ${plural(removing.length, "package")}\n`);
    if (installing.length > 0) out.stderr(`Would install ${plural(installing.length, "package")}\n`);
    const lines = [
      ...removing.map((d) => ({ name: d.name, line: changeLine(out, "-", d.name, d.version), order: 0 })),
      ...installing.map((d) => ({ name: d.name, line: changeLine(out, "+", d.name, d.version), order: 1 })),
    ].sort((a, b) => (a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.order - b.order));
    for (const l of lines) out.stderr(l.line);
    return;
  }
  if (!result) return;
  if (result.installed.length === 0 && result.uninstalled.length === 0) {
    out.stderr(
      headline(out, `Audited ${plural(o.selected.length, "package")} in ${formatDuration(o.auditMs)}`),
    );
    return;
  }
  if (result.unpacked > 0)
    out.stderr(
      headline(out, `Prepared ${plural(result.unpacked, "package")} in ${formatDuration(result.prepareMs)}`),
    );
  if (result.uninstalled.length > 0) {
    out.stderr(
      headline(
        out,
        `Uninstalled ${plural(result.uninstalled.length, "package")} in ${formatDuration(result.uninstallMs)}`,
      ),
    );
  }
  if (result.installed.length > 0) {
    out.stderr(
      headline(
        out,
        `Installed ${plural(result.installed.length, "package")} in ${formatDuration(result.installMs)}`,
      ),
    );
  }
  const changes = [
    ...result.uninstalled.map((d) => ({ ...d, op: "-" as const })),
    ...result.installed.map((d) => ({ ...d, op: "+" as const })),
  ].sort((a, b) => (a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.op === "-" ? -1 : 1));
  for (const c of changes) out.stderr(changeLine(out, c.op, c.name, c.version));
}

/**
 * Sync as the commands do it (`@lockstep/project/sync`: the fast path first, the full sync when it
 * cannot answer), printing as it goes. `run`, `add` and `remove` call this too; returns the venv.
 */
export async function performSync(
  args: SyncArgs,
  out: Output,
  lockstepVersion: string,
  opts: { lockPrinted?: boolean } = {},
): Promise<{ venv: string; report: SyncReport }> {
  const started = performance.now();
  const [request, { performSync: sync }] = await Promise.all([
    syncRequest(args, lockstepVersion),
    import("@lockstep/project/sync"),
  ]);
  const progress = progressLine(out);
  progress.spin();
  try {
    const run = await sync({
      ...request,
      onWaiting: waitingNotice(out),
      onLock: (lock) => {
        progress.done();
        if (opts.lockPrinted) return;
        for (const w of lock.warnings) warn(out, w);
        out.stderr(
          headline(out, `Resolved ${plural(lock.packages, "package")} in ${formatDuration(lock.ms)}`),
        );
        if (lock.kind === "resolved") for (const line of lock.changes) out.stderr(`${line}\n`);
      },
      onVenv: (v) => {
        progress.done();
        const where = relativeVenv(v.root);
        if (v.replaced)
          out.stderr(
            `${v.dryRun ? "Would remove" : "Removed"} virtual environment at: ${where} (${v.replaced})\n`,
          );
        out.stderr(`Using ${v.python} interpreter at: ${v.pythonPath}\n`);
        out.stderr(`${v.dryRun ? "Would create" : "Creating"} virtual environment at: ${where}\n`);
      },
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
    if (run.kind === "fresh") {
      progress.done();
      const ms = performance.now() - started;
      if (!opts.lockPrinted)
        out.stderr(`Resolved ${plural(run.state.lockPackages, "package")} in ${formatDuration(ms)}\n`);
      out.stderr(
        `Audited ${plural(run.state.selected, "package")} in ${formatDuration(performance.now() - started - ms)}\n`,
      );
      const report: SyncReport = {
        venv: run.venv,
        dry_run: request.dryRun,
        fresh: true,
        audited: run.state.selected,
        changes: [],
      };
      return { venv: run.venv, report };
    }
    progress.done();
    renderSync(run.outcome, out, request.dryRun);
    return { venv: run.venv, report: syncReport(run.outcome, run.venv, request.dryRun) };
  } finally {
    progress.done();
  }
}

/** `sync --output-format json` (docs/cli.md): what changed or, with `--dry-run`, would change. */
export interface SyncReport {
  venv: string;
  dry_run: boolean;
  /** True when the no-op check proved the venv in sync without a full audit. */
  fresh: boolean;
  /** Packages the lock selects for this venv. */
  audited: number;
  changes: { action: "install" | "uninstall"; name: string; version: string }[];
}

function syncReport(o: SyncOutcome, venv: string, dryRun: boolean): SyncReport {
  const { plan, result } = o;
  const removed = result ? result.uninstalled : [...plan.remove, ...plan.reinstall.map((r) => r.installed)];
  const added = result ? result.installed : [...plan.install, ...plan.reinstall.map((r) => r.desired)];
  const changes = [
    ...removed.map((d) => ({ action: "uninstall" as const, name: d.name, version: String(d.version) })),
    ...added.map((d) => ({ action: "install" as const, name: d.name, version: String(d.version) })),
  ].sort((a, b) => (a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.action === "uninstall" ? -1 : 1));
  return { venv, dry_run: dryRun, fresh: false, audited: o.selected.length, changes };
}

export async function runSync(args: SyncArgs, out: Output, lockstepVersion: string): Promise<number> {
  if (args.lockfile !== undefined) {
    const { runSyncLockfile } = await import("./sync-lockfile");
    return runSyncLockfile({ ...args, lockfile: args.lockfile }, out, lockstepVersion);
  }
  if (args["output-format"] === "json") {
    // Status lines are left out; warnings and errors still go to stderr.
    const { report } = await performSync(args, quietOutput(out), lockstepVersion);
    renderJson(out, report);
    return 0;
  }
  await performSync(args, out, lockstepVersion);
  return 0;
}
