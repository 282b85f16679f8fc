import { FileError } from "@lockstep/errors";
import { describe, expect, test } from "vitest";
import { editDependencies } from "./edit-dependencies";
import type { DependencyEdit, DependencyTarget } from "./edit-dependencies";

const lines = (...l: string[]): string => l.join("\n");
const project: DependencyTarget = { kind: "project" };
const add = (requirement: string, target: DependencyTarget = project): DependencyEdit => ({
  action: "add",
  requirement,
  target,
});
const remove = (requirement: string, target: DependencyTarget = project): DependencyEdit => ({
  action: "remove",
  requirement,
  target,
});

describe("add to an existing array", () => {
  test.each<[string, string, DependencyEdit, string]>([
    [
      "sorted one-per-line: insert in order",
      lines("[project]", "dependencies = [", '    "attrs>=22",', '    "rich",', "]", ""),
      add("httpx>=0.27"),
      lines(
        "[project]",
        "dependencies = [",
        '    "attrs>=22",',
        '    "httpx>=0.27",',
        '    "rich",',
        "]",
        "",
      ),
    ],
    [
      "unsorted: append, keep trailing comma",
      lines("[project]", "dependencies = [", '  "zeta",', '  "alpha",', "]"),
      add("beta"),
      lines("[project]", "dependencies = [", '  "zeta",', '  "alpha",', '  "beta",', "]"),
    ],
    [
      "no trailing comma stays without one",
      lines("[project]", "dependencies = [", '\t"a",', '\t"b"  # last', "]"),
      add("c"),
      lines("[project]", "dependencies = [", '\t"a",', '\t"b",  # last', '\t"c"', "]"),
    ],
    [
      "comment above the next item moves down with it",
      lines("[project]", "dependencies = [", '    "a",', "    # web", '    "flask",', "]"),
      add("click"),
      lines("[project]", "dependencies = [", '    "a",', '    "click",', "    # web", '    "flask",', "]"),
    ],
    [
      "inline array, sorted",
      lines("[project]", 'dependencies = ["a", "c"]'),
      add("b"),
      lines("[project]", 'dependencies = ["a", "b", "c"]'),
    ],
    [
      "inline array, append with the file's separator",
      lines("[project]", "dependencies = ['z','a']"),
      add("m"),
      lines("[project]", "dependencies = ['z','a','m']"),
    ],
    [
      "single quotes reused",
      lines("[project]", "dependencies = [", "  'a',", "]"),
      add("b>=1"),
      lines("[project]", "dependencies = [", "  'a',", "  'b>=1',", "]"),
    ],
    [
      "single quotes cannot hold a marker quote",
      lines("[project]", "dependencies = [", "  'a',", "]"),
      add("b; python_version < '3.11'"),
      lines("[project]", "dependencies = [", "  'a',", "  \"b; python_version < '3.11'\",", "]"),
    ],
    [
      "same package replaced in place",
      lines("[project]", "dependencies = [", '    "Requests>=2",  # http', '    "rich",', "]"),
      add("requests>=2.32"),
      lines("[project]", "dependencies = [", '    "requests>=2.32",  # http', '    "rich",', "]"),
    ],
    [
      "empty array becomes one-per-line",
      lines("[project]", "dependencies = []", 'name = "x"'),
      add("a"),
      lines("[project]", "dependencies = [", '    "a",', "]", 'name = "x"'),
    ],
    [
      "closing bracket on the last item's line",
      lines("[project]", "dependencies = [", '  "a",', '  "b"]'),
      add("c"),
      lines("[project]", "dependencies = [", '  "a",', '  "b",', '  "c"]'),
    ],
    [
      "CRLF kept",
      lines("[project]\r", "dependencies = [\r", '    "a",\r', "]\r", ""),
      add("b"),
      lines("[project]\r", "dependencies = [\r", '    "a",\r', '    "b",\r', "]\r", ""),
    ],
    [
      "group with include-group tables",
      lines(
        "[dependency-groups]",
        "test = [",
        '  {include-group = "lint"},',
        '  "pytest",',
        "]",
        "lint = []",
      ),
      add("coverage", { kind: "group", name: "test" }),
      lines(
        "[dependency-groups]",
        "test = [",
        '  {include-group = "lint"},',
        '  "coverage",',
        '  "pytest",',
        "]",
        "lint = []",
      ),
    ],
    [
      "extra found by its normalized name",
      lines("[project.optional-dependencies]", "Fast_IO = [", '  "orjson",', "]"),
      add("uvloop", { kind: "extra", name: "fast-io" }),
      lines("[project.optional-dependencies]", "Fast_IO = [", '  "orjson",', '  "uvloop",', "]"),
    ],
  ])("%s", (_name, input, edit, expected) => {
    expect(editDependencies(input, "pyproject.toml", edit)).toBe(expected);
  });
});

describe("tricky text does not confuse the locator", () => {
  test.each<[string, string, DependencyEdit, string]>([
    [
      "brackets, commas and hashes inside strings and comments",
      lines(
        "[project]",
        'dependencies = [ # a comment with ] and " and ,',
        '    "a @ https://example.com/a.whl#sha256=00",  # ] , "',
        "    'b[x,y]; extra == \"z\"',",
        "]",
      ),
      add("c"),
      lines(
        "[project]",
        'dependencies = [ # a comment with ] and " and ,',
        '    "a @ https://example.com/a.whl#sha256=00",  # ] , "',
        "    'b[x,y]; extra == \"z\"',",
        '    "c",',
        "]",
      ),
    ],
    [
      "a multi-line string item",
      lines("[project]", "dependencies = [", '    """a""",', "    '''b''',", "]"),
      remove("a"),
      lines("[project]", "dependencies = [", "    '''b''',", "]"),
    ],
    [
      "escaped quotes inside an item",
      lines("[project]", 'dependencies = ["a; os_name == \\"nt\\"", "c"]'),
      add("b"),
      lines("[project]", 'dependencies = ["a; os_name == \\"nt\\"", "b", "c"]'),
    ],
  ])("%s", (_name, input, edit, expected) => {
    expect(editDependencies(input, "pyproject.toml", edit)).toBe(expected);
  });
});

describe("add creates what is missing", () => {
  test.each<[string, string, DependencyEdit, string]>([
    [
      "dependencies key in [project]",
      lines("[project]", 'name = "x"  # the name', "", "[tool.other]", "a = 1", ""),
      add("a"),
      lines(
        "[project]",
        'name = "x"  # the name',
        "dependencies = [",
        '    "a",',
        "]",
        "",
        "[tool.other]",
        "a = 1",
        "",
      ),
    ],
    [
      "optional-dependencies table after [project] and its sub-tables",
      lines("[project]", 'name = "x"', "", "[project.urls]", 'home = "h"', "", "# tools", "[tool.x]", ""),
      add("pytest", { kind: "extra", name: "test" }),
      lines(
        "[project]",
        'name = "x"',
        "",
        "[project.urls]",
        'home = "h"',
        "",
        "[project.optional-dependencies]",
        "test = [",
        '    "pytest",',
        "]",
        "",
        "# tools",
        "[tool.x]",
        "",
      ),
    ],
    [
      "new extra among dotted keys",
      lines("[project]", 'name = "x"', 'optional-dependencies.a = ["b"]', 'version = "1"'),
      add("c", { kind: "extra", name: "docs" }),
      lines(
        "[project]",
        'name = "x"',
        'optional-dependencies.a = ["b"]',
        'optional-dependencies.docs = ["c"]',
        'version = "1"',
      ),
    ],
    [
      "new extra among dotted keys with one-per-line arrays",
      lines("[project]", "optional-dependencies.a = [", '  "b",', "]"),
      add("c", { kind: "extra", name: "docs" }),
      lines(
        "[project]",
        "optional-dependencies.a = [",
        '  "b",',
        "]",
        "optional-dependencies.docs = [",
        '  "c",',
        "]",
      ),
    ],
    [
      "new group next to inline arrays is inline",
      lines("[dependency-groups]", 'test = ["pytest"]  # tests', "", "[tool.x]"),
      add("ruff", { kind: "group", name: "lint" }),
      lines("[dependency-groups]", 'test = ["pytest"]  # tests', 'lint = ["ruff"]', "", "[tool.x]"),
    ],
    [
      "new extra in an inline table",
      lines("[project]", 'optional-dependencies = { a = ["b"] }'),
      add("c", { kind: "extra", name: "docs" }),
      lines("[project]", 'optional-dependencies = { a = ["b"], docs = ["c"] }'),
    ],
    [
      "dependency-groups table at the end, no trailing newline kept",
      lines("[project]", 'name = "x"'),
      add("ruff", { kind: "group", name: "dev" }),
      lines("[project]", 'name = "x"', "", "[dependency-groups]", "dev = [", '    "ruff",', "]"),
    ],
    [
      "dependency-groups table at the end, after a blank line",
      lines("[project]", 'name = "x"', "", ""),
      add("ruff", { kind: "group", name: "dev" }),
      lines("[project]", 'name = "x"', "", "[dependency-groups]", "dev = [", '    "ruff",', "]", ""),
    ],
    [
      "root dotted keys",
      lines('project.name = "x"', "", "[tool.x]"),
      add("a"),
      lines('project.name = "x"', "project.dependencies = [", '    "a",', "]", "", "[tool.x]"),
    ],
    [
      "[project] implied by a sub-table only",
      lines("[tool.x]", "a = 1", "", "[project.urls]", 'x = "y"', ""),
      add("a"),
      lines(
        "[tool.x]",
        "a = 1",
        "",
        "[project]",
        "dependencies = [",
        '    "a",',
        "]",
        "",
        "[project.urls]",
        'x = "y"',
        "",
      ),
    ],
    [
      "indentation unit taken from the file",
      lines("[build-system]", "requires = [", '  "hatchling",', "]", "[project]", 'name = "x"'),
      add("a"),
      lines(
        "[build-system]",
        "requires = [",
        '  "hatchling",',
        "]",
        "[project]",
        'name = "x"',
        "dependencies = [",
        '  "a",',
        "]",
      ),
    ],
  ])("%s", (_name, input, edit, expected) => {
    expect(editDependencies(input, "pyproject.toml", edit)).toBe(expected);
  });
});

describe("remove", () => {
  test.each<[string, string, DependencyEdit, string]>([
    [
      "whole line with its comment",
      lines(
        "[project]",
        "dependencies = [",
        '    "a",',
        '    "b>=1",  # pinned for x',
        "    # about c",
        '    "c",',
        "]",
      ),
      remove("B"),
      lines("[project]", "dependencies = [", '    "a",', "    # about c", '    "c",', "]"),
    ],
    [
      "last item without trailing comma takes the previous comma",
      lines("[project]", "dependencies = [", '  "a",', '  "b"', "]"),
      remove("b"),
      lines("[project]", "dependencies = [", '  "a"', "]"),
    ],
    [
      "inline first",
      lines("[project]", 'dependencies = ["a", "b", "c"]'),
      remove("a"),
      lines("[project]", 'dependencies = ["b", "c"]'),
    ],
    [
      "inline last",
      lines("[project]", 'dependencies = ["a", "b", "c"]'),
      remove("c"),
      lines("[project]", 'dependencies = ["a", "b"]'),
    ],
    [
      "only item leaves []",
      lines("[project]", "dependencies = [", '    "a",', "]"),
      remove("a"),
      lines("[project]", "dependencies = []"),
    ],
    [
      "only item with a comment left keeps the comment",
      lines("[project]", "dependencies = [", "    # keep me", '    "a",', "]"),
      remove("a"),
      lines("[project]", "dependencies = [", "    # keep me", "]"),
    ],
    [
      "every item naming the package",
      lines(
        "[project]",
        "dependencies = [",
        "  \"a; sys_platform == 'linux'\",",
        '  "b",',
        "  \"a; sys_platform != 'linux'\",",
        "]",
      ),
      remove("a"),
      lines("[project]", "dependencies = [", '  "b",', "]"),
    ],
    [
      "from an extra",
      lines("[project.optional-dependencies]", 'docs = ["sphinx", "furo"]'),
      remove("furo", { kind: "extra", name: "docs" }),
      lines("[project.optional-dependencies]", 'docs = ["sphinx"]'),
    ],
  ])("%s", (_name, input, edit, expected) => {
    expect(editDependencies(input, "pyproject.toml", edit)).toBe(expected);
  });
});

test("an invalid requirement is refused before the file is touched", () => {
  expect(() => editDependencies("[project]\n", "pyproject.toml", add("flask >")))
    .toThrowErrorMatchingInlineSnapshot(`
    [ParseError: Failed to parse requirement "flask >": Expected a version after \`>\`
    flask >
          ^^]
  `);
});

describe("edit errors", () => {
  test.each<[string, string, DependencyEdit, string]>([
    [
      "remove a package that is not there",
      lines("[project]", 'dependencies = ["a"]'),
      remove("b"),
      'pyproject.toml:2:16: "b" is not a dependency in [project].dependencies',
    ],
    [
      "remove from a missing group",
      lines("[project]"),
      remove("b", { kind: "group", name: "dev" }),
      'pyproject.toml: "b" is not a dependency in the group "dev" of [dependency-groups]',
    ],
    [
      "dependencies that are not an array",
      lines("[project]", 'dependencies = "a"'),
      add("b"),
      "pyproject.toml:2:1: expected project.dependencies to be an array of requirement strings",
    ],
    [
      "a parent that is not a table",
      lines('dependency-groups = "x"'),
      add("b", { kind: "group", name: "dev" }),
      "pyproject.toml:1:1: expected dependency-groups to be a table",
    ],
    [
      "a file without [project]",
      lines("[dependency-groups]", 'dev = ["a"]'),
      add("b"),
      'pyproject.toml: cannot add "b" to [project].dependencies: this file has no [project] table',
    ],
    [
      "not a requirement",
      "",
      add(">=1"),
      'pyproject.toml: cannot add ">=1": it does not start with a package name',
    ],
  ])("%s", (_name, input, edit, message) => {
    let caught: unknown;
    try {
      editDependencies(input, "pyproject.toml", edit);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FileError);
    expect((caught as FileError).message).toBe(message);
  });
});
