/**
 * Source pins: a pinned name resolves to its one candidate without asking the index, its metadata
 * comes from the pin, its own dependencies join the graph, `name @ url` is accepted for a pinned
 * name only, and a range the pinned version is outside of has no solution.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpecifierSet, Version } from "@lockstep/pep440";
import { Requirement } from "@lockstep/pep508";
import type { IndexServer, Universe } from "@lockstep/fixtures";
import { serveUniverse } from "@lockstep/fixtures";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { lockstepResolve, newClient } from "../../testing/lockstep-runner";
import type { SourcePin, SourcePins } from "./source-pins";

const universe: Universe = {
  name: "source-pins",
  packages: {
    dep: { versions: { "1.0": {}, "2.0": {} } },
    // The index's `lib` must never be chosen when `lib` is pinned.
    lib: { versions: { "9.0": {} } },
  },
};

let server: IndexServer;
let cache: string;
beforeAll(async () => {
  server = await serveUniverse(universe);
  cache = await mkdtemp(join(tmpdir(), "lockstep-source-pins-"));
});
afterAll(async () => {
  await server.close();
  await rm(cache, { recursive: true, force: true });
});

function pins(loads: string[]): SourcePins {
  const pin: SourcePin = {
    describe: "path /src/lib",
    load: () => {
      loads.push("lib");
      return Promise.resolve({
        version: Version.parse("1.5"),
        requiresDist: [Requirement.parse("dep<2"), Requirement.parse("dep==1.0; extra == 'x'")],
        requiresPython: SpecifierSet.parse(">=3.8"),
        source: { kind: "directory", path: "/src/lib", editable: true },
      });
    },
  };
  return new Map([["lib", pin]]);
}

async function lock(requirements: string[]): Promise<{ text: string; loads: string[] }> {
  const loads: string[] = [];
  const outcome = await lockstepResolve(newClient(server.url, cache), requirements, {
    target: { kind: "universal" },
    requiresPython: SpecifierSet.parse(">=3.9"),
    sourcePins: pins(loads),
  });
  if (outcome.kind !== "solved") return { text: outcome.report, loads };
  const text = outcome.resolution.packages
    .map(
      (p) =>
        `${p.name}==${p.version.toString()}${p.candidate.pinned ? ` (${p.candidate.pinned.source.kind})` : ""}`,
    )
    .join("\n");
  return { text, loads };
}

describe("a pinned name resolves to its one candidate", () => {
  test.each<[string, string[], string]>([
    ["by name", ["lib"], "dep==1.0\nlib==1.5 (directory)"],
    ["by direct URL", ["lib @ file:///src/lib"], "dep==1.0\nlib==1.5 (directory)"],
    ["with an extra", ["lib[x]"], "dep==1.0\nlib==1.5 (directory)"],
    ["beside an index package", ["lib", "dep"], "dep==1.0\nlib==1.5 (directory)"],
  ])("%s", async (_name, requirements, expected) => {
    const { text, loads } = await lock(requirements);
    expect(text).toBe(expected);
    expect(loads).toEqual(["lib"]);
  });

  test("a range the pinned version is outside of has no solution", async () => {
    const { text } = await lock(["lib>=2"]);
    expect(text).toContain("lib>=2");
    expect(text).toMatch(/^No solution found/);
  });

  test("a direct URL on an unpinned name is still refused", async () => {
    const { text } = await lock(["dep @ https://example.invalid/dep-1.0.tar.gz"]);
    expect(text).toContain("direct URL requirements are not supported yet");
  });
});
