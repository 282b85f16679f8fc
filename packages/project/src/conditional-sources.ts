/**
 * Sources split by marker (`[tool.lockstep.sources]`, as uv's): a package taken from one index on
 * Linux and another on Windows, or from a local path on POSIX and a git tag elsewhere.
 *
 * ```toml
 * torch = [
 *   { index = "torch-cpu", marker = "sys_platform == 'linux'" },
 *   { index = "torch-cu", marker = "sys_platform == 'win32'" },
 * ]
 * ```
 *
 * A package is conditional when any of its sources has a `marker` (pyproject's sources.ts has
 * already checked that several sources each have one and that the markers are disjoint). Each
 * source becomes a resolver `SourceVariant` under its marker; the environments outside every marker
 * get a default variant that resolves as if the package had no source (the project's indexes, as uv
 * does). The resolver forks on those markers, and the lock holds one entry per source used, each
 * with its marker (PEP 751 allows several entries of one name with disjoint markers).
 *
 * Path, git and URL variants reuse path-sources.ts and remote-sources.ts unchanged: the plan of one
 * source is the plan of a project that declares only that source. Those two modules are handed the
 * workspace without the conditional names, so they never pin such a name everywhere.
 *
 * Sources narrowed by `extra` or `group` (uv's `{ index = "cu", extra = "gpu" }`) are variants
 * too, under the extra's (group's) activation marker, PEP 751's `'gpu' in extras` /
 * `'dev' in dependency_groups`, and-ed with the negation of the package's other scopes; the
 * unscoped sources hold where no scope does. Two scopes of one package must be declared as
 * conflicting (`[tool.lockstep] conflicts`, as uv requires), so "both installed" never happens
 * and the conflict forks line up with the variants.
 *
 * Pitfalls: uv applies a scoped source only to the requirement that comes from that extra or
 * group; here it applies to every requirement on the package wherever the extra (group) is
 * installed (the same wherever the package is reached only through it); a scoped source
 * declared by a workspace member other than the root is refused (scoped-source-error.ts); the lock's
 * inputs record every variant, so changing a source or its marker makes `lock --check` fail.
 */
import { LockstepError } from "@lockstep/errors";
import type { Lock } from "@lockstep/lockfile";
import type { Version } from "@lockstep/pep440";
import { Marker, canonicalizeName } from "@lockstep/pep508";
import type { ConflictItem, Project, Source, Workspace } from "@lockstep/pyproject";
import type { SourcePin, SourceVariant } from "@lockstep/resolver";
import type { PathPlan, PrepareMetadata } from "./path-sources";
import { pathPlans, sourcePins, sourceRecords } from "./path-sources";
import type { RemotePinContext, RemotePlan } from "./remote-sources";
import { remotePin, remotePlans, remoteRecords } from "./remote-sources";
import { scopedSourceError } from "./scoped-source-error";

/** One source of a conditional package, before anything is loaded. */
export type VariantPlan =
  | { kind: "index"; marker: Marker; index: string }
  | { kind: "path"; marker: Marker; plan: PathPlan }
  | { kind: "remote"; marker: Marker; plan: RemotePlan };

export interface ConditionalPlan {
  name: string;
  /** The declared sources, in the order written. */
  variants: VariantPlan[];
  /** Where no declared marker holds (the default resolution); FALSE when the markers cover all. */
  rest: Marker;
}

export class ConditionalSourceError extends LockstepError {}

/** Whether a package's sources depend on the environment, or on the extras and groups installed. */
function isConditional(sources: readonly Source[]): boolean {
  return sources.some((s) => s.marker !== undefined || s.extra !== undefined || s.group !== undefined);
}

/** The extra or group a source is narrowed to, as a conflict item; undefined when neither. */
function scopeOf(s: Source): ConflictItem | undefined {
  if (s.extra !== undefined) return { package: undefined, kind: "extra", name: canonicalizeName(s.extra) };
  if (s.group !== undefined) return { package: undefined, kind: "group", name: canonicalizeName(s.group) };
  return undefined;
}

function sameItem(a: ConflictItem, b: ConflictItem): boolean {
  return a.kind === b.kind && a.name === b.name;
}

/** PEP 751's marker for "this extra (group) is installed": `'gpu' in extras`. */
function activation(item: ConflictItem): Marker {
  return Marker.parse(`'${item.name}' in ${item.kind === "extra" ? "extras" : "dependency_groups"}`);
}

function describeItem(item: ConflictItem): string {
  return `${item.kind} \`${item.name}\``;
}

/**
 * Two scopes of one package's sources must never be installed together (uv: extras with different
 * sources of one package must be declared as conflicting): a declared conflict set holds both.
 */
function checkScopesConflict(
  p: Project,
  conflicts: readonly ConflictItem[][],
  name: string,
  scopes: ConflictItem[],
) {
  const rootName = p.canonicalName;
  const ours = (i: ConflictItem) => i.package === undefined || i.package === rootName;
  for (let a = 0; a < scopes.length; a++) {
    for (let b = a + 1; b < scopes.length; b++) {
      const x = scopes[a] as ConflictItem;
      const y = scopes[b] as ConflictItem;
      const declared = conflicts.some(
        (set) => set.some((i) => ours(i) && sameItem(i, x)) && set.some((i) => ours(i) && sameItem(i, y)),
      );
      if (declared) continue;
      const item = (i: ConflictItem) => `{ ${i.kind} = ${JSON.stringify(i.name)} }`;
      throw new ConditionalSourceError(
        "source-scope-conflict",
        `${p.path}: [tool.lockstep.sources] ${name}: the ${describeItem(x)} and the ${describeItem(y)} take ${name} from different sources, but they are not declared as conflicting, so both could be installed together (requirements would contain conflicting sources for ${name})`,
        { hint: `declare them as conflicting: [tool.lockstep] conflicts = [[${item(x)}, ${item(y)}]]` },
      );
    }
  }
}

/** `p` declaring only `name`'s `source`, and nothing else: what path/remote planning is given. */
function oneSourceProject(p: Project, name: string, source: Source): Project {
  return {
    ...p,
    canonicalName: undefined,
    dependencies: [],
    optionalDependencies: {},
    dependencyGroups: {},
    lockstep: { ...p.lockstep, sources: { [name]: [source] } },
  };
}

function soleWorkspace(workspace: Workspace, p: Project): Workspace {
  return { ...workspace, rootProject: p, members: [p], current: p };
}

/** A path or workspace source as written (git and URL sources describe themselves, redacted). */
function describeSource(name: string, s: Source): string {
  const where = s.kind === "path" ? `path = ${JSON.stringify(s.path)}` : "workspace = true";
  return `[tool.lockstep.sources] ${name} = { ${where}${s.marker && !s.marker.isTrue() ? `, marker = ${JSON.stringify(s.marker.toString())}` : ""} }`;
}

/** `marker`: where the source applies, its scope (extra or group) included. */
function variantPlan(workspace: Workspace, p: Project, name: string, s: Source, marker: Marker): VariantPlan {
  switch (s.kind) {
    case "index":
      return { kind: "index", marker, index: s.index };
    case "path": {
      const plan = pathPlans(soleWorkspace(workspace, oneSourceProject(p, name, s))).get(name) as PathPlan;
      return { kind: "path", marker, plan: { ...plan, describe: describeSource(name, s) } };
    }
    case "git":
    case "url": {
      // Its own description is kept: it redacts credentials in the URL.
      const plan = remotePlans(soleWorkspace(workspace, oneSourceProject(p, name, s))).get(
        name,
      ) as RemotePlan;
      return { kind: "remote", marker, plan };
    }
    case "workspace":
      throw new ConditionalSourceError(
        "source-scope-unsupported",
        `${p.path}: ${describeSource(name, s)}: a workspace member cannot be a source split by marker`,
        { hint: "a workspace member is always installed from the workspace: remove the marker" },
      );
  }
}

/** The workspace's conditional packages (the root's declaration first, then the members'). */
export function conditionalPlans(workspace: Workspace): Map<string, ConditionalPlan> {
  const out = new Map<string, ConditionalPlan>();
  const root = workspace.rootProject;
  for (const p of [root, ...workspace.members.filter((m) => m !== root)]) {
    for (const [name, sources] of Object.entries(p.lockstep.sources)) {
      if (out.has(name) || !isConditional(sources)) continue;
      const scopes: ConflictItem[] = [];
      for (const s of sources) {
        const item = scopeOf(s);
        if (item && !scopes.some((x) => sameItem(x, item))) scopes.push(item);
      }
      if (scopes.length > 0 && p !== root) throw scopedSourceError(p, name, sources.find(scopeOf) as Source);
      checkScopesConflict(p, root.lockstep.conflicts, name, scopes);
      // A scoped source holds where its extra (group) is installed and no other scope's is (the
      // declared conflicts make "both" an environment that is never installed); the unscoped
      // sources hold where no scope's does.
      const variants = sources.map((s) => {
        const item = scopeOf(s);
        const scope = scopes.reduce(
          (acc, other) =>
            item && sameItem(item, other) ? acc.and(activation(other)) : acc.and(activation(other).not()),
          Marker.TRUE,
        );
        return variantPlan(workspace, p, name, s, scope.and(s.marker ?? Marker.TRUE));
      });
      const rest = variants.reduce((acc, v) => acc.or(v.marker), Marker.FALSE).not();
      out.set(name, { name, variants, rest });
    }
  }
  return out;
}

/** The names path-sources.ts and remote-sources.ts must leave alone. */
export function conditionalNames(workspace: Workspace): Set<string> {
  const names = new Set<string>();
  for (const p of [workspace.rootProject, ...workspace.members]) {
    for (const [name, sources] of Object.entries(p.lockstep.sources))
      if (isConditional(sources)) names.add(name);
  }
  return names;
}

/** `workspace` with `names` removed from every project's sources. */
export function withoutSources(workspace: Workspace, names: ReadonlySet<string>): Workspace {
  if (names.size === 0) return workspace;
  const copies = new Map<Project, Project>();
  const copy = (p: Project): Project => {
    let c = copies.get(p);
    if (!c) {
      const sources = Object.fromEntries(Object.entries(p.lockstep.sources).filter(([n]) => !names.has(n)));
      c = { ...p, lockstep: { ...p.lockstep, sources } };
      copies.set(p, c);
    }
    return c;
  };
  return {
    ...workspace,
    rootProject: copy(workspace.rootProject),
    members: workspace.members.map(copy),
    current: copy(workspace.current),
  };
}

function variantKey(v: VariantPlan, lockDir: string): string {
  const record =
    v.kind === "index"
      ? `index ${v.index}`
      : v.kind === "path"
        ? (sourceRecords(new Map([[v.plan.name, v.plan]]), lockDir)[v.plan.name] as string)
        : (remoteRecords(new Map([[v.plan.name, v.plan]]))[v.plan.name] as string);
  return record;
}

/**
 * What the lock's inputs record per conditional package: each source's record (as path and remote
 * pins record theirs) under its marker, and the default's, so a changed marker or source is stale.
 */
export function conditionalRecords(
  plans: ReadonlyMap<string, ConditionalPlan>,
  lockDir: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...plans.keys()].sort()) {
    const plan = plans.get(name) as ConditionalPlan;
    const parts = plan.variants.map((v) => `${v.marker.toString()} => ${variantKey(v, lockDir)}`);
    if (!plan.rest.isFalse()) parts.push(`${plan.rest.toString()} => default`);
    out[name] = `split ${parts.join(" | ")}`;
  }
  return out;
}

/**
 * The existing lock's versions as the resolver's preferences for conditional packages: each entry
 * is preferred for the source whose marker holds wherever the entry does (key `name key`, the
 * default source by plain name), never for the others, so a re-lock keeps every source's version.
 */
export function conditionalPreferences(
  preferences: ReadonlyMap<string, Version>,
  lock: Lock | undefined,
  plans: ReadonlyMap<string, ConditionalPlan>,
  lockDir: string,
): Map<string, Version> {
  const out = new Map(preferences);
  if (plans.size === 0) return out;
  for (const name of plans.keys()) out.delete(name);
  for (const p of lock?.packages ?? []) {
    const plan = plans.get(p.name);
    if (!plan || !p.version) continue;
    const declared = plan.variants.find((v) => p.marker.implies(v.marker));
    const key = declared
      ? `${p.name} ${variantKey(declared, lockDir)}`
      : !plan.rest.isFalse() && p.marker.implies(plan.rest)
        ? p.name
        : undefined;
    if (key === undefined) continue;
    const prev = out.get(key);
    if (!prev || p.version.compare(prev) > 0) out.set(key, p.version);
  }
  return out;
}

/** What loading a path or remote variant needs (as for unconditional pins). */
export interface ConditionalPinContext {
  prepare: PrepareMetadata;
  remote: RemotePinContext;
  lockDir: string;
}

/** The resolver's variants for every conditional package. */
export function conditionalSourceVariants(
  plans: ReadonlyMap<string, ConditionalPlan>,
  ctx: ConditionalPinContext,
): Map<string, SourceVariant[]> {
  const out = new Map<string, SourceVariant[]>();
  for (const [name, plan] of plans) {
    const variants: SourceVariant[] = plan.variants.map((v) => {
      const key = variantKey(v, ctx.lockDir);
      if (v.kind === "index") return { marker: v.marker, key, index: v.index };
      const pin: SourcePin =
        v.kind === "path"
          ? (sourcePins(new Map([[name, v.plan]]), ctx.prepare).get(name) as SourcePin)
          : remotePin(v.plan, ctx.remote);
      return { marker: v.marker, key, pin };
    });
    if (!plan.rest.isFalse()) variants.push({ marker: plan.rest, key: "" });
    out.set(name, variants);
  }
  return out;
}
