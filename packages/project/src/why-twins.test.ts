/**
 * `why` over a lock with twins: `torchlike` 1.0 from two indexes split by marker, each twin with its
 * own `helper`; the dependent names each twin by `index` (PEP 751). Chains follow those keys, so each
 * twin has its own chain, marked with the twin's marker, and `helper` 1.0 is reached only through
 * the Linux twin.
 */
import { readLock } from "@lockstep/lockfile";
import { Requirement } from "@lockstep/pep508";
import { describe, expect, test } from "vitest";
import { explainLock } from "./why";

const WHEEL = (n: string) =>
  `wheels = [{ name = "${n}-py3-none-any.whl", url = "https://x/${n}-py3-none-any.whl", hashes = { sha256 = "${"0".repeat(64)}" } }]`;
function entry(name: string, fields: string[], deps: string[]): string {
  return ["[[packages]]", `name = "${name}"`, ...fields, `dependencies = [${deps.join(", ")}]`, ""].join(
    "\n",
  );
}
const LOCK = readLock(
  [
    'lock-version = "1.0"',
    'created-by = "test"',
    "",
    entry(
      "vision",
      ['version = "1.0"', WHEEL("vision-1.0")],
      [
        '{ name = "torchlike", version = "1.0", index = "https://cpu/torchlike/" }',
        '{ name = "torchlike", version = "1.0", index = "https://cu/torchlike/" }',
      ],
    ),
    entry(
      "torchlike",
      [
        'version = "1.0"',
        "marker = \"sys_platform == 'linux'\"",
        'index = "https://cpu/torchlike/"',
        WHEEL("t-1"),
      ],
      ['{ name = "helper", version = "1.0" }'],
    ),
    entry(
      "torchlike",
      [
        'version = "1.0"',
        "marker = \"sys_platform != 'linux'\"",
        'index = "https://cu/torchlike/"',
        WHEEL("t-1"),
      ],
      ['{ name = "helper", version = "2.0" }'],
    ),
    entry("helper", ['version = "1.0"', "marker = \"sys_platform == 'linux'\"", WHEEL("h-1")], []),
    entry("helper", ['version = "2.0"', "marker = \"sys_platform != 'linux'\"", WHEEL("h-2")], []),
    "[tool.lockstep]",
    'fingerprint = "sha256:0"',
    "[tool.lockstep.inputs]",
    'project-name = "twin"',
    'dependencies = ["vision"]',
    "constraints = []",
    "overrides = []",
    "environments = []",
    'resolution = "highest"',
    'prerelease = "if-necessary-or-explicit"',
    "is-package = false",
  ].join("\n"),
);

const REQUIRES: Record<string, string[]> = {
  vision: ["torchlike"],
  torchlike: ["helper"],
  helper: [],
};

describe("why with one version from two sources split by marker", () => {
  test.each([
    [
      "torchlike",
      undefined,
      ["1.0"],
      // Twins by marker, whatever their order in the lock.
      ["vision > torchlike [sys_platform != 'linux']", "vision > torchlike [sys_platform == 'linux']"],
    ],
    [
      "helper",
      undefined,
      ["1.0", "2.0"],
      [
        "vision > torchlike [sys_platform != 'linux'] > helper 2.0",
        "vision > torchlike [sys_platform == 'linux'] > helper 1.0",
      ],
    ],
    ["helper", "linux", ["1.0", "2.0"], ["vision > torchlike [sys_platform == 'linux'] > helper 1.0"]],
  ])("why %s (environment %s)", async (name, environment, versions, chains) => {
    const r = await explainLock(LOCK, "pylock.toml", name, {
      environment,
      requiresDist: async (p) => (REQUIRES[p.name] ?? []).map((t) => Requirement.parse(t)),
    });
    expect(r.versions).toEqual(versions);
    expect(
      r.chains.map((c) =>
        c
          .map(
            (s) =>
              `${s.requirement}${s.to.marker ? ` [${s.to.marker}]` : ""}${s.to.name === "helper" ? ` ${s.to.version}` : ""}`,
          )
          .join(" > "),
      ),
    ).toEqual(chains);
  });
});
