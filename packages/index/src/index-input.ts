/**
 * What an index says about a file is checked where it enters, because it becomes a cache path, a
 * download URL and a line in the committed lock: a file name must be one path component (PEP 503
 * takes it from the URL's last segment, percent-decoded; PEP 691 gives it as `filename`), and a hash
 * must be hex of its algorithm's length.
 *
 * One bad link never fails a whole page: the link (or the bad hash) is skipped with a warning that
 * names the page and the link, and the rest of the page is used. A file left without any acceptable
 * hash is hashed by the client on download (see `client.ts`).
 *
 * Pitfalls: `%2F` decodes to `/` and `%00` to NUL, so the check runs after decoding; a malformed
 * escape (`%E0%A4%A`) makes `decodeURIComponent` throw `URI malformed`; `..` alone is one component
 * but still a parent reference.
 */
import { LockstepError } from "@lockstep/errors";
import { hashDigestProblem, unsafeFilenameChar } from "@lockstep/wheel";

/** Receives one human-readable warning. */
export type Warn = (message: string) => void;

/** A link (or field) an index page gave that cannot be used; the caller skips it with a warning. */
export class UnusableLinkError extends LockstepError {
  constructor(reason: string) {
    super("index-link-unusable", reason);
  }
}

/** Throws UnusableLinkError unless `name` can be one file name in a directory. */
export function checkFilename(name: string): string {
  if (name === "" || name === "." || name === "..") {
    throw new UnusableLinkError(`the file name ${JSON.stringify(name)} is not a file name`);
  }
  const unsafe = unsafeFilenameChar(name);
  if (unsafe) throw new UnusableLinkError(`the file name ${JSON.stringify(name)} contains ${unsafe.what}`);
  return name;
}

/** A file's name is the last path segment of its URL (PEP 503), percent-decoded and checked. */
export function filenameFromUrl(url: string): string {
  const path = new URL(url).pathname;
  const last = path.slice(path.lastIndexOf("/") + 1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(last);
  } catch {
    throw new UnusableLinkError(`the file name ${JSON.stringify(last)} has a malformed percent-escape`);
  }
  return checkFilename(decoded);
}

/**
 * The acceptable hashes of `raw` (an algorithm → hex map), lower-cased; every other entry is dropped
 * with a warning naming `where` (the link). Non-objects give no hashes.
 */
export function acceptedHashes(raw: unknown, where: string, warn: Warn): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return out;
  for (const [algo, value] of Object.entries(raw as Record<string, unknown>)) {
    const problem = hashDigestProblem(algo, value);
    if (problem) {
      warn(`Ignoring a hash of ${where}: ${problem}`);
      continue;
    }
    out[algo.toLowerCase()] = (value as string).toLowerCase();
  }
  return out;
}

/** The message of whatever a link's parsing threw, for a warning. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
