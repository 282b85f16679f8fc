/**
 * `[tool.lockstep] required-environments` (uv's `required-environments`): environments the lock
 * must be installable in without building, unless an sdist exists. A version of a package that
 * applies in a required environment (where the package is needed in the fork is not disjoint with
 * it) and has neither a wheel compatible with it nor an sdist is unusable: PubGrub is told so and
 * tries other versions, and the report names the package and the environment.
 *
 * Wheel compatibility with a marker environment: each platform tag implies a marker over
 * `sys_platform` and `platform_machine` (win_amd64 → win32 and AMD64, macosx_*_arm64 → darwin and
 * arm64, manylinux/musllinux/linux_* → linux and the tag's machine); `any` implies nothing. A wheel
 * fits an environment when its platform marker is not disjoint with the environment's marker.
 * Pitfalls: platform_machine is spelled per OS (Windows `AMD64`/`ARM64`/`x86`, macOS `arm64`,
 * Linux `aarch64`); `universal2` is either Mac machine; platforms whose `sys_platform` carries a
 * version (the BSDs) cannot be written as a marker and count as fitting no required environment;
 * Python and ABI tags are not checked (the lock's Python range is the requires-python's).
 *
 * Where a package applies is approximated from every edge recorded in the fork so far, whichever
 * version of the parent it came from: this only grows, so a version found unusable stays so.
 */
import { Marker } from "@lockstep/pep508";
import type { WheelFilename } from "@lockstep/wheel";
import type { Candidate } from "./candidates";
import type { Edge } from "./dependencies";
import type { PyPackage } from "./package";
import { packageKey } from "./package";

const markerCache = new Map<string, Marker>();

function cached(key: string, make: () => Marker): Marker {
  let m = markerCache.get(key);
  if (!m) {
    m = make();
    markerCache.set(key, m);
  }
  return m;
}

function machines(values: string[]): string {
  return values.map((v) => `platform_machine == '${v}'`).join(" or ");
}

/** The marker a platform tag implies: where a wheel with that tag can be installed. */
export function platformTagMarker(tag: string): Marker {
  return cached(tag, () => {
    if (tag === "any") return Marker.TRUE;
    const win: Record<string, string> = {
      win32: "x86",
      win_amd64: "AMD64",
      win_arm64: "ARM64",
      win_ia64: "ia64",
    };
    const winMachine = win[tag];
    if (winMachine) return Marker.parse(`sys_platform == 'win32' and platform_machine == '${winMachine}'`);
    const mac = /^macosx_\d+_\d+_(.+)$/.exec(tag);
    if (mac) {
      const arch = mac[1] as string;
      const macMachines: Record<string, string[] | undefined> = {
        universal2: ["x86_64", "arm64"],
        intel: ["x86_64", "i386"],
        fat3: ["x86_64", "i386", "ppc"],
        fat64: ["x86_64", "ppc64"],
        universal: undefined,
        fat: undefined,
      };
      const list = arch in macMachines ? macMachines[arch] : [arch];
      return Marker.parse(`sys_platform == 'darwin'${list ? ` and (${machines(list)})` : ""}`);
    }
    const linux = /^(?:manylinux\d+|manylinux_\d+_\d+|musllinux_\d+_\d+|linux)_(.+)$/.exec(tag);
    if (linux) return Marker.parse(`sys_platform == 'linux' and platform_machine == '${linux[1] as string}'`);
    if (tag.startsWith("android_")) return Marker.parse("sys_platform == 'android'");
    if (tag.startsWith("ios_")) return Marker.parse("sys_platform == 'ios'");
    if (tag.startsWith("pyodide_") || tag.startsWith("emscripten_"))
      return Marker.parse("sys_platform == 'emscripten'");
    return Marker.FALSE;
  });
}

/** Where a wheel can be installed, as far as its platform tags tell. */
export function wheelMarker(wheel: WheelFilename): Marker {
  return wheel.platformTags.reduce((acc, tag) => acc.or(platformTagMarker(tag)), Marker.FALSE);
}

/** Tracks the fork's edges (reversed) and checks candidates against the required environments. */
export class RequiredEnvironments {
  /** package key → edges into it: (parent key, edge marker). */
  private readonly incoming = new Map<string, Array<{ from: string; marker: Marker }>>();
  private readonly rootKey: string;

  constructor(
    private readonly environments: readonly Marker[],
    root: PyPackage,
    private readonly fork: Marker,
  ) {
    this.rootKey = packageKey(root);
  }

  /** Remember the edges out of `from` (any version). */
  record(from: PyPackage, edges: readonly Edge[]): void {
    const fromKey = packageKey(from);
    for (const e of edges) {
      const key = packageKey(e.to);
      const list = this.incoming.get(key) ?? [];
      if (!list.some((x) => x.from === fromKey && x.marker.equals(e.marker)))
        list.push({ from: fromKey, marker: e.marker });
      this.incoming.set(key, list);
    }
  }

  /** Where `p` is needed in this fork, from the edges recorded so far (the fork when none is). */
  private reach(p: PyPackage): Marker {
    const memo = new Map<string, Marker>();
    const visit = (key: string): Marker => {
      if (key === this.rootKey) return this.fork;
      const known = memo.get(key);
      if (known) return known;
      memo.set(key, Marker.FALSE); // a cycle adds nothing
      let m = Marker.FALSE;
      for (const e of this.incoming.get(key) ?? []) m = m.or(visit(e.from).and(e.marker));
      memo.set(key, m);
      return m;
    };
    const key = packageKey(p);
    return this.incoming.has(key) ? visit(key) : this.fork;
  }

  /**
   * Why `c` (a version of `p`) cannot serve a required environment it applies in, or `undefined`.
   * `wheelsAllowed`/`sdistAllowed` carry `--no-binary`/`--no-build`.
   */
  unavailableReason(
    p: PyPackage,
    c: Candidate,
    wheelsAllowed: boolean,
    sdistAllowed: boolean,
  ): string | undefined {
    if (c.pinned || (c.sdist && sdistAllowed)) return undefined;
    const wheels = wheelsAllowed ? c.wheels.map((w) => wheelMarker(w.filename)) : [];
    if (wheels.some((m) => m.isTrue())) return undefined;
    let where: Marker | undefined;
    for (const env of this.environments) {
      if (wheels.some((m) => !m.isDisjoint(env))) continue;
      where ??= this.reach(p);
      if (where.isDisjoint(env)) continue;
      const sdist = c.sdist
        ? "its source distribution may not be built (--no-build)"
        : "no source distribution";
      return `it has no wheel for ${env.toString()} (a required environment) and ${sdist}`;
    }
    return undefined;
  }
}
