/**
 * Index strategies as the resolver sees them. Two indexes serve `lib`: the first has 1.0, the
 * second 1.0 (shadowed by the first's) and 2.0. Under unsafe-first-match the first index's versions
 * are exhausted before the second's are tried; unsafe-best-match takes the best version anywhere;
 * first-index never looks past the first index that has the project.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IndexClient } from "@lockstep/index";
import type { IndexStrategy } from "@lockstep/index";
import type { IndexServer } from "@lockstep/fixtures";
import { serveUniverse } from "@lockstep/fixtures";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { lockstepResolve, universalOptions } from "../../testing/lockstep-runner";

let first: IndexServer;
let second: IndexServer;
let cache: string;

beforeAll(async () => {
  first = await serveUniverse({
    name: "strategy-first",
    packages: {
      lib: { versions: { "1.0": {} } },
      app: { versions: { "1.0": { requiresDist: ["lib"] } } },
    },
  });
  second = await serveUniverse({
    name: "strategy-second",
    packages: { lib: { versions: { "1.0": {}, "2.0": {} } } },
  });
  cache = await mkdtemp(join(tmpdir(), "lockstep-index-strategy-"));
});
afterAll(async () => {
  await first.close();
  await second.close();
  await rm(cache, { recursive: true, force: true });
});

describe("index-strategy in candidate selection", () => {
  test.each<[IndexStrategy, string[], string]>([
    ["unsafe-first-match", ["lib"], "lib==1.0"],
    ["unsafe-first-match", ["app"], "app==1.0 lib==1.0"],
    // The first index has no version in range: the second index's are tried.
    ["unsafe-first-match", ["lib>=2"], "lib==2.0"],
    ["unsafe-best-match", ["lib"], "lib==2.0"],
    ["first-index", ["lib"], "lib==1.0"],
    ["first-index", ["lib>=2"], "no solution"],
  ])("%s, %j → %s", async (strategy, requirements, expected) => {
    const client = new IndexClient({
      indexes: [{ url: first.url }, { url: second.url, default: true }],
      indexStrategy: strategy,
      cacheDir: join(cache, strategy),
    });
    try {
      const outcome = await lockstepResolve(client, requirements, universalOptions(">=3.9"));
      const got =
        outcome.kind === "solved"
          ? outcome.resolution.packages.map((p) => `${p.name}==${p.version.toString()}`).join(" ")
          : "no solution";
      expect(got).toBe(expected);
    } finally {
      client.close();
    }
  });
});
