/**
 * The HTTP layer, through `got`: keep-alive agents, timeouts, retries with exponential backoff on
 * 5xx/429 and connection resets, a redirect limit, proxies from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`
 * (via hpagent), credentials attached per host (see auth.ts), and a concurrency limit (p-limit).
 *
 * `got` is imported lazily: commands that never touch the network (a no-op sync) must not pay for it.
 */
import http from "node:http";
import https from "node:https";
import pLimit from "p-limit";
import { LockstepError } from "@lockstep/errors";
import type { Got } from "got";
import type { CredentialStore } from "./auth";
import { redact } from "./auth";

export interface HttpOptions {
  credentials: CredentialStore;
  /** Per-request timeout (ms). Default 30 s (or `LOCKSTEP_HTTP_TIMEOUT` seconds). */
  timeoutMs?: number;
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

  /** GET `url`. Never throws on HTTP status; throws LockstepError on network failure after retries. */
  async get(url: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.limit(async () => {
      const got = await this.got();
      const target = new URL(url);
      const auth = this.options.credentials.authorization(target);
      const base = this.options.retryBaseDelayMs ?? 200;
      const retries = this.options.retries ?? 3;
      this.stats.requests++;
      try {
        const res = await got(target, {
          headers: {
            "user-agent": this.options.userAgent ?? "lockstep/0.1",
            ...(auth ? { authorization: auth } : {}),
            ...headers,
          },
          agent: await this.agentFor(target),
          responseType: "buffer",
          decompress: true,
          throwHttpErrors: false,
          followRedirect: true,
          maxRedirects: this.options.maxRedirects ?? 10,
          timeout: {
            request: this.options.timeoutMs ?? (Number(this.env.LOCKSTEP_HTTP_TIMEOUT) || 30) * 1000,
          },
          retry: {
            limit: retries,
            methods: ["GET", "HEAD"],
            statusCodes: [408, 429, 500, 502, 503, 504, 521, 522, 524],
            errorCodes: [
              "ETIMEDOUT",
              "ECONNRESET",
              "EADDRINUSE",
              "ECONNREFUSED",
              "EPIPE",
              "ENOTFOUND",
              "ENETUNREACH",
              "EAI_AGAIN",
              "ERR_STREAM_PREMATURE_CLOSE",
            ],
            calculateDelay: ({ attemptCount, computedValue }) =>
              computedValue === 0 ? 0 : base * 2 ** (attemptCount - 1),
          },
          hooks: {
            beforeRedirect: [
              (opts) => {
                // Credentials belong to one host: never carry them across a redirect to another.
                const next = opts.url instanceof URL ? opts.url : undefined;
                if (next && next.host !== target.host) {
                  delete opts.headers.authorization;
                  const own = this.options.credentials.authorization(next);
                  if (own) opts.headers.authorization = own;
                }
              },
            ],
          },
        });
        const body = res.body;
        this.stats.bytes += body.length;
        if (res.statusCode === 304) this.stats.notModified++;
        const outHeaders: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) outHeaders[k] = Array.isArray(v) ? v.join(", ") : v;
        return { status: res.statusCode, headers: outHeaders, body, url: redact(res.url) };
      } catch (cause) {
        const code = (cause as { code?: string }).code ?? "";
        throw new LockstepError(
          "http-failed",
          `Request to ${redact(url)} failed after ${retries + 1} attempt(s): ${code ? `${code}: ` : ""}${(cause as Error).message}`,
          { cause, hint: "check the index URL and your network; `--offline` uses the cache alone" },
        );
      }
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
    this.proxyAgents?.http?.destroy();
    this.proxyAgents?.https?.destroy();
  }
}
