/**
 * Source pins for workspace members and local paths (the project layer's half of the resolver's
 * source-pins.ts): which names are pinned, and how each pin's metadata is found.
 *
 * Pinned: every workspace member other than the root (a directory, editable unless its source says
 * `editable = false`); each `[tool.lockstep.sources]` entry `{ path = … }` or `{ workspace = true }`
 * of the root or of a member (paths relative to the pyproject.toml that declares them); each PEP 508
 * `name @ file:///…` requirement. A directory's metadata is its pyproject.toml `[project]` table
 * when that declares name, version, dependencies and optional-dependencies statically (PEP 621
 * `dynamic` lists none of them); otherwise it is prepared by the build backend
 * (`prepare_metadata_for_build_wheel`, cached by @lockstep/build under the tree's content hash). A
 * wheel's metadata is read from its METADATA file; an sdist's from a static PKG-INFO (Metadata 2.2+),
 * else it is prepared.
 *
 * `sourceRecords` is what the lock's inputs record per pin (kind, path relative to the lock, and a
 * digest of the statically readable metadata, or of the tree when it is dynamic), so `lock --check`
 * notices a path dependency's pyproject.toml gaining a dependency without resolving anything.
 *
 * Pitfalls: a member's `requires-python` narrows the workspace's (the intersection is what is
 * locked); a path that does not exist is an error naming the pyproject.toml, the entry and the
 * path (a silently skipped path would be a missing dependency); git and URL sources are left to
 * their own providers (see project-inputs.ts).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { FileError } from "@lockstep/errors";
import { SpecifierSet, Version } from "@lockstep/pep440";
import { Requirement } from "@lockstep/pep508";
import { readProject } from "@lockstep/pyproject";
import type { Project, Workspace } from "@lockstep/pyproject";
import type { PinnedDistribution, SourceDist, SourcePin, SourcePins } from "@lockstep/resolver";
import { pathRequested } from "./url-identity";

/** A pinned name before its metadata is read: the requested source and where it was declared. */
export interface PathPlan {
  name: string;
  source: Extract<SourceDist, { kind: "directory" | "archive" }>;
  /** The pyproject.toml that declared it (for messages). */
  declaredIn: string;
  /** How it was declared, for messages: `[tool.lockstep.sources] lib = { path = "../lib" }`. */
  describe: string;
}

/** Builds an sdist or source tree's core metadata text through its build backend. */
export type PrepareMetadata = (source: string) => Promise<string>;

export class PathSourceError extends FileError {}

function toPosix(p: string): string {
  return p.split(sep).join("/");
}

export function pathPlan(
  name: string,
  abs: string,
  editable: boolean,
  declaredIn: string,
  describe: string,
): PathPlan {
  if (!existsSync(abs)) {
    throw new PathSourceError(
      "path-source-missing",
      declaredIn,
      {},
      `${describe}: the path ${JSON.stringify(abs)} does not exist`,
      { hint: "fix the path (relative paths are relative to the pyproject.toml that declares them)" },
    );
  }
  if (statSync(abs).isDirectory()) {
    return { name, source: { kind: "directory", path: abs, editable }, declaredIn, describe };
  }
  if (!/\.(whl|tar\.gz|zip)$/.test(abs)) {
    throw new PathSourceError(
      "path-source-kind",
      declaredIn,
      {},
      `${describe}: ${JSON.stringify(abs)} is neither a directory nor a wheel or sdist (.whl, .tar.gz, .zip)`,
    );
  }
  return { name, source: { kind: "archive", path: abs, hashes: {} }, declaredIn, describe };
}

function allRequirements(p: Project): Requirement[] {
  return [
    ...p.dependencies,
    ...Object.values(p.optionalDependencies).flat(),
    ...Object.values(p.dependencyGroups).flat(),
  ];
}

/** Every pinned name of the workspace (members, path and workspace sources, `name @ file://`). */
export function pathPlans(workspace: Workspace): Map<string, PathPlan> {
  const plans = new Map<string, PathPlan>();
  const root = workspace.rootProject;
  const members = new Map<string, Project>();
  for (const m of workspace.members) if (m.canonicalName) members.set(m.canonicalName, m);
  const editableOverride = new Map<string, boolean>();
  const projects = [root, ...workspace.members.filter((m) => m !== root)];
  for (const p of projects) {
    for (const [name, sources] of Object.entries(p.lockstep.sources)) {
      for (const s of sources) {
        if (s.kind === "path") {
          const abs = resolve(p.root, s.path);
          const describe = `[tool.lockstep.sources] ${name} = { path = ${JSON.stringify(s.path)}${s.editable ? ", editable = true" : ""} }`;
          if (!plans.has(name)) plans.set(name, pathPlan(name, abs, s.editable, p.path, describe));
        } else if (s.kind === "workspace") {
          if (!members.has(name)) {
            throw new PathSourceError(
              "workspace-source-unknown",
              p.path,
              {},
              `[tool.lockstep.sources] ${name} = { workspace = true }: ${JSON.stringify(name)} is not a member of the workspace at ${workspace.root}`,
              {
                hint: `workspace members: ${[...members.keys()].join(", ") || "none"}; add its directory to [tool.lockstep.workspace] members`,
              },
            );
          }
          if (!s.editable) editableOverride.set(name, false);
        }
      }
    }
    for (const req of allRequirements(p)) {
      if (!req.url?.startsWith("file:") || plans.has(req.canonicalName)) continue;
      const abs = fileURLToPath(req.url);
      plans.set(
        req.canonicalName,
        pathPlan(req.canonicalName, abs, false, p.path, `the requirement ${JSON.stringify(req.toString())}`),
      );
    }
  }
  for (const [name, m] of members) {
    if (m === root) continue;
    const describe = `workspace member ${JSON.stringify(toPosix(relative(workspace.root, m.root)))}`;
    plans.set(name, pathPlan(name, m.root, editableOverride.get(name) ?? true, root.path, describe));
  }
  return plans;
}

function withExtra(r: Requirement, extra: string): Requirement {
  const base = `${r.name}${r.extras.length ? `[${r.extras.join(",")}]` : ""}${r.url ? ` @ ${r.url} ` : r.specifier.toString()}`;
  const marker = r.marker.isTrue()
    ? `extra == "${extra}"`
    : `(${r.marker.toString()}) and extra == "${extra}"`;
  return Requirement.parse(`${base}; ${marker}`);
}

const STATIC_FIELDS = ["version", "dependencies", "optional-dependencies", "requires-python"];

/** The statically declared metadata of a source tree, or undefined when the backend must prepare it. */
export function staticMetadata(dir: string): Omit<PinnedDistribution, "source"> | undefined {
  const file = join(dir, "pyproject.toml");
  if (!existsSync(file)) return undefined;
  const p = readProject(file);
  if (!p.hasProjectTable || p.version === undefined) return undefined;
  if (p.dynamic.some((f) => STATIC_FIELDS.includes(f))) return undefined;
  return {
    version: Version.parse(p.version),
    requiresDist: [
      ...p.dependencies,
      ...Object.entries(p.optionalDependencies).flatMap(([x, reqs]) => reqs.map((r) => withExtra(r, x))),
    ],
    requiresPython: p.requiresPython?.specifiers,
  };
}

function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** An sdist's PKG-INFO when it is static (Metadata 2.2+, nothing dynamic that matters), else undefined. */
async function staticSdistText(path: string, file: string): Promise<string | undefined> {
  const { SdistNeedsBuildError, pkgInfoFromSdist, staticSdistMetadata } = await import("@lockstep/index");
  try {
    return staticSdistMetadata(pkgInfoFromSdist(readFileSync(path), file), file);
  } catch (err) {
    if (err instanceof SdistNeedsBuildError) return undefined;
    throw err;
  }
}

async function fromCoreMetadata(text: string, where: string): Promise<Omit<PinnedDistribution, "source">> {
  const { parseCoreMetadata } = await import("@lockstep/wheel");
  const meta = parseCoreMetadata(text, where);
  return { version: meta.version, requiresDist: meta.requiresDist, requiresPython: meta.requiresPython };
}

/** The resolver's pins for `plans`; `prepare` runs the build backend when metadata is dynamic. */
export function sourcePins(plans: Map<string, PathPlan>, prepare: PrepareMetadata): SourcePins {
  const pins = new Map<string, SourcePin>();
  for (const [name, plan] of plans) {
    pins.set(name, {
      describe: plan.describe,
      requested: pathRequested(plan.source.path as string),
      load: async (): Promise<PinnedDistribution> => {
        const s = plan.source;
        if (s.kind === "directory") {
          const meta = staticMetadata(s.path) ?? (await fromCoreMetadata(await prepare(s.path), s.path));
          return { ...meta, source: s };
        }
        const path = s.path as string;
        const file = basename(path);
        const { readWheelMetadataFile } = await import("@lockstep/wheel");
        const text = file.endsWith(".whl")
          ? readWheelMetadataFile(path, file)
          : ((await staticSdistText(path, file)) ?? (await prepare(path)));
        const meta = await fromCoreMetadata(text, path);
        return { ...meta, source: { ...s, hashes: { sha256: sha256File(path) }, size: statSync(path).size } };
      },
    });
  }
  return pins;
}

/** `requires-python` of the workspace: the root's (or none) intersected with every member's. */
export function workspaceRequiresPython(workspace: Workspace): SpecifierSet | undefined {
  const parts = workspace.members
    .concat(workspace.members.includes(workspace.rootProject) ? [] : [workspace.rootProject])
    .map((m) => m.requiresPython?.specifiers.toString())
    .filter((t): t is string => t !== undefined && t !== "");
  const unique = [...new Set(parts)];
  return unique.length === 0 ? undefined : SpecifierSet.parse(unique.join(","));
}

/**
 * What the lock's inputs record per pinned name: `<kind> <path relative to the lock>[ editable]
 * <digest>`, the digest over the static metadata (or the tree's files when it is dynamic, or the
 * archive's bytes). Cheap enough for `lock --check`: no build backend runs.
 */
export function sourceRecords(plans: Map<string, PathPlan>, lockDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...plans.keys()].sort()) {
    const plan = plans.get(name) as PathPlan;
    const s = plan.source;
    const rel = toPosix(relative(lockDir, s.path as string)) || ".";
    let digest: string;
    if (s.kind === "directory") {
      const meta = staticMetadata(s.path);
      const text = meta
        ? JSON.stringify([
            meta.version.toString(),
            meta.requiresDist.map((r) => r.toString()).sort(),
            meta.requiresPython?.toString() ?? "",
          ])
        : treeFingerprint(s.path);
      digest = createHash("sha256").update(text).digest("hex").slice(0, 16);
    } else {
      digest = sha256File(s.path as string).slice(0, 16);
    }
    out[name] = `${s.kind} ${rel}${s.kind === "directory" && s.editable ? " editable" : ""} ${digest}`;
  }
  return out;
}

/** The build inputs of a tree with dynamic metadata: the files its backend reads for metadata. */
function treeFingerprint(dir: string): string {
  const parts: string[] = [];
  for (const f of ["pyproject.toml", "setup.py", "setup.cfg"]) {
    const p = join(dir, f);
    if (existsSync(p)) parts.push(f, readFileSync(p, "utf8"));
  }
  return parts.join("\0");
}
