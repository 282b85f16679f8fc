/**
 * One HTTP GET over `node:http`/`node:https` (RFC 9110): redirects followed (301, 302, 303, 307,
 * 308, each shown to a hook that may refuse it or change the headers), a connect timeout and a
 * read-idle timeout, the response handed back as a stream with nothing decoded. Retries, body caps
 * and decoding are the caller's (http.ts).
 *
 * Why not got, which design.md names: on a cold lock got's bundle chunk and its dependencies cost
 * 30–35 ms to load before the first request could leave (the largest single module on that path
 * of a ~230 ms cheroot lock), and its per-request machinery ~0.3 ms of CPU per request (54 ms of
 * a jupyterlab cold lock's 190 requests, `node --cpu-prof`), while lockstep used none of what
 * makes got worth it (its retries, decompression and caching were already off or done here).
 *
 * Errors carry the shape `HttpClient` reports from: `TimeoutError` with `event` "connect" (DNS,
 * TCP, TLS took longer than the connect timeout) or "socket" (silence past the idle timeout once
 * connected, also mid-body), `MaxRedirectsError`, or Node's own network errors with their `code`
 * (a body cut short before its Content-Length is `ECONNRESET`).
 */
import http from "node:http";
import type { IncomingMessage } from "node:http";
import https from "node:https";

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
  constructor(
    readonly event: "connect" | "socket",
    ms: number,
  ) {
    super(
      event === "connect"
        ? `Timeout awaiting 'connect' for ${ms}ms`
        : `Timeout awaiting 'socket' for ${ms}ms`,
    );
  }
}

export class MaxRedirectsError extends Error {
  override readonly name = "MaxRedirectsError";
}

export interface ExchangeOptions {
  headers: Record<string, string>;
  agent: http.Agent | undefined;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  maxRedirects: number;
  /** Before following a redirect to `next`: may edit `headers` (credentials), or throw to refuse. */
  beforeRedirect: (next: URL, headers: Record<string, string>) => void;
  /** The agent for a redirect target (its protocol may differ). */
  agentFor: (url: URL) => http.Agent | undefined;
}

export interface Exchange {
  response: IncomingMessage;
  /** The URL that answered, after redirects. */
  url: URL;
}

/** GET `url`, following redirects; resolves once the final response's headers are in. */
export async function exchange(url: URL, opts: ExchangeOptions): Promise<Exchange> {
  const headers = { ...opts.headers };
  let current = url;
  let agent = opts.agent;
  for (let redirects = 0; ; redirects++) {
    const response = await send(current, headers, agent, opts);
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.statusCode ?? 0) || location === undefined) {
      return { response, url: current };
    }
    response.resume(); // drained, so a keep-alive socket goes back to the pool
    if (redirects >= opts.maxRedirects) {
      throw new MaxRedirectsError(`Redirected ${redirects} times. Aborting.`);
    }
    const next = new URL(location, current);
    opts.beforeRedirect(next, headers);
    if (next.protocol !== current.protocol) agent = opts.agentFor(next);
    current = next;
  }
}

function send(
  url: URL,
  headers: Record<string, string>,
  agent: http.Agent | undefined,
  opts: ExchangeOptions,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "https:";
    const req = (secure ? https : http).request(url, { method: "GET", headers, agent });
    let response: IncomingMessage | undefined;
    const fail = (error: Error): void => {
      // After the headers, the body's reader hears it through the response stream.
      if (response) response.destroy(error);
      req.destroy(error);
    };
    const connectTimer = setTimeout(
      () => fail(new TimeoutError("connect", opts.connectTimeoutMs)),
      opts.connectTimeoutMs,
    );
    req.once("socket", (socket) => {
      // A pooled keep-alive socket is connected already; a new one reports when it is.
      const pending = (socket as { pending?: boolean }).pending === true || socket.connecting;
      if (!pending) clearTimeout(connectTimer);
      else socket.once(secure ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
    });
    req.setTimeout(opts.idleTimeoutMs, () => fail(new TimeoutError("socket", opts.idleTimeoutMs)));
    req.once("response", (res) => {
      clearTimeout(connectTimer);
      response = res;
      // The idle timer stays on the socket until the body is read; then it belongs to the pool.
      res.once("end", () => req.setTimeout(0));
      resolve(res);
    });
    req.once("error", (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    req.end();
  });
}
