/**
 * Child process for the memory-bounded tests: unpacks one wheel (argv: wheel, cache dir, limits as
 * JSON) and prints one JSON line with the outcome and the peak resident memory (VmHWM) of this
 * process, so that the parent can check memory it did not allocate itself.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { unpackWheel } from "../src/install-unpack";
import type { ArchiveLimits } from "../src/zip-stream";
import { LockstepError } from "@lockstep/errors";

const [wheel, cache, limits] = process.argv.slice(2);
const peakMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]) / 1024;
const startMb = peakMb();
const start = performance.now();
let outcome: Record<string, unknown>;
try {
  const dir = await unpackWheel(wheel!, cache!, {
    limits: JSON.parse(limits ?? "{}") as Partial<ArchiveLimits>,
  });
  outcome = { ok: true, bigFileSize: statSync(join(dir, "zeros/big.bin")).size };
} catch (error) {
  outcome = { ok: false, code: (error as LockstepError).code, message: (error as Error).message };
}
process.stdout.write(
  `${JSON.stringify({ ...outcome, startMb, peakMb: peakMb(), ms: Math.round(performance.now() - start) })}\n`,
);
