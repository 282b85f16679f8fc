/**
 * A hostile sdist for the bounded-memory tests: a `.tar.gz` whose first member is `mib` MiB of
 * zeros and whose `PKG-INFO` comes after it, built from concatenated gzip members (one 1 MiB member
 * repeated), so a 256 MiB expansion costs about 270 KB and no time to build.
 */
import { gzipSync } from "node:zlib";

/** A ustar header for a regular file. */
function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write("0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  h.write("00000000000\0", 136);
  h.write("0", 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  h.fill(" ", 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return h;
}

export function sdistBomb(project: string, version: string, mib: number): Buffer {
  const top = `${project}-${version}`;
  const info = Buffer.from(`Metadata-Version: 2.2\nName: ${project}\nVersion: ${version}\n\n`);
  const zeros = gzipSync(Buffer.alloc(1 << 20), { level: 9 });
  return Buffer.concat([
    gzipSync(tarHeader(`${top}/zeros.bin`, mib << 20)),
    ...Array<Buffer>(mib).fill(zeros),
    gzipSync(
      Buffer.concat([
        tarHeader(`${top}/PKG-INFO`, info.length),
        info,
        Buffer.alloc(512 - (info.length % 512)),
        Buffer.alloc(1024),
      ]),
    ),
  ]);
}
