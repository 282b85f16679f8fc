import { readLock } from "@lockstep/lockfile";
import { describe, expect, test } from "vitest";
import { renderTree, treeJson } from "./render-tree";

/** app → a, d; a → b; d → b; b → c; group dev → c; numpy split in two versions by marker. */
function pkg(name: string, version: string, deps: string[] = [], marker?: string): string {
  const file = `${name}-${version}-py3-none-any.whl`;
  return [
    "[[packages]]",
    `name = "${name}"`,
    `version = "${version}"`,
    ...(marker ? [`marker = "${marker}"`] : []),
    `dependencies = [${deps.map((d) => `{ name = "${d.split("@")[0]}"${d.includes("@") ? `, version = "${d.split("@")[1]}"` : ""} }`).join(", ")}]`,
    `wheels = [{ name = "${file}", url = "https://x/${file}", hashes = { sha256 = "${"0".repeat(64)}" } }]`,
    "",
  ].join("\n");
}

const LOCK = readLock(
  [
    'lock-version = "1.0"',
    'created-by = "test"',
    'dependency-groups = ["dev"]',
    "",
    pkg("a", "1.0", ["b"]),
    pkg("b", "2.0", ["c"]),
    pkg("c", "3.0"),
    pkg("d", "4.0", ["b", "numpy@1.26.4", "numpy@2.1.0"]),
    pkg("numpy", "1.26.4", [], "python_version < '3.10'"),
    pkg("numpy", "2.1.0", [], "python_version >= '3.10'"),
    "[tool.lockstep]",
    'fingerprint = "sha256:0"',
    "[tool.lockstep.inputs]",
    'project-name = "App"',
    'project-version = "0.1.0"',
    'dependencies = ["a>=1", "d"]',
    'default-groups = ["dev"]',
    "constraints = []",
    "overrides = []",
    "environments = []",
    'resolution = "highest"',
    'prerelease = "if-necessary-or-explicit"',
    "is-package = false",
    "[tool.lockstep.inputs.dependency-groups]",
    'dev = ["c"]',
  ].join("\n"),
);

describe("renderTree", () => {
  test("a subtree shown once, then (*); marker-split versions both shown", () => {
    expect(renderTree(LOCK)).toMatchInlineSnapshot(`
      "app v0.1.0
      ├── a v1.0
      │   └── b v2.0
      │       └── c v3.0
      ├── c v3.0 (group: dev)
      └── d v4.0
          ├── b v2.0 (*)
          ├── numpy v1.26.4
          └── numpy v2.1.0
      (*) Package tree already displayed
      "
    `);
  });

  test.each([
    ["depth 0", { depth: 0 }],
    ["depth 1", { depth: 1 }],
    ["package b", { packages: ["B"] }],
    ["inverted, from the leaves", { invert: true }],
    ["inverted from c, depth 2", { invert: true, packages: ["c"], depth: 2 }],
  ])("%s", (_, opts) => {
    expect(renderTree(LOCK, opts)).toMatchSnapshot();
  });
});

describe("treeJson", () => {
  test("the same tree as data: nesting, via, repeated", () => {
    const leaf = (name: string, version: string) => ({ name, version, dependencies: [] });
    expect(treeJson(LOCK)).toEqual([
      {
        name: "app",
        version: "0.1.0",
        dependencies: [
          {
            name: "a",
            version: "1.0",
            dependencies: [{ ...leaf("b", "2.0"), dependencies: [leaf("c", "3.0")] }],
          },
          { ...leaf("c", "3.0"), via: "group: dev" },
          {
            name: "d",
            version: "4.0",
            dependencies: [
              { ...leaf("b", "2.0"), repeated: true },
              leaf("numpy", "1.26.4"),
              leaf("numpy", "2.1.0"),
            ],
          },
        ],
      },
    ]);
  });

  test("depth and --package apply as in text", () => {
    expect(treeJson(LOCK, { depth: 0 })).toEqual([{ name: "app", version: "0.1.0", dependencies: [] }]);
    expect(treeJson(LOCK, { packages: ["B"] })).toEqual([
      { name: "b", version: "2.0", dependencies: [{ name: "c", version: "3.0", dependencies: [] }] },
    ]);
  });
});

/**
 * `torchlike` 1.0 from two indexes split by marker (twins), each with its own `helper`; `vision`
 * names each twin by `index` as PEP 751 requires; `lib` 2.0 from git on Windows and an index elsewhere,
 * its dependent naming each by `marker`.
 */
function twin(name: string, fields: string[], deps: string[]): string {
  return ["[[packages]]", `name = "${name}"`, ...fields, `dependencies = [${deps.join(", ")}]`, ""].join(
    "\n",
  );
}
const WHEEL = (n: string) =>
  `wheels = [{ name = "${n}-py3-none-any.whl", url = "https://x/${n}-py3-none-any.whl", hashes = { sha256 = "${"0".repeat(64)}" } }]`;
const TWINS = readLock(
  [
    'lock-version = "1.0"',
    'created-by = "test"',
    "",
    twin(
      "vision",
      ['version = "1.0"', WHEEL("vision-1.0")],
      [
        '{ name = "torchlike", version = "1.0", index = "https://cpu/simple/torchlike/" }',
        '{ name = "torchlike", version = "1.0", index = "https://cu/simple/torchlike/" }',
        '{ name = "lib", version = "2.0", marker = "sys_platform == \'win32\'" }',
        '{ name = "lib", version = "2.0", marker = "sys_platform != \'win32\'" }',
      ],
    ),
    twin(
      "torchlike",
      [
        'version = "1.0"',
        "marker = \"sys_platform == 'linux'\"",
        'index = "https://cpu/simple/torchlike/"',
        WHEEL("torchlike-1.0"),
      ],
      ['{ name = "helper", version = "1.0" }'],
    ),
    twin(
      "torchlike",
      [
        'version = "1.0"',
        "marker = \"sys_platform != 'linux'\"",
        'index = "https://cu/simple/torchlike/"',
        WHEEL("torchlike-1.0"),
      ],
      ['{ name = "helper", version = "2.0" }'],
    ),
    twin(
      "lib",
      [
        'version = "2.0"',
        "marker = \"sys_platform == 'win32'\"",
        `vcs = { type = "git", url = "https://git/lib.git", commit-id = "${"a".repeat(40)}" }`,
      ],
      [],
    ),
    twin("lib", ['version = "2.0"', "marker = \"sys_platform != 'win32'\"", WHEEL("lib-2.0")], []),
    twin("helper", ['version = "1.0"', "marker = \"sys_platform == 'linux'\"", WHEEL("helper-1.0")], []),
    twin("helper", ['version = "2.0"', "marker = \"sys_platform != 'linux'\"", WHEEL("helper-2.0")], []),
    "[tool.lockstep]",
    'fingerprint = "sha256:0"',
    "[tool.lockstep.inputs]",
    'project-name = "twin"',
    'project-version = "0.1.0"',
    'dependencies = ["vision"]',
    "constraints = []",
    "overrides = []",
    "environments = []",
    'resolution = "highest"',
    'prerelease = "if-necessary-or-explicit"',
    "is-package = false",
  ].join("\n"),
);

describe("twins: one version from two sources split by marker", () => {
  test.each([
    [
      "tree",
      {},
      [
        "twin v0.1.0",
        "└── vision v1.0",
        "    ├── lib v2.0 (marker: sys_platform != 'win32')",
        "    ├── lib v2.0 (marker: sys_platform == 'win32')",
        "    ├── torchlike v1.0 (marker: sys_platform != 'linux')",
        "    │   └── helper v2.0",
        "    └── torchlike v1.0 (marker: sys_platform == 'linux')",
        "        └── helper v1.0",
      ],
    ],
    [
      "inverted from helper",
      { invert: true, packages: ["helper"] },
      [
        "helper v1.0",
        "└── torchlike v1.0 (marker: sys_platform == 'linux')",
        "    └── vision v1.0",
        "        └── twin v0.1.0",
        "helper v2.0",
        "└── torchlike v1.0 (marker: sys_platform != 'linux')",
        "    └── vision v1.0 (*)",
        "(*) Package tree already displayed",
      ],
    ],
    [
      "--package torchlike",
      { packages: ["torchlike"] },
      [
        "torchlike v1.0 (marker: sys_platform == 'linux')",
        "└── helper v1.0",
        "torchlike v1.0 (marker: sys_platform != 'linux')",
        "└── helper v2.0",
      ],
    ],
  ])("%s: each twin once, its own edges", (_, opts, lines) => {
    expect(renderTree(TWINS, opts)).toBe(`${lines.join("\n")}\n`);
  });

  test("json: twins carry marker and index", () => {
    const vision = treeJson(TWINS)[0]?.dependencies[0];
    expect(
      vision?.dependencies.map((d) => [
        d.name,
        d.version,
        d.marker,
        d.index,
        d.dependencies.map((c) => c.version),
      ]),
    ).toEqual([
      ["lib", "2.0", "sys_platform != 'win32'", undefined, []],
      ["lib", "2.0", "sys_platform == 'win32'", undefined, []],
      ["torchlike", "1.0", "sys_platform != 'linux'", "https://cu/simple/torchlike/", ["2.0"]],
      ["torchlike", "1.0", "sys_platform == 'linux'", "https://cpu/simple/torchlike/", ["1.0"]],
    ]);
  });
});
