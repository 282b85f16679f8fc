/**
 * Reading a wheel archive (binary distribution format): finding its one `.dist-info` directory and the
 * `METADATA` inside it.
 *
 * Pitfalls: the `.dist-info` name is `{name}-{version}` escaped like the file name, but older tools
 * wrote it un-normalized (`Foo.Bar-1.0.0`) — compare canonical names and parsed versions, not
 * strings. Exactly one `.dist-info` directory may sit at the root; a second one (vendored, or a
 * broken build) makes the wheel ambiguous. Nested `*.dist-info` directories inside packages do not
 * count.
 */

import { LockstepError } from "@lockstep/errors";
import { Version } from "@lockstep/pep440";
import { canonicalizeName } from "@lockstep/pep508";
import { unzipSync } from "fflate";
import { WheelFilename, escapeWheelName } from "./wheel-filename";
import { ZipFile } from "./zip-stream";

export class WheelArchiveError extends LockstepError {}

const DIST_INFO = /^([^/]+)\.dist-info\//;

/**
 * The `.dist-info` directory of a wheel, given the archive's entry names, checked against its file
 * name: there must be exactly one at the root, and its name and version must match.
 */
export function findDistInfo(entryNames: Iterable<string>, filename: string): string {
  const wheel = WheelFilename.parse(filename);
  const dirs = new Set<string>();
  for (const name of entryNames) {
    const match = DIST_INFO.exec(name);
    if (match) dirs.add(match[1]!);
  }
  if (dirs.size === 0) {
    throw new WheelArchiveError(
      "wheel-dist-info-missing",
      `The wheel ${filename} has no .dist-info directory`,
    );
  }
  if (dirs.size > 1) {
    const list = [...dirs].sort().map((d) => `${d}.dist-info`);
    throw new WheelArchiveError(
      "wheel-dist-info-multiple",
      `The wheel ${filename} has ${dirs.size} .dist-info directories: ${list.join(", ")}`,
    );
  }
  const dir = [...dirs][0]!;
  const dash = dir.lastIndexOf("-");
  const name = dash < 0 ? dir : dir.slice(0, dash);
  const version = dash < 0 ? undefined : Version.tryParse(dir.slice(dash + 1));
  if (canonicalizeName(name) !== wheel.name || !version || !version.equals(wheel.version)) {
    throw new WheelArchiveError(
      "wheel-dist-info-mismatch",
      `The wheel ${filename} contains ${dir}.dist-info, expected ${escapeWheelName(wheel.name)}-${wheel.version.toString()}.dist-info`,
      { hint: "the wheel's file name and its metadata disagree; the file may have been renamed" },
    );
  }
  return `${dir}.dist-info`;
}

/** The path of METADATA inside the archive, from the archive's entry names. */
export function findMetadataPath(entryNames: Iterable<string>, filename: string): string {
  return `${findDistInfo(entryNames, filename)}/METADATA`;
}

/** The METADATA text of a whole wheel held in memory. Only that one entry is decompressed. */
export function readWheelMetadata(zipBytes: Uint8Array, filename: string): string {
  const names: string[] = [];
  const files = unzipSync(zipBytes, {
    filter: (file) => {
      names.push(file.name);
      return /^[^/]+\.dist-info\/METADATA$/.test(file.name);
    },
  });
  const path = findMetadataPath(names, filename);
  const bytes = files[path];
  if (!bytes) {
    throw new WheelArchiveError("wheel-metadata-missing", `The wheel ${filename} has no ${path} file`);
  }
  return new TextDecoder().decode(bytes);
}

/**
 * The METADATA text of the wheel file at `path`, reading only its central directory and that one
 * entry (the archive limits apply; the rest of the file is never read).
 */
export function readWheelMetadataFile(path: string, filename: string): string {
  const zip = ZipFile.open(path, { label: filename });
  try {
    const metadataPath = findMetadataPath(
      zip.entries.map((e) => e.name),
      filename,
    );
    const entry = zip.entries.find((e) => e.name === metadataPath);
    if (!entry) {
      throw new WheelArchiveError(
        "wheel-metadata-missing",
        `The wheel ${filename} has no ${metadataPath} file`,
      );
    }
    return new TextDecoder().decode(zip.readSmall(entry));
  } finally {
    zip.close();
  }
}
