/**
 * Memory stays bounded while unpacking, measured in a child process (its peak resident memory,
 * VmHWM) so that nothing the test itself allocates counts: a wheel with one entry of 1 GiB of zeros
 * (about 1 MB compressed, generated streaming) is refused by the ratio limit before memory grows,
 * refused by its declared size when its central directory understates it, and unpacked with a
 * generous limit — 1 GiB written — in bounded memory. Before streaming, installing such an entry
 * took over 2 GB of memory.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { writeWheelFile, zeroBytes } from "../testing";

const GIB = 1024 ** 3;
/** Refusals must happen before memory grows: Node with tsx alone is about 80 MB. */
const REFUSED_BOUND_MB = 200;
/** A 1 GiB entry streamed to disk. */
const UNPACKED_BOUND_MB = 256;

const base = mkdtempSync(join(tmpdir(), "ls-memory-"));
const child = fileURLToPath(new URL("../testing/unpack-child.ts", import.meta.url));
let honest: string;
let liar: string;

beforeAll(async () => {
  honest = await writeWheelFile(join(base), {
    name: "zeros",
    version: "1.0",
    files: [{ name: "zeros/big.bin", chunks: () => zeroBytes(GIB) }],
  });
  const liarDir = mkdtempSync(join(base, "liar-"));
  liar = await writeWheelFile(liarDir, {
    name: "zeros",
    version: "1.0",
    files: [{ name: "zeros/big.bin", chunks: () => zeroBytes(GIB), declaredSize: 2 * 1024 * 1024 }],
  });
}, 120_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

interface ChildResult {
  ok: boolean;
  code?: string;
  message?: string;
  bigFileSize?: number;
  peakMb: number;
}

function unpackInChild(wheel: string, limits: object): ChildResult {
  const cache = mkdtempSync(join(base, "cache-"));
  const run = spawnSync(process.execPath, ["--import", "tsx", child, wheel, cache, JSON.stringify(limits)], {
    encoding: "utf8",
    cwd: fileURLToPath(new URL("../../..", import.meta.url)),
  });
  rmSync(cache, { recursive: true, force: true });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as ChildResult;
}

test("a 1 GiB entry of zeros is refused by the ratio limit before memory grows", () => {
  const res = unpackInChild(honest, {});
  expect(res).toMatchObject({ ok: false, code: "archive-limit-exceeded" });
  expect(res.message).toMatch(
    /^The archive zeros-1\.0-py3-none-any\.whl has an entry "zeros\/big\.bin" that expands \d+ bytes to 1073741824 \(more than 200:1\)$/,
  );
  expect(res.peakMb).toBeLessThan(REFUSED_BOUND_MB);
}, 60_000);

test("the same entry declaring 2 MiB is cut off at the first byte past 2 MiB", () => {
  const res = unpackInChild(liar, {});
  expect(res).toMatchObject({
    ok: false,
    code: "archive-limit-exceeded",
    message:
      'The archive zeros-1.0-py3-none-any.whl has an entry "zeros/big.bin" that inflates to more than the 2097152 bytes its central directory record declares',
  });
  expect(res.peakMb).toBeLessThan(REFUSED_BOUND_MB);
}, 60_000);

test("with a generous ratio limit the 1 GiB entry unpacks in bounded memory", () => {
  const res = unpackInChild(honest, { maxRatio: 2000 });
  expect(res).toMatchObject({ ok: true, bigFileSize: GIB });
  expect(res.peakMb).toBeLessThan(UNPACKED_BOUND_MB);
}, 120_000);
