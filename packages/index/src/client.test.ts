/**
 * The index client against the fixture server, in every mode the server can switch: the same
 * answers whatever the index supports, fewer bytes where it supports more, no requests from a warm
 * cache, and clear errors where no answer is possible.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer, ServerOptions } from "@lockstep/fixtures";
import type { Universe } from "@lockstep/fixtures";
import { IndexClient } from "./client";
import type { IndexClientOptions } from "./client";
import type { DistFile } from "./dist-file";

const universe: Universe = {
  name: "index-client-test",
  defaultUploadTime: "2024-05-01T00:00:00Z",
  packages: {
    Alpha: {
      versions: {
        "1.0": { requiresDist: ["beta>=2"], requiresPython: ">=3.8", padFiles: 40, padBytes: 2_000_000 },
        "1.1": {
          requiresDist: ["beta>=2", "gamma; extra == 'g'"],
          requiresPython: ">=3.9",
          padFiles: 40,
          padBytes: 2_000_000,
        },
        "1.2": { requiresDist: ["beta>=3"], yanked: "bad release", padFiles: 40, padBytes: 2_000_000 },
      },
    },
    beta: {
      versions: {
        "2.0": {},
        "3.0": { wheels: [{ tags: "cp312-cp312-manylinux_2_17_x86_64" }, { tags: "py3-none-any" }] },
      },
    },
    gamma: { versions: { "0.1": { wheels: false } } },
  },
};

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const servers: IndexServer[] = [];
async function serve(opts: ServerOptions = {}): Promise<IndexServer> {
  const s = await serveUniverse(universe, opts);
  servers.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function client(server: IndexServer, extra: Partial<IndexClientOptions> = {}): IndexClient {
  return new IndexClient({
    indexes: [{ name: "fixture", url: server.url, default: true }],
    cacheDir: tmp("lockstep-cache-"),
    http: { retryBaseDelayMs: 5 },
    ...extra,
  });
}

/** What must be the same whichever format the index served. */
function essentials(files: DistFile[]) {
  return files
    .map((f) => ({
      filename: f.filename,
      sha256: f.hashes.sha256,
      requiresPython: f.requiresPython,
      yanked: f.yanked,
    }))
    .sort((a, b) => a.filename.localeCompare(b.filename));
}

const modes: Array<[string, ServerOptions, "pep658" | "range" | "download"]> = [
  ["json + metadata + ranges", {}, "pep658"],
  ["html only", { json: false }, "pep658"],
  ["no metadata files", { metadata: false }, "range"],
  ["no metadata, no ranges", { metadata: false, ranges: false }, "download"],
  ["html only, no metadata, no ranges", { json: false, metadata: false, ranges: false }, "download"],
];

describe("the same answers in every mode", () => {
  let reference: { page: ReturnType<typeof essentials>; metadata: string; size: number };
  beforeAll(async () => {
    const s = await serve();
    const c = client(s);
    const page = await c.project("alpha");
    const wheel = page.files.find((f) => f.filename === "alpha-1.1-py3-none-any.whl") as DistFile;
    reference = {
      page: essentials(page.files),
      metadata: await c.metadata(wheel),
      size: wheel.size as number,
    };
    c.close();
  });

  test.each(modes)("%s", async (_label, opts, via) => {
    const s = await serve(opts);
    const c = client(s);
    const page = await c.project("ALPHA");
    expect(essentials(page.files)).toEqual(reference.page);
    const wheel = page.files.find((f) => f.filename === "alpha-1.1-py3-none-any.whl") as DistFile;
    s.resetStats();
    const text = await c.metadata(wheel);
    expect(text).toBe(reference.metadata);
    expect(text).toMatch(/^Requires-Dist: gamma; extra == ["']g["']$/m);
    expect(c.stats.metadata[via]).toBe(1);
    const bytes = s.requests.reduce((n, r) => n + r.bytes, 0);
    // Metadata files and range requests read a small fraction of the wheel; a download reads it all.
    expect(reference.size).toBeGreaterThan(500_000);
    if (via === "download") expect(bytes).toBeGreaterThanOrEqual(reference.size);
    else expect(bytes).toBeLessThan(70_000);
    c.close();
  });

  test("request counts per mode", async () => {
    const counts: Record<string, { requests: number; bytes: number }> = {};
    for (const [label, opts] of modes) {
      const s = await serve(opts);
      const c = client(s);
      for (const f of (await c.project("alpha")).files.filter((f) => f.filename.endsWith(".whl")))
        await c.metadata(f);
      counts[label] = { requests: s.requests.length, bytes: s.requests.reduce((n, r) => n + r.bytes, 0) };
      c.close();
    }
    const pep658 = counts["json + metadata + ranges"]!;
    const range = counts["no metadata files"]!;
    const download = counts["no metadata, no ranges"]!;
    expect(pep658.bytes * 10).toBeLessThan(download.bytes);
    expect(range.bytes * 5).toBeLessThan(download.bytes);
    expect(pep658.requests).toBe(1 + 3); // the page + one .metadata per wheel
  });
});

describe("cache", () => {
  test("a warm cache makes no request; --refresh revalidates with 304s; --offline answers from it", async () => {
    const s = await serve();
    const cacheDir = tmp("lockstep-cache-");
    const cold = client(s, { cacheDir });
    const files = (await cold.project("alpha")).files;
    for (const f of files.filter((f) => f.filename.endsWith(".whl"))) await cold.metadata(f);
    cold.close();

    s.resetStats();
    const warm = client(s, { cacheDir });
    for (const f of (await warm.project("alpha")).files.filter((f) => f.filename.endsWith(".whl")))
      await warm.metadata(f);
    expect(s.requests).toEqual([]);
    expect(warm.stats.metadata.cache).toBe(3);
    warm.close();

    const refresh = client(s, { cacheDir, refresh: true });
    await refresh.project("alpha");
    expect(s.requests.map((r) => r.status)).toEqual([304]);
    refresh.close();

    s.resetStats();
    const offline = client(s, { cacheDir, offline: true });
    expect((await offline.project("alpha")).files.length).toBe(files.length);
    await expect(offline.project("beta")).rejects.toThrow(
      "Network access is disabled (--offline), and the index page of `beta` (" +
        s.url +
        "/) is not in the cache",
    );
    expect(s.requests).toEqual([]);
  });

  test("a static mirror's pages (no Cache-Control): no request while heuristically fresh, then concurrent conditional requests", async () => {
    const s = await serve({ cacheControl: false });
    const names = ["alpha", "beta", "gamma"];
    const lastModified = Date.parse((await fetch(`${s.url}/alpha/`)).headers.get("last-modified") ?? "");
    expect(Number.isFinite(lastModified)).toBe(true);
    const cacheDir = tmp("lockstep-cache-");
    // Only Date is faked (the fixture server's Date header included): sockets and timers stay real.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      // A day after the pages changed: 10% of a day is over the cap, so fresh for 10 minutes.
      const t0 = lastModified + 24 * 3_600_000;
      vi.setSystemTime(t0);
      const cold = client(s, { cacheDir });
      await Promise.all(names.map((n) => cold.project(n)));
      cold.close();

      s.resetStats();
      vi.setSystemTime(t0 + 9 * 60_000);
      const fresh = client(s, { cacheDir });
      await Promise.all(names.map((n) => fresh.project(n)));
      expect(s.requests).toEqual([]);
      expect(fresh.stats.pagesFromCache).toBe(3);
      fresh.close();

      // Stale: all three revalidated at once, each answered 304 after 500 ms.
      vi.setSystemTime(t0 + 11 * 60_000);
      s.setOptions({ faults: [{ path: /^\/simple\//, kind: "slow", delayMs: 500 }] });
      const stale = client(s, { cacheDir });
      const started = performance.now();
      await Promise.all(names.map((n) => stale.project(n)));
      const elapsed = performance.now() - started;
      expect(s.requests.map((r) => [r.path, r.status, r.conditional])).toEqual(
        names.map((n) => [`/simple/${n}/`, 304, true]),
      );
      expect(elapsed).toBeLessThan(3 * 500);
      stale.close();

      // Revalidated just now, so fresh again for 10 minutes.
      s.resetStats();
      vi.setSystemTime(t0 + 20 * 60_000);
      const again = client(s, { cacheDir });
      await Promise.all(names.map((n) => again.project(n)));
      expect(s.requests).toEqual([]);
      again.close();
    } finally {
      vi.useRealTimers();
      s.setOptions({ faults: [] });
    }
  });

  test.each<[string, Partial<IndexClientOptions>, Record<string, string>, number]>([
    ["cacheTtlSeconds 0 revalidates a page that has max-age", { cacheTtlSeconds: 0 }, {}, 1],
    ["cacheTtlSeconds 3600 trusts a static mirror's page", { cacheTtlSeconds: 3600 }, {}, 0],
    ["LOCKSTEP_CACHE_TTL=0", {}, { LOCKSTEP_CACHE_TTL: "0" }, 1],
  ])("%s", async (_label, options, env, requests) => {
    const s = await serve(options.cacheTtlSeconds === 3600 ? { cacheControl: false } : {});
    const cacheDir = tmp("lockstep-cache-");
    const extra = { cacheDir, ...options, env: { ...process.env, ...env } };
    const cold = client(s, extra);
    await cold.project("beta");
    cold.close();
    s.resetStats();
    const warm = client(s, extra);
    await warm.project("beta");
    warm.close();
    expect(s.requests.map((r) => [r.status, r.conditional])).toEqual(Array(requests).fill([304, true]));
  });

  test("warmPages starts every page at once; the resolver's later asks make no new request; failures surface when asked", async () => {
    const s = await serve({ faults: [{ path: /^\/simple\//, kind: "slow", delayMs: 500 }] });
    const c = client(s);
    const started = performance.now();
    c.warmPages(["alpha", "beta", "gamma", "no-such-project"]);
    await expect(c.project("no-such-project")).rejects.toThrow("Package `no-such-project` was not found");
    await Promise.all(["alpha", "beta", "gamma"].map((n) => c.project(n)));
    expect(performance.now() - started).toBeLessThan(4 * 500);
    expect(s.requests.map((r) => r.path).sort()).toEqual([
      "/simple/alpha/",
      "/simple/beta/",
      "/simple/gamma/",
      "/simple/no-such-project/",
    ]);
    c.close();
  });

  test("downloads are verified and kept by hash", async () => {
    const s = await serve();
    const c = client(s);
    const f = (await c.project("beta")).files.find((f) => f.filename.endsWith(".whl")) as DistFile;
    const path = await c.download(f);
    expect(path).toContain(join("archives-v1", f.hashes.sha256 as string));
    s.resetStats();
    expect(await c.download(f)).toBe(path);
    expect(s.requests).toEqual([]);
  });
});

describe("faults", () => {
  test("5xx and resets are retried", async () => {
    const s = await serve({
      faults: [
        { path: "/simple/alpha/", kind: "status", status: 503, times: 2 },
        { path: "/simple/beta/", kind: "reset", times: 1 },
      ],
    });
    const c = client(s);
    expect((await c.project("alpha")).files.length).toBeGreaterThan(0);
    expect((await c.project("beta")).files.length).toBeGreaterThan(0);
    expect(s.count("/simple/alpha/")).toBe(3);
  });

  test("a persistent 500 is a clear error", async () => {
    const s = await serve({ faults: [{ path: "/simple/alpha/", kind: "status", status: 500 }] });
    await expect(client(s).project("alpha")).rejects.toThrow(
      `The index answered HTTP 500 for ${s.url}/alpha/`,
    );
  });

  test("a wrong hash names the URL and both digests, and nothing is cached", async () => {
    const s = await serve({
      metadata: false,
      ranges: false,
      faults: [{ path: "/files/", kind: "wrong-hash" }],
    });
    const c = client(s);
    const f = (await c.project("beta")).files.find(
      (f) => f.filename === "beta-2.0-py3-none-any.whl",
    ) as DistFile;
    const err = await c.download(f).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^Hash mismatch for ${s.origin}/files/beta-2.0-py3-none-any.whl:\\n  expected sha256:${f.hashes.sha256}\\n  computed sha256:[0-9a-f]{64}$`,
      ),
    );
    s.setOptions({ faults: [] });
    expect(await c.download(f)).toContain(f.hashes.sha256 as string);
  });

  test("a truncated body is retried", async () => {
    const s = await serve({
      metadata: false,
      ranges: false,
      faults: [{ path: "/files/", kind: "truncate", bytes: 10, times: 1 }],
    });
    const c = client(s);
    const f = (await c.project("beta")).files.find(
      (f) => f.filename === "beta-2.0-py3-none-any.whl",
    ) as DistFile;
    expect(await c.download(f)).toContain(f.hashes.sha256 as string);
  });
});

describe("several indexes", () => {
  const other: Universe = {
    name: "other",
    packages: { beta: { versions: { "99.0": {} } }, delta: { versions: { "1.0": {} } } },
  };

  test("first-index: a name on an earlier index is never looked up later; pins and explicit indexes", async () => {
    const first = await serve();
    const second = await serveUniverse(other);
    servers.push(second);
    const c = new IndexClient({
      indexes: [
        { name: "first", url: first.url },
        { name: "second", url: second.url, default: true },
        { name: "private", url: second.url + "/", explicit: true },
      ],
      cacheDir: tmp("lockstep-cache-"),
      pins: { gamma: "private" },
    });
    expect((await c.project("beta")).files.every((f) => f.url.startsWith(first.origin))).toBe(true);
    expect(second.count("/simple/beta/")).toBe(0);
    expect((await c.project("delta")).files.every((f) => f.url.startsWith(second.origin))).toBe(true);
    // gamma is pinned to an explicit index that does not have it: the first index is never asked.
    first.resetStats();
    await expect(c.project("gamma")).rejects.toThrow(
      `Package \`gamma\` was not found in the index (${second.url}/)`,
    );
    expect(first.count("/simple/gamma/")).toBe(0);
    await expect(c.project("nope")).rejects.toThrow("Package `nope` was not found in any of the indexes");
  });

  test("find-links directories add files", async () => {
    const s = await serve();
    const c = new IndexClient({
      indexes: [{ url: s.url, default: true }],
      findLinks: [join(s.root, "files")],
      cacheDir: tmp("c-"),
    });
    const page = await c.project("beta");
    expect(page.files.filter((f) => f.url.startsWith("file:")).length).toBeGreaterThan(0);
    const local = page.files.find(
      (f) => f.url.startsWith("file:") && f.filename.endsWith("any.whl"),
    ) as DistFile;
    expect(await c.metadata(local)).toContain("Name: beta");
  });
});

describe("authentication", () => {
  test("credentials go to their host only, never into cached URLs", async () => {
    const s = await serve();
    const seen: Array<{ path: string; auth: string | undefined }> = [];
    // A private index on another port that requires credentials and links to files on the fixture server.
    const priv = createServer((req, res) => {
      seen.push({ path: req.url ?? "", auth: req.headers.authorization });
      if (req.headers.authorization !== `Basic ${Buffer.from("user:pa ss").toString("base64")}`) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<a href="${s.origin}/files/beta-2.0-py3-none-any.whl">beta-2.0-py3-none-any.whl</a>`);
    });
    await new Promise<void>((r) => priv.listen(0, "127.0.0.1", r));
    const port = (priv.address() as AddressInfo).port;
    try {
      const c = new IndexClient({
        indexes: [{ name: "corp", url: `http://127.0.0.1:${port}/simple`, default: true }],
        cacheDir: tmp("c-"),
        env: { LOCKSTEP_INDEX_CORP_USERNAME: "user", LOCKSTEP_INDEX_CORP_PASSWORD: "pa ss" },
        netrcPath: "/nonexistent",
      });
      const page = await c.project("beta");
      expect(page.files[0]?.url).toBe(`${s.origin}/files/beta-2.0-py3-none-any.whl`);
      expect(seen).toEqual([
        { path: "/simple/beta/", auth: `Basic ${Buffer.from("user:pa ss").toString("base64")}` },
      ]);
      expect(JSON.stringify(c.indexes)).not.toContain("pa ss");
    } finally {
      priv.close();
    }
  });
});

describe("source distributions", () => {
  const dynamic: Universe = {
    name: "sdist-metadata",
    packages: {
      fresh: { versions: { "1.0": { wheels: false, requiresDist: ["beta"] } } },
      dyn: { versions: { "1.0": { wheels: false, dynamic: ["Requires-Dist"], requiresDist: ["beta"] } } },
    },
  };

  test("static PKG-INFO is used; dynamic metadata goes to the build hook, or fails clearly", async () => {
    const s = await serveUniverse(dynamic);
    servers.push(s);
    const built: string[] = [];
    const withHook = client(s, {
      buildMetadata: async (file, archive) => {
        built.push(`${file.filename} ${archive.includes("archives-v1") ? "cached" : archive}`);
        return "Metadata-Version: 2.1\nName: dyn\nVersion: 1.0\nRequires-Dist: built-by-hook\n";
      },
    });
    const sdist = async (c: IndexClient, name: string) => (await c.project(name)).files[0] as DistFile;
    expect(await withHook.metadata(await sdist(withHook, "fresh"))).toMatch(/^Requires-Dist: beta$/m);
    expect(await withHook.metadata(await sdist(withHook, "dyn"))).toContain("built-by-hook");
    expect(built).toEqual(["dyn-1.0.tar.gz cached"]);

    const without = client(s);
    await expect(without.metadata(await sdist(without, "dyn"))).rejects.toThrow(
      "The metadata of dyn-1.0.tar.gz is not static (requires-dist marked dynamic); it must be built",
    );
  });
});
