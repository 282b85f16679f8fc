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
