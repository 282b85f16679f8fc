/**
 * The process the crash tests kill: runs one sync described by argv[2] (JSON) and SIGKILLs itself
 * after `killAfter` file-system changes in the venv. Not part of the package's API.
 */
import { IndexClient } from "@lockstep/index";
import type { InterpreterInfo, Venv } from "@lockstep/python";
import { executeSync } from "../src/execute";
import { readInstalled } from "../src/installed";
import { planSync } from "../src/plan";
import type { PlannedDistribution } from "../src/plan";

interface ChildArgs {
  venv: Venv;
  info: InterpreterInfo;
  cacheDir: string;
  indexUrl: string;
  desired: PlannedDistribution[];
  killAfter: number;
}

const args = JSON.parse(process.argv[2] ?? "{}") as ChildArgs;
let operations = 0;
const client = new IndexClient({ indexes: [{ url: args.indexUrl, default: true }], cacheDir: args.cacheDir });
await executeSync(planSync(args.desired, readInstalled(args.venv.sitePackages)), {
  venv: args.venv,
  interpreter: args.info,
  client,
  cacheDir: args.cacheDir,
  onFileOperation: () => {
    if (++operations >= args.killAfter) process.kill(process.pid, "SIGKILL");
  },
});
client.close();
process.stdout.write(`finished after ${operations} operations\n`);
