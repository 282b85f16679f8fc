/**
 * The README's main job (`pnpm demo`): lock a realistic application against a real package index,
 * served on 127.0.0.1 from the example fixture universe, through the real `lockstep` command.
 *
 * Steps, each printed with its time: build and serve the index; copy examples/example-app into a
 * temporary directory; `lockstep lock` (cold cache); show the locked tree; `lockstep lock` again (an
 * up-to-date no-op: no resolution, no request, file untouched); `lockstep lock --check`. The CLI is
 * run as users run it: `node packages/cli/bin/lockstep.js` (the bundle, built on first use).
 * Then `afterLock`: sync into a fresh venv, sync again (a no-op), and run the app and its tests.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildUniverse, loadUniverseFile, run as runProgram, startIndexServer } from "../fixtures/src/index";
import type { IndexServer, RunResult } from "../fixtures/src/index";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(repo, "packages", "cli", "bin", "lockstep.js");

/** What later steps get: the project, the index, and a way to run lockstep. */
export interface DemoContext {
  projectDir: string;
  indexUrl: string;
  server: IndexServer;
  env: NodeJS.ProcessEnv;
  lockstep: (args: string[]) => Promise<RunResult>;
  step: <T>(title: string, work: () => Promise<T>) => Promise<T>;
}

function ms(since: number): string {
  const t = performance.now() - since;
  return t < 1000 ? `${Math.round(t)}ms` : `${(t / 1000).toFixed(2)}s`;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  // Asynchronous on purpose: the index server runs in this process.
  return runProgram(process.execPath, [cli, ...args], { cwd, env });
}

async function step<T>(title: string, work: () => Promise<T>): Promise<T> {
  console.log(`\n▸ ${title}`);
  const started = performance.now();
  const result = await work();
  console.log(`  done in ${ms(started)}`);
  return result;
}

function expectOk(what: string, res: RunResult): RunResult {
  if (res.stdout.trim()) console.log(indent(res.stdout));
  if (res.stderr.trim()) console.log(indent(res.stderr));
  if (res.code !== 0) throw new Error(`${what} exited with ${res.code}`);
  return res;
}

/**
 * After locking: `lockstep sync` creates `.venv` and installs exactly the lock's set for this
 * interpreter; a second `sync` is a no-op; `lockstep run` runs the app and its tests in the venv.
 */
async function afterLock(ctx: DemoContext): Promise<void> {
  const idx = ["--index-url", ctx.indexUrl];
  await ctx.step(`lockstep sync --index-url ${ctx.indexUrl}   (fresh venv, cold cache)`, async () => {
    expectOk("lockstep sync", await ctx.lockstep(["sync", ...idx]));
  });
  await ctx.step(`lockstep sync --index-url ${ctx.indexUrl}   (again: nothing to do)`, async () => {
    ctx.server.resetStats();
    expectOk("lockstep sync", await ctx.lockstep(["sync", ...idx]));
    console.log(`    ${ctx.server.requests.length} index requests`);
  });
  await ctx.step("lockstep run -- python -m example_app", async () => {
    expectOk("lockstep run", await ctx.lockstep(["run", ...idx, "--", "python", "-m", "example_app"]));
  });
  await ctx.step("lockstep run -- testrun   (the dev group's test runner)", async () => {
    expectOk("lockstep run", await ctx.lockstep(["run", ...idx, "--", "testrun"]));
  });
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "lockstep-demo-"));
  const env = { ...process.env, LOCKSTEP_CACHE_DIR: join(work, "cache") };
  let server: IndexServer | undefined;
  try {
    server = await step(
      "Build the example universe into a package index and serve it on 127.0.0.1",
      async () => {
        const universe = loadUniverseFile(join(repo, "fixtures", "universes", "example-app.toml"));
        const built = await buildUniverse(universe);
        const s = await startIndexServer(built);
        const projects = Object.values(built.manifest.projects);
        const files = projects.reduce((n, f) => n + f.length, 0);
        console.log(
          `    ${projects.length} projects, ${files} files${built.fromCache ? " (from the build cache)" : ""}`,
        );
        console.log(`    index: ${s.url}`);
        return s;
      },
    );
    const indexUrl = server.url;
    const projectDir = join(work, "example-app");
    await step("Copy examples/example-app to a temporary directory", async () => {
      cpSync(join(repo, "examples", "example-app"), projectDir, { recursive: true });
      console.log(`    ${projectDir}`);
    });
    const lockstep = (args: string[]) => run(args, projectDir, env);
    const lockPath = join(projectDir, "pylock.toml");

    await step(`lockstep lock --index-url ${indexUrl}   (cold cache)`, async () => {
      server?.resetStats();
      expectOk("lockstep lock", await lockstep(["lock", "--index-url", indexUrl]));
      const bytes = statSync(lockPath).size;
      console.log(
        `    wrote pylock.toml (${bytes} bytes) with ${server?.requests.length ?? 0} index requests`,
      );
    });
    await step("lockstep tree   (the lock summary)", async () => {
      expectOk("lockstep tree", await lockstep(["tree"]));
    });
    await step(`lockstep lock --index-url ${indexUrl}   (again: up to date)`, async () => {
      const before = readFileSync(lockPath);
      const mtime = statSync(lockPath).mtimeMs;
      server?.resetStats();
      expectOk("lockstep lock", await lockstep(["lock", "--index-url", indexUrl]));
      const untouched = readFileSync(lockPath).equals(before) && statSync(lockPath).mtimeMs === mtime;
      console.log(
        `    ${server?.requests.length ?? 0} index requests; pylock.toml ${untouched ? "untouched" : "REWRITTEN"}`,
      );
      if (!untouched) throw new Error("an up-to-date lock was rewritten");
    });
    await step(`lockstep lock --check --index-url ${indexUrl}`, async () => {
      expectOk("lockstep lock --check", await lockstep(["lock", "--check", "--index-url", indexUrl]));
      console.log("    the lock is fresh");
    });

    await afterLock({ projectDir, indexUrl, server, env, lockstep, step });
    console.log("\nDemo finished.");
  } finally {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
