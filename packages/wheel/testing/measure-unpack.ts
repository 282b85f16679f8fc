/**
 * Measures unpacking one large generated wheel into a fresh cache: wall time and the process's peak
 * resident memory (VmHWM). Not a test: run by hand, and its figures are quoted in
 * docs/reliability.md.
 *
 *   npx tsx packages/wheel/testing/measure-unpack.ts generate <dir> <megabytes>   → prints the wheel path
 *   npx tsx packages/wheel/testing/measure-unpack.ts unpack <wheel> <cacheDir>
 */
import { readFileSync } from "node:fs";
import { unpackWheel } from "../src/install-unpack";
import { variedBytes, writeWheelFile } from "./wheel-file";

const [mode, a, b] = process.argv.slice(2);
if (mode === "generate") {
  const total = Number(b) * 1024 * 1024;
  const perFile = 1024 * 1024;
  const files = [];
  for (let i = 0; i * perFile < total; i++) {
    files.push({ name: `big/part${i}.bin`, chunks: () => variedBytes(i + 1, perFile) });
  }
  process.stdout.write(`${await writeWheelFile(a!, { name: "big", version: "1.0", files })}\n`);
} else {
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const dir = await Promise.resolve(unpackWheel(a!, b!));
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  process.stdout.write(
    `${dir}\nunpack ${ms.toFixed(0)} ms (cpu user ${(cpu.user / 1000).toFixed(0)} + sys ${(cpu.system / 1000).toFixed(0)} ms), peak RSS ${(Number(hwm) / 1024).toFixed(0)} MB\n`,
  );
}
