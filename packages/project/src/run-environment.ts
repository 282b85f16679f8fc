/**
 * The environments `lockstep run` makes besides the project's own: a PEP 723 script's (its own
 * dependencies only) and a `--with` overlay (extra requirements on top of a base venv). Both are
 * resolved for the one interpreter that will run them (a specific, non-universal resolution through
 * the same resolver → lockfile → sync path as the project) and installed by the sync machinery.
 * Requirements with a URL (`name @ git+…`, `name @ https://…/f.tar.gz#subdirectory=…`,
 * `name @ file:///…`) are pinned and installed as a project's git, URL and path sources are. In a
 * project, `--with` takes the project's sources split by marker too (the one whose marker holds
 * for the interpreter, as `sync` would install), unless the requirement names its own URL.
 *
 * Cached: a venv under `<cache>/environments-v1/<key>` where the key hashes everything the result
 * depends on (requirements, constraints, requires-python, indexes, the interpreter, the base venv).
 * A complete venv carries `.lockstep-environment.json` with its key, written last; a second run with
 * the same inputs finds it and makes no resolution and no request. A venv without that file (a run
 * killed half-way) is rebuilt from scratch. Building holds a lock beside the venv
 * (`.locks/<key>/`), so a second first run waits and then reuses the first's result.
 *
 * The overlay sees the base venv through a `.pth` file (`import site; site.addsitedir(BASE)`), so
 * the base's own `.pth` files (editable installs) work too; its own site-packages come first on
 * sys.path. Packages the base already holds at the resolved version are not installed again: the
 * base's installed versions are the resolution's constraints, so `--with` never changes what the
 * project runs with. Pitfall: console scripts of the base keep the base's interpreter, so they do
 * not see the overlay (PATH puts the overlay's first). The key holds a URL requirement's text, not
 * what it resolves to: a branch that moved or an edited local directory is seen by a new key only
 * (`lockstep cache clean` or a changed requirement), as uv's cached environments.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SpecifierSet } from "@lockstep/pep440";
import { Version } from "@lockstep/pep440";
import { canonicalizeName, Requirement } from "@lockstep/pep508";
import type { InterpreterInfo, Venv } from "@lockstep/python";
import { createVenv, venvLayout } from "@lockstep/python";
import type { PlannedDistribution } from "@lockstep/sync";
import { acquireVenvLock, readInstalled } from "@lockstep/sync";
import type { LimitSettings } from "@lockstep/pyproject";
import type { IndexClient } from "@lockstep/index";
import { redact } from "@lockstep/index/auth";
import type { SourcePin, SourceVariant } from "@lockstep/resolver";
import { conditionalRecords, conditionalSourceVariants } from "./conditional-sources";
import type { ConditionalPlan } from "./conditional-sources";
import type { Log } from "./log";
import type { PathPlan } from "./path-sources";
import type { RemotePlan } from "./remote-sources";

export const ENVIRONMENTS_BUCKET = "environments-v1";
const READY = ".lockstep-environment.json";

export interface RunIndex {
  name: string | undefined;
  url: string;
  explicit: boolean;
  default: boolean;
}

export interface RunEnvironmentOptions {
  /** `script` or `with`: part of the key, and the venv's prompt. */
  kind: "script" | "with";
  requirements: readonly Requirement[];
  requiresPython?: SpecifierSet | undefined;
  interpreter: InterpreterInfo;
  indexes: readonly RunIndex[];
  pins?: Record<string, string> | undefined;
  findLinks?: readonly string[] | undefined;
  cacheDir: string;
  offline?: boolean | undefined;
  lockstepVersion: string;
  /**
   * The project's sources split by marker (`--with` in a project): the source whose marker holds for
   * this interpreter is used, as `sync` would (a requirement naming a URL keeps its URL).
   */
  conditional?: ReadonlyMap<string, ConditionalPlan> | undefined;
  /** The project's root, against which path sources are read (with `conditional`). */
  projectRoot?: string | undefined;
  /** The venv this one layers on (`--with`): its packages are constraints and visible through a `.pth`. */
  base?: { root: string; sitePackages: string } | undefined;
  /** Build here instead of the cache (an `--isolated` run's throw-away overlay); never reused. */
  root?: string | undefined;
  limits?: LimitSettings | undefined;
  onWaiting?: ((host: string) => void) | undefined;
  log?: Log | undefined;
}

export interface RunEnvironment {
  root: string;
  bin: string;
  python: string;
  /** False when a cached environment was reused as it was. */
  created: boolean;
  /** `name==version` installed into this venv (not counting the base's). */
  installed: string[];
}

function baseConstraints(sitePackages: string): Requirement[] {
  return [...readInstalled(sitePackages).values()]
    .map((d) => Requirement.parse(`${d.name}==${d.version}`))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The cache key of an environment: every input that changes what would be installed. */
export function environmentKey(opts: RunEnvironmentOptions, constraints: readonly Requirement[]): string {
  const text = JSON.stringify({
    kind: opts.kind,
    requirements: opts.requirements.map(String).sort(),
    constraints: constraints.map(String),
    requiresPython: opts.requiresPython?.toString() ?? null,
    indexes: opts.indexes.map((i) => [i.name ?? "", i.url, i.explicit, i.default]),
    pins: Object.entries(opts.pins ?? {}).sort(),
    findLinks: [...(opts.findLinks ?? [])],
    python: [realpathSync(opts.interpreter.executable), opts.interpreter.markers.python_full_version],
    base: opts.base?.root ?? null,
    // Only when there are any, so other environments keep their keys.
    ...(conditionalOf(opts).size > 0
      ? { conditional: conditionalRecords(conditionalOf(opts), opts.projectRoot ?? "") }
      : {}),
  });
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}

/** The split sources that apply: not for a name a requirement gives a URL (the URL is what was asked). */
function conditionalOf(opts: RunEnvironmentOptions): Map<string, ConditionalPlan> {
  const withUrl = new Set(opts.requirements.filter((r) => r.url !== undefined).map((r) => r.canonicalName));
  return new Map([...(opts.conditional ?? [])].filter(([name]) => !withUrl.has(name)));
}

function readyKey(root: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(root, READY), "utf8")) as { key?: string }).key;
  } catch {
    return undefined;
  }
}

function layout(venv: Venv): Pick<RunEnvironment, "root" | "bin" | "python"> {
  return { root: venv.root, bin: venv.bin, python: venv.python };
}

/**
 * The resolver's pins for requirements that name a URL (`name @ git+…`, `name @ https://…/f.tar.gz`,
 * `name @ file:///…`), made as `lock` makes a project's: a git revision resolved through the git
 * cache, an archive downloaded and hashed, a directory or file read (or prepared) where it is.
 */
async function requirementPins(
  opts: RunEnvironmentOptions,
  client: IndexClient,
  prepare: (path: string) => Promise<string>,
): Promise<Map<string, SourcePin>> {
  const withUrl = opts.requirements.filter((r) => r.url !== undefined);
  if (withUrl.length === 0) return new Map();
  const { pathPlan, sourcePins } = await import("./path-sources");
  const { gitCache, remoteSourcePins, requirementPlan } = await import("./remote-sources");
  const { fileURLToPath } = await import("node:url");
  const where = opts.kind === "script" ? "the script's metadata" : "--with";
  const paths = new Map<string, PathPlan>();
  const remote = new Map<string, RemotePlan>();
  for (const r of withUrl) {
    const describe = `the requirement ${JSON.stringify(redact(r.toString()))} in ${where}`;
    if (r.url?.startsWith("file:")) {
      paths.set(r.canonicalName, pathPlan(r.canonicalName, fileURLToPath(r.url), false, where, describe));
    } else remote.set(r.canonicalName, requirementPlan(r, describe));
  }
  return new Map([
    ...sourcePins(paths, prepare),
    ...remoteSourcePins(remote, {
      client,
      cacheDir: opts.cacheDir,
      git: gitCache(opts.cacheDir, opts.offline),
      prepare,
      locked: new Map(),
    }),
  ]);
}

/** The resolver's variants of the project's split sources (the resolver picks this interpreter's). */
async function runConditionalSources(
  opts: RunEnvironmentOptions,
  client: IndexClient,
  prepare: (path: string) => Promise<string>,
): Promise<Map<string, SourceVariant[]> | undefined> {
  const plans = conditionalOf(opts);
  if (plans.size === 0) return undefined;
  const { gitCache } = await import("./remote-sources");
  return conditionalSourceVariants(plans, {
    prepare,
    lockDir: opts.projectRoot ?? "",
    remote: {
      client,
      cacheDir: opts.cacheDir,
      git: gitCache(opts.cacheDir, opts.offline),
      prepare,
      locked: new Map(),
    },
  });
}

/** The environment for `opts`: reused from the cache when complete, else resolved and installed. */
export async function runEnvironment(opts: RunEnvironmentOptions): Promise<RunEnvironment> {
  const constraints = opts.base ? baseConstraints(opts.base.sitePackages) : [];
  const key = environmentKey(opts, constraints);
  if (opts.root !== undefined) return build(opts, opts.root, key, constraints);
  const root = join(opts.cacheDir, ENVIRONMENTS_BUCKET, key);
  const reused = () => {
    if (readyKey(root) !== key) return undefined;
    const venv = venvLayout(root, opts.interpreter);
    return existsSync(venv.python) ? { ...layout(venv), created: false, installed: [] } : undefined;
  };
  const ready = reused();
  if (ready) {
    opts.log?.info({ root, key }, "run environment reused");
    return ready;
  }
  // Two first runs at once: the second waits for the first and then reuses what it built. The lock
  // lives beside the venv (the sync inside takes the venv's own lock).
  const lockDir = join(opts.cacheDir, ENVIRONMENTS_BUCKET, ".locks", key);
  mkdirSync(lockDir, { recursive: true });
  const lock = await acquireVenvLock(lockDir);
  try {
    return reused() ?? (await build(opts, root, key, constraints));
  } finally {
    lock.release();
  }
}

async function build(
  opts: RunEnvironmentOptions,
  root: string,
  key: string,
  constraints: Requirement[],
): Promise<RunEnvironment> {
  rmSync(join(root, READY), { force: true });
  const venv = createVenv(root, opts.interpreter, {
    clear: true,
    force: opts.root === undefined,
    prompt: opts.kind,
    lockstepVersion: opts.lockstepVersion,
    cacheDir: opts.cacheDir,
  });
  if (opts.base) {
    // Python runs each `import` line of a .pth file in site-packages at start-up.
    writeFileSync(
      join(venv.sitePackages, "_lockstep_base.pth"),
      `import site; site.addsitedir(${JSON.stringify(opts.base.sitePackages)})\n`,
    );
  }
  const installed = await resolveAndInstall(opts, venv, constraints);
  writeFileSync(
    join(root, READY),
    `${JSON.stringify({ key, requirements: opts.requirements.map(String) })}\n`,
  );
  return { ...layout(venv), created: true, installed };
}

async function resolveAndInstall(
  opts: RunEnvironmentOptions,
  venv: Venv,
  constraints: Requirement[],
): Promise<string[]> {
  if (opts.requirements.length === 0) return [];
  const [{ IndexClient }, { resolvePython }, lockfile, sync, wheel] = await Promise.all([
    import("@lockstep/index"),
    import("@lockstep/resolver"),
    import("@lockstep/lockfile"),
    import("@lockstep/sync"),
    import("@lockstep/wheel"),
  ]);
  const { indexClientSettings, archiveLimits } = await import("./index-client-settings");
  const { withSettingHint } = await import("./archive-limit-hint");
  const info = opts.interpreter;
  const limits = opts.limits ?? {};
  const warnings: string[] = [];
  const client = new IndexClient({
    indexes: opts.indexes.map((i) => ({
      name: i.name,
      url: i.url,
      explicit: i.explicit,
      default: i.default,
    })),
    findLinks: [...(opts.findLinks ?? [])],
    pins: opts.pins ?? {},
    cacheDir: opts.cacheDir,
    offline: opts.offline === true,
    ...(opts.log ? { log: opts.log } : {}),
    ...indexClientSettings(limits, opts, warnings),
  });
  try {
    const libc = info.libc
      ? {
          libc: {
            kind: info.libc.kind,
            version: info.libc.version.split(".").map(Number).slice(0, 2) as [number, number],
          },
        }
      : {};
    const tags = wheel.supportedTags(wheel.targetFromMarkerEnvironment(info.markers, libc));
    const dependencies = [...opts.requirements];
    const name = opts.kind === "script" ? "script" : "with-requirements";
    const { sourceBuilder } = await import("./build-env-installer");
    const builder = sourceBuilder(client, opts.cacheDir, () => info);
    const resolution = await resolvePython(
      client,
      { name, version: Version.parse("0"), dependencies, extras: new Map(), groups: new Map() },
      {
        target: { kind: "specific", markers: info.markers, tags: new wheel.TagPriority(tags) },
        requiresPython: opts.requiresPython,
        constraints,
        // `name @ git+…`, `name @ https://…` and `name @ file://…`: pinned as a project's are.
        sourcePins: await requirementPins(opts, client, builder.prepareSource),
        conditionalSources: await runConditionalSources(opts, client, builder.prepareSource),
      },
    );
    const lock = lockfile.lockFromResolution(resolution, lockfile.requirementsOnlyInputs(name, dependencies));
    const baseHas = opts.base ? readInstalled(opts.base.sitePackages) : new Map();
    const planned: PlannedDistribution[] = [];
    const items = lockfile.selectForEnvironment(lock, info.markers, { tags, extras: [], groups: [] });
    const { gitCheckouts } = await import("./remote-sources");
    const { plannedFromItem } = await import("./planned-item");
    const checkouts = await gitCheckouts(items, opts.cacheDir, opts.offline);
    for (const i of items) {
      const there = baseHas.get(i.name);
      // Only an index file can be the base's copy; a URL, git or path source is installed as asked.
      const fromIndex = i.kind === "wheel" || i.kind === "sdist";
      if (fromIndex && there && i.version && Version.parse(there.version).equals(Version.parse(i.version)))
        continue;
      planned.push(
        plannedFromItem(i, {
          // Pinned paths are absolute here: this lock is never written.
          lockDir: opts.cacheDir,
          checkouts,
          versionOf: () => "0",
        }),
      );
    }
    const { buildWheel } = builder;
    const plan = sync.planSync(planned, sync.readInstalled(venv.sitePackages), { inexact: true });
    const result = await sync.executeSync(plan, {
      venv,
      interpreter: info,
      client,
      cacheDir: opts.cacheDir,
      archiveLimits: archiveLimits(limits),
      requested: new Set(opts.requirements.map((r) => canonicalizeName(r.name))),
      buildWheel,
    });
    return result.installed.map((d) => `${d.name}==${d.version}`);
  } catch (error) {
    throw withSettingHint(error);
  } finally {
    client.close();
  }
}
