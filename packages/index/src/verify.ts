/**
 * Every byte that comes from an index is checked against the hash the index gave before anything
 * uses it. A mismatch names the URL and both digests.
 */
import { createHash } from "node:crypto";
import { LockstepError } from "@lockstep/errors";
import { preferredHash } from "./dist-file";

export class HashMismatchError extends LockstepError {
  constructor(
    readonly url: string,
    readonly algorithm: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      "hash-mismatch",
      `Hash mismatch for ${url}:\n  expected ${algorithm}:${expected}\n  computed ${algorithm}:${actual}`,
      { hint: "the file changed on the index or was corrupted in transit; nothing from it was used" },
    );
  }
}

/** Throws HashMismatchError unless `bytes` matches the strongest of `hashes` (no-op when there are none). */
export function checkHash(url: string, bytes: Uint8Array, hashes: Record<string, string>): void {
  const chosen = preferredHash(hashes);
  if (!chosen) return;
  const [algo, expected] = chosen;
  const node = algo === "blake2b" ? "blake2b512" : algo;
  const actual = createHash(node).update(bytes).digest("hex");
  if (actual !== expected.toLowerCase()) throw new HashMismatchError(url, algo, expected, actual);
}
