import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { FileError, LockstepError } from "@lockstep/errors";
import { afterEach, describe, expect, test } from "vitest";
import { findWorkspace } from "./workspace";
import type { Workspace } from "./workspace";

let root = "";
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = "";
});

/** Write a tree of files under a fresh temporary root. */
function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), "lockstep-ws-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
const project = (name: string, extra = ""): string =>
  `[project]\nname = "${name}"\nversion = "1.0"\n${extra}`;
const summary = (ws: Workspace): { root: string; members: string[]; current: string | undefined } => ({
  root: relative(root, ws.root) || ".",
  members: ws.members.map((m) => `${m.name} @ ${relative(root, m.root) || "."}`),
  current: ws.current.name ?? relative(root, ws.current.root),
});

const WORKSPACE = {
  "pyproject.toml": project(
    "app",
    '[tool.lockstep.workspace]\nmembers = ["packages/*", "tools/**/cli"]\nexclude = ["packages/old"]\n',
  ),
  "packages/core/pyproject.toml": project("core"),
  "packages/web/pyproject.toml": project("web"),
  "packages/web/src/web/__init__.py": "",
  "packages/old/pyproject.toml": project("old"),
  "packages/.cache/pyproject.toml": project("hidden"),
  "tools/x/y/cli/pyproject.toml": project("x-cli"),
  "docs/pyproject.toml": project("docs"),
};

describe("findWorkspace", () => {
  test.each([
    [".", "app"],
    ["packages/core", "core"],
    ["packages/web/src/web", "web"],
    ["tools/x/y/cli", "x-cli"],
  ])("from %s", (start, current) => {
    const dir = tree(WORKSPACE);
    expect(summary(findWorkspace(join(dir, start)))).toEqual({
      root: ".",
      members: ["app @ .", "core @ packages/core", "web @ packages/web", "x-cli @ tools/x/y/cli"],
      current,
    });
  });

  test.each([
    ["an excluded directory is its own workspace", "packages/old", "old"],
    ["a directory not matched by members is its own workspace", "docs", "docs"],
  ])("%s", (_name, start, name) => {
    const dir = tree(WORKSPACE);
    expect(summary(findWorkspace(join(dir, start)))).toEqual({
      root: start,
      members: [`${name} @ ${start}`],
      current: name,
    });
  });

  test("a virtual root is not a member", () => {
    const dir = tree({
      "pyproject.toml":
        '[tool.lockstep.workspace]\nmembers = ["libs/*"]\n[dependency-groups]\ndev = ["pytest"]\n',
      "libs/a/pyproject.toml": project("a"),
      "libs/b/pyproject.toml": project(
        "b",
        'dependencies = ["a"]\n[tool.lockstep.sources]\na = { workspace = true }\n',
      ),
    });
    const ws = findWorkspace(join(dir, "libs", "b"));
    expect(summary(ws)).toEqual({ root: ".", members: ["a @ libs/a", "b @ libs/b"], current: "b" });
    expect(ws.rootProject.dependencyGroups.dev?.map((r) => r.name)).toEqual(["pytest"]);
  });

  test("intermediate pyproject files without a workspace are passed over", () => {
    const dir = tree({
      "pyproject.toml": project("root", '[tool.lockstep.workspace]\nmembers = ["a/b"]\n'),
      "a/pyproject.toml": project("middle"),
      "a/b/pyproject.toml": project("leaf"),
    });
    expect(summary(findWorkspace(join(dir, "a", "b")))).toEqual({
      root: ".",
      members: ["root @ .", "leaf @ a/b"],
      current: "leaf",
    });
  });

  test.each<[string, Record<string, string>, string]>([
    [
      "a member without pyproject.toml",
      {
        "pyproject.toml": project("r", '[tool.lockstep.workspace]\nmembers = ["p/*"]\n'),
        "p/empty/README": "",
      },
      'pyproject.toml: workspace member "p/empty" (matched by "p/*") has no pyproject.toml',
    ],
    [
      "nested workspaces",
      {
        "pyproject.toml": project("r", '[tool.lockstep.workspace]\nmembers = ["p"]\n'),
        "p/pyproject.toml": project("p", '[tool.lockstep.workspace]\nmembers = ["q"]\n'),
      },
      'p/pyproject.toml: workspace member "p" declares [tool.lockstep.workspace]; workspaces cannot be nested',
    ],
    [
      "two members with one name",
      {
        "pyproject.toml": project("r", '[tool.lockstep.workspace]\nmembers = ["p/*"]\n'),
        "p/a/pyproject.toml": project("Same_Name"),
        "p/b/pyproject.toml": project("same-name"),
      },
      'p/b/pyproject.toml: two workspace members are named "same-name": p/a and p/b',
    ],
    [
      "a member with an invalid pyproject.toml",
      {
        "pyproject.toml": project("r", '[tool.lockstep.workspace]\nmembers = ["p"]\n'),
        "p/pyproject.toml": '[project]\nname = "p"\nversion = "1"\ndependencies = ["a >"]\n',
      },
      'p/pyproject.toml:4:20: project.dependencies[0]: "a >" is not a valid PEP 508 requirement: Expected a version after `>`',
    ],
  ])("%s", (_name, files, message) => {
    const dir = tree(files);
    let caught: unknown;
    try {
      findWorkspace(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FileError);
    expect((caught as FileError).message.replace(`${dir}/`, "").replaceAll(`${dir}/`, "")).toBe(message);
  });

  test("no pyproject.toml anywhere", () => {
    const dir = tree({ "empty/README": "" });
    expect(() => findWorkspace(join(dir, "empty"))).toThrow(LockstepError);
  });
});
