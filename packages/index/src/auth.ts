/**
 * Credentials for indexes: from the index URL itself (`https://user:pass@host/simple`), from
 * `.netrc` (`$NETRC` or `~/.netrc`), and from environment variables per index name
 * (`LOCKSTEP_INDEX_<NAME>_USERNAME` / `_PASSWORD`, the name upper-cased with non-alphanumerics as `_`).
 *
 * The invariant: credentials are attached per request, only when the request's host and port equal
 * the host and port they were given for. URLs stored anywhere (cache keys, logs, lockfiles) are
 * always stripped of userinfo first.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface Credentials {
  username: string;
  password: string;
}

/** Host key: `host:port` with the scheme's default port filled in. */
export function hostKey(url: string | URL): string {
  const u = typeof url === "string" ? new URL(url) : url;
  const port = u.port || (u.protocol === "https:" ? "443" : u.protocol === "http:" ? "80" : "");
  return `${u.hostname.toLowerCase()}:${port}`;
}

/** Parse the text of a `.netrc` file into host → credentials (`default` under key `*`). */
export function parseNetrc(text: string): Map<string, Credentials> {
  const tokens = text
    .replace(/#[^\n]*/g, " ")
    .split(/\s+/)
    .filter(Boolean);
  const out = new Map<string, Credentials>();
  let host: string | undefined;
  let login = "";
  let password = "";
  const flush = () => {
    if (host !== undefined) out.set(host, { username: login, password });
    host = undefined;
    login = "";
    password = "";
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (t === "machine") {
      flush();
      host = (tokens[++i] ?? "").toLowerCase();
    } else if (t === "default") {
      flush();
      host = "*";
    } else if (t === "login") login = tokens[++i] ?? "";
    else if (t === "password") password = tokens[++i] ?? "";
    else if (t === "account") i++;
    else if (t === "macdef") break; // macros run to a blank line; nothing after them concerns us
  }
  flush();
  return out;
}

export function envVarPrefix(indexName: string): string {
  return `LOCKSTEP_INDEX_${indexName.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

export class CredentialStore {
  private readonly byHost = new Map<string, Credentials>();
  private netrc: Map<string, Credentials> | undefined;

  constructor(
    private readonly netrcPath: string | undefined = process.env.NETRC ?? join(homedir(), ".netrc"),
  ) {}

  /** Register an index URL: remembers userinfo and per-name env credentials; returns the URL without userinfo. */
  addIndex(rawUrl: string, name?: string, env: NodeJS.ProcessEnv = process.env): string {
    const u = new URL(rawUrl);
    const key = hostKey(u);
    if (u.username || u.password) {
      this.byHost.set(key, {
        username: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
      });
      u.username = "";
      u.password = "";
    }
    if (name) {
      const prefix = envVarPrefix(name);
      const username = env[`${prefix}_USERNAME`];
      const password = env[`${prefix}_PASSWORD`];
      if (username !== undefined || password !== undefined) {
        this.byHost.set(key, { username: username ?? "", password: password ?? "" });
      }
    }
    return u.toString();
  }

  private netrcFor(host: string): Credentials | undefined {
    if (this.netrc === undefined) {
      try {
        this.netrc = this.netrcPath ? parseNetrc(readFileSync(this.netrcPath, "utf8")) : new Map();
      } catch {
        this.netrc = new Map();
      }
    }
    return this.netrc.get(host) ?? this.netrc.get("*");
  }

  /** The credentials to send to `url`, if any. */
  forUrl(url: string | URL): Credentials | undefined {
    const u = typeof url === "string" ? new URL(url) : url;
    return this.byHost.get(hostKey(u)) ?? this.netrcFor(u.hostname.toLowerCase());
  }

  /** An `Authorization` header value for `url`, if any. */
  authorization(url: string | URL): string | undefined {
    const c = this.forUrl(url);
    if (!c) return undefined;
    return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
  }
}

/** Remove userinfo from any URL-like text, for logs and messages. */
export function redact(url: string): string {
  return url.replace(/\/\/[^/@\s]*@/g, "//");
}
