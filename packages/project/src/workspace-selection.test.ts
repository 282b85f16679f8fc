/**
 * Which workspace members a sync installs: the flags, the member stood in, a virtual root, and the
 * closure in the lock's graph (the root's own entry lists every member, so its closure follows
 * what its pyproject.toml declares).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InstallItem, Lock } from "@lockstep/lockfile";
import { Marker } from "@lockstep/pep508";
import { findWorkspace } from "@lockstep/pyproject";
import { describe, expect, test } from "vitest";
import { memberClosure, selectedMembers } from "./workspace-selection";

function workspace(rootProject: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-ws-sel-"));
  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, rel), { recursive: true });
    writeFileSync(join(dir, rel, "pyproject.toml"), text);
  };
  write(
    ".",
    `${rootProject ? '[project]\nname = "app"\nversion = "1"\ndependencies = ["a"]\n' : ""}[tool.lockstep.workspace]\nmembers = ["m/*"]\n`,
  );
  write(
    "m/a",
    '[project]\nname = "a"\nversion = "1"\ndependencies = ["x"]\n[project.optional-dependencies]\nfast = ["y"]\n',
  );
  write("m/b", '[project]\nname = "b"\nversion = "1"\ndependencies = ["a", "z"]\n');
  return dir;
}

function lockOf(): Lock {
  const pkg = (name: string, deps: string[], source: Lock["packages"][number]["source"]) => ({
    name,
    version: undefined,
    marker: Marker.TRUE,
    requiresPython: undefined,
    dependencies: deps.map((d) => ({ name: d, version: undefined })),
    index: undefined,
    source,
  });
  const files = { kind: "files" as const, sdist: undefined, wheels: [] };
  const dir = (path: string) => ({
    kind: "directory" as const,
    path,
    editable: true,
    subdirectory: undefined,
  });
  return {
    lockVersion: "1.0",
    environments: [],
    requiresPython: undefined,
    extras: ["fast"],
    dependencyGroups: [],
    defaultGroups: [],
    createdBy: "test",
    lockstep: undefined,
    packages: [
      pkg("app", ["a", "b"], dir(".")),
      pkg("a", ["x", "y"], dir("m/a")),
      pkg("b", ["a", "z"], dir("m/b")),
      pkg("x", [], files),
      pkg("y", [], files),
      pkg("z", [], files),
    ],
  };
}

const items = (names: string[]): InstallItem[] =>
  names.map((name) => ({ name, version: "1", kind: "wheel", hashes: {} }));

describe("selectedMembers and memberClosure", () => {
  test.each<
    [string, boolean, string, { packages?: string[]; allPackages?: boolean }, string[], string[] | undefined]
  >([
    ["at the root: the root and its own dependencies", true, ".", {}, [], ["a", "app", "x"]],
    ["in a member: that member", true, "m/b", {}, [], ["a", "b", "x", "z"]],
    ["--package with an extra", true, ".", { packages: ["A"] }, ["fast"], ["a", "x", "y"]],
    ["--all-packages", true, "m/a", { allPackages: true }, [], undefined],
    ["a virtual root: everything", false, ".", {}, [], undefined],
  ])("%s", (_name, rootProject, cwd, sel, extras, expected) => {
    const dir = workspace(rootProject);
    const ws = findWorkspace(join(dir, cwd));
    const members = selectedMembers(ws, sel);
    // "y" is selected by the markers only when the extra is.
    const selected = items(["app", "a", "b", "x", "z", ...(extras.length ? ["y"] : [])]);
    const got = members
      ? memberClosure(lockOf(), selected, members, extras, [])
          .map((i) => i.name)
          .sort()
      : undefined;
    expect(got).toEqual(expected);
  });

  test("--package naming no member is an error listing the members", () => {
    const ws = findWorkspace(workspace(true));
    expect(() => selectedMembers(ws, { packages: ["nope"] })).toThrow(
      '--package nope: no workspace member is named "nope"',
    );
    let caught: unknown;
    try {
      selectedMembers(ws, { packages: ["nope"] });
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: "unknown-workspace-member", hint: "workspace members: app, a, b" });
  });
});
