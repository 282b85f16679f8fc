import { FileError } from "@lockstep/errors";
import { expect, test } from "vitest";
import { parseProject } from "./project";
import { PyprojectError } from "./problems";

const lines = (...l: string[]): string => l.join("\n");
const MIN = lines("[project]", 'name = "demo"', 'version = "1.0"');
const tool = (...l: string[]): string => lines(MIN, "[tool.lockstep]", ...l);

function errorOf(text: string): FileError {
  try {
    parseProject(text, "pyproject.toml");
  } catch (error) {
    if (error instanceof FileError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

// Each case: the file, and the exact message (path:line:column: what was wrong, what was expected).
test.each<[string, string, string]>([
  [
    "TOML syntax",
    lines("[project]", 'name = "demo', 'version = "1"'),
    "pyproject.toml:2:13: invalid TOML: control characters are not allowed in strings",
  ],
  [
    "unknown [project] key",
    lines(MIN, 'dependancies = ["a"]'),
    'pyproject.toml:4:1: unknown key "dependancies" in [project]; did you mean "dependencies"?',
  ],
  [
    "unknown [project] key far from any",
    lines(MIN, "flavour = 1"),
    'pyproject.toml:4:1: unknown key "flavour" in [project]',
  ],
  [
    "missing name",
    lines("[project]", 'version = "1"'),
    'pyproject.toml:1:1: missing required key "name" in [project]',
  ],
  [
    "name not a string",
    lines("[project]", "name = 1", 'version = "1"'),
    "pyproject.toml:2:8: expected project.name to be a string, found the integer 1",
  ],
  [
    "invalid name",
    lines("[project]", 'name = "-bad-"', 'version = "1"'),
    'pyproject.toml:2:8: "-bad-" is not a valid project name: a name starts and ends with a letter or digit and otherwise holds only letters, digits, "-", "_" and "."',
  ],
  [
    "missing version",
    lines("[project]", 'name = "demo"'),
    'pyproject.toml:1:1: [project] must give "version" or list it in project.dynamic',
  ],
  [
    "invalid version",
    lines("[project]", 'name = "demo"', 'version = "one"'),
    'pyproject.toml:3:11: "one" is not a valid PEP 440 version',
  ],
  [
    "static and dynamic",
    lines(MIN, 'dynamic = ["version"]'),
    'pyproject.toml:3:1: "version" is given in [project] and also listed in project.dynamic',
  ],
  [
    "dynamic name",
    lines(MIN, 'dynamic = ["name"]'),
    'pyproject.toml:4:12: "name" cannot be dynamic; give it in [project]',
  ],
  [
    "dynamic unknown",
    lines(MIN, 'dynamic = ["colour"]'),
    'pyproject.toml:4:12: "colour" in project.dynamic is not a [project] key',
  ],
  [
    "requirement not PEP 508",
    lines(MIN, "dependencies = [", '  "requests",', '  "flask >= 2 ;"', "]"),
    'pyproject.toml:6:16: project.dependencies[1]: "flask >= 2 ;" is not a valid PEP 508 requirement: Expected a marker variable or quoted string',
  ],
  [
    "requirement not a string",
    lines(MIN, 'dependencies = ["a", 3]'),
    "pyproject.toml:4:22: expected project.dependencies[1] to be a string, found the integer 3",
  ],
  [
    "requires-python not a specifier set",
    lines(MIN, 'requires-python = ">=3.8,3.9"'),
    'pyproject.toml:4:26: project.requires-python: ">=3.8,3.9" is not a valid PEP 440 specifier set: expected an operator (one of ~=, ==, !=, <=, >=, <, >, ===), found "3"',
  ],
  [
    "requires-python not a string",
    lines(MIN, "requires-python = 3.9"),
    "pyproject.toml:4:19: expected project.requires-python to be a string, found the float 3.9",
  ],
  [
    "duplicate extras",
    lines(MIN, "[project.optional-dependencies]", 'Fast_IO = ["a"]', 'fast-io = ["b"]'),
    'pyproject.toml:6:1: extra "fast-io" is the same extra as "Fast_IO" (both normalize to "fast-io")',
  ],
  [
    "console_scripts in entry-points",
    lines(MIN, "[project.entry-points.console_scripts]", 'x = "y:z"'),
    'pyproject.toml:4:1: entry point group "console_scripts" must be given as [project.scripts]',
  ],
  [
    "readme with both",
    lines(MIN, 'readme = { file = "R.md", text = "hi" }'),
    'pyproject.toml:4:10: project.readme needs exactly one of "file" and "text"',
  ],
  [
    "group includes itself",
    lines("[dependency-groups]", 'dev = ["a", {include-group = "dev"}]'),
    'pyproject.toml:2:30: dependency group "dev" includes itself',
  ],
  [
    "group cycle",
    lines(
      "[dependency-groups]",
      'a = [{include-group = "b"}]',
      'b = [{include-group = "c"}]',
      'c = [{include-group = "A"}]',
    ),
    "pyproject.toml:4:23: dependency groups include each other in a cycle: a -> b -> c -> a",
  ],
  [
    "include of a missing group",
    lines("[dependency-groups]", 'dev = [{include-group = "tests"}]'),
    'pyproject.toml:2:25: dependency group "dev" includes "tests", which is not defined in [dependency-groups]',
  ],
  [
    "include table with another key",
    lines("[dependency-groups]", 'dev = [{include = "x"}]'),
    'pyproject.toml:2:9: unknown key "include" in dependency-groups.dev[0]\npyproject.toml:2:8: expected a table {include-group = "<group>"}',
  ],
  [
    "duplicate groups",
    lines("[dependency-groups]", 'Dev = ["a"]', 'dev = ["b"]'),
    'pyproject.toml:3:1: dependency group "dev" is the same group as "Dev" (both normalize to "dev")',
  ],
  [
    "build-system without requires",
    lines(MIN, "[build-system]", 'build-backend = "x"'),
    'pyproject.toml:4:1: missing required key "requires" in [build-system]',
  ],
  [
    "unknown [tool.lockstep] key",
    tool('resolutoin = "lowest"'),
    'pyproject.toml:5:1: unknown key "resolutoin" in [tool.lockstep]; did you mean "resolution"?',
  ],
  [
    "dev-dependencies",
    tool('dev-dependencies = ["pytest"]'),
    'pyproject.toml:5:1: unknown key "dev-dependencies" in [tool.lockstep]',
  ],
  [
    "resolution value",
    tool('resolution = "lowest_direct"'),
    'pyproject.toml:5:14: "lowest_direct" is not a valid resolution; did you mean "lowest-direct"?',
  ],
  [
    "prerelease value",
    tool('prerelease = "sometimes"'),
    'pyproject.toml:5:14: "sometimes" is not a valid prerelease',
  ],
  [
    "exclude-newer local",
    tool("exclude-newer = 2024-03-01T10:00:00"),
    'pyproject.toml:5:17: expected tool.lockstep.exclude-newer to be an RFC 3339 timestamp such as "2024-03-01T00:00:00Z" or a date such as "2024-03-01", found the local date-time 2024-03-01T10:00:00.000 (add a time zone offset such as Z)',
  ],
  [
    "exclude-newer string",
    tool('exclude-newer = "last tuesday"'),
    'pyproject.toml:5:17: expected tool.lockstep.exclude-newer to be an RFC 3339 timestamp such as "2024-03-01T00:00:00Z" or a date such as "2024-03-01", found "last tuesday"',
  ],
  [
    "environments marker",
    tool("environments = [\"sys_platform = 'linux'\"]"),
    "pyproject.toml:5:31: tool.lockstep.environments[0]: \"sys_platform = 'linux'\" is not a valid PEP 508 marker: Expected a marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in",
  ],
  [
    "default-groups unknown",
    lines(MIN, "[dependency-groups]", 'test = ["a"]', "[tool.lockstep]", 'default-groups = ["tests"]'),
    'pyproject.toml:7:19: default group "tests" is not defined in [dependency-groups]; did you mean "test"?',
  ],
  [
    "default-groups string",
    tool('default-groups = "dev"'),
    'pyproject.toml:5:18: expected tool.lockstep.default-groups to be "all" or an array of group names, found "dev"',
  ],
  [
    "package type",
    tool('package = "yes"'),
    'pyproject.toml:5:11: expected tool.lockstep.package to be a boolean, found the string "yes"',
  ],
  [
    "conflicts unknown extra",
    lines(
      MIN,
      "[project.optional-dependencies]",
      'cpu = ["a"]',
      'cu128 = ["b"]',
      "[dependency-groups]",
      'lint = ["c"]',
      "[tool.lockstep]",
      'conflicts = [[{ extra = "cpu" }, { extra = "cu12" }]]',
    ),
    'pyproject.toml:10:44: conflicting extra "cu12" is not defined in [project.optional-dependencies]; did you mean "cu128"?',
  ],
  [
    "conflicts unknown group",
    lines(
      MIN,
      "[project.optional-dependencies]",
      'cpu = ["a"]',
      'cu128 = ["b"]',
      "[dependency-groups]",
      'lint = ["c"]',
      "[tool.lockstep]",
      'conflicts = [[{ group = "lnt" }, { extra = "cpu" }]]',
    ),
    'pyproject.toml:10:25: conflicting group "lnt" is not defined in [dependency-groups]; did you mean "lint"?',
  ],
  [
    "conflicts item with both",
    lines(
      MIN,
      "[project.optional-dependencies]",
      'cpu = ["a"]',
      'cu128 = ["b"]',
      "[dependency-groups]",
      'lint = ["c"]',
      "[tool.lockstep]",
      'conflicts = [[{ extra = "cpu", group = "lint" }, { extra = "cu128" }]]',
    ),
    'pyproject.toml:10:15: a conflict item names exactly one extra or group, e.g. { extra = "cpu" } or { group = "dev" }; tool.lockstep.conflicts[0][0] has both',
  ],
  [
    "conflicts set of one",
    lines(
      MIN,
      "[project.optional-dependencies]",
      'cpu = ["a"]',
      'cu128 = ["b"]',
      "[dependency-groups]",
      'lint = ["c"]',
      "[tool.lockstep]",
      'conflicts = [[{ extra = "cpu" }]]',
    ),
    "pyproject.toml:10:14: a conflict set needs at least two items, tool.lockstep.conflicts[0] has 1",
  ],
  [
    "conflicts unknown item key",
    lines(
      MIN,
      "[project.optional-dependencies]",
      'cpu = ["a"]',
      'cu128 = ["b"]',
      "[dependency-groups]",
      'lint = ["c"]',
      "[tool.lockstep]",
      'conflicts = [[{ extras = "cpu" }, { extra = "cu128" }]]',
    ),
    'pyproject.toml:10:17: unknown key "extras" in tool.lockstep.conflicts[0][0]; did you mean "extra"?\npyproject.toml:10:15: a conflict item names exactly one extra or group, e.g. { extra = "cpu" } or { group = "dev" }',
  ],
  [
    "conflicts not arrays",
    tool('conflicts = ["cpu"]'),
    'pyproject.toml:5:14: expected tool.lockstep.conflicts[0] to be an array of { extra = ... } or { group = ... } tables, found the string "cpu"',
  ],
  [
    "required-version",
    tool('required-version = "~=0.4"'),
    'pyproject.toml:5:20: "~=0.4" is not a version range such as ">=0.4" or ">=0.4, <1"',
  ],
  [
    "constraint requirement",
    tool('constraint-dependencies = ["urllib3 <"]'),
    'pyproject.toml:5:37: tool.lockstep.constraint-dependencies[0]: "urllib3 <" is not a valid PEP 508 requirement: Expected a version after `<`',
  ],
  [
    "index without url",
    tool("[[tool.lockstep.index]]", 'name = "x"'),
    'pyproject.toml:5:1: missing required key "url" in tool.lockstep.index[0]',
  ],
  [
    "two default indexes",
    tool(
      "index = [",
      '  { name = "a", url = "https://a/simple", default = true },',
      '  { name = "b", url = "https://b/simple", default = true },',
      "]",
    ),
    "pyproject.toml:7:53: only one index can be the default",
  ],
  [
    "duplicate index names",
    tool(
      "index = [",
      '  { name = "a", url = "https://a/simple" },',
      '  { name = "a", url = "https://b/simple" },',
      "]",
    ),
    'pyproject.toml:7:12: an index named "a" is already defined',
  ],
  [
    "indexes declared both ways",
    tool('indexes = []\n[[tool.lockstep.index]]\nurl = "https://example.org/simple"'),
    'pyproject.toml:5:11: declare indexes once: either [[tool.lockstep.index]] tables or an "indexes" array',
  ],
  [
    "source of an unknown index",
    tool(
      "[[tool.lockstep.index]]",
      'name = "pytorch"',
      'url = "https://x/simple"',
      "[tool.lockstep.sources]",
      'torch = { index = "pytorc" }',
    ),
    'pyproject.toml:9:19: no index named "pytorc" is defined in [[tool.lockstep.index]]; did you mean "pytorch"?',
  ],
  [
    "source with two kinds",
    tool("[tool.lockstep.sources]", 'a = { git = "https://g/a", url = "https://u/a.whl" }'),
    'pyproject.toml:6:5: tool.lockstep.sources.a can use only one of "git" and "url"',
  ],
  [
    "source with no kind",
    tool("[tool.lockstep.sources]", "a = { editable = true }"),
    'pyproject.toml:6:5: tool.lockstep.sources.a needs one of "index", "path", "git", "url" or "workspace"',
  ],
  [
    "source rev and tag",
    tool("[tool.lockstep.sources]", 'a = { git = "https://g/a", rev = "abc", tag = "v1" }'),
    'pyproject.toml:6:5: tool.lockstep.sources.a can pin only one of "rev", "tag" and "branch"',
  ],
  [
    "editable git",
    tool("[tool.lockstep.sources]", 'a = { git = "https://g/a", editable = true }'),
    'pyproject.toml:6:28: "editable" cannot be used with a git source',
  ],
  [
    "source key typo",
    tool("[tool.lockstep.sources]", 'a = { path = "../a", editabel = true }'),
    'pyproject.toml:6:22: unknown key "editabel" in [tool.lockstep.sources.a]; did you mean "editable"?',
  ],
  [
    "git not a URL",
    tool("[tool.lockstep.sources]", 'a = { git = "github.com/o/a" }'),
    'pyproject.toml:6:13: "github.com/o/a" is not a git URL such as "https://github.com/owner/repo"',
  ],
  [
    "workspace = false",
    tool("[tool.lockstep.sources]", "a = { workspace = false }"),
    "pyproject.toml:6:19: expected workspace = true (a workspace source cannot be disabled)",
  ],
  [
    "workspace glob escapes",
    tool("[tool.lockstep.workspace]", 'members = ["../other/*"]'),
    'pyproject.toml:6:12: "../other/*" must be a relative path pattern inside the workspace root',
  ],
  [
    "workspace key typo",
    tool("[tool.lockstep.workspace]", 'member = ["x"]'),
    'pyproject.toml:6:1: unknown key "member" in [tool.lockstep.workspace]; did you mean "members"?',
  ],
])("%s", (_name, text, message) => {
  expect(errorOf(text).message).toBe(message);
});

test("every problem is reported at once", () => {
  const error = errorOf(
    lines(
      "[project]",
      'name = "demo"',
      "version = 1",
      'dependencies = ["a >="]',
      "[tool.lockstep]",
      'resolution = "max"',
    ),
  );
  expect(error).toBeInstanceOf(PyprojectError);
  expect((error as PyprojectError).problems).toHaveLength(3);
  expect(error.message).toBe(
    'pyproject.toml:3:11: expected project.version to be a string, found the integer 1\npyproject.toml:4:20: project.dependencies[0]: "a >=" is not a valid PEP 508 requirement: Expected a version after `>=`\npyproject.toml:6:14: "max" is not a valid resolution',
  );
  expect([error.line, error.column]).toEqual([3, 11]);
});

test("the hint lists the valid keys", () => {
  expect(errorOf(tool("resolutoin = 1")).hint).toBe(
    "expected one of: index, indexes, sources, constraint-dependencies, override-dependencies, environments, required-environments, conflicts, resolution, prerelease, index-strategy, exclude-newer, default-groups, package, required-version, workspace, max-archive-size, max-archive-entries, max-compression-ratio, max-index-page-size, max-metadata-size, max-download-size, http-connect-timeout, http-timeout",
  );
  expect(errorOf(tool('dev-dependencies = ["pytest"]')).hint).toBe(
    'development dependencies belong in [dependency-groups], e.g. dev = ["pytest"]',
  );
});

test("conflicts are read normalized; items of other workspace members are kept unchecked", () => {
  const project = parseProject(
    lines(
      MIN,
      "[project.optional-dependencies]",
      'CPU = ["a"]',
      'cu128 = ["b"]',
      "[tool.lockstep]",
      'conflicts = [[{ extra = "cpu" }, { extra = "Cu128" }], [{ extra = "x", package = "Other_Member" }, { extra = "cpu", package = "demo" }]]',
    ),
    "pyproject.toml",
  );
  expect(project.lockstep.conflicts).toEqual([
    [
      { package: undefined, kind: "extra", name: "cpu" },
      { package: undefined, kind: "extra", name: "cu128" },
    ],
    [
      { package: "other-member", kind: "extra", name: "x" },
      { package: undefined, kind: "extra", name: "cpu" },
    ],
  ]);
});
