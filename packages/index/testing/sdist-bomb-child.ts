/**
 * Child process for the bounded-memory sdist test: builds `sdistBomb(argv[2] MiB)`, reads its
 * PKG-INFO, and prints one JSON line with the outcome and this process's peak resident memory
 * (VmHWM) before and after, so the parent checks memory it did not allocate itself.
 */
import { readFileSync } from "node:fs";
import { pkgInfoFromSdist } from "../src/sdist-metadata";
import { sdistBomb } from "./sdist-bomb";

const mib = Number(process.argv[2] ?? "256");
const peakMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]) / 1024;
const bytes = sdistBomb("bomb", "1.0", mib);
const startMb = peakMb();
const start = performance.now();
const text = pkgInfoFromSdist(bytes, "bomb-1.0.tar.gz");
process.stdout.write(
  `${JSON.stringify({ text, compressed: bytes.length, startMb, peakMb: peakMb(), ms: Math.round(performance.now() - start) })}\n`,
);
