/**
 * Unpacking into the shared cache: several unpacks at once (of one wheel, and of different wheels)
 * each end with one complete directory per wheel, identical to its archive, and no temporary
 * directory left; the sha256 is computed from the file when not given.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { variedBytes, writeWheelFile } from "../testing";
import { sha256File, unpackedWheelDir, unpackWheel } from "./install-unpack";

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

async function bigWheel(dir: string, name: string, seed: number): Promise<string> {
  return writeWheelFile(dir, {
    name,
    version: "1.0",
    files: [
      ...Array.from({ length: 4 }, (_, i) => ({
        name: `${name}/blob${i}.bin`,
        chunks: () => variedBytes(seed * 10 + i, 3 * 1024 * 1024),
      })),
      { name: `${name}/__init__.py`, data: `NAME = "${name}"\n`, method: 0 as const },
    ],
  });
}

test("one wheel unpacked four times at once, and three wheels in parallel", async () => {
  const base = tmp("ls-unpack-par-");
  const wheels = await Promise.all(["aa", "bb", "cc"].map((n, i) => bigWheel(base, n, i + 1)));
  const cache = join(base, "cache");
  const dirs = await Promise.all([
    ...Array.from({ length: 4 }, () => unpackWheel(wheels[0]!, cache)),
    unpackWheel(wheels[1]!, cache),
    unpackWheel(wheels[2]!, cache),
  ]);
  const shas = wheels.map((w) => sha256File(w));
  expect(dirs).toEqual([
    ...Array(4).fill(unpackedWheelDir(cache, shas[0]!)),
    ...shas.slice(1).map((s) => unpackedWheelDir(cache, s)),
  ]);
  expect(readdirSync(join(cache, "wheels-v1")).sort()).toEqual([...shas].sort());
  // Every file is byte for byte what was generated.
  for (let i = 0; i < 4; i++) {
    const expected = Buffer.concat([...variedBytes(10 + i, 3 * 1024 * 1024)]);
    expect(readFileSync(join(dirs[0]!, `aa/blob${i}.bin`)).equals(expected)).toBe(true);
  }
  expect(readFileSync(join(dirs[5]!, "cc/__init__.py"), "utf8")).toBe('NAME = "cc"\n');
  expect(sha256File(wheels[0]!)).toBe(createHash("sha256").update(readFileSync(wheels[0]!)).digest("hex"));
}, 60_000);
