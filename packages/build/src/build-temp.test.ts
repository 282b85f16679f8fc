/**
 * Build temporary directories left by killed builds are removed by the next build (or `cache
 * prune`): pid-stamped work and environment directories whose owner is gone or that are older than a
 * day, mkdtemp-named ones from before pid stamps by age, and staging directories in the build cache;
 * live builds' directories and unrelated names are kept.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { CACHE_BUCKET, stagingDir } from "./build-cache";
import { BUILD_ENV_TEMP_PREFIX, BUILD_TEMP_PREFIX, makeBuildTemp, pruneStaleBuildTemp } from "./build-temp";

const HOUR = 60 * 60 * 1000;
const deadPid = spawnSync("true").pid!;
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

function make(dir: string, name: string, mtimeMs?: number): string {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, "half-built.o"), "x");
  if (mtimeMs !== undefined) utimesSync(join(dir, name), mtimeMs / 1000, mtimeMs / 1000);
  return name;
}

test("pruneStaleBuildTemp removes exactly the stale build directories", () => {
  const temp = tmp("ls-build-temp-");
  const cache = tmp("ls-build-cache-");
  const bucket = join(cache, CACHE_BUCKET);
  const now = Date.now();
  const t = (ms: number) => ms.toString(36);
  const stale = [
    make(temp, `${BUILD_TEMP_PREFIX}${deadPid}-${t(now)}-00000000`),
    make(temp, `${BUILD_ENV_TEMP_PREFIX}${deadPid}-${t(now)}-00000001`),
    make(temp, `${BUILD_TEMP_PREFIX}${process.pid}-${t(now - 25 * HOUR)}-00000002`),
    make(temp, `${BUILD_TEMP_PREFIX}aB3dE9`, now - 25 * HOUR),
  ];
  const kept = [
    make(temp, `${BUILD_TEMP_PREFIX}${process.pid}-${t(now - 2 * HOUR)}-00000003`), // a long build, still running
    make(temp, `${BUILD_ENV_TEMP_PREFIX}${process.pid}-${t(now)}-00000004`),
    make(temp, `${BUILD_TEMP_PREFIX}Zx81Qa`), // pre-stamp name, recent: may belong to a running build
    make(temp, "lockstep-buildXYZ"),
    make(temp, "someone-elses-dir"),
  ];
  const staleStaging = make(bucket, `.tmp-key1-${deadPid}-${t(now)}-00000005`);
  const liveStaging = make(bucket, `.tmp-key2-${process.pid}-${t(now)}-00000006`);
  const entry = make(bucket, "0123456789abcdef0123456789abcdef");

  const removed = pruneStaleBuildTemp(temp, cache, { now });
  expect(removed.sort()).toEqual([...stale.map((n) => join(temp, n)), join(bucket, staleStaging)].sort());
  expect(readdirSync(temp).sort()).toEqual([...kept].sort());
  expect(readdirSync(bucket).sort()).toEqual([entry, liveStaging].sort());
});

test("a new build directory sweeps what a killed build left", () => {
  const temp = tmp("ls-build-temp2-");
  const leftover = make(temp, `${BUILD_TEMP_PREFIX}${deadPid}-${Date.now().toString(36)}-0000000a`);
  const dir = makeBuildTemp(temp, BUILD_TEMP_PREFIX);
  expect(readdirSync(temp)).not.toContain(leftover);
  expect(dir).toMatch(new RegExp(`/${BUILD_TEMP_PREFIX}${process.pid}-[0-9a-z]+-[0-9a-f]{8}$`));
});

test("a new staging directory sweeps stale staging directories of the build cache", () => {
  const cache = tmp("ls-build-cache2-");
  const bucket = join(cache, CACHE_BUCKET);
  const leftover = make(bucket, `.tmp-k-${deadPid}-${Date.now().toString(36)}-0000000b`);
  const dir = stagingDir(cache, "k2");
  expect(readdirSync(bucket)).not.toContain(leftover);
  expect(dir).toMatch(new RegExp(`/\\.tmp-k2-${process.pid}-[0-9a-z]+-[0-9a-f]{8}$`));
});
