/**
 * Source distribution file names (PyPA source distribution format): `{name}-{version}.tar.gz`, and the
 * legacy `.zip` that indexes still serve.
 *
 * Pitfalls: only new sdists escape the name (`-` → `_`); legacy ones keep dashes, so
 * `foo-bar-1.0.tar.gz` could be `foo` at `bar-1.0`... and `foo-1.0-1.tar.gz` is `foo` at the post
 * release `1.0-1`. When the caller knows the package name (an index page is for one project), pass it
 * and the split is exact; otherwise we take the leftmost split whose right side is a valid version.
 * A name from an index becomes a cache path and a lock entry, so `/`, `\\`, control characters and
 * a name part that is not a valid project name (`..`) are refused, whichever way the name splits.
 */

import { ParseError, underline, type Span } from "@lockstep/errors";
import { Version } from "@lockstep/pep440";
import { canonicalizeName, isValidName } from "@lockstep/pep508";
import { unsafeFilenameChar } from "./wheel-filename";

export type SdistExtension = "tar.gz" | "zip";

export class InvalidSdistFilename extends ParseError {
  constructor(filename: string, reason: string, span: Span) {
    super("sdist-filename-invalid", "source distribution filename", filename, reason, span);
    this.message = `The source distribution filename ${JSON.stringify(filename)} is invalid: ${reason}\n${underline(filename, span)}`;
  }
}

export class SdistFilename {
  private constructor(
    /** The canonical (PEP 503) project name. */
    readonly name: string,
    readonly version: Version,
    readonly extension: SdistExtension,
  ) {}

  static parse(filename: string, expectedName?: string): SdistFilename {
    const unsafe = unsafeFilenameChar(filename);
    if (unsafe) {
      const what = unsafe.what;
      throw new InvalidSdistFilename(filename, `Must be one file name, but contains ${what}`, {
        start: unsafe.index,
        end: unsafe.index + 1,
      });
    }
    const extension: SdistExtension | undefined = filename.endsWith(".tar.gz")
      ? "tar.gz"
      : filename.endsWith(".zip")
        ? "zip"
        : undefined;
    if (!extension) {
      const dot = filename.search(/\.(tar\.[a-z0-9]+|[a-z0-9]+)$/i);
      const span = { start: dot < 0 ? filename.length : dot, end: filename.length };
      throw new InvalidSdistFilename(filename, "Must end with .tar.gz or .zip", span);
    }
    const stem = filename.slice(0, -(extension.length + 1));
    const dashes: number[] = [];
    for (let i = stem.indexOf("-"); i >= 0; i = stem.indexOf("-", i + 1)) dashes.push(i);
    if (dashes.length === 0) {
      throw new InvalidSdistFilename(filename, "Must have a version", {
        start: stem.length,
        end: stem.length + 1,
      });
    }
    if (expectedName !== undefined) {
      const expected = canonicalizeName(expectedName);
      for (const dash of dashes) {
        const namePart = stem.slice(0, dash);
        if (!isValidName(namePart) || canonicalizeName(namePart) !== expected) continue;
        const version = Version.tryParse(stem.slice(dash + 1));
        if (!version) {
          const text = stem.slice(dash + 1);
          const span = { start: dash + 1, end: stem.length };
          throw new InvalidSdistFilename(
            filename,
            `The version "${text}" is not a valid PEP 440 version`,
            span,
          );
        }
        return new SdistFilename(expected, version, extension);
      }
      const span = { start: 0, end: dashes.at(-1)! };
      throw new InvalidSdistFilename(
        filename,
        `Does not start with the package name "${expectedName}"`,
        span,
      );
    }
    for (const dash of dashes) {
      const name = stem.slice(0, dash);
      const version = Version.tryParse(stem.slice(dash + 1));
      if (version && isValidName(name)) return new SdistFilename(canonicalizeName(name), version, extension);
    }
    const last = dashes.at(-1)!;
    const text = stem.slice(last + 1);
    const span = { start: last + 1, end: stem.length };
    throw new InvalidSdistFilename(filename, `The version "${text}" is not a valid PEP 440 version`, span);
  }

  static tryParse(filename: string, expectedName?: string): SdistFilename | undefined {
    try {
      return SdistFilename.parse(filename, expectedName);
    } catch (error) {
      if (error instanceof InvalidSdistFilename) return undefined;
      throw error;
    }
  }

  /** The name a modern build backend would write: escaped name, normalized version. */
  toString(): string {
    return `${this.name.replace(/-/g, "_")}-${this.version.toString()}.${this.extension}`;
  }
}
