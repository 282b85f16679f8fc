import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serveGitDaemon, serveGitHttp, TestRepo } from "../../testing";
import type { GitDaemon, GitHttpServer } from "../../testing";
import { GitCache } from "./git-cache";
import { GitError } from "./git-error";
import type { GitRevision } from "./git-url";

let base: string;
let repo: TestRepo;
let daemon: GitDaemon;
let http: GitHttpServer;
const ids: Record<string, string> = {};

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), "lockstep-git-"));
  repo = new TestRepo(join(base, "served", "demo"));
  ids.first = repo.commit("first", { VERSION: "1\n" });
  repo.tag("v1");
  ids.second = repo.commit("second", { VERSION: "2\n" });
  repo.tag("v2", false);
  repo.branch("feature", true);
  ids.feature = repo.commit("feature", { VERSION: "3\n", "sub/pkg/VERSION": "sub\n" });
  repo.checkout("main");
  daemon = await serveGitDaemon(join(base, "served"));
  http = await serveGitHttp(join(base, "served"), "alice", "s3cret");
});

afterAll(async () => {
  await daemon.close();
  await http.close();
  rmSync(base, { recursive: true, force: true });
});

function cache(name: string, extra: Partial<ConstructorParameters<typeof GitCache>[0]> = {}): GitCache {
  return new GitCache({ cacheDir: join(base, name), ...extra });
}

const transports: [string, () => string][] = [
  ["file://", () => repo.fileUrl],
  ["git daemon", () => daemon.url("demo")],
  ["http-backend with credentials", () => http.url("demo")],
];

describe.each(transports)("over %s", (_name, url) => {
  test.each<[string, GitRevision, string]>([
    ["default branch", { kind: "default" }, "second"],
    ["annotated tag", { kind: "tag", value: "v1" }, "first"],
    ["lightweight tag as rev", { kind: "rev", value: "v2" }, "second"],
    ["branch", { kind: "branch", value: "feature" }, "feature"],
    ["branch as rev", { kind: "rev", value: "feature" }, "feature"],
  ])("%s", async (_label, revision, expected) => {
    const c = cache(`c-${_name}-${_label}`.replace(/\W+/g, "-"));
    expect(await c.resolve({ repository: url(), revision })).toBe(ids[expected]);
  });
});

test("a full or short commit id resolves; a cached one needs no fetch", async () => {
  const c = cache("commit");
  expect(
    await c.resolve({ repository: repo.fileUrl, revision: { kind: "rev", value: ids.first!.slice(0, 10) } }),
  ).toBe(ids.first);
  expect(c.fetches).toBe(1);
  expect(await c.resolve({ repository: repo.fileUrl, revision: { kind: "rev", value: ids.feature! } })).toBe(
    ids.feature,
  );
  expect(c.fetches).toBe(1);
});

test("a locked commit is kept when the branch moved; without it the new head is taken", async () => {
  const moving = new TestRepo(join(base, "served", "moving"));
  const old = moving.commit("one", { a: "1" });
  const c = cache("moving");
  const input = { repository: daemon.url("moving"), revision: { kind: "branch", value: "main" } } as const;
  expect(await c.resolve(input)).toBe(old);
  const head = moving.commit("two", { a: "2" });
  expect(await c.resolve({ ...input, locked: old })).toBe(old);
  expect(c.fetches).toBe(1);
  // A later command (a new cache instance on the same directory) without the locked commit moves.
  const later = cache("moving");
  expect(await later.resolve(input)).toBe(head);
  expect(later.fetches).toBe(1);
});

test("a cached commit resolves and checks out with the server gone", async () => {
  const dir = join(base, "gone");
  const other = new TestRepo(join(dir, "repo"));
  const commit = other.commit("x", { "f.txt": "hello\n" });
  const server = await serveGitDaemon(dir);
  const input = { repository: server.url("repo"), revision: { kind: "tag", value: "nope" } } as const;
  const c = cache("gone");
  expect(await c.resolve({ ...input, revision: { kind: "default" } })).toBe(commit);
  await server.close();
  const again = cache("gone", { offline: true });
  expect(await again.resolve({ ...input, locked: commit })).toBe(commit);
  const checkout = await again.checkout(input.repository, commit);
  expect(readFileSync(join(checkout, "f.txt"), "utf8")).toBe("hello\n");
  expect(again.fetches).toBe(0);
});

test("checkout: a worktree per commit, reused", async () => {
  const c = cache("checkout");
  const dir1 = await c.checkout(repo.fileUrl, ids.first!);
  const dir3 = await c.checkout(repo.fileUrl, ids.feature!);
  expect(readFileSync(join(dir1, "VERSION"), "utf8")).toBe("1\n");
  expect(readFileSync(join(dir3, "sub/pkg/VERSION"), "utf8")).toBe("sub\n");
  expect(await c.checkout(repo.fileUrl, ids.first!)).toBe(dir1);
  expect(c.fetches).toBe(1);
});

test("credentials never appear in the cache path or in errors", async () => {
  const c = cache("creds");
  await c.resolve({ repository: http.url("demo"), revision: { kind: "default" } });
  expect(c.dbDir(http.url("demo"))).not.toContain("s3cret");
  const error = await c
    .resolve({ repository: http.url("demo"), revision: { kind: "tag", value: "v9" } })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GitError);
  expect((error as GitError).message).toBe(
    `tag "v9" was not found in ${http.url("demo").replace("alice:s3cret@", "")}`,
  );
  const wrong = http.url("demo").replace("s3cret", "wrong");
  const fetchError = await cache("creds-wrong")
    .resolve({ repository: wrong, revision: { kind: "default" } })
    .catch((e: unknown) => e);
  expect((fetchError as GitError).code).toBe("git-fetch-failed");
  expect((fetchError as GitError).message).not.toContain("wrong");
  expect((fetchError as GitError).message).toContain(`Could not fetch ${wrong.replace("alice:wrong@", "")}`);
});

test.each<[string, GitRevision, string]>([
  ["a missing tag", { kind: "tag", value: "v3" }, 'tag "v3" was not found in '],
  ["a missing branch", { kind: "branch", value: "nope" }, 'branch "nope" was not found in '],
  ["a missing rev", { kind: "rev", value: "deadbeef" }, 'revision "deadbeef" was not found in '],
])("%s is refused naming the URL and the ref", async (_label, revision, prefix) => {
  const error = await cache("missing")
    .resolve({ repository: repo.fileUrl, revision })
    .catch((e: unknown) => e);
  expect((error as GitError).code).toBe("git-ref-not-found");
  expect((error as GitError).message).toBe(`${prefix}${repo.fileUrl}`);
});

test("a missing git binary is named", async () => {
  const error = await cache("nogit", { binary: "git-not-installed-here" })
    .resolve({ repository: "https://u:p@host/r.git", revision: { kind: "default" } })
    .catch((e: unknown) => e);
  expect((error as GitError).code).toBe("git-not-found");
  expect((error as GitError).message).toBe("git is needed for https://host/r.git but was not found on PATH");
});

test("offline with nothing cached says so", async () => {
  const error = await cache("offline", { offline: true })
    .resolve({ repository: repo.fileUrl, revision: { kind: "default" } })
    .catch((e: unknown) => e);
  expect((error as GitError).message).toBe(
    `${repo.fileUrl} would have to be fetched, but the network is off (--offline)`,
  );
});

test("concurrent resolves and checkouts of one repository share one fetch and one worktree", async () => {
  const c = cache("concurrent");
  const revisions: GitRevision[] = [
    { kind: "tag", value: "v1" },
    { kind: "tag", value: "v2" },
    { kind: "branch", value: "feature" },
    { kind: "tag", value: "v1" },
  ];
  const commits = await Promise.all(
    revisions.map((revision) => c.resolve({ repository: daemon.url("demo"), revision })),
  );
  expect(commits).toEqual([ids.first, ids.second, ids.feature, ids.first]);
  expect(c.fetches).toBe(1);
  const dirs = await Promise.all([0, 1, 2].map(() => c.checkout(daemon.url("demo"), ids.second!)));
  expect(new Set(dirs).size).toBe(1);
  expect(readFileSync(join(dirs[0]!, "VERSION"), "utf8")).toBe("2\n");
});

describe("submodules", () => {
  // file:// submodules need this since git 2.38.1 (CVE-2022-39253); only the test repos add them.
  const allowFile = ["-c", "protocol.file.allow=always"];
  let top: TestRepo;
  const subIds: Record<string, string> = {};

  beforeAll(() => {
    const deep = new TestRepo(join(base, "served", "deep"));
    subIds.deep = deep.commit("deep", { "deep.txt": "deep 1\n" });
    const lib = new TestRepo(join(base, "served", "lib"));
    lib.commit("lib", { "lib.txt": "lib 1\n" });
    // A relative URL (resolved against lib's own URL) for the nested one.
    lib.git(...allowFile, "submodule", "add", "--quiet", "../deep", "third_party/deep");
    subIds.lib1 = lib.commit("lib with deep", {});
    subIds.lib2 = lib.commit("lib 2", { "lib.txt": "lib 2\n" });
    top = new TestRepo(join(base, "served", "top"));
    top.commit("top", { "top.txt": "top\n" });
    top.git(...allowFile, "submodule", "add", "--quiet", "../lib", "vendor/lib");
    top.git("-C", "vendor/lib", "checkout", "--quiet", subIds.lib1 as string);
    top.git("add", "vendor/lib");
    subIds.top1 = top.commit("top with lib 1", {});
    top.git("-C", "vendor/lib", "checkout", "--quiet", subIds.lib2 as string);
    top.git("add", "vendor/lib");
    subIds.top2 = top.commit("top with lib 2", {});
  });

  const read = (dir: string, path: string) => readFileSync(join(dir, path), "utf8");

  test("a checkout holds its submodules, recursively, at the recorded commits", async () => {
    const c = cache("submodules");
    const commit = await c.resolve({
      repository: top.fileUrl,
      revision: { kind: "rev", value: subIds.top1 as string },
    });
    const dir = await c.checkout(top.fileUrl, commit);
    expect([
      read(dir, "top.txt"),
      read(dir, "vendor/lib/lib.txt"),
      read(dir, "vendor/lib/third_party/deep/deep.txt"),
    ]).toEqual(["top\n", "lib 1\n", "deep 1\n"]);
    const other = await c.checkout(top.fileUrl, subIds.top2 as string);
    expect(read(other, "vendor/lib/lib.txt")).toBe("lib 2\n");
    // Each submodule has its own bare repository in the cache, keyed by its URL.
    expect(existsSync(join(c.dbDir(`file://${join(base, "served", "lib")}`), "HEAD"))).toBe(true);
  });

  test("cached submodule commits check out offline; an interrupted checkout is redone", async () => {
    const warm = cache("submodules-offline");
    await warm.checkout(
      top.fileUrl,
      await warm.resolve({ repository: top.fileUrl, revision: { kind: "default" } }),
    );
    const dir = await warm.checkout(top.fileUrl, subIds.top1 as string);
    rmSync(`${dir}.ok`);
    rmSync(join(dir, "vendor"), { recursive: true, force: true });
    const offline = cache("submodules-offline", { offline: true });
    const again = await offline.checkout(top.fileUrl, subIds.top1 as string);
    expect(read(again, "vendor/lib/third_party/deep/deep.txt")).toBe("deep 1\n");
    expect(offline.fetches).toBe(0);
  });

  test("a checkout cached before submodules were checked out is redone with them", async () => {
    const c = cache("submodules-old-marker");
    const dir = await c.checkout(
      top.fileUrl,
      await c.resolve({ repository: top.fileUrl, revision: { kind: "default" } }),
    );
    rmSync(join(dir, "vendor", "lib"), { recursive: true, force: true });
    writeFileSync(`${dir}.ok`, `${subIds.top2 as string}\n`);
    const again = await cache("submodules-old-marker").checkout(top.fileUrl, subIds.top2 as string);
    expect(read(again, "vendor/lib/lib.txt")).toBe("lib 2\n");
  });

  test("a submodule commit that is not cached, offline, is an error naming its repository", async () => {
    const warm = cache("submodules-cold");
    await warm.resolve({ repository: top.fileUrl, revision: { kind: "default" } });
    const offline = cache("submodules-cold", { offline: true });
    await expect(offline.checkout(top.fileUrl, subIds.top1 as string)).rejects.toThrow(
      `file://${join(base, "served", "lib")} would have to be fetched, but the network is off (--offline)`,
    );
  });
});
