/**
 * Sources split by marker as lock inputs: which variants a package gets (the default indexes for
 * the environments outside every marker), what the lock's inputs record for them, and the
 * refusals (`extra`/`group`-scoped sources, a workspace member behind a marker).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Lock } from "@lockstep/lockfile";
import { Version } from "@lockstep/pep440";
import { Marker } from "@lockstep/pep508";
import { parseProject } from "@lockstep/pyproject";
import type { Workspace } from "@lockstep/pyproject";
import { describe, expect, test } from "vitest";
import { conditionalPreferences } from "./conditional-sources";
import { projectInputs } from "./project-inputs";

const HEAD = [
  "[project]",
  'name = "app"',
  'version = "1"',
  'requires-python = ">=3.9"',
  'dependencies = ["torch", "lib"]',
  "[[tool.lockstep.index]]",
  'name = "cpu"',
  'url = "https://example.com/cpu"',
  "[[tool.lockstep.index]]",
  'name = "cu"',
  'url = "https://example.com/cu"',
  "[tool.lockstep.sources]",
];

function inputs(dir: string, sources: string[]) {
  const path = join(dir, "pyproject.toml");
  const p = parseProject([...HEAD, ...sources].join("\n"), path);
  const workspace: Workspace = { root: dir, rootProject: p, members: [p], current: p };
  return projectInputs(p, {}, { workspace, lockDir: dir });
}

const dir = mkdtempSync(join(tmpdir(), "lockstep-split-inputs-"));
mkdirSync(join(dir, "lib"));
writeFileSync(
  join(dir, "lib", "pyproject.toml"),
  '[project]\nname = "lib"\nversion = "0.1"\ndependencies = []\n',
);

describe("what a split source records", () => {
  test.each<[string, string[], Record<string, string>, string[]]>([
    [
      "two indexes, the default elsewhere",
      [
        "torch = [",
        '  { index = "cpu", marker = "sys_platform == \'linux\'" },',
        '  { index = "cu", marker = "sys_platform == \'win32\'" },',
        "]",
      ],
      {
        torch:
          "split sys_platform == 'linux' => index cpu | sys_platform == 'win32' => index cu | sys_platform != 'linux' and sys_platform != 'win32' => default",
      },
      ["torch"],
    ],
    [
      "one source behind a marker is conditional too",
      ['torch = { index = "cu", marker = "sys_platform == \'win32\'" }'],
      { torch: "split sys_platform == 'win32' => index cu | sys_platform != 'win32' => default" },
      ["torch"],
    ],
    [
      "a source narrowed by an extra: where the extra is installed",
      ['torch = { index = "cu", extra = "GPU" }'],
      { torch: "split 'gpu' in extras => index cu | 'gpu' not in extras => default" },
      ["torch"],
    ],
    [
      "a group-scoped source beside a marked one: the marked one where the group is not installed",
      [
        "torch = [",
        '  { index = "cpu", marker = "sys_platform == \'linux\'" },',
        '  { index = "cu", group = "gpu" },',
        "]",
      ],
      {
        torch:
          "split sys_platform == 'linux' and 'gpu' not in dependency_groups => index cpu | 'gpu' in dependency_groups => index cu | sys_platform != 'linux' and 'gpu' not in dependency_groups => default",
      },
      ["torch"],
    ],
    [
      "two conflicting extras, each its index",
      [
        "torch = [",
        '  { index = "cpu", extra = "cpu" },',
        '  { index = "cu", extra = "gpu" },',
        "]",
        "[project.optional-dependencies]",
        'cpu = ["torch"]',
        'gpu = ["torch"]',
        "[tool.lockstep]",
        'conflicts = [[{ extra = "cpu" }, { extra = "gpu" }]]',
      ],
      {
        torch:
          "split 'cpu' in extras and 'gpu' not in extras => index cpu | 'cpu' not in extras and 'gpu' in extras => index cu | 'cpu' in extras and 'gpu' in extras or 'cpu' not in extras and 'gpu' not in extras => default",
      },
      ["torch"],
    ],
    [
      "markers covering every environment leave no default",
      [
        "torch = [",
        '  { index = "cpu", marker = "sys_platform == \'linux\'" },',
        '  { index = "cu", marker = "sys_platform != \'linux\'" },',
        "]",
      ],
      { torch: "split sys_platform == 'linux' => index cpu | sys_platform != 'linux' => index cu" },
      ["torch"],
    ],
    [
      "a path on POSIX, the index elsewhere",
      ['lib = [{ path = "lib", marker = "os_name == \'posix\'" }]'],
      { lib: "split os_name == 'posix' => directory lib DIGEST | os_name != 'posix' => default" },
      ["lib"],
    ],
  ])("%s", (_name, sources, records, conditional) => {
    const pi = inputs(dir, sources);
    const got = Object.fromEntries(
      Object.entries(pi.inputs.canonical.sources ?? {}).map(([k, v]) => [
        k,
        v.replace(/ [0-9a-f]{16} /, " DIGEST "),
      ]),
    );
    expect(got).toEqual(records);
    expect([...pi.conditional.keys()]).toEqual(conditional);
    // Never pinned everywhere: neither to an index nor as a path.
    expect(Object.keys(pi.pins)).toEqual([]);
    expect([...pi.plans.keys()]).toEqual([]);
  });

  test("an unconditional index source stays a pin", () => {
    const pi = inputs(dir, ['torch = { index = "cu" }']);
    expect(pi.pins).toEqual({ torch: "cu" });
    expect(pi.conditional.size).toBe(0);
  });
});

describe("refused", () => {
  test.each<[string, string[], string]>([
    [
      "two extras with different sources, not declared as conflicting",
      ["torch = [", '  { index = "cpu", extra = "cpu" },', '  { index = "cu", extra = "gpu" },', "]"],
      `${join(dir, "pyproject.toml")}: [tool.lockstep.sources] torch: the extra \`cpu\` and the extra \`gpu\` take torch from different sources, but they are not declared as conflicting, so both could be installed together (requirements would contain conflicting sources for torch)`,
    ],
    [
      "a workspace member behind a marker",
      ["lib = { workspace = true, marker = \"os_name == 'nt'\" }"],
      `${join(dir, "pyproject.toml")}: [tool.lockstep.sources] lib = { workspace = true, marker = "os_name == 'nt'" }: a workspace member cannot be a source split by marker`,
    ],
  ])("%s", (_name, sources, message) => {
    // On disk, so the message can give the line.
    const refused = mkdtempSync(join(tmpdir(), "lockstep-split-refused-"));
    writeFileSync(join(refused, "pyproject.toml"), [...HEAD, ...sources].join("\n"));
    expect(() => inputs(refused, sources)).toThrow(message.replace(dir, refused));
  });
});

describe("the existing lock's versions are preferred per source", () => {
  const SPLIT = [
    "torch = [",
    '  { index = "cpu", marker = "sys_platform == \'linux\'" },',
    '  { index = "cu", marker = "sys_platform == \'win32\'" },',
    "]",
  ];
  test.each<[string, Array<[string, string]>, Array<[string, string]>]>([
    [
      "each entry to the source its marker lies in, the rest by plain name",
      [
        ["1.0", "sys_platform == 'linux'"],
        ["2.0", "sys_platform == 'win32'"],
        ["3.0", "sys_platform != 'linux' and sys_platform != 'win32'"],
      ],
      (
        [
          ["dep", "1.0"],
          ["torch", "3.0"],
          ["torch index cpu", "1.0"],
          ["torch index cu", "2.0"],
        ] as Array<[string, string]>
      ).sort(),
    ],
    [
      "an entry narrower than its source's marker still counts for it",
      [["1.5", "sys_platform == 'linux' and python_version >= '3.11'"]],
      [
        ["dep", "1.0"],
        ["torch index cpu", "1.5"],
      ],
    ],
  ])("%s", (_name, entries, expected) => {
    const pi = inputs(dir, SPLIT);
    const lock = {
      packages: entries.map(([v, m]) => ({
        name: "torch",
        version: Version.parse(v),
        marker: Marker.parse(m),
      })),
    } as unknown as Lock;
    const prefs = conditionalPreferences(
      new Map([
        ["torch", Version.parse("3.0")],
        ["dep", Version.parse("1.0")],
      ]),
      lock,
      pi.conditional,
      dir,
    );
    expect([...prefs].map(([k, v]) => [k, v.toString()]).sort()).toEqual(expected);
  });
});
