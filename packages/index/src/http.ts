/**
 * The HTTP layer over node:http/https (`http-exchange.ts`; why not got is said there): keep-alive
 * agents, timeouts, retries with exponential backoff on 5xx/429 and connection resets, a redirect
 * limit, proxies from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (via hpagent), credentials attached per
 * host (see auth.ts), and a concurrency limit (p-limit).
 *
 * Limits, because an index is not trusted: a response body may be capped (`maxBytes` per request;
 * the client caps pages and metadata files), counted as it arrives, so a huge body is cut off as soon
 * as it passes the cap; decompression is ours and stops as soon as the output passes
 * the cap, so a small gzip that expands to gigabytes costs at most the cap in memory.
 *
 * Timeouts: a connect timeout (DNS + TCP + TLS) and a read-idle timeout (no byte for that long)
 * instead of one total timeout, so a big download on a slow link is fine but a stalled server fails
 * within the idle bound. A connect timeout is retried like a reset; an idle timeout is not (a server
 * that accepted and then said nothing for 30 s would only make the user wait again). `onWaiting` is
 * called once per request still unanswered after `waitingAfterMs`, so the CLI can say so.
 *
 * hpagent is imported only when a proxy applies; node:http itself is loaded with this module, which
 * commands that never touch the network (a no-op sync) do not import.
 */
import { createHash } from "node:crypto";
import { createWriteStream, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { constants as bufferConstants } from "node:buffer";
import zlib from "node:zlib";
import pLimit from "p-limit";
import { LockstepError } from "@lockstep/errors";
import type { IncomingMessage } from "node:http";
import type { CredentialStore } from "./auth";
import { redact } from "./auth";
import { exchange } from "./http-exchange";
import type { ExchangeOptions } from "./http-exchange";

/** Default connect timeout: 10 s (or `LOCKSTEP_CONNECT_TIMEOUT` seconds). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Default read-idle timeout: 30 s (or `LOCKSTEP_HTTP_TIMEOUT` seconds). */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** Default delay before `onWaiting` is called: 3 s (half the idle timeout when that is shorter). */
export const DEFAULT_WAITING_AFTER_MS = 3_000;

export interface WaitingNotice {
  /** host[:port] of the request, without credentials. */
  host: string;
  /** The URL, without credentials. */
  url: string;
  /** How long it has waited so far (ms). */
  waitedMs: number;
}

export interface HttpOptions {
  credentials: CredentialStore;
  /** Connect timeout (ms): DNS, TCP and TLS. Default 10 s (or `LOCKSTEP_CONNECT_TIMEOUT` seconds). */
  connectTimeoutMs?: number;
  /**
   * Read-idle timeout (ms): the longest silence between bytes once connected, headers included.
   * Default 30 s (or `LOCKSTEP_HTTP_TIMEOUT` seconds).
   */
  idleTimeoutMs?: number;
  /** Called once per request not finished after `waitingAfterMs` ("waiting for <host>…"). */
  onWaiting?: (notice: WaitingNotice) => void;
  /** Default 3 s. */
  waitingAfterMs?: number;
  /** Retries on 5xx/429/resets. Default 3. */
  retries?: number;
  /** First backoff delay (ms); doubles each retry. Default 200. */
  retryBaseDelayMs?: number;
  maxRedirects?: number;
  /** Concurrent requests. Default 50 (or `LOCKSTEP_CONCURRENT_DOWNLOADS`). */
  concurrency?: number;
  userAgent?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RequestOptions {
  /**
   * The largest body accepted, in bytes, both as sent and after decompression. Larger is an
   * `http-response-too-large` error naming the URL and the cap. Default: no cap.
   */
  maxBytes?: number;
  /** What the cap is for, in the error ("index page", "metadata file"). */
  what?: string;
}

export class ResponseTooLargeError extends LockstepError {
  constructor(url: string, maxBytes: number, what: string, decompressed: string | undefined) {
    super(
      "http-response-too-large",
      decompressed
        ? `The ${what} ${url} expands to more than ${formatBytes(maxBytes)} when decompressed (${decompressed}); refusing it`
        : `The ${what} ${url} is larger than ${formatBytes(maxBytes)}; refusing it`,
      { hint: "the limit protects against a hostile or broken index; raise it only for an index you trust" },
    );
  }
}

/** `64 MiB`, `1.5 KiB`, `12 bytes`. */
export function formatBytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

const DECODERS: Record<string, (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip) as (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>,
  "x-gzip": promisify(zlib.gunzip) as (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>,
  deflate: promisify(zlib.inflate) as (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>,
  br: promisify(zlib.brotliDecompress) as (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>,
};

/**
 * Undo `Content-Encoding`, stopping as soon as the output passes `maxBytes` (zlib's
 * `maxOutputLength`: the expansion is never held beyond the cap).
 */
export async function decodeBody(
  body: Buffer,
  encoding: string | undefined,
  url: string,
  maxBytes: number | undefined,
  what: string,
): Promise<Buffer> {
  const codings = (encoding ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  let out = body;
  // Codings are listed in the order they were applied: undo them from the last.
  for (const coding of codings.reverse()) {
    const decode = DECODERS[coding];
    if (!decode) {
      throw new LockstepError(
        "http-encoding-unsupported",
        `${url} was sent with Content-Encoding ${coding}, which lockstep cannot decode`,
      );
    }
    try {
      out = await decode(out, { maxOutputLength: maxBytes ?? bufferConstants.MAX_LENGTH });
    } catch (cause) {
      if ((cause as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" && maxBytes !== undefined) {
        throw new ResponseTooLargeError(url, maxBytes, what, coding);
      }
      throw new LockstepError(
        "http-decode-failed",
        `${url} could not be decoded (${coding}): ${(cause as Error).message}`,
        { cause },
      );
    }
  }
  return out;
}

/** Statuses and network errors a request is retried on (with exponential backoff). */
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504, 521, 522, 524]);
const RETRY_ERROR_CODES: readonly string[] = [
  "ETIMEDOUT",
  "ECONNRESET",
  "EADDRINUSE",
  "ECONNREFUSED",
  "EPIPE",
  "ENOTFOUND",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ERR_STREAM_PREMATURE_CLOSE",
];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A response body in memory, refused as soon as it passes `maxBytes` (by its Content-Length, or as
 * it arrives). A body that ends before its Content-Length is a reset (`ECONNRESET`, retried).
 */
async function readBody(
  response: IncomingMessage,
  shown: string,
  maxBytes: number | undefined,
  what: string,
): Promise<Buffer> {
  const declared = Number(response.headers["content-length"]);
  if (maxBytes !== undefined && Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new ResponseTooLargeError(shown, maxBytes, what, undefined);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (maxBytes !== undefined && n > maxBytes) {
      response.destroy();
      throw new ResponseTooLargeError(shown, maxBytes, what, undefined);
    }
    chunks.push(chunk);
  }
  if (!response.complete) throw Object.assign(new Error("The body was cut short"), { code: "ECONNRESET" });
  return Buffer.concat(chunks, n);
}

/** Network failures worth another attempt: resets, refused connections, connect timeouts (not idle ones). */
function retryable(cause: unknown): boolean {
  const err = cause as { code?: string; name?: string; event?: string };
  if (err.name === "TimeoutError") return err.event !== "socket";
  return RETRY_ERROR_CODES.includes(err.code ?? "");
}

export interface DownloadResult {
  status: number;
  /** Final URL after redirects, without credentials. */
  url: string;
  /** Body bytes written (0 unless status is 200). */
  bytes: number;
  /** Hex digest per requested algorithm (empty unless status is 200). */
  digests: Record<string, string>;
  /**
   * A 206 answer to the request's `range`: the part, held in memory (capped by `maxPartBytes`), and
   * its Content-Range header. Nothing is written to the file then.
   */
  part?: { body: Buffer; contentRange: string | undefined } | undefined;
}

class RedirectLoopError extends LockstepError {
  constructor(url: string) {
    super("http-redirect-loop", `Redirect loop at ${url}`, {
      hint: "the server redirects back to a URL it already sent us to; check the index URL",
    });
  }
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** Final URL after redirects. */
  url: string;
}

export interface HttpStats {
  requests: number;
  bytes: number;
  notModified: number;
}

/** Whether `NO_PROXY` exempts `url`. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.toLowerCase();
  return noProxy
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .some((rule) => {
      if (rule === "*") return true;
      const [ruleHost, rulePort] = rule.split(":");
      if (rulePort && rulePort !== url.port) return false;
      const bare = (ruleHost as string).replace(/^\*?\./, "");
      return host === bare || host.endsWith(`.${bare}`);
    });
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(2)} s`;
}

export class HttpClient {
  readonly stats: HttpStats = { requests: 0, bytes: 0, notModified: 0 };
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private proxyAgents: { http?: http.Agent; https?: https.Agent } | undefined;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: HttpOptions) {
    this.env = options.env ?? process.env;
    const concurrency = options.concurrency ?? (Number(this.env.LOCKSTEP_CONCURRENT_DOWNLOADS) || 50);
    this.limit = pLimit(concurrency);
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: concurrency }),
      https: new https.Agent({ keepAlive: true, maxSockets: concurrency }),
    };
  }

  private async agentFor(url: URL): Promise<{ http?: http.Agent; https?: https.Agent }> {
    const proxy =
      url.protocol === "https:"
        ? (this.env.HTTPS_PROXY ?? this.env.https_proxy ?? this.env.ALL_PROXY ?? this.env.all_proxy)
        : (this.env.HTTP_PROXY ?? this.env.http_proxy ?? this.env.ALL_PROXY ?? this.env.all_proxy);
    if (!proxy || bypassesProxy(url, this.env.NO_PROXY ?? this.env.no_proxy)) return this.agents;
    if (!this.proxyAgents) {
      const { HttpProxyAgent, HttpsProxyAgent } = await import("hpagent");
      this.proxyAgents = {
        http: new HttpProxyAgent({ keepAlive: true, proxy }),
        https: new HttpsProxyAgent({ keepAlive: true, proxy }),
      };
    }
    return this.proxyAgents;
  }

  get connectTimeoutMs(): number {
    return (
      this.options.connectTimeoutMs ??
      (Number(this.env.LOCKSTEP_CONNECT_TIMEOUT) * 1000 || DEFAULT_CONNECT_TIMEOUT_MS)
    );
  }

  get idleTimeoutMs(): number {
    return (
      this.options.idleTimeoutMs ?? (Number(this.env.LOCKSTEP_HTTP_TIMEOUT) * 1000 || DEFAULT_IDLE_TIMEOUT_MS)
    );
  }

  /** When `onWaiting` fires: 3 s, or half the idle timeout if that is shorter (the notice comes first). */
  /** The "waiting for <host>…" timer of one request (cleared when it ends), if anyone listens. */
  private waitingNotice(target: URL, shown: string): NodeJS.Timeout | undefined {
    const onWaiting = this.options.onWaiting;
    if (!onWaiting) return undefined;
    const started = Date.now();
    const timer = setTimeout(
      () => onWaiting({ host: target.host, url: shown, waitedMs: Date.now() - started }),
      this.waitingAfterMs,
    );
    timer.unref();
    return timer;
  }

  get waitingAfterMs(): number {
    return this.options.waitingAfterMs ?? Math.min(DEFAULT_WAITING_AFTER_MS, this.idleTimeoutMs / 2);
  }

  /** GET `url`. Never throws on HTTP status; throws LockstepError on network failure after retries. */
  async get(
    url: string,
    headers: Record<string, string> = {},
    request: RequestOptions = {},
  ): Promise<HttpResponse> {
    return this.limit(async () => {
      const target = new URL(url);
      const auth = this.options.credentials.authorization(target);
      const retries = this.options.retries ?? 3;
      const what = request.what ?? "response from";
      const maxBytes = request.maxBytes;
      const shown = redact(url);
      const waiting = this.waitingNotice(target, shown);
      this.stats.requests++;
      const sendHeaders = {
        "user-agent": this.options.userAgent ?? "lockstep/0.1",
        "accept-encoding": "gzip, deflate, br",
        ...(auth ? { authorization: auth } : {}),
        ...headers,
      };
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            const { response, url: answered } = await exchange(
              target,
              await this.exchangeOptions(target, sendHeaders),
            );
            const status = response.statusCode ?? 0;
            if (RETRY_STATUSES.has(status) && attempt <= retries) {
              response.resume();
              await this.backoff(attempt);
              continue;
            }
            const raw = await readBody(response, shown, maxBytes, what);
            this.stats.bytes += raw.length;
            if (status === 304) this.stats.notModified++;
            const outHeaders: Record<string, string | undefined> = {};
            for (const [k, v] of Object.entries(response.headers))
              outHeaders[k] = Array.isArray(v) ? v.join(", ") : v;
            const finalUrl = redact(answered.href);
            const body = await decodeBody(raw, outHeaders["content-encoding"], finalUrl, maxBytes, what);
            delete outHeaders["content-encoding"];
            return { status, headers: outHeaders, body, url: finalUrl };
          } catch (cause) {
            if (cause instanceof LockstepError) throw cause;
            if (retryable(cause) && attempt <= retries) {
              await this.backoff(attempt);
              continue;
            }
            throw this.failure(cause, target, shown, attempt, this.connectTimeoutMs, this.idleTimeoutMs);
          }
        }
      } finally {
        if (waiting) clearTimeout(waiting);
      }
    });
  }

  private backoff(attempt: number): Promise<void> {
    return sleep((this.options.retryBaseDelayMs ?? 200) * 2 ** (attempt - 1));
  }

  private async exchangeOptions(target: URL, headers: Record<string, string>): Promise<ExchangeOptions> {
    const agents = await this.agentFor(target);
    // Each attempt starts its own chain: a loop is a URL seen twice within one chain.
    const visited = new Set<string>([target.href]);
    return {
      headers,
      agent: target.protocol === "https:" ? agents.https : agents.http,
      agentFor: (next) => (next.protocol === "https:" ? agents.https : agents.http),
      connectTimeoutMs: this.connectTimeoutMs,
      idleTimeoutMs: this.idleTimeoutMs,
      maxRedirects: this.options.maxRedirects ?? 10,
      beforeRedirect: (next, sent) => {
        if (visited.has(next.href)) throw new RedirectLoopError(redact(next.href));
        visited.add(next.href);
        // Credentials belong to one host and never follow a redirect to another.
        if (next.host !== target.host) {
          delete sent.authorization;
          const own = this.options.credentials.authorization(next);
          if (own) sent.authorization = own;
        }
      },
    };
  }

  /**
   * GET `url` into the file `dest` (created; removed again on any failure), never holding the body
   * in memory: each chunk is counted, hashed with `algorithms` and written as it arrives. A body
   * over `maxBytes` (by its Content-Length, or as it arrives) is refused. Retries like `get` (5xx,
   * 429, resets; not an idle timeout); a final status other than 200 is returned with no file
   * (a 206 to `range` with its part in memory).
   */
  async download(
    url: string,
    dest: string,
    request: RequestOptions & {
      algorithms: readonly string[];
      /** Called as bytes arrive: bytes so far (restarting at 0 on a retry), Content-Length if sent. */
      onProgress?: ((bytes: number, total: number | undefined) => void) | undefined;
      /**
       * A `Range` header value (`bytes=-65558`). A server that honours it answers 206: that part is
       * returned in memory (`part`), capped by `maxPartBytes`. A server that ignores it answers 200
       * with the whole file, which is streamed to `dest` as without a range, so asking first costs
       * nothing extra on a static server.
       */
      range?: string | undefined;
      maxPartBytes?: number | undefined;
    },
  ): Promise<DownloadResult> {
    return this.limit(async () => {
      const target = new URL(url);
      const shown = redact(url);
      const what = request.what ?? "file";
      const { maxBytes } = request;
      const retries = this.options.retries ?? 3;
      const waiting = this.waitingNotice(target, shown);
      const auth = this.options.credentials.authorization(target);
      const sendHeaders = {
        "user-agent": this.options.userAgent ?? "lockstep/0.1",
        "accept-encoding": "identity",
        ...(auth ? { authorization: auth } : {}),
        ...(request.range !== undefined ? { range: request.range } : {}),
      };
      try {
        for (let attempt = 1; ; attempt++) {
          this.stats.requests++;
          let response: IncomingMessage | undefined;
          try {
            const answer = await exchange(target, await this.exchangeOptions(target, sendHeaders));
            response = answer.response;
            const status = response.statusCode ?? 0;
            const answered = redact(answer.url.href);
            if (status === 206 && request.range !== undefined) {
              const body = await readBody(response, shown, request.maxPartBytes, "range response from");
              this.stats.bytes += body.length;
              const contentRange = response.headers["content-range"];
              return { status, url: answered, bytes: 0, digests: {}, part: { body, contentRange } };
            }
            if (status !== 200) {
              response.resume();
              if (RETRY_STATUSES.has(status) && attempt <= retries) {
                await this.backoff(attempt);
                continue;
              }
              return { status, url: answered, bytes: 0, digests: {} };
            }
            const declared = Number(response.headers["content-length"]);
            if (maxBytes !== undefined && Number.isFinite(declared) && declared > maxBytes) {
              throw new ResponseTooLargeError(shown, maxBytes, what, undefined);
            }
            const hashers = request.algorithms.map(
              (a) => [a, createHash(a === "blake2b" ? "blake2b512" : a)] as const,
            );
            let bytes = 0;
            const onProgress = request.onProgress;
            const total = Number.isFinite(declared) ? declared : undefined;
            onProgress?.(0, total);
            const meter = new Transform({
              transform(chunk: Buffer, _encoding, done) {
                bytes += chunk.length;
                if (maxBytes !== undefined && bytes > maxBytes) {
                  done(new ResponseTooLargeError(shown, maxBytes, what, undefined));
                  return;
                }
                for (const [, h] of hashers) h.update(chunk);
                onProgress?.(bytes, total);
                done(null, chunk);
              },
            });
            await pipeline(response, meter, createWriteStream(dest, { flags: "w" }));
            if (!response.complete)
              throw Object.assign(new Error("The body was cut short"), { code: "ECONNRESET" });
            this.stats.bytes += bytes;
            const digests: Record<string, string> = {};
            for (const [a, h] of hashers) digests[a] = h.digest("hex");
            return { status: 200, url: answered, bytes, digests };
          } catch (cause) {
            response?.destroy();
            rmSync(dest, { force: true });
            if (cause instanceof LockstepError) throw cause;
            if (retryable(cause) && attempt <= retries) {
              await this.backoff(attempt);
              continue;
            }
            throw this.failure(cause, target, shown, attempt, this.connectTimeoutMs, this.idleTimeoutMs);
          }
        }
      } finally {
        if (waiting) clearTimeout(waiting);
      }
    });
  }

  /** One clear error for a request that failed for good: names the host or URL and what went wrong. */
  private failure(
    cause: unknown,
    target: URL,
    shown: string,
    attempts: number,
    connectMs: number,
    idleMs: number,
  ): LockstepError {
    let inner: unknown = cause;
    while (inner instanceof Error && !(inner instanceof LockstepError) && inner.cause !== undefined)
      inner = inner.cause;
    if (inner instanceof RedirectLoopError) return inner;
    const err = cause as { code?: string; event?: string; name?: string; message?: string };
    const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
    if (err.name === "MaxRedirectsError") {
      return new LockstepError(
        "http-too-many-redirects",
        `Too many redirects from ${shown}: ${err.message}`,
        {
          cause,
        },
      );
    }
    if (err.name === "TimeoutError" && err.event === "socket") {
      return new LockstepError(
        "http-stalled",
        `${target.host} stopped answering: nothing received for ${seconds(idleMs)} from ${shown}`,
        {
          cause,
          hint: "the index accepted the connection but sent nothing; raise LOCKSTEP_HTTP_TIMEOUT (seconds) for a slow index",
        },
      );
    }
    if (err.name === "TimeoutError") {
      return new LockstepError(
        "http-connect-timeout",
        `Could not connect to ${target.host} within ${seconds(connectMs)} (${tries}) for ${shown}`,
        {
          cause,
          hint: "check the index URL, your network or proxy; raise LOCKSTEP_CONNECT_TIMEOUT (seconds)",
        },
      );
    }
    const code = err.code ?? "";
    return new LockstepError(
      "http-failed",
      `Request to ${shown} failed after ${tries}: ${code ? `${code}: ` : ""}${err.message ?? String(cause)}`,
      { cause, hint: "check the index URL and your network; `--offline` uses the cache alone" },
    );
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
    this.proxyAgents?.http?.destroy();
    this.proxyAgents?.https?.destroy();
  }
}
