/**
 * lockstep's specific-mode resolution in a worker thread, so that a test can give up on a resolve
 * that never returns (a synchronous loop blocks the test's own timers) by terminating the worker.
 * The worker answers with plain data: the outcome kind, the chosen versions, or the report.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { lockstepResolve, newClient, specificOptions } from "./lockstep-runner";

export interface IsolatedOutcome {
  kind: "solved" | "no-solution" | "timeout" | "crash";
  chosen: Array<{ name: string; version: string }>;
  /** The conflict report (no-solution) or the error with its stack (crash). */
  message: string;
  wallMs: number;
}

interface Job {
  url: string;
  cacheDir: string;
  root: string[];
}

/** Resolve `root` against `url` for pip's target (CPython 3.11.7, Linux x86_64) within `timeoutMs`. */
export function resolveInWorker(job: Job, timeoutMs: number): Promise<IsolatedOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    // The worker runs this file; tsx's loader (a devDependency of the workspace) compiles it there.
    const tsx = pathToFileURL(
      createRequire(import.meta.url)
        .resolve("tsx/esm/api")
        .replace(/\.cjs$/, ".mjs"),
    ).href;
    const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(import.meta.url)});`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), {
      workerData: job,
    });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve({
        kind: "timeout",
        chosen: [],
        message: `no answer within ${timeoutMs} ms`,
        wallMs: performance.now() - started,
      });
    }, timeoutMs);
    worker.once("message", (m: IsolatedOutcome) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(m);
    });
    worker.once("error", (err) => {
      clearTimeout(timer);
      resolve({
        kind: "crash",
        chosen: [],
        message: String(err.stack ?? err),
        wallMs: performance.now() - started,
      });
    });
  });
}

async function serve(job: Job): Promise<IsolatedOutcome> {
  const client = newClient(job.url, job.cacheDir);
  try {
    const o = await lockstepResolve(client, job.root, specificOptions());
    if (o.kind === "no-solution")
      return { kind: "no-solution", chosen: [], message: o.report, wallMs: o.wallMs };
    const chosen = o.resolution.packages.map((p) => ({ name: p.name, version: p.version.toString() }));
    return { kind: "solved", chosen, message: "", wallMs: o.wallMs };
  } catch (err) {
    return { kind: "crash", chosen: [], message: String((err as Error).stack ?? err), wallMs: 0 };
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  void serve(workerData as Job).then((m) => port.postMessage(m));
}
