/**
 * Metadata of a source distribution without building it: the `PKG-INFO` at the top of the archive
 * is trustworthy only from Metadata-Version 2.2 on (PEP 643), and only for fields it does not mark
 * `Dynamic`. Otherwise the build package must prepare metadata (PEP 517), which the caller is told
 * by a `SdistNeedsBuildError`.
 *
 * Pitfalls: `.tar.gz` members may use PAX or GNU long names; the PKG-INFO we want is exactly
 * `<top>/PKG-INFO`, not a nested one (`<top>/src/pkg.egg-info/PKG-INFO`).
 */
import { gunzipSync, unzipSync } from "fflate";
import { LockstepError } from "@lockstep/errors";

export class SdistNeedsBuildError extends LockstepError {
  constructor(
    readonly filename: string,
    reason: string,
  ) {
    super("sdist-needs-build", `The metadata of ${filename} is not static (${reason}); it must be built`, {
      hint: "building source distributions during resolution needs the build package",
    });
  }
}

function readString(bytes: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(start, end));
}

/** Iterate regular files of an uncompressed tar: [path, contents]. */
export function* tarFiles(tar: Uint8Array): Generator<[string, Uint8Array]> {
  let at = 0;
  let longName: string | undefined;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    let name = readString(header, 0, 100);
    const prefix = readString(header, 345, 155);
    if (prefix && readString(header, 257, 6).startsWith("ustar")) name = `${prefix}/${name}`;
    const size = parseInt(readString(header, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] ?? 48);
    const data = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = readString(data, 0, data.length);
      continue;
    }
    if (type === "x") {
      const text = new TextDecoder().decode(data);
      const m = /\d+ path=([^\n]*)\n/.exec(text);
      if (m) longName = m[1];
      continue;
    }
    if (longName !== undefined) {
      name = longName;
      longName = undefined;
    }
    if (type === "0" || type === "\0" || type === "7") yield [name, data];
  }
}

/** The top-level PKG-INFO text of an sdist (`.tar.gz` or `.zip`). */
export function pkgInfoFromSdist(bytes: Uint8Array, filename: string): string {
  const isTop = (path: string) => /^[^/]+\/PKG-INFO$/.test(path.replace(/^\.\//, ""));
  if (filename.endsWith(".zip")) {
    const files = unzipSync(bytes, { filter: (f) => isTop(f.name) });
    const first = Object.values(files)[0];
    if (first) return new TextDecoder().decode(first);
  } else {
    for (const [path, data] of tarFiles(gunzipSync(bytes))) {
      if (isTop(path)) return new TextDecoder().decode(data);
    }
  }
  throw new LockstepError("sdist-invalid", `The source distribution ${filename} has no top-level PKG-INFO`);
}

/** Whether PKG-INFO can be used as is: Metadata-Version ≥ 2.2 and no dependency field dynamic. */
export function staticSdistMetadata(pkgInfo: string, filename: string): string {
  const header = pkgInfo.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const version = /^Metadata-Version:\s*(\S+)/im.exec(header)?.[1] ?? "1.0";
  const [major, minor] = version.split(".").map(Number) as [number, number];
  if (major < 2 || (major === 2 && (minor ?? 0) < 2)) {
    throw new SdistNeedsBuildError(filename, `Metadata-Version ${version} is older than 2.2`);
  }
  const dynamic = [...header.matchAll(/^Dynamic:\s*(.+)$/gim)].map((m) =>
    (m[1] as string).trim().toLowerCase(),
  );
  const blocking = dynamic.filter(
    (d) => d === "requires-dist" || d === "requires-python" || d === "provides-extra",
  );
  if (blocking.length > 0) throw new SdistNeedsBuildError(filename, `${blocking.join(", ")} marked dynamic`);
  return pkgInfo;
}
