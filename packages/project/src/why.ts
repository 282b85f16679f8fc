/**
 * `lockstep why NAME`: every chain of requirements that brings NAME into the lock, from the project
 * (its dependencies, its extras, its dependency groups) down, with the marker and the extras on each
 * edge.
 *
 * Which edges exist is the lock's (`packages.dependencies`, PEP 751); what each edge *says* (the
 * requirement text, its marker, the extras it asks for) is not in a PEP 751 lock, so it is read from
 * the package's core metadata (`Requires-Dist`), which the lock made from it and the cache still
 * holds (no request on a warm cache; `--offline` never asks). An edge whose metadata cannot be had is
 * kept, labelled with the bare name and `marker: unknown`, and the package is named in `notes`.
 *
 * Pitfalls: a `Requires-Dist` whose marker says `extra == 'x'` is an edge only when its package was
 * asked for with extra `x` on the way in, so the extras travel along a chain; one name may have several
 * lock entries (marker-split versions), so a requirement leads to each entry its specifier allows;
 * with `--environment` (a marker expression, possibly partial, or `linux`/`macos`/`windows`) an edge
 * applies when its marker can hold together with it (the marker algebra decides, so a partial
 * environment keeps what it does not rule out); chains never visit a package twice (cycles) and stop
 * at NAME; the number of chains is capped (MAX_CHAINS) and `truncated` says so.
 */
import { LockstepError } from "@lockstep/errors";
import { readLock } from "@lockstep/lockfile";
import type { Lock, LockDependency, LockPackage } from "@lockstep/lockfile";
import { Marker, Requirement, canonicalizeName } from "@lockstep/pep508";
import type { DistFile } from "@lockstep/index";
import { readProjectLock } from "./read-project-lock";
import { closestName } from "./settings";

export const MAX_CHAINS = 1000;

/** `--environment` names that stand for a marker. */
export const ENVIRONMENT_PRESETS: Readonly<Record<string, string>> = {
  linux: "sys_platform == 'linux'",
  macos: "sys_platform == 'darwin'",
  windows: "sys_platform == 'win32'",
};

export interface WhyStep {
  /** The requiring side: the project's name or a package's `name`. */
  from: string;
  /** `dependencies`, `extra: NAME` or `group: NAME` on the project's own edges; undefined below. */
  via: string | undefined;
  /** The requirement as written (`fetchkit[socks]>=2.2`), without its marker. */
  requirement: string;
  /** The edge's marker ("" when it applies everywhere); undefined when the metadata was not available. */
  marker: string | undefined;
  /** Extras the requirement asks for. */
  extras: string[];
  /**
   * The lock entry the edge leads to; `marker` only when another entry has the same name and
   * version (one version from two sources split by marker), to tell the two apart.
   */
  to: { name: string; version: string | undefined; marker?: string };
}

export interface WhyResult {
  name: string;
  /** The versions of NAME in the lock (several when marker-split). */
  versions: string[];
  /** The environment marker used (after preset expansion), or undefined. */
  environment: string | undefined;
  chains: WhyStep[][];
  truncated: boolean;
  /** Packages whose edges carry no marker because their metadata could not be read. */
  notes: string[];
}

export class WhyNotLockedError extends LockstepError {
  constructor(name: string, lockName: string, near: string | undefined) {
    super("why-not-locked", `${name} is not in ${lockName}`, {
      hint: near ? `did you mean \`${near}\`?` : "`lockstep tree` lists what the lock holds",
    });
  }
}

export class EnvironmentMarkerError extends LockstepError {
  constructor(value: string, reason: string) {
    super("why-environment-invalid", `--environment ${JSON.stringify(value)} is not a marker: ${reason}`, {
      hint: `give a PEP 508 marker such as "sys_platform == 'win32' and python_version == '3.12'", or one of ${Object.keys(ENVIRONMENT_PRESETS).join(", ")}`,
    });
  }
}

/** The marker an `--environment` value stands for. */
export function environmentMarker(value: string): { text: string; marker: Marker } {
  const text = ENVIRONMENT_PRESETS[value.trim().toLowerCase()] ?? value;
  try {
    return { text, marker: Marker.parse(text) };
  } catch (err) {
    throw new EnvironmentMarkerError(value, (err as Error).message.split("\n")[0] ?? "");
  }
}

/** The core metadata's requirements of a lock entry, or undefined when they cannot be had. */
export type RequiresDistOf = (pkg: LockPackage) => Promise<Requirement[] | undefined>;

/** `extra == 'a' or extra == 'b'` for the extras a package was asked with (`extra == ''` for none). */
function extrasMarker(extras: readonly string[]): Marker {
  const list = extras.length > 0 ? extras : [""];
  return list.map((e) => Marker.parse(`extra == '${e}'`)).reduce((a, b) => a.or(b));
}

function requirementWithoutMarker(r: Requirement): string {
  const extras = r.extras.length > 0 ? `[${r.extras.join(",")}]` : "";
  return r.url !== undefined
    ? `${r.name}${extras} @ ${r.url}`
    : `${r.name}${extras}${r.specifier.toString()}`;
}

interface Edge {
  step: Omit<WhyStep, "from">;
  target: LockPackage;
}

export interface ExplainOptions {
  environment?: string | undefined;
  requiresDist: RequiresDistOf;
}

/** The chains of `lock` that lead to `name` (the pure part of `why`). */
export async function explainLock(
  lock: Lock,
  lockName: string,
  name: string,
  opts: ExplainOptions,
): Promise<WhyResult> {
  const wanted = canonicalizeName(name);
  const byName = new Map<string, LockPackage[]>();
  for (const p of lock.packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  // Twins (one name and version) sit in the lock in their index URL's order, which may vary (a
  // port); chains list them by marker instead, so the output is the same from lock to lock.
  for (const [n, list] of byName) {
    const first = new Map<string, number>();
    list.forEach((p, k) => {
      const v = p.version?.toString() ?? "";
      if (!first.has(v)) first.set(v, k);
    });
    const rank = (p: LockPackage) => first.get(p.version?.toString() ?? "") as number;
    byName.set(
      n,
      [...list].sort((a, b) =>
        rank(a) !== rank(b)
          ? rank(a) - rank(b)
          : a.marker.toString() < b.marker.toString()
            ? -1
            : a.marker.toString() > b.marker.toString()
              ? 1
              : 0,
      ),
    );
  }
  const inputs = lock.lockstep?.inputs;
  const projectName = inputs ? canonicalizeName(inputs.projectName) : undefined;
  const entriesOf = (n: string) =>
    (byName.get(n) ?? []).filter((p) => !(p.name === projectName && !p.version));
  const targets = entriesOf(wanted);
  const twinCount = new Map<string, number>();
  const nameVersion = (p: LockPackage) => `${p.name}@${p.version?.toString() ?? ""}`;
  for (const p of lock.packages) twinCount.set(nameVersion(p), (twinCount.get(nameVersion(p)) ?? 0) + 1);
  const entryOf = (p: LockPackage): WhyStep["to"] =>
    (twinCount.get(nameVersion(p)) ?? 0) > 1
      ? { name: p.name, version: p.version?.toString(), marker: p.marker.toString() }
      : { name: p.name, version: p.version?.toString() };
  if (targets.length === 0) {
    const names = [...byName.keys()].filter((n) => n !== projectName);
    throw new WhyNotLockedError(name, lockName, closestName(wanted, names));
  }
  if (!inputs) {
    throw new LockstepError(
      "why-needs-inputs",
      `${lockName} does not record the project's requirements ([tool.lockstep.inputs]), so chains cannot start from the project`,
      { hint: "run `lockstep lock` to write a lock that records them" },
    );
  }
  const env = opts.environment === undefined ? undefined : environmentMarker(opts.environment);
  const applies = (m: Marker) => env === undefined || !m.isDisjoint(env.marker);
  const fits = (req: Requirement, p: LockPackage) =>
    p.version === undefined ||
    req.url !== undefined ||
    req.specifier.contains(p.version, { prereleases: true });

  // The project's edges: its dependencies, each extra's and each group's requirements.
  const rootEdges: Edge[] = [];
  const sources: Array<[string, string[]]> = [["dependencies", inputs.dependencies]];
  for (const [extra, reqs] of Object.entries(inputs.optionalDependencies))
    sources.push([`extra: ${extra}`, reqs]);
  for (const [group, reqs] of Object.entries(inputs.dependencyGroups))
    sources.push([`group: ${group}`, reqs]);
  for (const [via, reqs] of sources) {
    for (const text of reqs) {
      let req: Requirement;
      try {
        req = Requirement.parse(text);
      } catch {
        continue;
      }
      if (!applies(req.marker)) continue;
      const entries = entriesOf(req.canonicalName).filter((e) => applies(e.marker));
      const allowed = entries.filter((e) => fits(req, e));
      for (const target of allowed.length > 0 ? allowed : entries) {
        rootEdges.push({
          step: {
            via,
            requirement: requirementWithoutMarker(req),
            marker: req.marker.isTrue() ? "" : req.marker.toString(),
            extras: [...req.extras],
            to: entryOf(target),
          },
          target,
        });
      }
    }
  }

  // Package edges: the lock says which exist, the metadata what each says.
  const notes: string[] = [];
  const metadata = new Map<LockPackage, Promise<Requirement[] | undefined>>();
  const requiresDist = (p: LockPackage) => {
    let m = metadata.get(p);
    if (!m) {
      m = opts.requiresDist(p);
      metadata.set(p, m);
    }
    return m;
  };
  const edgesOf = async (p: LockPackage, extras: readonly string[]): Promise<Edge[]> => {
    const reqs = await requiresDist(p);
    if (reqs === undefined && !notes.includes(p.name)) notes.push(p.name);
    const asked = extrasMarker(extras);
    const out: Edge[] = [];
    // Dependencies naming twins (same name and version, told apart by `index`/`marker`) are taken
    // together, so their entries come in entriesOf's order (by marker), not the lock's.
    const groups = new Map<string, LockDependency[]>();
    for (const d of p.dependencies) {
      const k = `${d.name}@${d.version?.toString() ?? ""}`;
      groups.set(k, [...(groups.get(k) ?? []), d]);
    }
    for (const deps of groups.values()) {
      const dep = deps[0] as LockDependency;
      const means = (d: LockDependency, e: LockPackage) =>
        (!d.version || (e.version !== undefined && e.version.equals(d.version))) &&
        // PEP 751: `index`/`marker` pick one of two entries of one name and version.
        (d.index === undefined || e.index === d.index) &&
        (d.marker === undefined || e.marker.toString() === d.marker.toString());
      const entries = entriesOf(dep.name).filter((e) => deps.some((d) => means(d, e)) && applies(e.marker));
      if (reqs === undefined) {
        for (const target of entries)
          out.push({
            step: {
              via: undefined,
              requirement: dep.name,
              marker: undefined,
              extras: [],
              to: entryOf(target),
            },
            target,
          });
        continue;
      }
      for (const req of reqs) {
        if (req.canonicalName !== dep.name) continue;
        if (req.marker.isDisjoint(asked) || !applies(req.marker.and(asked).withoutExtras())) continue;
        const marker = req.marker.isTrue() ? "" : req.marker.toString();
        for (const target of entries.filter((e) => fits(req, e)))
          out.push({
            step: {
              via: undefined,
              requirement: requirementWithoutMarker(req),
              marker,
              extras: [...req.extras],
              to: entryOf(target),
            },
            target,
          });
      }
    }
    return out;
  };

  const chains: WhyStep[][] = [];
  let truncated = false;
  const from = inputs.projectName;
  const walk = async (edges: Edge[], fromName: string, path: WhyStep[], seen: Set<LockPackage>) => {
    for (const edge of edges) {
      if (chains.length >= MAX_CHAINS) {
        truncated = true;
        return;
      }
      if (seen.has(edge.target)) continue;
      const step: WhyStep = { from: fromName, ...edge.step };
      if (edge.target.name === wanted) {
        chains.push([...path, step]);
        continue;
      }
      const next = await edgesOf(edge.target, edge.step.extras);
      await walk(next, edge.target.name, [...path, step], new Set([...seen, edge.target]));
    }
  };
  await walk(rootEdges, from, [], new Set());
  const key = (c: WhyStep[]) =>
    c
      .map((s) => `${s.to.name} ${s.to.marker ?? ""} ${s.requirement} ${s.marker ?? ""} ${s.via ?? ""}`)
      .join(" > ");
  // The walk's order is the project's (dependencies, then extras, then groups; the lock's order below).
  const sorted = [...new Map(chains.map((c) => [key(c), c])).values()];
  return {
    name: wanted,
    versions: [...new Set(targets.map((t) => t.version?.toString() ?? "").filter((v) => v !== ""))],
    environment: env?.text,
    chains: sorted,
    truncated,
    notes: notes.sort(),
  };
}

export interface WhyOptions {
  project?: string | undefined;
  cwd?: string | undefined;
  frozen?: boolean | undefined;
  environment?: string | undefined;
  offline?: boolean | undefined;
  cacheDir?: string | undefined;
  /** A lock file to read instead of the project's (tests; `--lockfile` may come later). */
  lockText?: string | undefined;
}

/** The file of a lock entry to read core metadata from: wheels first (their METADATA is static). */
function distFiles(p: LockPackage): DistFile[] {
  if (p.source.kind !== "files") return [];
  const files = [...p.source.wheels, ...(p.source.sdist ? [p.source.sdist] : [])];
  return files
    .filter((f) => f.url !== undefined)
    .map((f) => ({
      filename: f.name,
      url: f.url as string,
      hashes: f.hashes,
      requiresPython: undefined,
      yanked: false as const,
      size: f.size,
      uploadTime: f.uploadTime,
      coreMetadata: false as const,
      source: p.index ?? "",
    }));
}

/** `lockstep why NAME` for the current project. */
export async function whyPackage(
  name: string,
  opts: WhyOptions = {},
): Promise<WhyResult & { warnings: string[] }> {
  const { lock, located, warnings } = readProjectLock({
    project: opts.project,
    cwd: opts.cwd,
    frozen: opts.frozen,
  });
  const theLock = opts.lockText === undefined ? lock : readLock(opts.lockText, located.lockPath);
  const lockName = located.lockPath.split(/[\\/]/).pop() ?? "pylock.toml";
  const { IndexClient, defaultCacheDir } = await import("@lockstep/index");
  const { parseCoreMetadata } = await import("@lockstep/wheel");
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  // Every file is tried from the cache first (the lock step read the metadata of one of them).
  const cached = new IndexClient({ cacheDir, offline: true, onWarning: () => {} });
  const online = opts.offline ? undefined : new IndexClient({ cacheDir, onWarning: () => {} });
  const requiresDist: RequiresDistOf = async (p) => {
    const files = distFiles(p);
    for (const f of files) {
      try {
        return parseCoreMetadata(await cached.metadata(f), f.filename).requiresDist.slice();
      } catch {
        // not cached: the next file, then the network
      }
    }
    if (online && files[0]) {
      try {
        return parseCoreMetadata(await online.metadata(files[0]), files[0].filename).requiresDist.slice();
      } catch {
        return undefined;
      }
    }
    return undefined;
  };
  try {
    const result = await explainLock(theLock, lockName, name, {
      environment: opts.environment,
      requiresDist,
    });
    return { ...result, warnings };
  } finally {
    cached.close();
    online?.close();
  }
}
