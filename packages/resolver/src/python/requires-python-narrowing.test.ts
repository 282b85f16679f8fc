/**
 * Requires-Python per requirement: a requirement whose marker raises the lowest Python
 * (`native-ext>=2; python_version >= '3.10'` in a `>=3.9` project) may use versions that need that
 * Python. The fork is split at the raised Python only when the version chosen needs it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpecifierSet } from "@lockstep/pep440";
import type { IndexServer, Universe } from "@lockstep/fixtures";
import { serveUniverse } from "@lockstep/fixtures";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { lockstepResolve, newClient } from "../../testing/lockstep-runner";

const universe: Universe = {
  name: "requires-python-narrowing",
  packages: {
    "native-ext": {
      versions: { "1.0": { requiresPython: ">=3.8" }, "2.0": { requiresPython: ">=3.10" } },
    },
    lib: { versions: { "1.0": { requiresDist: ["native-ext>=2; python_version >= '3.10'"] } } },
    plain: { versions: { "1.0": { requiresPython: ">=3.8" } } },
    both: {
      versions: {
        "1.0": {
          requiresDist: ["native-ext>=2; python_version >= '3.11'", "native-ext<2; python_version < '3.11'"],
        },
      },
    },
  },
};

let server: IndexServer;
let cache: string;
beforeAll(async () => {
  server = await serveUniverse(universe);
  cache = await mkdtemp(join(tmpdir(), "lockstep-rp-narrowing-"));
});
afterAll(async () => {
  await server.close();
  await rm(cache, { recursive: true, force: true });
});

/** `name==version (marker)` per package, the forks, or the report. */
async function lock(requirements: string[], requiresPython = ">=3.9"): Promise<string> {
  const outcome = await lockstepResolve(newClient(server.url, cache), requirements, {
    target: { kind: "universal" },
    requiresPython: SpecifierSet.parse(requiresPython),
  });
  if (outcome.kind !== "solved") return outcome.report;
  const r = outcome.resolution;
  const pkgs = r.packages.map(
    (p) => `${p.name}==${p.version.toString()} (${p.marker.toString() || "always"})`,
  );
  return [...pkgs, `forks: ${r.forks.map((f) => f.toString()).join(" | ") || "none"}`].join("\n");
}

describe("a python marker narrows Requires-Python for its requirement", () => {
  test.each<[string, string[], string]>([
    [
      "direct, with a lower bound",
      ["native-ext>=2; python_version >= '3.10'"],
      "native-ext==2.0 (python_version >= '3.10')\nforks: python_version < '3.10' | python_version >= '3.10'",
    ],
    [
      "direct, without a bound: the newest runs from 3.10",
      ["native-ext; python_version >= '3.10'"],
      "native-ext==2.0 (python_version >= '3.10')\nforks: python_version < '3.10' | python_version >= '3.10'",
    ],
    [
      "transitive",
      ["lib"],
      "lib==1.0 (always)\nnative-ext==2.0 (python_version >= '3.10')\nforks: python_version < '3.10' | python_version >= '3.10'",
    ],
    [
      "no fork when the version runs on the lowest Python",
      ["plain; python_version >= '3.10'"],
      "plain==1.0 (python_version >= '3.10')\nforks: none",
    ],
    [
      "already split by markers",
      ["both"],
      "both==1.0 (always)\nnative-ext==1.0 (python_version < '3.11')\nnative-ext==2.0 (python_version >= '3.11')\nforks: python_version < '3.11' | python_version >= '3.11'",
    ],
  ])("%s", async (_name, requirements, expected) => {
    expect(await lock(requirements)).toBe(expected);
  });

  test("an unconditional requirement still needs the project's lowest Python", async () => {
    expect(await lock(["native-ext>=2"])).toMatchInlineSnapshot(`
      "No solution found when resolving dependencies:
        Because the requested Python version (3.9) does not satisfy Python>=3.10 and native-ext==2.0 requires Python>=3.10, native-ext==2.0 cannot be used.
        So, because your project depends on native-ext>=2, version solving failed."
    `);
  });
});
