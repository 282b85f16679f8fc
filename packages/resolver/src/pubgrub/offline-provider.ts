/**
 * An in-memory dependency provider: packages are strings, versions and their dependencies are
 * added by hand. It drives the solver's tests and benchmarks, and other packages' tests that need
 * a solver without an index.
 *
 * It decides the package with the most conflicts first, then the one with the fewest versions left
 * in range (a conflict is found sooner where there is less choice), and always tries the highest
 * version in range. With `async`, every answer arrives as a promise, to exercise that path.
 */

import type { Dependencies, DependencyProvider, PackageStats, Priority, SolverEvent } from "./provider";
import type { VersionSetOps } from "./version-set";

export interface OfflineProviderOptions<V> {
  /** Orders versions; the highest in range is chosen. */
  compare: (a: V, b: V) => number;
  async?: boolean;
}

export class OfflineProvider<V, VS> implements DependencyProvider<string, V, VS> {
  /** Versions of each package, ascending, each with its dependencies or an unavailability reason. */
  private readonly universe = new Map<string, { version: V; deps: Dependencies<string, VS> }[]>();
  readonly events: SolverEvent<string, V>[] = [];
  recordEvents = false;

  constructor(
    readonly versionSets: VersionSetOps<V, VS>,
    private readonly options: OfflineProviderOptions<V>,
  ) {}

  /** Add (or replace) `version` of `pkg` with its dependencies. */
  add(
    pkg: string,
    version: V,
    deps: Iterable<readonly [string, VS]> | Readonly<Record<string, VS>> = [],
  ): this {
    const list: (readonly [string, VS])[] =
      Symbol.iterator in deps ? [...(deps as Iterable<readonly [string, VS]>)] : Object.entries(deps);
    return this.put(pkg, version, { kind: "available", dependencies: list });
  }

  /** Add `version` of `pkg` whose dependencies cannot be known. */
  addUnavailable(pkg: string, version: V, reason: string): this {
    return this.put(pkg, version, { kind: "unavailable", reason });
  }

  private put(pkg: string, version: V, deps: Dependencies<string, VS>): this {
    const list = this.universe.get(pkg) ?? [];
    const at = list.findIndex((e) => this.options.compare(e.version, version) === 0);
    if (at >= 0) list.splice(at, 1);
    list.push({ version, deps });
    list.sort((a, b) => this.options.compare(a.version, b.version));
    this.universe.set(pkg, list);
    return this;
  }

  /** Known versions of `pkg`, ascending. */
  versions(pkg: string): V[] {
    return (this.universe.get(pkg) ?? []).map((e) => e.version);
  }

  packages(): string[] {
    return [...this.universe.keys()];
  }

  packageKey(p: string): string {
    return p;
  }

  prioritize(p: string, range: VS, stats: PackageStats): Priority {
    let count = 0;
    for (const e of this.universe.get(p) ?? []) if (this.versionSets.contains(range, e.version)) count++;
    return [stats.conflicts, -count];
  }

  chooseVersion(p: string, range: VS): V | undefined | Promise<V | undefined> {
    const list = this.universe.get(p) ?? [];
    let found: V | undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      if (this.versionSets.contains(range, list[i]!.version)) {
        found = list[i]!.version;
        break;
      }
    }
    return this.options.async ? Promise.resolve(found) : found;
  }

  getDependencies(p: string, v: V): Dependencies<string, VS> | Promise<Dependencies<string, VS>> {
    const entry = (this.universe.get(p) ?? []).find((e) => this.options.compare(e.version, v) === 0);
    const deps: Dependencies<string, VS> = entry?.deps ?? { kind: "unavailable", reason: "it is not known" };
    return this.options.async ? Promise.resolve(deps) : deps;
  }

  onEvent(event: SolverEvent<string, V>): void {
    if (this.recordEvents) this.events.push(event);
  }
}
