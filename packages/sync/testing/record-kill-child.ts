/**
 * The process the RECORD kill test kills: syncs one local wheel (argv[2], JSON) into a venv, and a
 * worker thread SIGKILLs the process `delayUs` microseconds after the install's `triggerOp`-th
 * file-system change. The worker busy-waits on the clock, so the kill lands inside whatever the main
 * thread is doing then (formatting or writing RECORD, linking files), not between steps. A run that
 * finishes prints its timings instead.
 */
import { Worker } from "node:worker_threads";
import type { InterpreterInfo, Venv } from "@lockstep/python";
import { executeSync } from "../src/execute";
import { readInstalled } from "../src/installed";
import { planSync } from "../src/plan";
import type { PlannedDistribution } from "../src/plan";

interface ChildArgs {
  venv: Venv;
  info: InterpreterInfo;
  cacheDir: string;
  wheel: string;
  desired: PlannedDistribution[];
  triggerOp: number;
  delayUs: number;
}

const args = JSON.parse(process.argv[2] ?? "{}") as ChildArgs;
const flag = new Int32Array(new SharedArrayBuffer(4));
const killer = new Worker(
  `const { workerData } = require("node:worker_threads");
   Atomics.wait(workerData.flag, 0, 0);
   const end = process.hrtime.bigint() + BigInt(workerData.delayUs) * 1000n;
   while (process.hrtime.bigint() < end);
   process.kill(process.pid, "SIGKILL");`,
  { eval: true, workerData: { flag, delayUs: args.delayUs } },
);
// Wait until the worker is parked on the flag, so that the delay is measured from the trigger.
await new Promise((resolve) => killer.once("online", resolve));
let operations = 0;
const at: number[] = [];
await executeSync(planSync(args.desired, readInstalled(args.venv.sitePackages)), {
  venv: args.venv,
  interpreter: args.info,
  client: { download: () => Promise.resolve(args.wheel) },
  cacheDir: args.cacheDir,
  onFileOperation: () => {
    at.push(performance.now());
    if (++operations === args.triggerOp) {
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    }
  },
});
// A run that was not killed reports its timings (µs), so the parent can aim the kills: from the
// marker (op 2) to RECORD renamed (op 3), and from op 1 to the last operation.
const us = (ms: number) => Math.round(ms * 1000);
process.stdout.write(
  `${JSON.stringify({ operations, recordUs: us(at[2]! - at[1]!), installUs: us(at.at(-1)! - at[0]!) })}\n`,
);
process.exit(0);
