/**
 * Downloads of wheels and sdists (issue 13): streamed to a temporary file in the cache, hashed and
 * counted as they arrive, renamed into place only when the hash checks out. A file over the
 * download cap (with or without a Content-Length), a file whose bytes do not match the index's hash,
 * and a failed download all leave nothing behind in the cache; a killed run's temporary is swept.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer, Universe } from "@lockstep/fixtures";
import { IndexClient } from "./client";
import type { IndexClientOptions } from "./client";
import type { DistFile } from "./dist-file";

const universe: Universe = {
  name: "download-test",
  packages: { beta: { versions: { "2.0": {} } } },
};
const WHEEL = "beta-2.0-py3-none-any.whl";

let server: IndexServer;
let wheelSha: string;
let wheelSize: number;

beforeAll(async () => {
  server = await serveUniverse(universe);
  const bytes = readFileSync(join(server.root, "files", WHEEL));
  wheelSha = createHash("sha256").update(bytes).digest("hex");
  wheelSize = bytes.length;
});
afterAll(async () => {
  await server.close();
});

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function client(extra: Partial<IndexClientOptions> = {}): { c: IndexClient; cacheDir: string } {
  const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-download-"));
  const c = new IndexClient({
    indexes: [{ url: server.url, default: true }],
    cacheDir,
    http: { retryBaseDelayMs: 5 },
    ...extra,
  });
  return { c, cacheDir };
}

async function wheelOf(c: IndexClient): Promise<DistFile> {
  return (await c.project("beta")).files.find((f) => f.filename === WHEEL) as DistFile;
}

/** What the cache holds besides index pages and metadata. */
const archives = (cacheDir: string): string[] =>
  filesUnder(cacheDir).filter((p) => p.startsWith("archives-v1/") || p.startsWith("url-hashes-v1/"));

test("a good download lands at its content address with nothing else left", async () => {
  const { c, cacheDir } = client();
  const path = await c.download(await wheelOf(c));
  expect(path).toBe(join(cacheDir, "archives-v1", wheelSha, WHEEL));
  expect(createHash("sha256").update(readFileSync(path)).digest("hex")).toBe(wheelSha);
  expect(archives(cacheDir)).toEqual([`archives-v1/${wheelSha}/${WHEEL}`]);
  c.close();
});

test.each([
  ["with a Content-Length", false],
  ["streamed without one", true],
])("a file larger than maxDownloadBytes (%s) is refused and nothing is kept", async (_, chunked) => {
  const { c, cacheDir } = client({ maxDownloadBytes: 500 });
  const file = await wheelOf(c);
  expect(wheelSize).toBeGreaterThan(500);
  if (chunked) {
    const body = readFileSync(join(server.root, "files", WHEEL));
    server.setOptions({
      faults: [
        {
          path: `/files/${WHEEL}`,
          kind: "raw",
          status: 200,
          headers: { "content-type": "application/octet-stream" },
          body: async function* () {
            for (let i = 0; i < body.length; i += 256) yield body.subarray(i, i + 256);
          },
        },
      ],
    });
  }
  try {
    await expect(c.download(file)).rejects.toThrow(
      `The file ${server.origin}/files/${WHEEL} is larger than 500 bytes; refusing it`,
    );
  } finally {
    server.setOptions({ faults: [] });
  }
  expect(archives(cacheDir)).toEqual([]);
  c.close();
});

test.each([
  ["with a Content-Length: that is the total", false, "length"],
  ["streamed without one: the listed size is the total", true, "listed"],
  ["streamed without one or a listed size: no total", true, "none"],
] as const)("onProgress reports the bytes as they arrive (%s)", async (_, chunked, total) => {
  const { c } = client();
  const listed = await wheelOf(c);
  const file = { ...listed, size: total === "listed" ? wheelSize : undefined };
  if (chunked) {
    const body = readFileSync(join(server.root, "files", WHEEL));
    server.setOptions({
      faults: [
        {
          path: `/files/${WHEEL}`,
          kind: "raw",
          status: 200,
          headers: { "content-type": "application/octet-stream" },
          body: async function* () {
            for (let i = 0; i < body.length; i += 256) yield body.subarray(i, i + 256);
          },
        },
      ],
    });
  }
  const seen: [number, number | undefined][] = [];
  try {
    await c.download(file, { onProgress: (bytes, of) => seen.push([bytes, of]) });
  } finally {
    server.setOptions({ faults: [] });
  }
  const expectedTotal = total === "none" ? undefined : wheelSize;
  expect(seen[0]).toEqual([0, expectedTotal]);
  expect(seen.at(-1)).toEqual([wheelSize, expectedTotal]);
  const counts = seen.map(([bytes]) => bytes);
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
  // From the cache the second time: no network, no progress.
  const again: number[] = [];
  await c.download(file, { onProgress: (bytes) => again.push(bytes) });
  expect(again).toEqual([]);
  c.close();
});

test("a download whose bytes do not match the index's sha256 is refused and nothing is kept", async () => {
  const { c, cacheDir } = client();
  const file = await wheelOf(c);
  server.setOptions({ faults: [{ path: "/files/", kind: "wrong-hash" }] });
  try {
    const error: unknown = await c.download(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const lines = (error as Error).message.split("\n");
    expect(lines[0]).toBe(`Hash mismatch for ${server.origin}/files/${WHEEL}:`);
    expect(lines[1]).toBe(`  expected sha256:${wheelSha}`);
  } finally {
    server.setOptions({ faults: [] });
  }
  expect(archives(cacheDir)).toEqual([]);
  c.close();
});

test("a download cut short is retried, then fails with nothing kept", async () => {
  const { c, cacheDir } = client();
  const file = await wheelOf(c);
  server.setOptions({ faults: [{ path: `/files/${WHEEL}`, kind: "truncate", bytes: 100 }] });
  try {
    await expect(c.download(file)).rejects.toThrow(`${server.origin}/files/${WHEEL}`);
    expect(server.count(`/files/${WHEEL}`)).toBeGreaterThan(1);
  } finally {
    server.setOptions({ faults: [] });
  }
  expect(archives(cacheDir)).toEqual([]);
  // One cut-short answer, then a good one: the retry succeeds.
  server.setOptions({ faults: [{ path: `/files/${WHEEL}`, kind: "truncate", bytes: 100, times: 1 }] });
  try {
    expect(await c.download(file)).toBe(join(cacheDir, "archives-v1", wheelSha, WHEEL));
  } finally {
    server.setOptions({ faults: [] });
  }
  c.close();
});

test("a killed run's partial download is swept by the next download; a live one is kept", async () => {
  const { c, cacheDir } = client();
  const dir = join(cacheDir, "archives-v1");
  mkdirSync(dir, { recursive: true });
  // pid 2^22+1 is above Linux's pid_max default range for a live process in this sandbox.
  const dead = `.download-4194305-${Date.now().toString(36)}-0123abcd`;
  const live = `.download-${process.ppid}-${Date.now().toString(36)}-89abcdef`;
  writeFileSync(join(dir, dead), "partial");
  writeFileSync(join(dir, live), "partial");
  await c.download(await wheelOf(c));
  expect(readdirSync(dir).sort()).toEqual([live, wheelSha].sort());
  c.close();
});

test("a server that ignores Range sends the whole wheel for its metadata: capped like a download", async () => {
  server.setOptions({ ranges: false, metadata: false });
  try {
    const { c, cacheDir } = client({ maxDownloadBytes: 500 });
    const file = await wheelOf(c);
    await expect(c.metadata(file)).rejects.toThrow(
      `The file ${server.origin}/files/${WHEEL} is larger than 500 bytes; refusing it`,
    );
    expect(archives(cacheDir)).toEqual([]);
    c.close();
    const roomy = client();
    expect(await roomy.c.metadata(await wheelOf(roomy.c))).toMatch(/^Name: beta$/m);
    roomy.c.close();
  } finally {
    server.setOptions({ ranges: true, metadata: true });
  }
});

describe("a wheel's metadata from a server without metadata files", () => {
  test.each([
    // A static server: the tail request is answered 200 with the whole wheel, which is the download.
    ["ignores Range", { ranges: false, metadata: false }, true],
    // Ranges work: only the tail is read (the small wheel's directory and METADATA lie in it).
    ["honours Range", { ranges: true, metadata: false }, false],
  ] as const)(
    "a server that %s: one request, and a whole wheel it sent is kept for sync",
    async (_label, switches, keeps) => {
      server.setOptions(switches);
      try {
        const { c, cacheDir } = client();
        const file = await wheelOf(c);
        server.resetStats();
        expect(await c.metadata(file)).toMatch(/^Name: beta$/m);
        expect(server.requests.map((r) => [r.path, r.range, r.status])).toEqual([
          [`/files/${WHEEL}`, "bytes=-65558", switches.ranges ? 206 : 200],
        ]);
        expect(archives(cacheDir)).toEqual(keeps ? [`archives-v1/${wheelSha}/${WHEEL}`] : []);
        // sync's download of the same file: from the cache when the metadata brought it.
        server.resetStats();
        expect(await c.download(file)).toBe(join(cacheDir, "archives-v1", wheelSha, WHEEL));
        expect(server.requests).toHaveLength(keeps ? 0 : 1);
        c.close();
      } finally {
        server.setOptions({ ranges: true, metadata: true });
      }
    },
  );

  test("once an origin ignored Range, later wheels are plain downloads; an archived wheel needs no request", async () => {
    server.setOptions({ ranges: false, metadata: false });
    try {
      const { c, cacheDir } = client();
      const file = await wheelOf(c);
      await c.metadata(file);
      // The same file under another URL of the same origin (say, a mirror path): no Range asked.
      const other = { ...file, url: `${file.url}?again`, hashes: {} };
      server.resetStats();
      expect(await c.metadata(other)).toMatch(/^Name: beta$/m);
      expect(server.requests.map((r) => r.range)).toEqual([undefined]);
      c.close();

      // A new run with the metadata cache emptied but the archive kept: read from the archive.
      rmSync(join(cacheDir, "metadata-v1"), { recursive: true });
      const again = new IndexClient({ indexes: [{ url: server.url, default: true }], cacheDir });
      const sameFile = await wheelOf(again);
      server.resetStats();
      expect(await again.metadata(sameFile)).toMatch(/^Name: beta$/m);
      expect(server.requests).toEqual([]);
      expect(again.stats.metadata.cache).toBe(1);
      again.close();
    } finally {
      server.setOptions({ ranges: true, metadata: true });
    }
  });

  test("a 206 larger than the tail asked for is refused", async () => {
    server.setOptions({
      metadata: false,
      faults: [
        {
          path: `/files/${WHEEL}`,
          kind: "raw",
          status: 206,
          headers: { "content-range": "bytes 0-99999/100000" },
          body: Buffer.alloc(100_000),
        },
      ],
    });
    try {
      const { c } = client();
      const file = await wheelOf(c);
      await expect(c.metadata(file)).rejects.toThrow(
        `The range response from ${server.origin}/files/${WHEEL} is larger than 64.0 KiB; refusing it`,
      );
      c.close();
    } finally {
      server.setOptions({ metadata: true, faults: [] });
    }
  });
});

test.each([
  ["pep658", { metadata: true }],
  ["range", { metadata: false, ranges: true }],
  ["download", { metadata: false, ranges: false }],
] as const)("-vv's debug record names how a metadata request was answered (%s)", async (via, switches) => {
  server.setOptions(switches);
  try {
    const records: Array<Record<string, unknown>> = [];
    const { c } = client({ log: { debug: (fields, message) => records.push({ message, ...fields }) } });
    await c.metadata(await wheelOf(c));
    expect(records.filter((r) => r.message === "metadata")).toEqual([
      { message: "metadata", url: `${server.origin}/files/${WHEEL}`, via, ms: expect.any(Number) },
    ]);
    c.close();
  } finally {
    server.setOptions({ metadata: true, ranges: true });
  }
});
