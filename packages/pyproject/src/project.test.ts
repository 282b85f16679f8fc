import { describe, expect, test } from "vitest";
import { parseProject } from "./project";
import type { Project } from "./project";

const lines = (...l: string[]): string => l.join("\n");
const parse = (text: string): Project => parseProject(text, "/repo/pyproject.toml");
const MIN = lines("[project]", 'name = "demo"', 'version = "1.0"');

describe("valid layouts", () => {
  test("minimal project", () => {
    const p = parse(MIN);
    expect([p.name, p.canonicalName, p.version, p.root, p.hasProjectTable, p.isPackage]).toEqual([
      "demo",
      "demo",
      "1.0",
      "/repo",
      true,
      false,
    ]);
    expect(p.dependencies).toEqual([]);
    expect(p.lockstep.resolution).toBe("highest");
    expect(p.lockstep.prerelease).toBe("if-necessary-or-explicit");
    expect(p.lockstep.defaultGroups).toEqual(["dev"]);
  });

  test.each([
    ["header table", lines("[project]", 'name = "My_Pkg"', 'dynamic = ["version"]')],
    ["root dotted keys", lines('project.name = "My_Pkg"', 'project.dynamic = ["version"]')],
    ["inline table", 'project = { name = "My_Pkg", dynamic = ["version"] }'],
    ["quoted keys", lines('["project"]', '"name" = "My_Pkg"', "'dynamic' = ['version']")],
    ["CRLF and a BOM", "\uFEFF[project]\r\nname = 'My_Pkg'\r\ndynamic = [\r\n  'version',\r\n]\r\n"],
  ])("%s", (_name, text) => {
    const p = parse(text);
    expect([p.name, p.canonicalName, p.version, p.dynamic]).toEqual([
      "My_Pkg",
      "my-pkg",
      undefined,
      ["version"],
    ]);
  });

  test("virtual project (no [project])", () => {
    const p = parse(lines("[dependency-groups]", 'dev = ["pytest"]'));
    expect([p.hasProjectTable, p.name, p.isPackage]).toEqual([false, undefined, false]);
    expect(p.dependencyGroups.dev?.map(String)).toEqual(["pytest"]);
  });

  test("everything", () => {
    const p = parse(
      lines(
        "[project]",
        'name = "app"',
        'version = "2.1.0rc1"',
        'description = "An app"',
        'readme = { file = "README.md", content-type = "text/markdown" }',
        'license = "MIT"',
        'authors = [{ name = "A", email = "a@example.com" }]',
        'requires-python = ">=3.9"',
        'dependencies = ["requests>=2", "rich; python_version >= \'3.10\'"]',
        "[project.optional-dependencies]",
        'Fast_IO = ["orjson"]',
        "[project.scripts]",
        'app = "app.cli:main"',
        "[project.gui-scripts]",
        'app-gui = "app.gui:main"',
        "[project.entry-points.'app.plugins']",
        'x = "app.x"',
        "[project.urls]",
        'Homepage = "https://example.com"',
        "[build-system]",
        'requires = ["hatchling"]',
        'build-backend = "hatchling.build"',
        "[dependency-groups]",
        'test = ["pytest", { include-group = "Lint" }]',
        'lint = ["ruff"]',
        'dev = [{include-group = "test"}, "ipython"]',
      ),
    );
    expect(p.requiresPython?.text).toBe(">=3.9");
    expect(p.dependencies.map((r) => r.name)).toEqual(["requests", "rich"]);
    expect(Object.keys(p.optionalDependencies)).toEqual(["fast-io"]);
    expect(p.scripts).toEqual({ app: "app.cli:main" });
    expect(p.guiScripts).toEqual({ "app-gui": "app.gui:main" });
    expect(p.entryPoints).toEqual({ "app.plugins": { x: "app.x" } });
    expect(p.buildSystem?.buildBackend).toBe("hatchling.build");
    expect(p.buildSystem?.requires.map((r) => r.name)).toEqual(["hatchling"]);
    expect(p.isPackage).toBe(true);
    const groups = Object.fromEntries(
      Object.entries(p.dependencyGroups).map(([k, v]) => [k, v.map((r) => r.name)]),
    );
    expect(groups).toEqual({ test: ["pytest", "ruff"], lint: ["ruff"], dev: ["pytest", "ruff", "ipython"] });
  });

  test("[tool.lockstep] with every key", () => {
    const p = parse(
      lines(
        MIN,
        'dependencies = ["torch", "mylib", "tool", "web", "other", "member"]',
        "[dependency-groups]",
        'dev = ["pytest"]',
        'docs = ["sphinx"]',
        "[tool.lockstep]",
        'constraint-dependencies = ["urllib3<2"]',
        'override-dependencies = ["numpy>=2"]',
        "environments = [\"sys_platform == 'linux'\", \"sys_platform == 'darwin'\"]",
        "required-environments = \"sys_platform == 'win32'\"",
        'resolution = "lowest-direct"',
        'prerelease = "allow"',
        "exclude-newer = 2024-03-01T12:00:00Z",
        'default-groups = ["Docs"]',
        "package = false",
        'required-version = ">=0.1, <1"',
        "[tool.lockstep.sources]",
        'torch = [{ index = "pytorch", marker = "sys_platform == \'linux\'" }, { index = "pytorch", extra = "gpu" }]',
        'mylib = { path = "../mylib", editable = true }',
        'tool = { git = "https://github.com/o/tool", tag = "v1" }',
        'web = { url = "https://example.com/web-1.0.tar.gz", subdirectory = "py" }',
        "member = { workspace = true }",
        'other = { git = "https://github.com/o/other" }',
        "[[tool.lockstep.index]]",
        'name = "pytorch"',
        'url = "https://download.pytorch.org/whl/cpu"',
        "explicit = true",
        "[[tool.lockstep.index]]",
        'name = "internal"',
        'url = "https://pypi.internal/simple"',
        "default = true",
        "[tool.lockstep.workspace]",
        'members = ["packages/*"]',
        'exclude = ["packages/legacy"]',
      ),
    );
    const s = p.lockstep;
    expect(s.constraintDependencies.map(String)).toEqual(["urllib3<2"]);
    expect(s.overrideDependencies.map((r) => r.name)).toEqual(["numpy"]);
    expect(s.environments).toHaveLength(2);
    expect(s.requiredEnvironments).toHaveLength(1);
    expect([s.resolution, s.prerelease, s.excludeNewer?.toISOString()]).toEqual([
      "lowest-direct",
      "allow",
      "2024-03-01T12:00:00.000Z",
    ]);
    expect(s.defaultGroups).toEqual(["docs"]);
    expect(s.package).toBe(false);
    expect(p.isPackage).toBe(false);
    expect(s.requiredVersion).toBe(">=0.1 <1");
    expect(s.indexes).toEqual([
      { name: "pytorch", url: "https://download.pytorch.org/whl/cpu", default: false, explicit: true },
      { name: "internal", url: "https://pypi.internal/simple", default: true, explicit: false },
    ]);
    expect(s.workspace).toEqual({ members: ["packages/*"], exclude: ["packages/legacy"] });
    const kinds = Object.fromEntries(
      Object.entries(s.sources).map(([k, v]) => [
        k,
        v.map(({ marker, ...rest }) => ({ ...rest, marker: marker !== undefined })),
      ]),
    );
    expect(kinds).toEqual({
      torch: [
        { kind: "index", index: "pytorch", marker: true, extra: undefined, group: undefined },
        { kind: "index", index: "pytorch", marker: false, extra: "gpu", group: undefined },
      ],
      mylib: [
        {
          kind: "path",
          path: "../mylib",
          editable: true,
          package: undefined,
          marker: false,
          extra: undefined,
          group: undefined,
        },
      ],
      tool: [
        {
          kind: "git",
          git: "https://github.com/o/tool",
          reference: { kind: "tag", value: "v1" },
          subdirectory: undefined,
          marker: false,
          extra: undefined,
          group: undefined,
        },
      ],
      web: [
        {
          kind: "url",
          url: "https://example.com/web-1.0.tar.gz",
          subdirectory: "py",
          marker: false,
          extra: undefined,
          group: undefined,
        },
      ],
      member: [{ kind: "workspace", editable: true, marker: false, extra: undefined, group: undefined }],
      other: [
        {
          kind: "git",
          git: "https://github.com/o/other",
          reference: { kind: "default" },
          subdirectory: undefined,
          marker: false,
          extra: undefined,
          group: undefined,
        },
      ],
    });
  });

  test.each([
    ['"2024-03-01"', "2024-03-01T00:00:00.000Z"],
    ["2024-03-01", "2024-03-01T00:00:00.000Z"],
    ['"2024-03-01T10:00:00+02:00"', "2024-03-01T08:00:00.000Z"],
    ["2024-03-01 10:00:00Z", "2024-03-01T10:00:00.000Z"],
  ])("exclude-newer = %s", (value, iso) => {
    expect(
      parse(lines(MIN, "[tool.lockstep]", `exclude-newer = ${value}`)).lockstep.excludeNewer?.toISOString(),
    ).toBe(iso);
  });

  test.each([
    ["'all'", "all"],
    ["[]", []],
  ])("default-groups = %s", (value, expected) => {
    expect(parse(lines(MIN, "[tool.lockstep]", `default-groups = ${value}`)).lockstep.defaultGroups).toEqual(
      expected,
    );
  });

  test("package = true without [build-system] builds the project", () => {
    expect(parse(lines(MIN, "[tool.lockstep]", "package = true")).isPackage).toBe(true);
  });

  test("other tools' tables are not checked", () => {
    expect(parse(lines(MIN, "[tool.poetry]", "whatever = 1", "[tool.uv]", "dev-dependencies = 3")).name).toBe(
      "demo",
    );
  });
});

describe("indexes spelled as an array", () => {
  test("`indexes = [...]` reads like [[tool.lockstep.index]] tables", () => {
    const text = [
      "[project]",
      'name = "x"',
      'version = "1"',
      "[tool.lockstep]",
      'indexes = [{ name = "corp", url = "https://corp.example/simple", explicit = true }]',
      "",
    ].join("\n");
    const p = parseProject(text, "pyproject.toml");
    expect(p.lockstep.indexes.map((i) => [i.name, i.url, i.explicit])).toEqual([
      ["corp", "https://corp.example/simple", true],
    ]);
  });
});
