/**
 * Generated wheels written straight to disk for tests: a valid `.dist-info` (METADATA, WHEEL,
 * RECORD with sha256 of every file) around the files given, streamed when they are large. Hostile
 * variants are made by overriding RECORD, adding raw archive entries or entry points.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { writeZipFile } from "./zip-file-writer";
import type { ZipFileEntry, ZipFileOptions } from "./zip-file-writer";

export interface WheelFileSpec {
  name: string;
  version: string;
  files: ZipFileEntry[];
  /** entry_points.txt contents. */
  entryPoints?: string;
  /** Replaces the generated METADATA text. */
  metadata?: string;
  /** Replaces the generated RECORD text. */
  record?: string;
  /** Archive entries added after RECORD, not listed in it. */
  unlisted?: ZipFileEntry[];
  zip?: ZipFileOptions;
}

function bytesOf(e: ZipFileEntry): Iterable<Uint8Array> {
  if (e.chunks) return e.chunks();
  return [typeof e.data === "string" ? Buffer.from(e.data) : (e.data ?? new Uint8Array())];
}

/** sha256 RECORD row for a file (streamed entries are generated once more to hash them). */
function recordRow(e: ZipFileEntry): string {
  const h = createHash("sha256");
  let size = 0;
  for (const c of bytesOf(e)) {
    h.update(c);
    size += c.length;
  }
  return `${e.name},sha256=${h.digest("base64url")},${size}`;
}

/** Write the wheel into `dir`; returns its path. */
export async function writeWheelFile(dir: string, spec: WheelFileSpec): Promise<string> {
  const stem = `${spec.name.replace(/[-_.]+/g, "_")}-${spec.version}`;
  const info = `${stem}.dist-info`;
  const meta: ZipFileEntry[] = [
    {
      name: `${info}/METADATA`,
      data: spec.metadata ?? `Metadata-Version: 2.1\nName: ${spec.name}\nVersion: ${spec.version}\n`,
    },
    {
      name: `${info}/WHEEL`,
      data: "Wheel-Version: 1.0\nGenerator: lockstep-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    },
  ];
  if (spec.entryPoints !== undefined) meta.push({ name: `${info}/entry_points.txt`, data: spec.entryPoints });
  const all = [...spec.files, ...meta];
  const record = spec.record ?? `${[...all.map(recordRow), `${info}/RECORD,,`].join("\n")}\n`;
  const path = join(dir, `${stem}-py3-none-any.whl`);
  await writeZipFile(
    path,
    [...all, { name: `${info}/RECORD`, data: record }, ...(spec.unlisted ?? [])],
    spec.zip,
  );
  return path;
}

/** Deterministic varied bytes (text-like runs and noise), `size` bytes in `chunk`-sized pieces. */
export function* variedBytes(seed: number, size: number, chunk = 64 * 1024): Generator<Uint8Array> {
  let x = seed * 2654435761 + 1;
  const words = ["def ", "self", "return ", "import ", "\n    ", "class ", "value", " = ", "None", "(", ")"];
  for (let done = 0; done < size; done += chunk) {
    const n = Math.min(chunk, size - done);
    const out = Buffer.alloc(n);
    let i = 0;
    while (i < n) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      if ((x & 3) === 0) {
        const run = Math.min(n - i, 16 + (x >>> 24));
        for (let k = 0; k < run; k++) {
          if ((k & 3) === 0) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            x >>>= 0;
          }
          out[i + k] = (x >>> ((k & 3) * 8)) & 0xff;
        }
        i += run;
      } else {
        const w = words[x % words.length]!;
        i += out.write(w, i, Math.min(w.length, n - i), "latin1");
      }
    }
    yield out;
  }
}

/** `size` zero bytes in `chunk`-sized pieces (one buffer reused). */
export function* zeroBytes(size: number, chunk = 1024 * 1024): Generator<Uint8Array> {
  const zeros = new Uint8Array(chunk);
  for (let done = 0; done < size; done += chunk) yield zeros.subarray(0, Math.min(chunk, size - done));
}
