/**
 * Local git repositories for tests: `git init` in a temporary directory, commits with a fixed
 * author and clock (so ids are the same on every run of one test), tags and branches; served over
 * loopback by `git daemon` (`git://`) or by `git http-backend` behind a small node HTTP server that
 * demands Basic credentials (`http://user:password@127.0.0.1:…`), so tests cover a remote transport
 * and credential redaction without the internet.
 */

import { execFileSync, spawn } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { dirname, join } from "node:path";

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.invalid",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.invalid",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

export class TestRepo {
  private clock = 1_700_000_000;
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.git("init", "--quiet", "--initial-branch=main");
  }

  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.dir, env: ENV, encoding: "utf8" }).trim();
  }

  /** Write `files` (path → text), commit them, return the commit id. */
  commit(message: string, files: Record<string, string>): string {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, path)), { recursive: true });
      writeFileSync(join(this.dir, path), text);
    }
    this.git("add", "--all");
    this.clock += 60;
    const date = `${this.clock} +0000`;
    execFileSync("git", ["commit", "--quiet", "-m", message], {
      cwd: this.dir,
      env: { ...ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    return this.git("rev-parse", "HEAD");
  }

  /** An annotated tag (its own id is not the commit's: resolving must peel it). */
  tag(name: string, annotated = true): void {
    if (annotated) this.git("tag", "-a", name, "-m", name);
    else this.git("tag", name);
  }

  branch(name: string, checkout = false): void {
    this.git(checkout ? "checkout" : "branch", ...(checkout ? ["--quiet", "-b", name] : [name]));
  }

  checkout(ref: string): void {
    this.git("checkout", "--quiet", ref);
  }

  get fileUrl(): string {
    return `file://${this.dir}`;
  }
}

/** A free TCP port on 127.0.0.1 (released again; the caller binds it right away). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface GitDaemon {
  /** `git://127.0.0.1:<port>/<name>` for a repository directory directly under the base. */
  url(name: string): string;
  close(): Promise<void>;
}

/** Serve every repository under `base` read-only with `git daemon` on a free loopback port. */
export async function serveGitDaemon(base: string): Promise<GitDaemon> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "git",
    [
      "daemon",
      "--reuseaddr",
      "--export-all",
      `--base-path=${base}`,
      "--listen=127.0.0.1",
      `--port=${port}`,
      base,
    ],
    { env: ENV, stdio: "ignore" },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`git daemon did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: (name) => `git://127.0.0.1:${port}/${name}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}

export interface GitHttpServer {
  /** `http://<user>:<password>@127.0.0.1:<port>/<name>`. */
  url(name: string): string;
  /** Requests served, to show that a cached commit needs none. */
  requests: number;
  close(): Promise<void>;
}

/** Serve repositories under `base` through `git http-backend`, requiring user:password. */
export async function serveGitHttp(base: string, user: string, password: string): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const state = { requests: 0 };
  const server = createHttpServer((req, res) => {
    state.requests++;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="git"' });
      res.end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const child = spawn("git", ["http-backend"], {
      env: {
        ...ENV,
        GIT_PROJECT_ROOT: base,
        GIT_HTTP_EXPORT_ALL: "1",
        REQUEST_METHOD: req.method ?? "GET",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        REMOTE_USER: user,
        REMOTE_ADDR: "127.0.0.1",
        GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
        HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"] ?? ""),
      },
      stdio: ["pipe", "pipe", "ignore"],
    });
    req.pipe(child.stdin);
    const chunks: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => chunks.push(b));
    child.on("close", () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf("\r\n\r\n");
      const head = all.subarray(0, end).toString("latin1");
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.split("\r\n")) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const key = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (key === "status") status = Number.parseInt(value, 10);
        else headers[key] = value;
      }
      res.writeHead(status, headers);
      res.end(all.subarray(end + 4));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: (name) => `http://${user}:${password}@127.0.0.1:${port}/${name}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
