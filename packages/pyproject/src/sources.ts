/**
 * `[tool.lockstep.sources]` and `[[tool.lockstep.index]]`: where a package comes from, as uv's
 * `[tool.uv.sources]` and `[[tool.uv.index]]`.
 *
 * A source is exactly one of: a named index, a local path (optionally editable), a git repository
 * (at most one of rev, tag, branch), a direct URL, or a workspace member. A package may list several
 * sources, each narrowed by a `marker`, `extra` or `group`: within one scope (neither, one extra,
 * one group) several sources each need a marker and their markers must be disjoint, as uv requires.
 *
 * Pitfalls: `editable` only makes sense for paths and workspace members, `subdirectory` only for git
 * and URLs, `rev`/`tag`/`branch` only for git; an index source must name an index defined in this
 * file, and an `explicit` index is used only by packages whose source names it.
 */

import type { Marker } from "@lockstep/pep508";
import { canonicalizeName, isValidName } from "@lockstep/pep508";
import { closest } from "./suggest";
import { describePath, isTable } from "./problems";
import type { Problems } from "./problems";
import { parseMarkerAt } from "./requirements";
import type { KeyPath } from "./toml-cst";

export interface Index {
  name: string | undefined;
  url: string;
  /** Replaces the default index (PyPI) as the index of last resort. */
  default: boolean;
  /** Used only for packages whose source names this index. */
  explicit: boolean;
}

export type GitReference = { kind: "default" } | { kind: "rev" | "tag" | "branch"; value: string };

export type SourceLocation =
  | { kind: "index"; index: string }
  | { kind: "path"; path: string; editable: boolean; package: boolean | undefined }
  | { kind: "git"; git: string; reference: GitReference; subdirectory: string | undefined }
  | { kind: "url"; url: string; subdirectory: string | undefined }
  | { kind: "workspace"; editable: boolean };

export type Source = SourceLocation & {
  marker: Marker | undefined;
  extra: string | undefined;
  group: string | undefined;
};

const INDEX_KEYS = ["name", "url", "default", "explicit"] as const;
const KINDS = ["index", "path", "git", "url", "workspace"] as const;
const SOURCE_KEYS = [
  ...KINDS,
  "editable",
  "package",
  "rev",
  "tag",
  "branch",
  "subdirectory",
  "marker",
  "extra",
  "group",
] as const;
const ONLY_FOR: Record<string, readonly string[]> = {
  editable: ["path", "workspace"],
  package: ["path"],
  rev: ["git"],
  tag: ["git"],
  branch: ["git"],
  subdirectory: ["git", "url"],
};

function isUrl(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) && URL.canParse(text);
}

export function readIndexes(problems: Problems, value: unknown): Index[] {
  const path = ["tool", "lockstep", "index"];
  if (value === undefined) return [];
  if (!problems.expect(path, value, "an array of tables ([[tool.lockstep.index]])", Array.isArray)) return [];
  const out: Index[] = [];
  const names = new Set<string>();
  let defaultSeen = false;
  value.forEach((raw, i) => {
    const at = [...path, i];
    const table = problems.table(at, raw);
    if (!table) return;
    problems.unknownKeys(at, table, INDEX_KEYS);
    const name = table.name === undefined ? undefined : problems.string([...at, "name"], table.name);
    if (name !== undefined) {
      if (!/^[A-Za-z0-9._-]+$/.test(name)) {
        problems.report(
          "invalid-index",
          [...at, "name"],
          `index name ${JSON.stringify(name)} may hold only letters, digits, "-", "_" and "."`,
        );
      } else if (names.has(name)) {
        problems.report(
          "duplicate-index",
          [...at, "name"],
          `an index named ${JSON.stringify(name)} is already defined`,
        );
      }
      names.add(name);
    }
    let url = "";
    if (table.url === undefined) {
      problems.report("missing-key", at, `missing required key "url" in ${describePath(at)}`, { at: "key" });
    } else {
      url = problems.string([...at, "url"], table.url) ?? "";
      if (url !== "" && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(url) && !isUrl(url)) {
        problems.report("invalid-url", [...at, "url"], `${JSON.stringify(url)} is not a valid URL`);
      }
    }
    const isDefault =
      table.default === undefined ? false : (problems.boolean([...at, "default"], table.default) ?? false);
    const explicit =
      table.explicit === undefined ? false : (problems.boolean([...at, "explicit"], table.explicit) ?? false);
    if (isDefault && defaultSeen) {
      problems.report("duplicate-index", [...at, "default"], "only one index can be the default");
    }
    if (explicit && name === undefined) {
      problems.report("missing-key", at, "an explicit index needs a name, so that sources can refer to it", {
        at: "key",
      });
    }
    defaultSeen ||= isDefault;
    out.push({ name, url, default: isDefault, explicit });
  });
  return out;
}

/** Read the sources, keyed by normalized package name. */
export function readSources(
  problems: Problems,
  value: unknown,
  indexes: readonly Index[],
): Record<string, Source[]> {
  const base = ["tool", "lockstep", "sources"];
  const out: Record<string, Source[]> = {};
  if (value === undefined) return out;
  const table = problems.table(base, value) ?? {};
  const indexNames = indexes.flatMap((index) => (index.name === undefined ? [] : [index.name]));
  for (const [pkg, raw] of Object.entries(table)) {
    const path = [...base, pkg];
    if (!isValidName(pkg)) {
      problems.report("invalid-name", path, `${JSON.stringify(pkg)} is not a valid package name`, {
        at: "key",
      });
      continue;
    }
    const list = Array.isArray(raw)
      ? raw.map((entry, i) => ({ entry, at: [...path, i] }))
      : [{ entry: raw, at: path }];
    const sources: Source[] = [];
    const read: Array<{ source: Source; at: KeyPath }> = [];
    for (const { entry, at } of list) {
      const source = readSource(problems, at, entry, indexNames);
      if (source) {
        sources.push(source);
        read.push({ source, at });
      }
    }
    if (read.length > 1) checkSplit(problems, pkg, read);
    out[canonicalizeName(pkg)] = [...(out[canonicalizeName(pkg)] ?? []), ...sources];
  }
  return out;
}

/**
 * The rules of a list of sources (uv's): within one scope (no extra or group, one extra, one group),
 * when there are several sources each needs a marker, and the markers must be pairwise disjoint, so
 * that every environment gets at most one source. Environments outside every marker keep the
 * default (index) resolution.
 */
function checkSplit(
  problems: Problems,
  pkg: string,
  read: ReadonlyArray<{ source: Source; at: KeyPath }>,
): void {
  const scopes = new Map<string, Array<{ source: Source; at: KeyPath }>>();
  for (const r of read) {
    const s = r.source;
    const scope =
      s.extra !== undefined
        ? `extra ${canonicalizeName(s.extra)}`
        : s.group !== undefined
          ? `group ${canonicalizeName(s.group)}`
          : "";
    scopes.set(scope, [...(scopes.get(scope) ?? []), r]);
  }
  for (const list of scopes.values()) {
    if (list.length < 2) continue;
    const missing = list.filter((r) => r.source.marker === undefined);
    for (const r of missing) {
      problems.report(
        "source-marker-missing",
        r.at,
        `[tool.lockstep.sources] ${pkg} lists ${list.length} sources, so each needs a marker; this one has none`,
        { hint: `give each source a marker, e.g. marker = "sys_platform == 'linux'"` },
      );
    }
    if (missing.length > 0) continue;
    for (let j = 1; j < list.length; j++) {
      const b = list[j] as { source: Source; at: KeyPath };
      const mb = b.source.marker as Marker;
      for (let i = 0; i < j; i++) {
        const a = list[i] as { source: Source; at: KeyPath };
        const ma = a.source.marker as Marker;
        if (ma.isDisjoint(mb)) continue;
        const line = problems.position([...a.at, "marker"]).line;
        const rest = mb.and(ma.not());
        problems.report(
          "source-markers-overlap",
          [...b.at, "marker"],
          `[tool.lockstep.sources] ${pkg}: source markers must be disjoint, but ${JSON.stringify(mb.toString())} overlaps ${JSON.stringify(ma.toString())}${line === undefined ? "" : ` (line ${line})`}`,
          {
            hint: rest.isFalse()
              ? "it holds only where the other does: remove one of the two sources"
              : `replace it with ${JSON.stringify(rest.toString())}`,
          },
        );
        break;
      }
    }
  }
}

function readSource(
  problems: Problems,
  at: KeyPath,
  raw: unknown,
  indexNames: readonly string[],
): Source | undefined {
  if (!isTable(raw)) {
    problems.report(
      "invalid-type",
      at,
      `expected ${describePath(at)} to be a table such as { index = "..." } or { path = "..." }`,
    );
    return undefined;
  }
  problems.unknownKeys(at, raw, SOURCE_KEYS);
  const kinds = KINDS.filter((kind) => raw[kind] !== undefined);
  if (kinds.length !== 1) {
    const message =
      kinds.length === 0
        ? `${describePath(at)} needs one of "index", "path", "git", "url" or "workspace"`
        : `${describePath(at)} can use only one of ${kinds.map((k) => JSON.stringify(k)).join(" and ")}`;
    problems.report("invalid-source", at, message);
    return undefined;
  }
  const kind = kinds[0] as (typeof KINDS)[number];
  for (const [key, allowed] of Object.entries(ONLY_FOR)) {
    if (raw[key] !== undefined && !allowed.includes(kind)) {
      problems.report("invalid-source", [...at, key], `"${key}" cannot be used with a ${kind} source`, {
        at: "key",
      });
    }
  }
  const str = (key: string): string | undefined =>
    raw[key] === undefined ? undefined : problems.string([...at, key], raw[key]);
  const bool = (key: string): boolean | undefined =>
    raw[key] === undefined ? undefined : problems.boolean([...at, key], raw[key]);
  const markerText = str("marker");
  const common = {
    marker: markerText === undefined ? undefined : parseMarkerAt(problems, [...at, "marker"], markerText),
    extra: str("extra"),
    group: str("group"),
  };
  if (common.extra !== undefined && common.group !== undefined) {
    problems.report(
      "invalid-source",
      at,
      `${describePath(at)} can be narrowed to an extra or a group, not both`,
    );
  }
  const value = kind === "workspace" ? undefined : str(kind);
  switch (kind) {
    case "index": {
      if (value === undefined) return undefined;
      if (!indexNames.includes(value)) {
        const near = closest(value, indexNames);
        const mean = near ? `; did you mean ${JSON.stringify(near)}?` : "";
        problems.report(
          "unknown-index",
          [...at, "index"],
          `no index named ${JSON.stringify(value)} is defined in [[tool.lockstep.index]]${mean}`,
        );
      }
      return { kind, index: value, ...common };
    }
    case "path":
      return value === undefined
        ? undefined
        : { kind, path: value, editable: bool("editable") ?? false, package: bool("package"), ...common };
    case "git": {
      if (value === undefined) return undefined;
      if (!isUrl(value.replace(/^git\+/, ""))) {
        problems.report(
          "invalid-url",
          [...at, "git"],
          `${JSON.stringify(value)} is not a git URL such as "https://github.com/owner/repo"`,
        );
      }
      const refs = (["rev", "tag", "branch"] as const).filter((k) => raw[k] !== undefined);
      if (refs.length > 1) {
        problems.report(
          "invalid-source",
          at,
          `${describePath(at)} can pin only one of "rev", "tag" and "branch"`,
        );
      }
      const ref = refs[0];
      const refValue = ref === undefined ? undefined : str(ref);
      const reference: GitReference =
        ref === undefined || refValue === undefined ? { kind: "default" } : { kind: ref, value: refValue };
      return { kind, git: value, reference, subdirectory: str("subdirectory"), ...common };
    }
    case "url":
      if (value === undefined) return undefined;
      if (!isUrl(value))
        problems.report("invalid-url", [...at, "url"], `${JSON.stringify(value)} is not a valid URL`);
      return { kind, url: value, subdirectory: str("subdirectory"), ...common };
    case "workspace":
      if (raw.workspace !== true) {
        problems.report(
          "invalid-source",
          [...at, "workspace"],
          "expected workspace = true (a workspace source cannot be disabled)",
        );
        return undefined;
      }
      return { kind, editable: bool("editable") ?? true, ...common };
  }
}
