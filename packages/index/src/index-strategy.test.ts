/**
 * Index strategies and dependency confusion (issue 13, item 6): a private index has `corp-lib 1.0`,
 * a public extra index has `corp-lib 99.0`. The CLI orders indexes as uv does — `--extra-index-url`
 * first, then the declared indexes, the default last — so the extra index is asked first.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { IndexClient, highestVersion } from "./client";
import type { IndexClientOptions, IndexSpec, IndexStrategy } from "./client";

let priv: IndexServer;
let extra: IndexServer;
let fallback: IndexServer;

beforeAll(async () => {
  priv = await serveUniverse({
    name: "strategy-private",
    packages: { "corp-lib": { versions: { "1.0": {} } }, shared: { versions: { "1.0": {} } } },
  });
  extra = await serveUniverse({
    name: "strategy-public",
    packages: {
      "corp-lib": { versions: { "99.0": {} } },
      shared: { versions: { "1.0": {}, "2.0": {} } },
    },
  });
  fallback = await serveUniverse({
    name: "strategy-fallback",
    packages: { other: { versions: { "1.0": {} } } },
  });
});
afterAll(async () => {
  await Promise.all([priv.close(), extra.close(), fallback.close()]);
});

const tmp = () => mkdtempSync(join(tmpdir(), "lockstep-strategy-"));

/** The CLI's order: extra first, then the declared private index, the default last. */
function cliOrder(): IndexSpec[] {
  return [
    { url: extra.url },
    { name: "private", url: priv.url.replace("http://", "http://deploy:s3cret@") },
    { name: "fallback", url: fallback.url, default: true },
  ];
}

function client(opts: Partial<IndexClientOptions>): IndexClient {
  return new IndexClient({ indexes: cliOrder(), cacheDir: tmp(), ...opts });
}

/** Versions offered for corp-lib, each with the rank of the index it came from. */
async function offered(c: IndexClient): Promise<string[]> {
  const page = await c.project("corp-lib");
  return page.files
    .filter((f) => f.filename.endsWith(".whl"))
    .map((f) => `${f.filename.split("-")[1]}@${f.indexRank}`)
    .sort();
}

describe("what each strategy offers for corp-lib", () => {
  test.each<[IndexStrategy, string[], string]>([
    // first-index: the first index that knows the name wins, and the extra index is asked first.
    ["first-index", ["99.0@0"], "99.0"],
    // Both unsafe strategies see both; a version is taken from the first index that has it. Under
    // unsafe-first-match a resolver exhausts rank 0 first — here again the extra index's 99.0.
    ["unsafe-first-match", ["1.0@1", "99.0@0"], "99.0"],
    ["unsafe-best-match", ["1.0@1", "99.0@0"], "99.0"],
  ])("%s", async (strategy, versions, highest) => {
    const c = client({ indexStrategy: strategy });
    expect(await offered(c)).toEqual(versions);
    expect(highestVersion(await c.project("corp-lib"))?.toString()).toBe(highest);
  });

  test("a version on two indexes comes from the first only (unsafe-best-match)", async () => {
    const c = client({ indexStrategy: "unsafe-best-match" });
    const page = await c.project("shared");
    const wheels = page.files.filter((f) => f.filename.endsWith(".whl"));
    expect(wheels.map((f) => [f.filename, f.url.startsWith(extra.origin)])).toEqual([
      ["shared-1.0-py3-none-any.whl", true],
      ["shared-2.0-py3-none-any.whl", true],
    ]);
  });

  test("only a sources pin protects corp-lib: the private index alone, and no warning", async () => {
    extra.resetStats();
    const c = client({ pins: { "corp-lib": "private" }, shadowCheck: "fetch" });
    expect(await offered(c)).toEqual(["1.0@0"]);
    expect(c.warnings).toEqual([]);
    expect(extra.count("/simple/corp-lib/")).toBe(0);
  });
});

describe("the shadowing warning under first-index", () => {
  // The private index's credentials were given in its URL; the warning never shows them.
  const expected = (e: IndexServer, p: IndexServer) =>
    `Package \`corp-lib\` is taken from ${e.url}/ (highest version 99.0), but index \`private\` (${p.url}/) also has it (highest version 1.0); under index-strategy "first-index" only the first is used — if \`corp-lib\` is yours, pin it to its index in [tool.lockstep.sources]`;

  test("appears without a request when the other page is in the cache (a lock made before the extra index was added)", async () => {
    const cacheDir = tmp();
    const before = new IndexClient({ indexes: cliOrder().slice(1), cacheDir });
    await before.project("corp-lib");
    before.close();

    priv.resetStats();
    const c = new IndexClient({ indexes: cliOrder(), cacheDir });
    expect(await offered(c)).toEqual(["99.0@0"]);
    const url = priv.url.replace("http://", "http://deploy:s3cret@");
    expect(c.indexes[1]?.url).not.toContain("s3cret");
    expect(c.warnings).toEqual([expected(extra, priv)]);
    expect(c.warnings.join("\n")).not.toContain("s3cret");
    expect(url).toContain("s3cret");
    expect(priv.count()).toBe(0);
  });

  test("is not given from a cold cache by default (no extra request), and is with shadowCheck: fetch", async () => {
    const cold = client({});
    await cold.project("corp-lib");
    expect(cold.warnings).toEqual([]);

    const fetching = client({ shadowCheck: "fetch" });
    await fetching.project("corp-lib");
    expect(fetching.warnings).toEqual([expected(extra, priv)]);
  });

  test("names the higher version on a later index when the private index is first", async () => {
    const c = new IndexClient({
      indexes: [
        { name: "private", url: priv.url },
        { url: extra.url, default: true },
      ],
      cacheDir: tmp(),
      shadowCheck: "fetch",
    });
    expect(await offered(c)).toEqual(["1.0@0"]);
    expect(c.warnings).toEqual([
      `Package \`corp-lib\` is taken from index \`private\` (${priv.url}/) (highest version 1.0), but ${extra.url}/ also has it (highest version 99.0); under index-strategy "first-index" only the first is used`,
    ]);
  });

  test("says nothing when both indexes have the same highest version, or with shadowCheck: off", async () => {
    const c = client({ shadowCheck: "fetch" });
    await c.project("other");
    expect(c.warnings).toEqual([]);
    const off = client({ shadowCheck: "off" });
    await off.project("corp-lib");
    expect(off.warnings).toEqual([]);
  });
});
