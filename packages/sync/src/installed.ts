/**
 * What a venv holds: one entry per `*.dist-info` directory in site-packages (recording installed
 * projects, PEP 376/627; PEP 610 direct_url.json).
 *
 * Cheap by design, because the no-op sync is this plus a comparison: one readdir of site-packages,
 * one readdir of each `.dist-info` (which tells at once whether INSTALLER, REQUESTED, direct_url.json,
 * RECORD and the lockstep marker exist), and only the small files that exist are read. METADATA is
 * parsed only when the directory name does not carry a usable name and version.
 *
 * Pitfalls: names in directory names are escaped (`Foo_Bar-1.0.dist-info`) and sometimes not
 * normalized, so they are canonicalized; two `.dist-info` directories for one project (left by a
 * crashed or foreign installer) both count, the extra ones in `extra`; a `.dist-info` holding the
 * marker `LOCKSTEP_INCOMPLETE` or no RECORD is the trace of an interrupted install or removal.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalizeName } from "@lockstep/pep508";
import { INCOMPLETE_MARKER, splitDistInfoName } from "@lockstep/wheel";
import type { DirectUrl } from "@lockstep/wheel";

export interface InstalledDistribution {
  /** Canonical (PEP 503) name. */
  name: string;
  version: string;
  /** Absolute path of the `.dist-info` directory. */
  distInfo: string;
  /** INSTALLER's first line (`lockstep`, `pip`, `uv`…), when present. */
  installer: string | undefined;
  requested: boolean;
  /** PEP 610, when the distribution was installed from a URL, a path or editable. */
  directUrl: DirectUrl | undefined;
  /** An install or removal was interrupted: the marker is present or RECORD is missing. */
  incomplete: boolean;
  /** Other `.dist-info` directories of the same project. */
  extra: InstalledDistribution[];
}

export type InstalledSet = Map<string, InstalledDistribution>;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function fromMetadata(distInfo: string): { name: string; version: string } | undefined {
  const text = readText(join(distInfo, "METADATA"));
  if (text === undefined) return undefined;
  const name = /^Name:[ \t]*(.+?)[ \t]*$/m.exec(text)?.[1];
  const version = /^Version:[ \t]*(.+?)[ \t]*$/m.exec(text)?.[1];
  return name && version ? { name: canonicalizeName(name), version } : undefined;
}

/** Read one `.dist-info` directory. */
export function readDistInfo(distInfo: string, dirName: string): InstalledDistribution {
  let names: Set<string>;
  try {
    names = new Set(readdirSync(distInfo));
  } catch {
    names = new Set();
  }
  const id = splitDistInfoName(dirName) ??
    fromMetadata(distInfo) ?? { name: canonicalizeName(dirName.replace(/\.dist-info$/, "")), version: "" };
  let directUrl: DirectUrl | undefined;
  if (names.has("direct_url.json")) {
    try {
      directUrl = JSON.parse(readText(join(distInfo, "direct_url.json")) ?? "") as DirectUrl;
    } catch {
      directUrl = undefined;
    }
  }
  return {
    name: id.name,
    version: id.version,
    distInfo,
    installer: names.has("INSTALLER")
      ? readText(join(distInfo, "INSTALLER"))?.split(/\r?\n/, 1)[0]?.trim()
      : undefined,
    requested: names.has("REQUESTED"),
    directUrl,
    incomplete: names.has(INCOMPLETE_MARKER) || !names.has("RECORD"),
    extra: [],
  };
}

/** Every distribution installed in `sitePackages`, by canonical name. A missing directory is empty. */
export function readInstalled(sitePackages: string): InstalledSet {
  const out: InstalledSet = new Map();
  let entries: string[];
  try {
    entries = readdirSync(sitePackages);
  } catch {
    return out;
  }
  for (const dirName of entries.sort()) {
    if (!dirName.endsWith(".dist-info")) continue;
    const dist = readDistInfo(join(sitePackages, dirName), dirName);
    const seen = out.get(dist.name);
    if (seen) seen.extra.push(dist);
    else out.set(dist.name, dist);
  }
  return out;
}
