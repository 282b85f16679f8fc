/**
 * An independent check of one environment's install set against a universe written as data.
 *
 * It shares nothing with the provider: it reads requirements from the universe's own `requiresDist`
 * strings, evaluates their markers in the given environment (with `extra` set to each extra asked
 * of a package), and checks, collecting every problem rather than stopping at the first:
 * - each requirement that applies (from the root, and from every chosen package with the extras
 *   requested of it) names a chosen package whose version its specifier admits (pre-releases
 *   admitted: the specifier decides, not the pre-release policy);
 * - each chosen version exists in the universe, its Requires-Python admits the environment's
 *   Python, and (when a compatibility test is given) it has a file the environment can install;
 * - one version per package, and no chosen package that nothing requires.
 *
 * Pitfalls: names are compared canonically (PEP 503) and extras normalized (PEP 685); versions by
 * PEP 440 equality (`1.0` == `1.0.0`), not by their text; a requirement's extras count only where
 * the requirement applies.
 */
import { SpecifierSet, Version } from "@lockstep/pep440";
import { Requirement, canonicalizeName } from "@lockstep/pep508";
import type { MarkerEnvironment } from "@lockstep/pep508";
import type { ReleaseSpec, Universe } from "@lockstep/fixtures";

export interface Chosen {
  name: string;
  version: string;
}

export interface ValidateOptions {
  /** True when a wheel with this compressed tag triple installs in the environment; unset: any file will do. */
  wheelCompatible?: (tags: string) => boolean;
  /** Extras of the root that are active (root requirements with `extra == "x"` markers). */
  rootExtras?: readonly string[];
}

interface Release {
  version: Version;
  spec: ReleaseSpec;
}

/** The universe indexed by canonical name, versions parsed once. */
export class UniverseIndex {
  private readonly projects = new Map<string, Release[]>();
  private readonly requirements = new Map<string, Requirement>();

  constructor(readonly universe: Universe) {
    for (const [name, project] of Object.entries(universe.packages)) {
      const releases = Object.entries(project.versions).map(([v, spec]) => ({
        version: Version.parse(v),
        spec,
      }));
      this.projects.set(canonicalizeName(name), releases);
    }
  }

  release(name: string, version: Version): Release | undefined {
    return this.projects.get(canonicalizeName(name))?.find((r) => r.version.equals(version));
  }

  has(name: string): boolean {
    return this.projects.has(canonicalizeName(name));
  }

  requirement(text: string): Requirement {
    let r = this.requirements.get(text);
    if (!r) {
      r = Requirement.parse(text);
      this.requirements.set(text, r);
    }
    return r;
  }
}

function hasCompatibleFile(spec: ReleaseSpec, compatible: (tags: string) => boolean): boolean {
  if (spec.sdist !== false) return true;
  const wheels =
    spec.wheels === undefined ? [{ tags: "py3-none-any" }] : spec.wheels === false ? [] : spec.wheels;
  return wheels.some((w) => compatible(w.tags));
}

/**
 * Problems with `chosen` as the install set for `root` in `env` (empty when it is a valid answer).
 * `root` is the list of the project's requirement strings.
 */
export function validateInstallSet(
  universe: Universe | UniverseIndex,
  root: readonly string[],
  chosen: readonly Chosen[],
  env: MarkerEnvironment,
  options: ValidateOptions = {},
): string[] {
  const index = universe instanceof UniverseIndex ? universe : new UniverseIndex(universe);
  const problems: string[] = [];
  const versions = new Map<string, Version>();
  for (const c of chosen) {
    const name = canonicalizeName(c.name);
    let v: Version;
    try {
      v = Version.parse(c.version);
    } catch {
      problems.push(`${name} ${c.version} is not a PEP 440 version`);
      continue;
    }
    const prev = versions.get(name);
    if (prev) {
      problems.push(`${name} is chosen twice (${prev.toString()} and ${v.toString()})`);
      continue;
    }
    versions.set(name, v);
    const release = index.release(name, v);
    if (!release) {
      problems.push(`${name} ${v.toString()} is not in the universe`);
      continue;
    }
    const rp = release.spec.requiresPython;
    if (
      rp &&
      !SpecifierSet.parse(rp).contains(Version.parse(env.python_full_version), { prereleases: true })
    ) {
      problems.push(
        `${name} ${v.toString()} requires Python ${rp}, but the environment has ${env.python_full_version}`,
      );
    }
    if (options.wheelCompatible && !hasCompatibleFile(release.spec, options.wheelCompatible)) {
      problems.push(`${name} ${v.toString()} has no file that installs in this environment`);
    }
  }

  const required = new Set<string>();
  /** "name[extra]" already expanded ("" = the package itself). */
  const expanded = new Set<string>();
  const queue: Array<{ req: Requirement; from: string }> = [];
  const rootExtras = options.rootExtras ?? [];
  for (const text of root) {
    const req = index.requirement(text);
    const applies =
      req.marker.evaluate(env, { extra: "" }) ||
      rootExtras.some((e) => req.marker.evaluate(env, { extra: e }));
    if (applies) queue.push({ req, from: "the root" });
  }
  for (let i = 0; i < queue.length; i++) {
    const { req, from } = queue[i] as { req: Requirement; from: string };
    const name = req.canonicalName;
    required.add(name);
    const v = versions.get(name);
    if (!v) {
      problems.push(`${from} requires ${req.toString()}, but ${name} is not chosen`);
      continue;
    }
    if (!req.specifier.contains(v, { prereleases: true })) {
      problems.push(`${from} requires ${req.toString()}, but ${name} ${v.toString()} is chosen`);
    }
    const release = index.release(name, v);
    if (!release) continue;
    for (const extra of ["", ...req.extras]) {
      const key = `${name}[${extra}]`;
      if (expanded.has(key)) continue;
      expanded.add(key);
      const label = `${name} ${v.toString()}${extra ? `[${extra}]` : ""}`;
      for (const text of release.spec.requiresDist ?? []) {
        const dep = index.requirement(text);
        if (dep.marker.evaluate(env, { extra })) queue.push({ req: dep, from: label });
      }
    }
  }
  for (const name of versions.keys()) {
    if (!required.has(name)) problems.push(`${name} is chosen, but nothing requires it`);
  }
  return problems;
}
