/**
 * The HTTP layer, through `got`: keep-alive agents, timeouts, retries with exponential backoff on
 * 5xx/429 and connection resets, a redirect limit, proxies from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`
 * (via hpagent), credentials attached per host (see auth.ts), and a concurrency limit (p-limit).
 *
 * Limits, because an index is not trusted: a response body may be capped (`maxBytes` per request;
 * the client caps pages and metadata files), counted as it arrives, so a huge body is cut off as soon
 * as it passes the cap; decompression is ours (got's is off) and stops as soon as the output passes
 * the cap, so a small gzip that expands to gigabytes costs at most the cap in memory.
 *
 * Timeouts: a connect timeout (DNS + TCP + TLS) and a read-idle timeout (no byte for that long)
 * instead of one total timeout, so a big download on a slow link is fine but a stalled server fails
 * within the idle bound. A connect timeout is retried like a reset; an idle timeout is not (a server
 * that accepted and then said nothing for 30 s would only make the user wait again). `onWaiting` is
 * called once per request still unanswered after `waitingAfterMs`, so the CLI can say so.
 *
 * `got` is imported lazily: commands that never touch the network (a no-op sync) must not pay for it.
 */
import { createHash } from "node:crypto";
import { createWriteStream, rmSync } from "node:fs";
import type { WriteStream } from "node:fs";
import http from "node:http";
import https from "node:https";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { constants as bufferConstants } from "node:buffer";
import zlib from "node:zlib";
import pLimit from "p-limit";
import { LockstepError } from "@lockstep/errors";
import type { Got } from "got";
import type { CredentialStore } from "./auth";
import { redact } from "./auth";

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

/** A partial (206) body in memory, refused as soon as it passes `maxBytes`. */
async function readPart(
  stream: AsyncIterable<Buffer> & { destroy(): void },
  shown: string,
  maxBytes: number | undefined,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    n += chunk.length;
    if (maxBytes !== undefined && n > maxBytes) {
      stream.destroy();
      throw new ResponseTooLargeError(shown, maxBytes, "range response from", undefined);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, n);
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
  private gotPromise: Promise<Got> | undefined;
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

  private async got(): Promise<Got> {
    this.gotPromise ??= import("got").then((m) => m.default);
    return this.gotPromise;
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
      const got = await this.got();
      const target = new URL(url);
      const auth = this.options.credentials.authorization(target);
      const base = this.options.retryBaseDelayMs ?? 200;
      const retries = this.options.retries ?? 3;
      const what = request.what ?? "response from";
      const maxBytes = request.maxBytes;
      const shown = redact(url);
      const connectMs = this.connectTimeoutMs;
      const idleMs = this.idleTimeoutMs;
      let attempts = 1;
      let tooLarge = false;
      const visited = new Set<string>([target.href]);
      const waiting = this.waitingNotice(target, shown);
      this.stats.requests++;
      try {
        const promise = got(target, {
          headers: {
            "user-agent": this.options.userAgent ?? "lockstep/0.1",
            "accept-encoding": "gzip, deflate, br",
            ...(auth ? { authorization: auth } : {}),
            ...headers,
          },
          agent: await this.agentFor(target),
          responseType: "buffer",
          // Decompressed here, with a cap (decodeBody): got's would expand without limit.
          decompress: false,
          throwHttpErrors: false,
          followRedirect: true,
          maxRedirects: this.options.maxRedirects ?? 10,
          timeout: { lookup: connectMs, connect: connectMs, secureConnect: connectMs, socket: idleMs },
          retry: {
            limit: retries,
            methods: ["GET", "HEAD"],
            statusCodes: [...RETRY_STATUSES],
            errorCodes: [...RETRY_ERROR_CODES],
            calculateDelay: ({ attemptCount, computedValue, error }) => {
              if (computedValue === 0 || tooLarge) return 0;
              if ((error as { event?: string }).event === "socket") return 0;
              return base * 2 ** (attemptCount - 1);
            },
          },
          hooks: {
            beforeRetry: [
              () => {
                attempts++;
                visited.clear();
                visited.add(target.href);
              },
            ],
            beforeRedirect: [this.redirectHook(target, visited)],
          },
        });
        if (maxBytes !== undefined) {
          promise.on("downloadProgress", (p: { transferred: number; total?: number | undefined }) => {
            if (!tooLarge && (p.transferred > maxBytes || (p.total ?? 0) > maxBytes)) {
              tooLarge = true;
              promise.cancel();
            }
          });
        }
        const res = await promise;
        this.stats.bytes += res.body.length;
        if (res.statusCode === 304) this.stats.notModified++;
        const outHeaders: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) outHeaders[k] = Array.isArray(v) ? v.join(", ") : v;
        const finalUrl = redact(res.url);
        const body = await decodeBody(res.body, outHeaders["content-encoding"], finalUrl, maxBytes, what);
        delete outHeaders["content-encoding"];
        return { status: res.statusCode, headers: outHeaders, body, url: finalUrl };
      } catch (cause) {
        if (tooLarge && maxBytes !== undefined)
          throw new ResponseTooLargeError(shown, maxBytes, what, undefined);
        if (cause instanceof LockstepError) throw cause;
        throw this.failure(cause, target, shown, attempts, connectMs, idleMs);
      } finally {
        if (waiting) clearTimeout(waiting);
      }
    });
  }

  /** Refuses a redirect loop; credentials belong to one host and never follow a redirect to another. */
  private redirectHook(
    target: URL,
    visited: Set<string>,
  ): (opts: { url?: URL | string | undefined; headers: Record<string, unknown> }) => void {
    return (opts) => {
      const next = opts.url instanceof URL ? opts.url : undefined;
      if (next) {
        if (visited.has(next.href)) throw new RedirectLoopError(redact(next.href));
        visited.add(next.href);
      }
      if (next && next.host !== target.host) {
        delete opts.headers.authorization;
        const own = this.options.credentials.authorization(next);
        if (own) opts.headers.authorization = own;
      }
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
      const got = await this.got();
      const target = new URL(url);
      const shown = redact(url);
      const what = request.what ?? "file";
      const { maxBytes } = request;
      const retries = this.options.retries ?? 3;
      const base = this.options.retryBaseDelayMs ?? 200;
      const connectMs = this.connectTimeoutMs;
      const idleMs = this.idleTimeoutMs;
      const waiting = this.waitingNotice(target, shown);
      const auth = this.options.credentials.authorization(target);
      let attempt = 0;
      try {
        for (;;) {
          attempt++;
          this.stats.requests++;
          const visited = new Set<string>([target.href]);
          const stream = got.stream(target, {
            headers: {
              "user-agent": this.options.userAgent ?? "lockstep/0.1",
              "accept-encoding": "identity",
              ...(auth ? { authorization: auth } : {}),
              ...(request.range !== undefined ? { range: request.range } : {}),
            },
            agent: await this.agentFor(target),
            decompress: false,
            throwHttpErrors: false,
            followRedirect: true,
            maxRedirects: this.options.maxRedirects ?? 10,
            timeout: { lookup: connectMs, connect: connectMs, secureConnect: connectMs, socket: idleMs },
            retry: { limit: 0 },
            hooks: { beforeRedirect: [this.redirectHook(target, visited)] },
          });
          let sink: WriteStream | undefined;
          try {
            const res = await new Promise<{
              statusCode: number;
              url: string;
              headers: Record<string, string | string[] | undefined>;
            }>((resolveResponse, reject) => {
              stream.once("response", resolveResponse);
              stream.once("error", reject);
            });
            if (res.statusCode === 206 && request.range !== undefined) {
              const body = await readPart(stream, shown, request.maxPartBytes);
              this.stats.bytes += body.length;
              const contentRange = res.headers["content-range"];
              return {
                status: 206,
                url: redact(res.url),
                bytes: 0,
                digests: {},
                part: { body, contentRange: Array.isArray(contentRange) ? contentRange[0] : contentRange },
              };
            }
            if (res.statusCode !== 200) {
              stream.destroy();
              if (RETRY_STATUSES.has(res.statusCode) && attempt <= retries) {
                await sleep(base * 2 ** (attempt - 1));
                continue;
              }
              return { status: res.statusCode, url: redact(res.url), bytes: 0, digests: {} };
            }
            const declared = Number(res.headers["content-length"]);
            if (maxBytes !== undefined && Number.isFinite(declared) && declared > maxBytes) {
              stream.destroy();
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
            sink = createWriteStream(dest, { flags: "w" });
            await pipeline(stream, meter, sink);
            this.stats.bytes += bytes;
            const digests: Record<string, string> = {};
            for (const [a, h] of hashers) digests[a] = h.digest("hex");
            return { status: 200, url: redact(res.url), bytes, digests };
          } catch (cause) {
            stream.destroy();
            // The file may still be opening when the pipeline fails early (a body cut short): remove
            // it only once the write stream has closed, or the open would re-create it afterwards.
            if (sink && !sink.closed) {
              const open = sink;
              await new Promise<void>((done) => {
                open.once("close", () => done());
                open.destroy();
              });
            }
            rmSync(dest, { force: true });
            if (cause instanceof LockstepError) throw cause;
            const err = cause as { code?: string; name?: string; event?: string };
            const idle = err.name === "TimeoutError" && err.event === "socket";
            const retryable =
              !idle &&
              (err.name === "TimeoutError" ||
                RETRY_ERROR_CODES.includes(err.code ?? "") ||
                err.name === "ReadError");
            if (retryable && attempt <= retries) {
              await sleep(base * 2 ** (attempt - 1));
              continue;
            }
            throw this.failure(cause, target, shown, attempt, connectMs, idleMs);
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
