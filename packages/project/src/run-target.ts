/**
 * What `lockstep run` runs and where: the command from its argv (`-m MODULE` becomes
 * `python -m MODULE`; a first word ending in `.py` that names a file becomes `python FILE`, and its
 * PEP 723 block, when it has one, decides the environment), and the environments besides the
 * project's: a script's own (`scriptEnvironment`) and a `--with` overlay (`withEnvironment`), both
 * cached by `run-environment.ts`.
 *
 * Settings: for a script, the command line (and `LOCKSTEP_*`, applied by the CLI into the same
 * flags) wins over the block's `[tool.lockstep]`, which wins over the default index; an enclosing
 * project's settings are not used (a script's environment is its own). A `--with` overlay in a
 * project uses the project's indexes and sources, with the command line's on top.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { PYPI_URL } from "@lockstep/index/default-index";
import { Marker, Requirement } from "@lockstep/pep508";
import { findInterpreter, openVenv } from "@lockstep/python";
import { conditionalPlans } from "./conditional-sources";
import { locateProject } from "./find-project";
import type { NetworkOptions } from "./index-client-settings";
import { readScriptMetadata } from "./inline-metadata";
import type { ScriptMetadata } from "./inline-metadata";
import type { Log } from "./log";
import { projectInputs } from "./project-inputs";
import type { SettingFlags } from "./project-inputs";
import { runEnvironment } from "./run-environment";
import type { RunEnvironment, RunEnvironmentOptions, RunIndex } from "./run-environment";

export type RunTarget =
  /** A `.py` file with a PEP 723 `script` block: runs in its own environment. */
  | { kind: "script"; path: string; metadata: ScriptMetadata; command: string[] }
  /** Anything else; `script` when it is a `.py` file without a block (`python FILE …`). */
  | { kind: "command"; command: string[]; script: boolean };

/** The command to run for `run [-m] CMD…`, and whether a script decides its environment. */
export function runTarget(command: readonly string[], module = false, cwd = process.cwd()): RunTarget {
  if (module) return { kind: "command", command: ["python", "-m", ...command], script: false };
  const [first, ...rest] = command;
  if (first === undefined || !first.endsWith(".py"))
    return { kind: "command", command: [...command], script: false };
  const path = resolve(cwd, first);
  if (!existsSync(path) || !statSync(path).isFile()) {
    return { kind: "command", command: [...command], script: false };
  }
  const metadata = readScriptMetadata(readFileSync(path, "utf8"), first);
  const run = ["python", first, ...rest];
  return metadata
    ? { kind: "script", path, metadata, command: run }
    : { kind: "command", command: run, script: true };
}

export interface RunSettings extends SettingFlags, NetworkOptions {
  python?: string | undefined;
  findLinks?: readonly string[] | undefined;
  offline?: boolean | undefined;
  cacheDir?: string | undefined;
  lockstepVersion: string;
  log?: Log | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

async function cacheDirOf(s: RunSettings): Promise<string> {
  return s.cacheDir ?? (await import("@lockstep/index")).defaultCacheDir(s.env ?? process.env);
}

/** Indexes from the command line over a script's `[tool.lockstep]`, the default last. */
function flagIndexes(s: RunSettings, own: { indexUrl?: string | undefined; extraIndexUrls?: string[] } = {}) {
  const extra = [...(s.extraIndexUrls ?? []), ...(own.extraIndexUrls ?? [])];
  const out: RunIndex[] = extra.map((url) => ({ name: undefined, url, explicit: false, default: false }));
  const url = s.indexUrl ?? own.indexUrl;
  out.push(
    url
      ? { name: undefined, url, explicit: false, default: true }
      : { name: "pypi", url: PYPI_URL, explicit: false, default: true },
  );
  return out;
}

/**
 * A script's `[[tool.lockstep.index]]` and `[tool.lockstep.sources]`: its named indexes between the
 * command line's extra indexes and the default (the command line's `--index-url`, else the block's
 * `index-url`, else a declared default index, else PyPI), and every source as a conditional plan
 * (an unmarked one under the marker that always holds), so index, path (read from the script's
 * directory), git and URL sources all go through the same variants as a project's split sources,
 * and the environment's key records them.
 */
function scriptSources(
  s: RunSettings,
  m: ScriptMetadata,
): {
  indexes: RunIndex[];
  conditional: RunEnvironmentOptions["conditional"];
  projectRoot: string | undefined;
} {
  const settings = m.settings;
  if (!settings) return { indexes: flagIndexes(s, m), conditional: undefined, projectRoot: undefined };
  const declared = settings.lockstep.indexes;
  const flags = flagIndexes(s, m);
  const fallback = flags[flags.length - 1] as RunIndex;
  const declaredDefault = declared.find((i) => i.default);
  const defaultIndex =
    s.indexUrl === undefined && m.indexUrl === undefined && declaredDefault ? declaredDefault : fallback;
  const indexes: RunIndex[] = [
    ...flags.slice(0, -1),
    ...declared
      .filter((i) => !i.default)
      .map((i) => ({ name: i.name, url: i.url, explicit: i.explicit, default: false })),
    { name: defaultIndex.name, url: defaultIndex.url, explicit: false, default: true },
  ];
  const sources = Object.fromEntries(
    Object.entries(settings.lockstep.sources).map(([name, list]) => [
      name,
      list.map((src) => ({ ...src, marker: src.marker ?? Marker.TRUE })),
    ]),
  );
  const project = { ...settings, lockstep: { ...settings.lockstep, sources } };
  const conditional = conditionalPlans({
    root: project.root,
    rootProject: project,
    members: [project],
    current: project,
  });
  return { indexes, conditional, projectRoot: project.root };
}

/** A PEP 723 script's environment: its dependencies for an interpreter its requires-python allows. */
export async function scriptEnvironment(
  target: Extract<RunTarget, { kind: "script" }>,
  s: RunSettings,
): Promise<RunEnvironment> {
  const cacheDir = await cacheDirOf(s);
  const m = target.metadata;
  const interpreter = findInterpreter({
    request: s.python,
    requiresPython: m.requiresPython,
    cacheDir,
    env: s.env ?? process.env,
  });
  return runEnvironment({
    kind: "script",
    requirements: m.dependencies,
    requiresPython: m.requiresPython,
    interpreter,
    ...scriptSources(s, m),
    findLinks: s.findLinks,
    cacheDir,
    offline: s.offline,
    lockstepVersion: s.lockstepVersion,
    limits: s.limits,
    onWaiting: s.onWaiting,
    log: s.log,
  });
}

/** `--with` values as requirements; a bad one names the flag. */
export function withRequirements(values: readonly string[]): Requirement[] {
  return values.map((v) => {
    try {
      return Requirement.parse(v);
    } catch (err) {
      throw new LockstepError(
        "run-with-invalid",
        `invalid requirement \`${v}\` given to --with: ${(err as Error).message.split("\n")[0] ?? ""}`,
      );
    }
  });
}

/**
 * The `--with` overlay: on top of the venv at `base` (the project's, or an `--isolated` run's), or
 * alone outside a project. `root` builds it there rather than in the cache.
 */
export async function withEnvironment(
  requirements: readonly Requirement[],
  opts: RunSettings & {
    base?: string | undefined;
    project?: string | undefined;
    root?: string | undefined;
    /** Over a script's environment: the script's index settings, not a project's. */
    script?: ScriptMetadata | undefined;
  },
): Promise<RunEnvironment> {
  const cacheDir = await cacheDirOf(opts);
  const opened = opts.base ? openVenv(opts.base, cacheDir) : undefined;
  if (opts.base && !opened) {
    throw new LockstepError("run-no-venv", `No virtual environment at ${opts.base}`, {
      hint: "run `lockstep sync` first, or leave out --no-sync",
    });
  }
  const interpreter =
    opened?.info ?? findInterpreter({ request: opts.python, cacheDir, env: opts.env ?? process.env });
  // Over a script's environment, the script's own indexes and sources apply to `--with` too.
  const own = opts.script ? scriptSources(opts, opts.script) : undefined;
  let indexes: RunIndex[] = own?.indexes ?? flagIndexes(opts);
  let pins: Record<string, string> = {};
  let conditional: RunEnvironmentOptions["conditional"] = own?.conditional;
  let projectRoot: string | undefined = own?.projectRoot;
  if (opts.base && !opts.script) {
    const located = locateProject({ project: opts.project });
    const pi = projectInputs(located.project, opts);
    indexes = pi.indexes;
    pins = pi.pins;
    conditional = conditionalPlans(located.workspace);
    projectRoot = located.root;
  }
  return runEnvironment({
    kind: "with",
    requirements,
    interpreter,
    indexes,
    pins,
    conditional,
    projectRoot,
    findLinks: opts.findLinks,
    cacheDir,
    offline: opts.offline,
    lockstepVersion: opts.lockstepVersion,
    base: opened ? { root: opened.venv.root, sitePackages: opened.venv.sitePackages } : undefined,
    root: opts.root,
    limits: opts.limits,
    onWaiting: opts.onWaiting,
    log: opts.log,
  });
}

/** The interpreter a script without metadata runs with outside a project (`--python`, else the first found). */
export async function plainInterpreter(s: Pick<RunSettings, "python" | "cacheDir" | "env">): Promise<string> {
  const cacheDir = await cacheDirOf({ ...s, lockstepVersion: "" });
  return findInterpreter({ request: s.python, cacheDir, env: s.env ?? process.env }).path;
}
