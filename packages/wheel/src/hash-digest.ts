/**
 * Hash digests as indexes, RECORD files and lockfiles spell them: a lower-case algorithm name and a
 * hex digest of exactly that algorithm's length (sha256 = 64 hex digits, sha384 = 96, sha512 = 128;
 * md5 = 32 and sha1 = 40 are accepted as old indexes serve them, though never preferred; the rest of
 * Python's `hashlib.algorithms_guaranteed` with a fixed length, as PEP 751 allows any of them).
 *
 * Pitfalls: a digest is used as a cache directory and key, so anything that is not plain hex of the
 * right length (`../../tmp/x`, an empty string, a base64 digest) must be refused where it enters,
 * never "cleaned up"; case is normalised to lower so the same digest always names the same path.
 */

/** Hex digits per accepted algorithm. */
export const HASH_HEX_LENGTHS: Readonly<Record<string, number>> = {
  md5: 32,
  sha1: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
  sha3_224: 56,
  sha3_256: 64,
  sha3_384: 96,
  sha3_512: 128,
  blake2b: 128,
  blake2s: 64,
};

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Why `value` is not an acceptable `algorithm` digest, or undefined when it is. Unknown algorithms
 * are refused too: a digest nobody can check protects nothing.
 */
export function hashDigestProblem(algorithm: string, value: unknown): string | undefined {
  const want = HASH_HEX_LENGTHS[algorithm.toLowerCase()];
  if (want === undefined) return `unknown hash algorithm ${JSON.stringify(algorithm)}`;
  if (typeof value !== "string") return `the ${algorithm} digest is not a string`;
  if (!HEX.test(value)) return `the ${algorithm} digest ${JSON.stringify(value)} is not hexadecimal`;
  if (value.length !== want)
    return `the ${algorithm} digest ${JSON.stringify(value)} has ${value.length} hex digits, not ${want}`;
  return undefined;
}

/** Whether `value` is an acceptable `algorithm` digest (see `hashDigestProblem`). */
export function isHashDigest(algorithm: string, value: unknown): value is string {
  return hashDigestProblem(algorithm, value) === undefined;
}
