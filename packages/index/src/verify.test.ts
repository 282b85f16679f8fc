/** Hashes of files on disk, read in 1 MiB pieces: the same digests as of the bytes in memory. */
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { checkFileHash, hashFile } from "./verify";

const dir = mkdtempSync(join(tmpdir(), "lockstep-verify-"));

test.each([
  ["empty", 0],
  ["one byte", 1],
  ["exactly 1 MiB", 1024 * 1024],
  ["3 MiB and a bit", 3 * 1024 * 1024 + 7],
])("hashFile (%s) matches hashing the bytes at once", (label, size) => {
  const bytes = Buffer.alloc(size, 0);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  const path = join(dir, label);
  writeFileSync(path, bytes);
  expect(hashFile(path, ["sha256", "md5"])).toEqual({
    sha256: createHash("sha256").update(bytes).digest("hex"),
    md5: createHash("md5").update(bytes).digest("hex"),
  });
});

test("checkFileHash returns the sha256, checks the strongest listed hash, and names both on a mismatch", () => {
  const path = join(dir, "f");
  writeFileSync(path, "hello");
  const sha256 = createHash("sha256").update("hello").digest("hex");
  const md5 = createHash("md5").update("hello").digest("hex");
  expect(checkFileHash("http://x/f", path, {})).toBe(sha256);
  expect(checkFileHash("http://x/f", path, { md5 })).toBe(sha256);
  expect(() => checkFileHash("http://x/f", path, { sha256: "0".repeat(64) })).toThrow(
    `Hash mismatch for http://x/f:\n  expected sha256:${"0".repeat(64)}\n  computed sha256:${sha256}`,
  );
});
