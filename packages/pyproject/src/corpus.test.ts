/**
 * Round trips over a corpus of real-world-like pyproject files (comments, aligned tables, inline
 * arrays, single quotes, CRLF, tabs, no trailing newline, dotted keys, include-groups): every edit
 * changes only the lines it must (the exact diff is snapshotted), the result re-parses and shows
 * the change, and an add followed by a remove of the same package gives back the original bytes.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalizeName } from "@lockstep/pep508";
import { describe, expect, test } from "vitest";
import { editDependencies } from "./edit-dependencies";
import type { DependencyEdit, DependencyTarget } from "./edit-dependencies";
import { parseProject } from "./project";
import type { Project } from "./project";

const DIR = join(import.meta.dirname, "__corpus__");
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".toml"))
  .sort();
const read = (file: string): string => readFileSync(join(DIR, file), "utf8");

/** The changed lines as `-old` / `+new`, with the unchanged lines around them left out. */
function diff(before: string, after: string): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const show = (line: string): string => line.replace(/\r/g, "␍").replace(/\t/g, "→");
  return [
    `@@ line ${start + 1}`,
    ...a.slice(start, endA).map((l) => `-${show(l)}`),
    ...b.slice(start, endB).map((l) => `+${show(l)}`),
  ];
}

function targetList(project: Project, target: DependencyTarget): string[] | undefined {
  const list =
    target.kind === "project"
      ? project.dependencies
      : target.kind === "extra"
        ? project.optionalDependencies[canonicalizeName(target.name)]
        : project.dependencyGroups[canonicalizeName(target.name)];
  return list?.map((r) => r.canonicalName);
}

const ADDS: DependencyEdit[] = [
  { action: "add", requirement: "aaa-first>=1", target: { kind: "project" } },
  { action: "add", requirement: "zzz-last; sys_platform == 'linux'", target: { kind: "project" } },
  { action: "add", requirement: "pytest-xdist>=3", target: { kind: "group", name: "dev" } },
  { action: "add", requirement: "pyyaml>=6", target: { kind: "extra", name: "yaml" } },
];

describe.each(FILES)("%s", (file) => {
  const original = read(file);
  const project = parseProject(original, file);

  test.each(ADDS)("$action $requirement to $target.kind $target.name", (edit) => {
    if (!project.hasProjectTable && edit.target.kind !== "group") {
      expect(() => editDependencies(original, file, edit)).toThrow("this file has no [project] table");
      return;
    }
    const edited = editDependencies(original, file, edit);
    expect(diff(original, edited)).toMatchSnapshot();
    const name = canonicalizeName(edit.requirement.split(/[ ;<>=[]/)[0] ?? "");
    expect(targetList(parseProject(edited, file), edit.target)).toContain(name);
    // Lines that only the edit may touch: everything else in the file is still there, in order.
    const kept = original.split("\n").filter((line) => edited.split("\n").includes(line));
    expect(original.split("\n").length - kept.length).toBeLessThanOrEqual(2);
  });

  const existing: [string, DependencyTarget][] = [
    ...project.dependencies.map((r): [string, DependencyTarget] => [r.name, { kind: "project" }]),
    ...Object.entries(project.dependencyGroups).flatMap(([group, reqs]) =>
      reqs.map((r): [string, DependencyTarget] => [r.name, { kind: "group", name: group }]),
    ),
  ];

  test("add then remove a new package gives the original bytes", () => {
    for (const [, target] of existing) {
      for (const name of ["aaa-new", "mmm-new", "zzz-new"]) {
        const added = editDependencies(original, file, { action: "add", requirement: `${name}>=1`, target });
        expect(added).not.toBe(original);
        expect(editDependencies(added, file, { action: "remove", requirement: name, target })).toBe(original);
      }
    }
  });

  test("remove each existing requirement", () => {
    const diffs: Record<string, string[]> = {};
    for (const [name, target] of existing) {
      let edited: string;
      try {
        edited = editDependencies(original, file, { action: "remove", requirement: name, target });
      } catch (error) {
        // A group item that only comes in through {include-group} is not in that group's own array.
        expect(String(error)).toContain("is not a dependency in the group");
        continue;
      }
      diffs[`${target.kind} ${"name" in target ? target.name : ""} ${name}`] = diff(original, edited);
      expect(targetList(parseProject(edited, file), target)).not.toContain(canonicalizeName(name));
    }
    expect(diffs).toMatchSnapshot();
  });
});
