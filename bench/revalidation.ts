/**
 * How concurrent a re-lock's revalidation is: the jupyterlab+notebook graph of the 2026 snapshot,
 * served as a static mirror (no Cache-Control) behind a proxy that delays every page answer by DELAY
 * ms (default 200, a far index), locked once, then re-locked (`lock --upgrade`) with every cached
 * page stale (LOCKSTEP_CACHE_TTL=0). Prints the page requests, the most in flight at once and the
 * wall time of each re-lock. Not part of `pnpm bench` (it needs a built bundle and takes a minute):
 *
 *   DELAY=200 npx tsx bench/revalidation.ts packages/cli/dist/lockstep.mjs
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildUniverse, resolveUniverseSource, startIndexServer } from "@lockstep/fixtures";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const bundle = resolve(process.argv[2] ?? join(ROOT, "packages/cli/dist/lockstep.mjs"));
const delayMs = Number(process.env.DELAY ?? 200);
const source = resolveUniverseSource(join(ROOT, "../shared/data/pypi-snapshots/pypi-2026-wheels.json"));
const server = await startIndexServer(await buildUniverse(source.universe), { cacheControl: false });
let inflight = 0;
let most = 0;
let pages = 0;
const proxy = createServer((req, res) => {
  const isPage = (req.url ?? "").startsWith("/simple/");
  if (isPage) {
    inflight++;
    pages++;
    most = Math.max(most, inflight);
  }
  const forward = (): void => {
    const upstream = request(
      { host: "127.0.0.1", port: server.port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
        r.on("end", () => {
          if (isPage) inflight--;
        });
      },
    );
    upstream.end();
  };
  if (isPage) setTimeout(forward, delayMs);
  else forward();
});
await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
const port = (proxy.address() as AddressInfo).port;
const dir = mkdtempSync(join(tmpdir(), "ls-bench-revalidation-"));
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, "pyproject.toml"),
  `[project]\nname = "x"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["jupyterlab", "notebook"]\n` +
    `[tool.lockstep]\nenvironments = ["sys_platform == 'linux' and platform_machine == 'x86_64'"]\n`,
);
const lock = (env: Record<string, string>): Promise<number> =>
  new Promise((done) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [bundle, "lock", "--upgrade", "--index-url", `http://127.0.0.1:${port}/simple`],
      { cwd: dir, env: { ...process.env, LOCKSTEP_CACHE_DIR: join(dir, "cache"), ...env }, stdio: "inherit" },
    );
    child.on("close", () => done(performance.now() - started));
  });
try {
  await lock({});
  for (let i = 0; i < 3; i++) {
    inflight = 0;
    most = 0;
    pages = 0;
    const ms = await lock({ LOCKSTEP_CACHE_TTL: "0" });
    process.stdout.write(`${pages} page requests, at most ${most} in flight, ${ms.toFixed(0)} ms\n`);
  }
} finally {
  proxy.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
