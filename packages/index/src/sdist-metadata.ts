/**
 * Metadata of a source distribution without building it: the `PKG-INFO` at the top of the archive
 * is trustworthy only from Metadata-Version 2.2 on (PEP 643), and only for fields it does not mark
 * `Dynamic`. Otherwise the build package must prepare metadata (PEP 517), which the caller is told
 * by a `SdistNeedsBuildError`.
 *
 * Pitfalls: `.tar.gz` members may use PAX or GNU long names; the PKG-INFO we want is exactly
 * `<top>/PKG-INFO`, not a nested one (`<top>/src/pkg.egg-info/PKG-INFO`).
 *
 * An sdist comes from an index, so it is read in bounded memory: the `.tar.gz` is inflated a small
 * piece at a time and its tar stream scanned as it comes, stopping at PKG-INFO; other members are
 * skipped, never held; a PKG-INFO (or long-name record) over the cap is refused. A 1 MB sdist that
 * inflates to gigabytes costs a few MB.
 */
import { Gunzip, unzipSync } from "fflate";
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

/** Default cap on PKG-INFO and on a tar long-name record: 16 MiB. */
const DEFAULT_MAX_PKG_INFO_BYTES = 16 * 1024 * 1024;
/** Compressed bytes inflated per step: at most ~1032× this is produced at once. */
const INFLATE_STEP = 16 * 1024;

function tooLarge(filename: string, what: string, size: number, max: number): LockstepError {
  return new LockstepError(
    "sdist-entry-too-large",
    `The source distribution ${filename} has a ${what} of ${size} bytes, more than the limit of ${max} bytes; refusing it`,
  );
}

/**
 * A tar stream scanned as it arrives, for one wanted member: headers are parsed, other members'
 * data skipped, and only the wanted member's bytes (and long-name records) kept.
 */
class TarScanner {
  result: Uint8Array | undefined;
  done = false;
  private header = new Uint8Array(512);
  private headerFill = 0;
  private skip = 0;
  private collect: { kind: "file" | "L" | "x"; parts: Uint8Array[]; need: number; pad: number } | undefined;
  private longName: string | undefined;

  constructor(
    private readonly wanted: (path: string) => boolean,
    private readonly filename: string,
    private readonly maxBytes: number,
  ) {}

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && !this.done) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
      } else if (this.collect) {
        const c = this.collect;
        const n = Math.min(c.need, chunk.length - at);
        c.parts.push(chunk.slice(at, at + n));
        c.need -= n;
        at += n;
        if (c.need === 0) {
          this.collect = undefined;
          this.skip = c.pad;
          this.collected(c.kind, concat(c.parts));
        }
      } else {
        const n = Math.min(512 - this.headerFill, chunk.length - at);
        this.header.set(chunk.subarray(at, at + n), this.headerFill);
        this.headerFill += n;
        at += n;
        if (this.headerFill === 512) {
          this.headerFill = 0;
          this.onHeader(this.header);
        }
      }
    }
  }

  private onHeader(header: Uint8Array): void {
    if (header.every((b) => b === 0)) {
      this.done = true;
      return;
    }
    let name = readString(header, 0, 100);
    const prefix = readString(header, 345, 155);
    if (prefix && readString(header, 257, 6).startsWith("ustar")) name = `${prefix}/${name}`;
    const size = parseInt(readString(header, 124, 12).trim() || "0", 8) || 0;
    const type = String.fromCharCode(header[156] ?? 48);
    const pad = Math.ceil(size / 512) * 512 - size;
    if (type === "L" || type === "x") {
      if (size > this.maxBytes) throw tooLarge(this.filename, "long-name record", size, this.maxBytes);
      this.collect = { kind: type, parts: [], need: size, pad };
      if (size === 0) this.finishEmpty();
      return;
    }
    if (this.longName !== undefined) {
      name = this.longName;
      this.longName = undefined;
    }
    if ((type === "0" || type === "\0" || type === "7") && this.wanted(name)) {
      if (size > this.maxBytes) throw tooLarge(this.filename, "PKG-INFO", size, this.maxBytes);
      this.collect = { kind: "file", parts: [], need: size, pad };
      if (size === 0) this.finishEmpty();
      return;
    }
    this.skip = size + pad;
  }

  private finishEmpty(): void {
    const c = this.collect;
    if (!c) return;
    this.collect = undefined;
    this.skip = c.pad;
    this.collected(c.kind, new Uint8Array());
  }

  private collected(kind: "file" | "L" | "x", data: Uint8Array): void {
    if (kind === "L") this.longName = readString(data, 0, data.length);
    else if (kind === "x") {
      const m = /\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data));
      if (m) this.longName = m[1];
    } else {
      this.result = data;
      this.done = true;
    }
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The wanted member of a `.tar.gz`, inflating only until it is found. */
function findInTarGz(
  bytes: Uint8Array,
  filename: string,
  wanted: (path: string) => boolean,
  maxBytes: number,
): Uint8Array | undefined {
  const scanner = new TarScanner(wanted, filename, maxBytes);
  let failure: unknown;
  const gunzip = new Gunzip((chunk) => {
    if (failure === undefined && !scanner.done) {
      try {
        scanner.push(chunk);
      } catch (error) {
        failure = error;
      }
    }
  });
  try {
    for (let i = 0; i < bytes.length && !scanner.done && failure === undefined; i += INFLATE_STEP) {
      gunzip.push(bytes.subarray(i, i + INFLATE_STEP), i + INFLATE_STEP >= bytes.length);
    }
  } catch (cause) {
    throw new LockstepError("sdist-invalid", `The source distribution ${filename} is not a valid .tar.gz`, {
      cause,
    });
  }
  if (failure !== undefined) throw failure;
  return scanner.result;
}

/** The top-level PKG-INFO text of an sdist (`.tar.gz` or `.zip`), in bounded memory. */
export function pkgInfoFromSdist(
  bytes: Uint8Array,
  filename: string,
  maxBytes: number = DEFAULT_MAX_PKG_INFO_BYTES,
): string {
  const isTop = (path: string) => /^[^/]+\/PKG-INFO$/.test(path.replace(/^\.\//, ""));
  if (filename.endsWith(".zip")) {
    const files = unzipSync(bytes, {
      filter: (f) => {
        if (!isTop(f.name)) return false;
        // fflate allocates the declared size before inflating: refuse a huge one first.
        if (f.originalSize > maxBytes) throw tooLarge(filename, "PKG-INFO", f.originalSize, maxBytes);
        return true;
      },
    });
    const first = Object.values(files)[0];
    if (first) return new TextDecoder().decode(first);
  } else {
    const data = findInTarGz(bytes, filename, isTop, maxBytes);
    if (data) return new TextDecoder().decode(data);
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
