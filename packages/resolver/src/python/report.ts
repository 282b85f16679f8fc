/**
 * Conflict reports in Python terms. The PubGrub core decides the shape of the explanation; this
 * formatter decides the words: "your project depends on a>=2", "a==1.0 requires Python>=3.13",
 * "the requested Python version (3.12.1) does not satisfy Python>=3.13", and the hints after the
 * report (pre-release-only or yanked-only matches, Requires-Python against the project's range,
 * no wheel for this platform, packages missing from the index).
 *
 * Ranges are simplified against the versions that exist (the ones PubGrub could be given): PubGrub
 * derives sets such as `b<2.1.0 || >2.1.0` that are exact but unreadable; over the versions that
 * exist, that set may be "all versions of b", or a single `b==1.0`. Statements stay true, since
 * they only ever concerned versions that exist. What a requirement *says* (the object of "depends
 * on") is quoted as written, never simplified: users look for their own text.
 *
 * Pitfall: a set that holds none of the known versions is left as it is (there is nothing simpler
 * that says the same), and packages whose versions are not loaded are never simplified.
 */
import { VersionSet } from "@lockstep/pep440";
import type { Version } from "@lockstep/pep440";
import type { DerivationTree, External, TermEntry } from "../pubgrub";
import { DefaultReportFormatter } from "../pubgrub";
import type { ProviderHints } from "./candidate-selection";
import type { PyPackage } from "./package";
import { displayPackage, packageKey } from "./package";
import { pythonVersionSets } from "./version-sets";

/** What the Python layer tells the formatter about the packages a report mentions. */
export interface ReportContext {
  /** The project's name: its own extras (`app[cpu]`) are shown without the project's version. */
  rootName?: string;
  /** The versions of a distribution that may be chosen, ascending; undefined when not loaded. */
  versions(name: string): readonly Version[] | undefined;
  /**
   * The marker of the requirement `p` (at the versions in `set`) has on `dependency`, when every
   * recorded edge agrees and it is not "always" (`sys_platform == 'win32'`); else undefined.
   */
  edgeMarker?(p: PyPackage, set: VersionSet, dependency: PyPackage): string | undefined;
}

const NO_CONTEXT: ReportContext = { versions: () => undefined };

export class PythonReportFormatter extends DefaultReportFormatter<PyPackage, Version, VersionSet> {
  private readonly simplified = new Map<string, VersionSet>();

  constructor(
    private readonly pythonVersion: Version | undefined,
    private readonly context: ReportContext = NO_CONTEXT,
  ) {
    super({
      versionSets: pythonVersionSets,
      packageName: (p) => (p.kind === "root" ? "your project" : displayPackage(p)),
      isRoot: (p) => p.kind === "root",
    });
  }

  /**
   * `set` over the versions of `p` that exist: the same versions, in the fewest bounds (each run
   * of consecutive known versions as `>=first,<=last`, open-ended at either end of the list, `==v`
   * for one version); the full set when it holds every known version (and there are several).
   */
  simplify(p: PyPackage, set: VersionSet): VersionSet {
    if ((p.kind !== "package" && p.kind !== "extra") || set.isFull() || set.isEmpty()) return set;
    const known = this.context.versions(p.name);
    if (!known || known.length === 0) return set;
    const key = `${packageKey(p)} ${set.toString()}`;
    const cached = this.simplified.get(key);
    if (cached) return cached;
    const inside = known.map((v) => set.contains(v));
    let result = set;
    // "All versions" only when there is more than one: a single version is clearer by its number.
    if (known.length > 1 && inside.every(Boolean)) result = VersionSet.full();
    else if (inside.some(Boolean)) {
      result = VersionSet.empty();
      for (let i = 0; i < known.length; i++) {
        if (!inside[i]) continue;
        let j = i;
        while (j + 1 < known.length && inside[j + 1]) j++;
        const first = known[i] as Version;
        const last = known[j] as Version;
        let run: VersionSet;
        if (i === j) run = VersionSet.exact(first);
        else {
          // Built from bounds, not parsed: a local version (`1.0+cpu`) is not allowed in `>=`.
          run = VersionSet.interval({
            ...(i > 0 ? { lower: { version: first, inclusive: true } } : {}),
            ...(j < known.length - 1 ? { upper: { version: last, inclusive: true } } : {}),
          });
        }
        result = result.union(run);
        i = j;
      }
    }
    this.simplified.set(key, result);
    return result;
  }

  /** A package and its (simplified) versions: `foo==1.0`, `foo>=2`, `all versions of foo`. */
  override packageSet(p: PyPackage, set: VersionSet): string {
    if (p.kind === "root" || p.kind === "group" || set.isFull() || this.isProjectExtra(p))
      return this.package(p);
    const simple = this.simplify(p, set);
    if (simple.isFull()) return `all versions of ${this.package(p)}`;
    const asIs = withRange(this.package(p), set);
    const simpler = withRange(this.package(p), simple);
    // Both say the same of every version that exists: one version by its number, else the shorter.
    if (/^==[^|]*$/.test(readableSet(simple))) return simpler;
    return simpler.length <= asIs.length ? simpler : asIs;
  }

  private isProjectExtra(p: PyPackage): boolean {
    return p.kind === "extra" && p.name === this.context.rootName;
  }

  /** A requirement's range as written (not simplified): the object of "depends on". */
  private requirement(p: PyPackage, set: VersionSet): string {
    if (p.kind === "root" || p.kind === "group" || set.isFull() || this.isProjectExtra(p))
      return this.package(p);
    return withRange(this.package(p), set);
  }

  private dependsOn(p: PyPackage, set: VersionSet, dependency: PyPackage, dependencySet: VersionSet): string {
    const subject = this.packageSet(p, set);
    const marker = this.context.edgeMarker?.(p, set, dependency);
    const on = marker ? ` (on ${marker})` : "";
    const verb = dependency.kind === "python" ? "require" : "depend";
    return `${subject} ${verb}${plural(subject) ? "" : "s"} ${dependency.kind === "python" ? "" : "on "}${this.requirement(dependency, dependencySet)}${on}`;
  }

  override external(cause: External<PyPackage, VersionSet>): string {
    switch (cause.kind) {
      case "fromDependencyOf":
        return this.dependsOn(cause.package, cause.set, cause.dependency, cause.dependencySet);
      case "noVersions":
        return this.noVersions(cause.package, cause.set);
      case "unavailable": {
        const subject = this.packageSet(cause.package, cause.set);
        return `${subject} ${plural(subject) ? "are" : "is"} unavailable because ${cause.reason}`;
      }
      default:
        return super.external(cause);
    }
  }

  private noVersions(p: PyPackage, set: VersionSet): string {
    if (p.kind === "python") {
      const v = this.pythonVersion?.toString() ?? "unknown";
      return `the requested Python version (${v}) does not satisfy ${this.requirement(p, set)}`;
    }
    if (p.kind === "extra") return `${this.requirement(p, set)} has no matching version`;
    const name = this.package(p);
    const known = p.kind === "package" ? this.context.versions(p.name) : undefined;
    if (set.isFull() || (known && known.length === 0)) return `there are no versions of ${name}`;
    if (known && known.length > 0) {
      const first = known[0] as Version;
      const last = known[known.length - 1] as Version;
      // Say what does exist when the request lies wholly beyond it (or there is only one version).
      if (known.length === 1) return `only ${name}==${first.toString()} is available`;
      const lowest = VersionSet.interval({ upper: { version: first, inclusive: false } });
      const highest = VersionSet.interval({ lower: { version: last, inclusive: false } });
      if (set.isSubsetOf(highest)) return `only ${name}<=${last.toString()} is available`;
      if (set.isSubsetOf(lowest)) return `only ${name}>=${first.toString()} is available`;
      if (set.isSubsetOf(lowest.union(highest)))
        return `only ${name}>=${first.toString()},<=${last.toString()} is available`;
    }
    return `there is no version of ${withRange(name, set)}`;
  }

  override terms(terms: readonly TermEntry<PyPackage, VersionSet>[]): string {
    const pos = terms.filter((t) => t.term.positive);
    const neg = terms.filter((t) => !t.term.positive);
    const subject = (t: TermEntry<PyPackage, VersionSet>) => this.packageSet(t.package, t.term.set);
    const first = pos[0];
    if (terms.length === 1 && first) {
      const s = subject(first);
      return `${s} cannot be used`;
    }
    if (first && pos.length === 1 && neg.length > 0) {
      const s = subject(first);
      return `${s} require${plural(s) ? "" : "s"} ${listed(neg.map(subject), "or")}`;
    }
    if (neg.length === 0 && pos.length > 1) return `${listed(pos.map(subject), "and")} are incompatible`;
    return super.terms(terms);
  }

  /**
   * Two facts in one clause, shortened when they share a subject ("your project depends on both
   * a>=2 and b<1") or chain ("a==1.0 depends on b>=2 which depends on c<1").
   */
  override and(a: DerivationTree<PyPackage, VersionSet>, b: DerivationTree<PyPackage, VersionSet>): string {
    const da = a.kind === "external" && a.cause.kind === "fromDependencyOf" ? a.cause : undefined;
    const db = b.kind === "external" && b.cause.kind === "fromDependencyOf" ? b.cause : undefined;
    if (da && db && da.dependency.kind !== "python" && db.dependency.kind !== "python") {
      if (packageKey(da.package) === packageKey(db.package) && da.set.equals(db.set)) {
        const subject = this.packageSet(da.package, da.set);
        const note = (d: typeof da) => {
          const m = this.context.edgeMarker?.(d.package, d.set, d.dependency);
          return m ? ` (on ${m})` : "";
        };
        return `${subject} depend${plural(subject) ? "" : "s"} on both ${this.requirement(da.dependency, da.dependencySet)}${note(da)} and ${this.requirement(db.dependency, db.dependencySet)}${note(db)}`;
      }
      for (const [x, y] of [
        [da, db],
        [db, da],
      ] as const) {
        if (packageKey(x.dependency) === packageKey(y.package) && x.dependencySet.isSubsetOf(y.set)) {
          const m = this.context.edgeMarker?.(y.package, y.set, y.dependency);
          return `${this.external(x)} which depends on ${this.requirement(y.dependency, y.dependencySet)}${m ? ` (on ${m})` : ""}`;
        }
      }
    }
    return `${this.explain(a)} and ${this.explain(b)}`;
  }
}

function plural(subject: string): boolean {
  return subject.startsWith("all versions of ");
}

function withRange(name: string, set: VersionSet): string {
  const text = readableSet(set);
  return /^[<>=!~]/.test(text) ? `${name}${text}` : `${name} ${text}`;
}

function listed(items: readonly string[], conjunction: string): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1] ?? ""}`;
}

/**
 * A version set as a user reads it: the final-release view (`a<2`, not `a<2 [pre-releases: <2.dev0]`)
 * and `==1.0` for a single version (the set algebra prints exact identity as `===`).
 */
export function readableSet(set: VersionSet): string {
  const text = set
    .toString()
    .replace(/ \[[^\]]*\]$/, "")
    .replace(/\+∞/g, "")
    .replace(/(^|\|\| )===/g, "$1==")
    .replace(/, /g, ",");
  return withExclusions(text) ?? text;
}

/**
 * `>=2.0.1,<2.0.4 || >2.0.4` as `>=2.0.1,!=2.0.4`: a union whose gaps are single versions, written
 * the way requirements usually are. Undefined when the union has another shape.
 */
function withExclusions(text: string): string | undefined {
  const parts = text.split(" || ").map((p) => p.split(","));
  if (parts.length < 2) return undefined;
  const gaps: string[] = [];
  for (let i = 0; i + 1 < parts.length; i++) {
    const end = parts[i]?.[parts[i]!.length - 1] ?? "";
    const start = parts[i + 1]?.[0] ?? "";
    if (!/^<[^=]/.test(end) || !/^>[^=]/.test(start) || end.slice(1) !== start.slice(1)) return undefined;
    // Parts in the middle hold exactly their two bounds.
    if (i > 0 && parts[i]!.length !== 2) return undefined;
    gaps.push(`!=${end.slice(1)}`);
  }
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (first.length > 2 || last.length > 2) return undefined;
  return [...first.slice(0, -1), ...gaps, ...last.slice(1)].join(",");
}

const fmtList = (vs: readonly Version[]) =>
  vs
    .slice()
    .sort((a, b) => a.compare(b))
    .map((v) => v.toString())
    .join(", ");

/** What the hints need to know besides the derivation. */
export interface HintContext {
  /** Every version of a distribution on the index (ascending, with yanked and pre-releases). */
  allVersions(name: string): ReadonlyArray<{ version: Version; yanked: boolean }> | undefined;
  /** The project's `requires-python` (universal locks), for the Requires-Python hint. */
  requiresPython: string | undefined;
  /** The target environment in words ("CPython 3.12.1 on linux x86_64"), for the wheel hint. */
  target: string | undefined;
}

/** The external facts of a derivation tree, each once. */
function externals(tree: DerivationTree<PyPackage, VersionSet>): External<PyPackage, VersionSet>[] {
  const out: External<PyPackage, VersionSet>[] = [];
  const seen = new Set<unknown>();
  const stack: DerivationTree<PyPackage, VersionSet>[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop() as DerivationTree<PyPackage, VersionSet>;
    if (seen.has(node)) continue;
    seen.add(node);
    if (node.kind === "external") out.push(node.cause);
    else stack.push(node.cause2, node.cause1);
  }
  return out;
}

/**
 * Hints for the causes a report alone does not make obvious: a range only pre-releases or only
 * yanked versions match, versions whose Requires-Python excludes part of the project's range,
 * versions with no wheel for this platform, and names the index does not have.
 */
export function reportHints(
  tree: DerivationTree<PyPackage, VersionSet>,
  hints: ProviderHints,
  context: HintContext,
  formatter?: PythonReportFormatter,
): string[] {
  const out: string[] = [];
  const involved = new Set<string>();
  const specific = new Set<string>();
  const facts = externals(tree);
  for (const f of facts) {
    const p = "package" in f ? f.package : undefined;
    if (p && (p.kind === "package" || p.kind === "extra")) involved.add(p.name);
    if (f.kind === "fromDependencyOf" && (f.dependency.kind === "package" || f.dependency.kind === "extra"))
      involved.add(f.dependency.name);
  }
  for (const name of [...hints.notFound].sort()) {
    if (involved.has(name))
      out.push(
        `\`${name}\` was not found in the package index; check its spelling or the configured indexes.`,
      );
  }
  for (const f of facts) {
    if (f.kind !== "noVersions" || f.package.kind !== "package") continue;
    const name = f.package.name;
    const matching = (context.allVersions(name) ?? []).filter((c) => f.set.contains(c.version));
    if (matching.length === 0 || specific.has(name)) continue;
    const wanted = `${name}${readableSet(f.set)}`;
    const versions = fmtList(matching.map((c) => c.version));
    if (matching.every((c) => c.version.isPrerelease) && hints.skippedPrereleases.has(name)) {
      specific.add(name);
      const example = matching[0]?.version.toString() ?? "";
      out.push(
        `Only pre-releases of \`${name}\` match \`${wanted}\` (${versions}); pre-releases are not allowed unless a requirement names one (e.g. \`${name}>=${example}\`) or you pass \`--prerelease allow\`.`,
      );
    } else if (matching.every((c) => c.yanked)) {
      specific.add(name);
      out.push(
        `Only yanked versions of \`${name}\` match \`${wanted}\` (${versions}); a yanked version is used only when the project pins it with \`==\`.`,
      );
    }
  }
  for (const [name, versions] of [...hints.skippedPrereleases].sort(([a], [b]) => a.localeCompare(b))) {
    if (involved.has(name) && !specific.has(name)) {
      out.push(
        `Pre-releases of \`${name}\` are available (${fmtList(versions)}) but were not considered; add a pre-release specifier (e.g. \`${name}>=${versions[0]?.toString() ?? ""}\`) or pass \`--prerelease allow\`.`,
      );
    }
  }
  for (const [name, versions] of [...hints.skippedYanked].sort(([a], [b]) => a.localeCompare(b))) {
    if (involved.has(name) && !specific.has(name)) {
      out.push(
        `\`${name}\` ${fmtList(versions)} ${versions.length === 1 ? "was" : "were"} yanked; a yanked version is used only when pinned with \`==\`.`,
      );
    }
  }
  if (context.requiresPython) {
    const seen = new Set<string>();
    for (const f of facts) {
      if (f.kind !== "fromDependencyOf" || f.dependency.kind !== "python" || f.package.kind !== "package")
        continue;
      if (seen.has(f.package.name)) continue;
      seen.add(f.package.name);
      const lower = f.dependencySet.intervals[0]?.lower?.version.release;
      const minor = lower && lower.length > 0 ? `${lower[0] ?? 3}.${lower[1] ?? 0}` : "…";
      const subject = formatter
        ? formatter.packageSet(f.package, f.set)
        : `${f.package.name}${readableSet(f.set)}`;
      out.push(
        `The project supports Python \`${context.requiresPython}\`, but \`${subject}\` requires Python \`${readableSet(f.dependencySet)}\`: raise \`requires-python\` (e.g. to \`>=${minor}\`), or limit the requirement with a marker such as \`python_version >= '${minor}'\`.`,
      );
    }
  }
  const noWheel = facts.filter(
    (f): f is Extract<External<PyPackage, VersionSet>, { kind: "unavailable" }> =>
      f.kind === "unavailable" && f.reason.startsWith("none of its wheels is compatible"),
  );
  if (noWheel.length > 0) {
    const names = [...new Set(noWheel.map((f) => displayPackage(f.package)))].sort();
    out.push(
      `${names.map((n) => `\`${n}\``).join(", ")} ${names.length === 1 ? "has" : "have"} no wheel for ${context.target ?? "this platform"} and no source distribution; its wheels (listed above) are for other platforms or Pythons.`,
    );
  }
  return out;
}
