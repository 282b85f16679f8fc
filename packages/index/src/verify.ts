/**
 * Every byte that comes from an index is checked against the hash the index gave before anything
 * uses it. A mismatch names the URL and both digests.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
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

/** Hex digests of the file at `path`, read 1 MiB at a time (a wheel of any size, bounded memory). */
export function hashFile(path: string, algorithms: readonly string[]): Record<string, string> {
  const hashers = algorithms.map((a) => [a, createHash(a === "blake2b" ? "blake2b512" : a)] as const);
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      for (const [, h] of hashers) h.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return Object.fromEntries(hashers.map(([a, h]) => [a, h.digest("hex")]));
}

/**
 * `checkHash` for a file on disk, streamed; returns its sha256 as well (computed in the same pass),
 * since a caller checking a file usually wants its content address next.
 */
export function checkFileHash(url: string, path: string, hashes: Record<string, string>): string {
  const chosen = preferredHash(hashes);
  const algorithms = chosen && chosen[0] !== "sha256" ? ["sha256", chosen[0]] : ["sha256"];
  const digests = hashFile(path, algorithms);
  if (chosen) {
    const [algo, expected] = chosen;
    const actual = digests[algo] as string;
    if (actual !== expected.toLowerCase()) throw new HashMismatchError(url, algo, expected, actual);
  }
  return digests.sha256 as string;
}
