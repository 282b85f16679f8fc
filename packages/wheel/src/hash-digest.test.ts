import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { HASH_HEX_LENGTHS, hashDigestProblem, isHashDigest } from "./hash-digest";

describe("hash digests", () => {
  test.each([
    ["sha256", "a".repeat(64), undefined],
    ["SHA256", "ABCDEF0123456789".repeat(4), undefined],
    ["sha384", "0".repeat(96), undefined],
    ["sha512", "f".repeat(128), undefined],
    ["md5", "0".repeat(32), undefined],
    ["sha256", "../../../tmp/x", 'the sha256 digest "../../../tmp/x" is not hexadecimal'],
    ["sha256", "", 'the sha256 digest "" is not hexadecimal'],
    ["sha256", "a".repeat(63), `the sha256 digest "${"a".repeat(63)}" has 63 hex digits, not 64`],
    ["sha512", "a".repeat(64), `the sha512 digest "${"a".repeat(64)}" has 64 hex digits, not 128`],
    ["sha256", null, "the sha256 digest is not a string"],
    ["crc32", "00000000", 'unknown hash algorithm "crc32"'],
  ])("%s %j", (algo, value, problem) => {
    expect(hashDigestProblem(algo, value)).toBe(problem);
    expect(isHashDigest(algo, value)).toBe(problem === undefined);
  });

  test("an accepted digest is plain hex: never a path separator, dot or NUL", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(HASH_HEX_LENGTHS)),
        fc.string({ maxLength: 140 }),
        (a, v) => {
          if (isHashDigest(a, v)) expect(v).toMatch(/^[0-9a-fA-F]+$/);
        },
      ),
    );
  });
});
