/**
 * The HTTP layer (http.ts, over got), against small loopback servers that
 * misbehave in ways the fixture index does not: redirects across hosts (credentials must not
 * follow), too many redirects, a body cut short before its Content-Length (retried), a body that
 * stalls half-way (not retried: the idle timeout), and a Content-Length over the cap.
 */
import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { CredentialStore } from "./auth";
import { HttpClient } from "./http";

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server on 127.0.0.1; `seen` gets each request's path and headers; `n` counts per path. */
async function serve(
  handler: Handler,
): Promise<{ origin: string; seen: Array<[string, IncomingHttpHeaders]> }> {
  const seen: Array<[string, IncomingHttpHeaders]> = [];
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    seen.push([path, req.headers]);
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    handler(req, res, n);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function client(credentials = new CredentialStore("/nonexistent"), idleTimeoutMs = 2000): HttpClient {
  return new HttpClient({ credentials, retryBaseDelayMs: 1, idleTimeoutMs, env: {} });
}

describe("redirects", () => {
  test("are followed; credentials go to their own host only", async () => {
    const other = await serve((_req, res) => res.end("from the other host"));
    // The same server under another host name: `localhost` is not `127.0.0.1` for credentials.
    const elsewhere = other.origin.replace("127.0.0.1", "localhost");
    const first = await serve((req, res) => {
      res.writeHead(302, { location: req.url === "/a" ? "/b" : `${elsewhere}/c` });
      res.end();
    });
    const credentials = new CredentialStore("/nonexistent");
    credentials.addIndex(first.origin.replace("http://", "http://user:secret@"));
    const http = client(credentials);
    const res = await http.get(`${first.origin}/a`);
    expect([res.status, res.body.toString(), res.url]).toEqual([
      200,
      "from the other host",
      `${elsewhere}/c`,
    ]);
    expect(first.seen.map(([path, h]) => [path, h.authorization])).toEqual([
      ["/a", `Basic ${Buffer.from("user:secret").toString("base64")}`],
      ["/b", `Basic ${Buffer.from("user:secret").toString("base64")}`],
    ]);
    expect(other.seen.map(([path, h]) => [path, h.authorization])).toEqual([["/c", undefined]]);
    http.close();
  });

  test("more than maxRedirects is an error naming the URL", async () => {
    const s = await serve((req, res) => {
      res.writeHead(301, { location: `${req.url}x` });
      res.end();
    });
    const http = new HttpClient({
      credentials: new CredentialStore("/nonexistent"),
      maxRedirects: 2,
      env: {},
    });
    await expect(http.get(`${s.origin}/r`)).rejects.toThrow(
      `Too many redirects from ${s.origin}/r: Redirected 2 times. Aborting.`,
    );
    expect(s.seen.map(([path]) => path)).toEqual(["/r", "/rx", "/rxx"]);
    http.close();
  });
});

describe("bodies", () => {
  test.each([
    ["get", (http: HttpClient, url: string) => http.get(url).then((r) => r.body.toString())],
    [
      "download",
      async (http: HttpClient, url: string) => {
        const { mkdtempSync, readFileSync } = await import("node:fs");
        const { join } = await import("node:path");
        const { tmpdir } = await import("node:os");
        const dest = join(mkdtempSync(join(tmpdir(), "lockstep-http-")), "f");
        await http.download(url, dest, { algorithms: ["sha256"] });
        return readFileSync(dest, "utf8");
      },
    ],
  ] as const)("a body cut short before its Content-Length is retried (%s)", async (_label, fetch) => {
    const s = await serve((_req, res, n) => {
      res.writeHead(200, { "content-length": "10" });
      if (n === 1) {
        res.write("01234");
        res.socket?.destroy();
      } else res.end("0123456789");
    });
    const http = client();
    expect(await fetch(http, `${s.origin}/f`)).toBe("0123456789");
    expect(s.seen).toHaveLength(2);
    http.close();
  });

  test("a body that stalls half-way fails within the idle timeout and is not retried", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-length": "10" });
      res.write("01234"); // and nothing more
    });
    const http = client(undefined, 300);
    await expect(http.get(`${s.origin}/slow`)).rejects.toThrow(
      `127.0.0.1:${new URL(s.origin).port} stopped answering: nothing received for 0.30 s from ${s.origin}/slow`,
    );
    expect(s.seen).toHaveLength(1);
    http.close();
  });

  test("a Content-Length over the cap is refused before the body is read", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-length": String(10 * 1024 * 1024) });
      res.write("x");
    });
    const http = client();
    await expect(http.get(`${s.origin}/big`, {}, { maxBytes: 1024, what: "index page" })).rejects.toThrow(
      `The index page ${s.origin}/big is larger than 1 KiB; refusing it`,
    );
    http.close();
  });
});
