/**
 * The versions of one project, from its index page: files grouped by version, with what decides
 * whether a version may be chosen (yanked, Requires-Python, upload time, which files exist).
 *
 * Pitfalls: file names are the only reliable source of a file's version (an index's `versions` list
 * may include versions with no files); a version is yanked only when every one of its files is
 * (PEP 592); files uploaded after `exclude-newer` are dropped, and a version with no file left is
 * gone; unparseable file names are skipped rather than failing the whole project.
 */
import type { DistFile, ProjectPage } from "@lockstep/index";
import { SpecifierSet, Version } from "@lockstep/pep440";
import { SdistFilename, WheelFilename } from "@lockstep/wheel";
import type { PinnedDistribution } from "./source-pins";

export interface Candidate {
  version: Version;
  wheels: Array<{ file: DistFile; filename: WheelFilename }>;
  sdist: DistFile | undefined;
  /** Requires-Python as the index declared it (first file that declares one). */
  requiresPython: SpecifierSet | undefined;
  yanked: false | { reason: string };
  /** The lowest `indexRank` of its files (0 = first index; find-links files count as 0). */
  indexRank: number;
  /** Set for a source-pinned package (see source-pins.ts): its only candidate, with no index files. */
  pinned?: PinnedDistribution | undefined;
}

const specifierCache = new Map<string, SpecifierSet | undefined>();

function parseRequiresPython(text: string | undefined): SpecifierSet | undefined {
  if (!text) return undefined;
  let s = specifierCache.get(text);
  if (s === undefined && !specifierCache.has(text)) {
    try {
      s = SpecifierSet.parse(text);
    } catch {
      s = undefined; // an invalid data-requires-python is ignored, as pip does
    }
    specifierCache.set(text, s);
  }
  return s;
}

export interface CandidateFilter {
  /** Drop files uploaded after this instant (RFC 3339 compared as dates). */
  excludeNewer?: Date | undefined;
}

/** Versions of a project, ascending. */
export class VersionMap {
  readonly candidates: Candidate[];
  private readonly byKey = new Map<string, Candidate>();

  constructor(
    readonly name: string,
    page: ProjectPage,
    filter: CandidateFilter = {},
  ) {
    const groups = new Map<string, Candidate>();
    for (const file of page.files) {
      if (
        filter.excludeNewer &&
        (!file.uploadTime || Date.parse(file.uploadTime) > filter.excludeNewer.getTime())
      ) {
        continue;
      }
      let version: Version;
      let wheel: WheelFilename | undefined;
      try {
        if (file.filename.endsWith(".whl")) {
          wheel = WheelFilename.parse(file.filename);
          version = wheel.version;
        } else if (/\.(tar\.gz|zip)$/.test(file.filename)) {
          version = SdistFilename.parse(file.filename, name).version;
        } else {
          continue;
        }
      } catch {
        continue;
      }
      const key = version.toString();
      let c = groups.get(key);
      if (!c) {
        c = {
          version,
          wheels: [],
          sdist: undefined,
          requiresPython: undefined,
          yanked: file.yanked,
          indexRank: file.indexRank ?? 0,
        };
        groups.set(key, c);
      } else if (c.yanked && !file.yanked) {
        c.yanked = false;
      }
      c.indexRank = Math.min(c.indexRank, file.indexRank ?? 0);
      c.requiresPython ??= parseRequiresPython(file.requiresPython);
      if (wheel) c.wheels.push({ file, filename: wheel });
      else if (!c.sdist || (file.filename.endsWith(".tar.gz") && !c.sdist.filename.endsWith(".tar.gz")))
        c.sdist = file;
    }
    this.candidates = [...groups.values()].sort((a, b) => a.version.compare(b.version));
    for (const c of this.candidates) this.byKey.set(c.version.toString(), c);
  }

  /** The one-candidate map of a source-pinned package. */
  static pinned(name: string, dist: PinnedDistribution): VersionMap {
    const map = new VersionMap(name, { name, files: [], versions: undefined, url: "" });
    const c: Candidate = {
      version: dist.version,
      wheels: [],
      sdist: undefined,
      requiresPython: dist.requiresPython,
      yanked: false,
      indexRank: 0,
      pinned: dist,
    };
    map.candidates.push(c);
    map.byKey.set(c.version.toString(), c);
    return map;
  }

  get(v: Version): Candidate | undefined {
    return this.byKey.get(v.toString());
  }
}
