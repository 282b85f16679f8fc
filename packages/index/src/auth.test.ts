import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CredentialStore, envVarPrefix, hostKey, parseNetrc, redact } from "./auth";
import { bypassesProxy } from "./http";

describe("credentials", () => {
  test("netrc parsing", () => {
    const m = parseNetrc(
      "machine a.example login u1 password p1\n# comment\nmachine b.example\n  login u2\n  password p2\ndefault login d password dp\n",
    );
    expect(m.get("a.example")).toEqual({ username: "u1", password: "p1" });
    expect(m.get("b.example")).toEqual({ username: "u2", password: "p2" });
    expect(m.get("*")).toEqual({ username: "d", password: "dp" });
  });

  test("URL credentials are stripped and sent only to their host and port", () => {
    const dir = mkdtempSync(join(tmpdir(), "netrc-"));
    writeFileSync(join(dir, "netrc"), "");
    const store = new CredentialStore(join(dir, "netrc"));
    const clean = store.addIndex("https://alice:s%40cret@pkgs.example/simple");
    expect(clean).toBe("https://pkgs.example/simple");
    expect(store.forUrl("https://pkgs.example/files/x.whl")).toEqual({
      username: "alice",
      password: "s@cret",
    });
    expect(store.forUrl("https://pkgs.example:8443/files/x.whl")).toBeUndefined();
    expect(store.forUrl("https://cdn.example/files/x.whl")).toBeUndefined();
    expect(store.authorization("https://pkgs.example/")).toBe(
      `Basic ${Buffer.from("alice:s@cret").toString("base64")}`,
    );
  });

  test("environment variables per index name, and netrc fallback", () => {
    const dir = mkdtempSync(join(tmpdir(), "netrc-"));
    writeFileSync(join(dir, "netrc"), "machine other.example login n password np\n");
    const store = new CredentialStore(join(dir, "netrc"));
    store.addIndex("http://internal.example:8080/simple", "my-index", {
      [`${envVarPrefix("my-index")}_USERNAME`]: "bob",
      [`${envVarPrefix("my-index")}_PASSWORD`]: "pw",
    });
    expect(envVarPrefix("my-index")).toBe("LOCKSTEP_INDEX_MY_INDEX");
    expect(store.forUrl("http://internal.example:8080/simple/a/")).toEqual({
      username: "bob",
      password: "pw",
    });
    expect(store.forUrl("https://other.example/x")).toEqual({ username: "n", password: "np" });
    expect(store.forUrl("https://third.example/x")).toBeUndefined();
  });

  test.each([
    ["https://u:p@h.example/simple", "https://h.example/simple"],
    [
      "see http://tok@h.example/x and https://a:b@c.example/",
      "see http://h.example/x and https://c.example/",
    ],
  ])("redact %s", (input, out) => expect(redact(input)).toBe(out));

  test.each([
    ["https://h.example/simple", "h.example:443"],
    ["http://h.example/simple", "h.example:80"],
    ["http://H.example:81/simple", "h.example:81"],
  ])("hostKey %s", (url, key) => expect(hostKey(url)).toBe(key));

  test.each([
    ["https://a.example/", "a.example", true],
    ["https://x.a.example/", ".a.example", true],
    ["https://b.example/", "a.example", false],
    ["http://a.example:81/", "a.example:80", false],
    ["http://a.example/", "*", true],
    ["http://a.example/", "", false],
  ])("NO_PROXY %s with %s", (url, rule, bypass) => expect(bypassesProxy(new URL(url), rule)).toBe(bypass));
});
