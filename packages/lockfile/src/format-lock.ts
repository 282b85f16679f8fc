/**
 * `Lock` → `pylock.toml` text (PEP 751), byte-for-byte deterministic.
 *
 * Layout: the top-level keys in the order the specification lists them, then one `[[packages]]`
 * block per package (its keys in specification order, `sdist` as an inline table, then one
 * `[[packages.wheels]]` sub-table per wheel; `packages = []` when there is none, as the key is
 * required), then `[tool.lockstep]`. One package is one contiguous
 * block, so upgrading it changes only its own lines. Pitfalls: TOML forbids a plain key of
 * `[[packages]]` after a `[[packages.wheels]]` header, so every inline key of a package is written
 * before its first wheel; the writer emits what the `Lock` holds and never re-sorts it, so callers
 * (`lockFromResolution`) own the order.
 */
import type { Lock, LockFile, LockPackage, LockSource } from "./lock";
import { DEFAULT_INDEX_STRATEGY } from "./lock-inputs";
import type { LockInputs } from "./lock-inputs";
import { TomlDateTime, inline, tomlEntries } from "./toml-writer";
import type { TomlInline, TomlValue } from "./toml-writer";

type Entries = Array<readonly [string, TomlValue | undefined]>;

function hashesValue(hashes: Record<string, string>): TomlInline {
  return inline(Object.entries(hashes));
}

function fileEntries(f: LockFile): Entries {
  return [
    ["name", f.name],
    ["url", f.url],
    ["path", f.path],
    ["upload-time", f.uploadTime === undefined ? undefined : new TomlDateTime(f.uploadTime)],
    ["size", f.size],
    ["hashes", hashesValue(f.hashes)],
  ];
}

function sourceEntries(s: LockSource): Entries {
  switch (s.kind) {
    case "files":
      return [["sdist", s.sdist ? inline(fileEntries(s.sdist)) : undefined]];
    case "directory":
      return [
        [
          "directory",
          inline([
            ["path", s.path],
            ["editable", s.editable],
            ["subdirectory", s.subdirectory],
          ]),
        ],
      ];
    case "archive":
      return [
        [
          "archive",
          inline([
            ["url", s.url],
            ["path", s.path],
            ["upload-time", s.uploadTime === undefined ? undefined : new TomlDateTime(s.uploadTime)],
            ["size", s.size],
            ["hashes", hashesValue(s.hashes)],
            ["subdirectory", s.subdirectory],
          ]),
        ],
      ];
    case "vcs":
      return [
        [
          "vcs",
          inline([
            ["type", s.type],
            ["url", s.url],
            ["path", s.path],
            ["requested-revision", s.requestedRevision],
            ["commit-id", s.commitId],
            ["subdirectory", s.subdirectory],
          ]),
        ],
      ];
  }
}

function packageLines(p: LockPackage): string[] {
  const marker = p.marker.toString();
  const lines = ["[[packages]]"];
  lines.push(
    ...tomlEntries([
      ["name", p.name],
      ["version", p.version?.toString()],
      ["marker", marker === "" ? undefined : marker],
      ["requires-python", p.requiresPython?.toString() || undefined],
      [
        "dependencies",
        p.dependencies.length === 0
          ? undefined
          : p.dependencies.map((d) =>
              inline([
                ["name", d.name],
                ["version", d.version?.toString()],
                ["marker", d.marker?.toString()],
                ["index", d.index],
              ]),
            ),
      ],
      ["index", p.index],
      ...sourceEntries(p.source),
    ]),
  );
  if (p.source.kind === "files") {
    for (const w of p.source.wheels) lines.push("", "[[packages.wheels]]", ...tomlEntries(fileEntries(w)));
  }
  return lines;
}

function inputLines(i: LockInputs): string[] {
  const lines = [
    "[tool.lockstep.inputs]",
    ...tomlEntries([
      ["project-name", i.projectName],
      ["project-version", i.projectVersion],
      ["requires-python", i.requiresPython],
      ["is-package", i.isPackage],
      ["dependencies", i.dependencies],
      ["default-groups", i.defaultGroups],
      ["constraints", i.constraints],
      ["overrides", i.overrides],
      ["environments", i.environments],
      ["conflicts", i.conflicts.length > 0 ? i.conflicts : undefined],
      ["required-environments", i.requiredEnvironments.length > 0 ? i.requiredEnvironments : undefined],
      ["index-strategy", i.indexStrategy !== DEFAULT_INDEX_STRATEGY ? i.indexStrategy : undefined],
      [
        "indexes",
        i.indexes.map((x) =>
          inline([
            ["name", x.name],
            ["url", x.url],
          ]),
        ),
      ],
      ["resolution", i.resolution],
      ["prerelease", i.prerelease],
      ["exclude-newer", i.excludeNewer],
    ]),
  ];
  for (const [title, table] of [
    ["optional-dependencies", i.optionalDependencies],
    ["dependency-groups", i.dependencyGroups],
  ] as const) {
    lines.push("", `[tool.lockstep.inputs.${title}]`);
    for (const [name, reqs] of Object.entries(table)) lines.push(...tomlEntries([[name, reqs]]));
  }
  if (i.sources) {
    lines.push("", "[tool.lockstep.inputs.sources]");
    for (const [name, text] of Object.entries(i.sources)) lines.push(...tomlEntries([[name, text]]));
  }
  return lines;
}

/** The text of `lock`, in the order its arrays hold. */
export function formatLock(lock: Lock): string {
  const out: string[] = tomlEntries([
    ["lock-version", lock.lockVersion],
    ["environments", lock.environments.length === 0 ? undefined : lock.environments.map((m) => m.toString())],
    ["requires-python", lock.requiresPython?.toString() || undefined],
    ["extras", lock.extras],
    ["dependency-groups", lock.dependencyGroups],
    ["default-groups", lock.defaultGroups],
    ["created-by", lock.createdBy],
    // PEP 751 requires the key: a lock with nothing to install still says so, with an empty array.
    ["packages", lock.packages.length === 0 ? [] : undefined],
  ]);
  for (const p of lock.packages) out.push("", ...packageLines(p));
  if (lock.lockstep) {
    out.push(
      "",
      "[tool.lockstep]",
      ...tomlEntries([
        ["fingerprint", lock.lockstep.fingerprint],
        [
          "forks",
          lock.lockstep.forks.length === 0 ? undefined : lock.lockstep.forks.map((m) => m.toString()),
        ],
      ]),
      "",
      ...inputLines(lock.lockstep.inputs),
    );
  }
  return `${out.join("\n")}\n`;
}
