import { Marker } from "@lockstep/pep508";
import { expect, test } from "vitest";
import { conflictForks, conflictingRegion, simplifyWithConflicts, undeclaredConflictHint } from "./conflicts";
import type { ConflictSet } from "./conflicts";
import { extraPackage, groupPackage, plainPackage } from "./package";

const CPU_GPU: ConflictSet = [
  { kind: "extra", name: "cpu" },
  { kind: "extra", name: "cu128" },
];
const GROUPS: ConflictSet = [
  { kind: "group", name: "a" },
  { kind: "group", name: "b" },
];

test.each<[string, ConflictSet[], string[]]>([
  ["no conflicts", [], [""]],
  [
    "two extras",
    [CPU_GPU],
    [
      "'cpu' in extras and 'cu128' not in extras",
      "'cpu' not in extras and 'cu128' in extras",
      "'cpu' not in extras and 'cu128' not in extras",
    ],
  ],
  [
    "another member's items are not forked on",
    [
      [
        { kind: "extra", name: "x", package: "other" },
        { kind: "extra", name: "cpu" },
      ],
    ],
    [""],
  ],
  ["two sets cross", [CPU_GPU, GROUPS], Array.from({ length: 9 }, () => "")],
])("conflictForks: %s", (_, sets, expected) => {
  const forks = conflictForks(Marker.TRUE, sets, "app");
  expect(forks.length).toBe(expected.length);
  if (expected.every((e) => e !== "")) expect(forks.map((f) => f.toString())).toEqual(expected);
  // The forks never overlap, and together they cover everything but the conflicting region.
  for (let i = 0; i < forks.length; i++)
    for (let j = i + 1; j < forks.length; j++)
      expect((forks[i] as Marker).isDisjoint(forks[j] as Marker)).toBe(true);
  const union = forks.reduce((acc, f) => acc.or(f), Marker.FALSE);
  expect(union.or(conflictingRegion(sets, "app")).isTrue()).toBe(true);
});

test.each<[string, string]>([
  ["'cpu' in extras and 'cu128' not in extras", "'cpu' in extras"],
  [
    "('cpu' in extras and 'cu128' not in extras) or ('cpu' not in extras and 'cu128' in extras) or ('cpu' not in extras and 'cu128' not in extras)",
    "",
  ],
  ["'cpu' not in extras and 'cu128' not in extras", "'cpu' not in extras and 'cu128' not in extras"],
  ["sys_platform == 'linux'", "sys_platform == 'linux'"],
])("simplifyWithConflicts(%s) = %s", (input, expected) => {
  const region = conflictingRegion([CPU_GPU], "app");
  expect(simplifyWithConflicts(Marker.parse(input), region, (m) => m).toString()).toBe(expected);
});

test("undeclaredConflictHint names the root's extras and groups in a failed derivation", () => {
  expect(
    undeclaredConflictHint(
      [
        extraPackage("app", "cu128"),
        plainPackage("torch"),
        extraPackage("app", "cpu"),
        extraPackage("dep", "x"),
      ],
      "app",
    ),
  ).toBe(
    'if these are never installed together, declare them conflicting in pyproject.toml: [tool.lockstep] conflicts = [[{ extra = "cpu" }, { extra = "cu128" }]]',
  );
  expect(undeclaredConflictHint([groupPackage("app", "a"), plainPackage("b")], "app")).toBeUndefined();
});
