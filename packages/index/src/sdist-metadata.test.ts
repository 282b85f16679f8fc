/**
 * PKG-INFO from a hostile sdist (issue 13): a `.tar.gz` that inflates to hundreds of MiB before its
 * PKG-INFO is read in bounded memory (measured in a child process), and a PKG-INFO or long name over
 * the cap is refused.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { describe, expect, test } from "vitest";
import { pkgInfoFromSdist } from "./sdist-metadata";

const child = fileURLToPath(new URL("../testing/sdist-bomb-child.ts", import.meta.url));

describe("pkgInfoFromSdist", () => {
  test("a 270 KB sdist inflating to 256 MiB before PKG-INFO is read in bounded memory", () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", child, "256"], {
      cwd: fileURLToPath(new URL("../../..", import.meta.url)),
      encoding: "utf8",
    });
    const r = JSON.parse(out) as { text: string; compressed: number; startMb: number; peakMb: number };
    expect(r.text).toBe("Metadata-Version: 2.2\nName: bomb\nVersion: 1.0\n\n");
    expect(r.compressed).toBeLessThan(300_000);
    // Inflating it whole (what gunzipSync did) holds 256 MiB; scanning holds a chunk at a time plus
    // garbage not yet collected: measured +45 to +60 MB, the same for a 1 GiB expansion.
    expect(r.peakMb - r.startMb).toBeLessThan(100);
  }, 60_000);

  test.each([
    ["tar.gz", (info: Buffer) => tarGz("p-1.0/PKG-INFO", info)],
    ["zip", (info: Buffer) => Buffer.from(zipSync({ "p-1.0/PKG-INFO": info }))],
  ])("a PKG-INFO over the cap is refused (%s)", (ext, build) => {
    const bytes = build(Buffer.alloc(2000, 0x41));
    expect(() => pkgInfoFromSdist(bytes, `p-1.0.${ext}`, 1000)).toThrow(
      `The source distribution p-1.0.${ext} has a PKG-INFO of 2000 bytes, more than the limit of 1000 bytes; refusing it`,
    );
    expect(pkgInfoFromSdist(bytes, `p-1.0.${ext}`, 2000)).toBe("A".repeat(2000));
  });

  test("a member split across inflate steps, a GNU long name, and no PKG-INFO at all", () => {
    const long = `p-1.0/${"d".repeat(120)}/x.txt`;
    const bytes = Buffer.concat([
      gzipSync(
        Buffer.concat([
          entry("././@LongLink", Buffer.from(`${long}\0`), "L"),
          entry("ignored", Buffer.alloc(70_000, 1)),
        ]),
      ),
      gzipSync(Buffer.concat([entry("p-1.0/PKG-INFO", Buffer.from("Name: p\n")), Buffer.alloc(1024)])),
    ]);
    expect(pkgInfoFromSdist(bytes, "p-1.0.tar.gz")).toBe("Name: p\n");
    expect(() => pkgInfoFromSdist(gzipSync(Buffer.alloc(1024)), "p-1.0.tar.gz")).toThrow(
      "The source distribution p-1.0.tar.gz has no top-level PKG-INFO",
    );
    expect(() => pkgInfoFromSdist(Buffer.from("not gzip"), "p-1.0.tar.gz")).toThrow(
      "The source distribution p-1.0.tar.gz is not a valid .tar.gz",
    );
  });
});

/** One tar member: header, data, padding. */
function entry(name: string, data: Buffer, type = "0"): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0);
  h.write(`${data.length.toString(8).padStart(11, "0")}\0`, 124);
  h.write(type, 156);
  h.write("ustar\0", 257);
  return Buffer.concat([h, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

function tarGz(name: string, data: Buffer): Buffer {
  return gzipSync(Buffer.concat([entry(name, data), Buffer.alloc(1024)]));
}
