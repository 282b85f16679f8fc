/**
 * The cache-admin pieces that decide what an entry is: whose package, whose temporary name, and
 * whether an interpreter query is still current (the CLI tests cover clean/prune end to end).
 */
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { tempName } from "@lockstep/wheel";
import { distributionOf, humanBytes, pruneCache, tempOwner } from "./cache-admin";

describe("distributionOf", () => {
  test.each([
    ["Foo_Bar-1.0-py3-none-any.whl", "foo-bar"],
    ["fastjson_native-1.3.0-cp312-cp312-manylinux_2_17_x86_64.whl", "fastjson-native"],
    ["foo_bar-1.0.tar.gz", "foo-bar"],
    ["foo-bar-1.0.zip", "foo-bar"],
    ["README.txt", undefined],
  ])("%s → %s", (file, name) => {
    expect(distributionOf(file)).toBe(name);
  });
});

describe("tempOwner", () => {
  test.each([
    [tempName(".tmp-").replace(String(process.pid), "4242"), 4242],
    [`.tmp-${"a".repeat(32)}-77-lq2x3a-0123abcd`, 77],
    [".tmp-0123abcd-99-x1y2", 99],
    ["timely.json.tmp-1234-89abcdef", 1234],
    ["0123.json.555.tmp", 555],
    ["timely.json", undefined],
    ["0123456789abcdef", undefined],
  ])("%s → %s", (name, pid) => {
    expect(tempOwner(name)).toBe(pid);
  });
});

test.each([
  [0, "0 B"],
  [1023, "1023 B"],
  [1024, "1.0 KiB"],
  [108226, "105.7 KiB"],
  [5 * 1024 ** 3, "5.0 GiB"],
])("humanBytes(%d) = %s", (n, text) => {
  expect(humanBytes(n)).toBe(text);
});

test("prune drops interpreter queries whose binary is gone or changed, keeps current ones", () => {
  const cache = mkdtempSync(join(tmpdir(), "lockstep-prune-interp-"));
  const bin = join(cache, "..", `fake-python-${process.pid}`);
  writeFileSync(bin, "#!/bin/sh\n");
  const real = realpathSync(bin);
  const st = statSync(real);
  mkdirSync(join(cache, "interpreter-v1"));
  const entry = (stamp: string) => JSON.stringify({ stamp, info: {} });
  writeFileSync(join(cache, "interpreter-v1", "current.json"), entry(`1:${real}:${st.size}:${st.mtimeMs}`));
  writeFileSync(
    join(cache, "interpreter-v1", "changed.json"),
    entry(`1:${real}:${st.size + 1}:${st.mtimeMs}`),
  );
  writeFileSync(join(cache, "interpreter-v1", "gone.json"), entry(`1:${real}-gone:1:1`));
  const removed = pruneCache(cache, { tempDir: cache })
    .removed.map((p) => p.slice(cache.length + 1))
    .sort();
  expect(removed).toEqual(["interpreter-v1/changed.json", "interpreter-v1/gone.json"]);
});

test("prune drops other versions of known buckets only: simple-v1 goes, environments-v1 and unknown-v3 stay", () => {
  const cache = mkdtempSync(join(tmpdir(), "lockstep-prune-buckets-"));
  for (const b of ["simple-v1", "environments-v1", "unknown-v3", "simple-v2"]) mkdirSync(join(cache, b));
  const removed = pruneCache(cache, { tempDir: cache }).removed.map((p) => p.slice(cache.length + 1));
  expect(removed).toEqual(["simple-v1"]);
});

test("prune removes a generated-file copy a killed sync left half-written, keeps a live one and the copies", () => {
  const cache = mkdtempSync(join(tmpdir(), "lockstep-prune-generated-"));
  const sub = join(cache, "generated-v1", "ab");
  mkdirSync(sub, { recursive: true });
  const digest = `ab${"0".repeat(62)}`;
  writeFileSync(join(sub, digest), "RECORD bytes\n");
  // A pid no process has (above Linux's pid_max), and this process's own.
  writeFileSync(join(sub, `${digest}.4194305.tmp`), "half");
  writeFileSync(join(sub, `${digest}-x.${process.pid}.tmp`), "being written");
  const removed = pruneCache(cache, { tempDir: cache }).removed.map((p) => p.slice(cache.length + 1));
  expect(removed).toContain(`generated-v1/ab/${digest}.4194305.tmp`);
  expect(readdirSync(sub).sort()).toEqual([digest, `${digest}-x.${process.pid}.tmp`]);
});
