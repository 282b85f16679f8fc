/**
 * Stale temporary directories: names carry the owner pid and time; a sweep removes those whose
 * owner is gone or that are too old, keeps live ones and never touches other names. End to end: an
 * unpack SIGKILLed mid-way leaves its `.tmp-*` directory, and the next unpack removes it.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { variedBytes, writeWheelFile } from "../testing";
import { unpackWheel } from "./install-unpack";
import { parseTempName, processAlive, pruneStaleTemp, sweepStaleTemp, tempName } from "./temp-dirs";

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const HOUR = 60 * 60 * 1000;
/** A pid that surely exited. */
const deadPid = spawnSync("true").pid!;

describe("temporary names", () => {
  test("carry the pid and creation time", () => {
    const name = tempName(".tmp-abc-", 1_700_000_000_000);
    expect(name).toMatch(new RegExp(`^\\.tmp-abc-${process.pid}-[0-9a-z]+-[0-9a-f]{8}$`));
    expect(parseTempName(name, ".tmp-")).toEqual({ pid: process.pid, createdMs: 1_700_000_000_000 });
  });

  test.each([
    [".tmp-0123456789abcdef-4242-lz1x2c3d-deadbeef", { pid: 4242, createdMs: parseInt("lz1x2c3d", 36) }],
    [".tmp-0123456789abcdef-4242-1a2b3c4d", { pid: 4242, createdMs: undefined }],
    [".tmp-", undefined],
    ["other-4242-lz1x2c3d-deadbeef", undefined],
  ])("%s", (name, parsed) => {
    expect(parseTempName(name, ".tmp-")).toEqual(parsed);
  });

  test("processAlive", () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(1)).toBe(true); // init: another user's process answers EPERM or exists
    expect(processAlive(deadPid)).toBe(false);
    expect(processAlive(0)).toBe(false);
  });
});

describe("sweeping", () => {
  test("removes dead owners' and old directories, keeps live ones and other names", () => {
    const dir = tmp("ls-sweep-");
    const now = Date.now();
    const make = (name: string) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, "partial.py"), "x");
      return name;
    };
    const dead = make(`.tmp-aaaa-${deadPid}-${now.toString(36)}-00000000`);
    const old = make(`.tmp-bbbb-${process.pid}-${(now - 2 * HOUR).toString(36)}-00000001`);
    const live = make(`.tmp-cccc-${process.pid}-${now.toString(36)}-00000002`);
    const liveOther = make(`.tmp-dddd-1-${now.toString(36)}-00000003`);
    const unrelated = make("0123abcd");
    const removed = sweepStaleTemp(dir, ".tmp-", { now }).map((p) => p.slice(dir.length + 1));
    expect(removed.sort()).toEqual([dead, old].sort());
    expect(readdirSync(dir).sort()).toEqual([live, liveOther, unrelated].sort());
  });

  test("a missing directory sweeps nothing", () => {
    expect(pruneStaleTemp(join(tmp("ls-sweep-none-"), "nope"))).toEqual([]);
  });
});

test("an unpack killed mid-way leaves a .tmp directory that the next unpack removes", async () => {
  const base = tmp("ls-killed-unpack-");
  const wheel = await writeWheelFile(base, {
    name: "big",
    version: "1.0",
    files: Array.from({ length: 40 }, (_, i) => ({
      name: `big/part${i}.bin`,
      chunks: () => variedBytes(i + 1, 1024 * 1024),
    })),
  });
  const cache = join(base, "cache");
  const bucket = join(cache, "wheels-v1");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      fileURLToPath(new URL("../testing/unpack-child.ts", import.meta.url)),
      wheel,
      cache,
      "{}",
    ],
    { cwd: fileURLToPath(new URL("../../..", import.meta.url)), stdio: "ignore" },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("exit", (_code, signal) => resolve(signal)),
  );
  // Kill as soon as the unpack directory holds a file.
  for (let i = 0; i < 1000; i++) {
    const tmpDir = existsSync(bucket) ? readdirSync(bucket).find((n) => n.startsWith(".tmp-")) : undefined;
    if (tmpDir && existsSync(join(bucket, tmpDir, "big"))) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
  const left = readdirSync(bucket);
  expect(left).toHaveLength(1);
  expect(left[0]).toMatch(new RegExp(`^\\.tmp-[0-9a-f]{16}-${child.pid}-`));
  const dir = await unpackWheel(wheel, cache);
  expect(readdirSync(bucket)).toEqual([dir.slice(bucket.length + 1)]);
}, 60_000);
