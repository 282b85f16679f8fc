import { describe, expect, test } from "vitest";
import { parseSimpleHtml, unescapeHtml } from "./simple-html";
import { parseSimpleJson } from "./simple-json";

const PAGE = "https://example.org/simple/foo/";
const SHA_A = "ABCDEF".padEnd(64, "0");
const SHA_B = "1234".padEnd(64, "9");

describe("PEP 503 HTML pages", () => {
  const html = `<!DOCTYPE html><html><body>
    <a href="../../files/foo-1.0-py3-none-any.whl#sha256=${SHA_A}" data-requires-python="&gt;=3.8,&lt;4" data-dist-info-metadata="sha256=${SHA_B}">foo-1.0-py3-none-any.whl</a>
    <a href='https://files.example.org/foo-0.9.tar.gz' data-yanked>foo-0.9.tar.gz</a>
    <a href="/abs/foo-1.1-py3-none-any.whl" data-yanked="broken &amp; bad" data-core-metadata="true">x</a>
    <a href="foo%2B-2.0.tar.gz">y</a>
  </body></html>`;
  const page = parseSimpleHtml(html, PAGE, "foo");

  test.each([
    [0, "foo-1.0-py3-none-any.whl", "https://example.org/files/foo-1.0-py3-none-any.whl"],
    [1, "foo-0.9.tar.gz", "https://files.example.org/foo-0.9.tar.gz"],
    [2, "foo-1.1-py3-none-any.whl", "https://example.org/abs/foo-1.1-py3-none-any.whl"],
    [3, "foo+-2.0.tar.gz", "https://example.org/simple/foo/foo%2B-2.0.tar.gz"],
  ])("anchor %i resolves to %s", (i, filename, url) => {
    expect(page.files[i]?.filename).toBe(filename);
    expect(page.files[i]?.url).toBe(url);
  });

  test("attributes", () => {
    const [a, b, c] = page.files;
    expect(a?.hashes).toEqual({ sha256: SHA_A.toLowerCase() });
    expect(a?.requiresPython).toBe(">=3.8,<4");
    expect(a?.coreMetadata).toEqual({ hashes: { sha256: SHA_B } });
    expect(a?.yanked).toBe(false);
    expect(b?.yanked).toEqual({ reason: "" });
    expect(b?.coreMetadata).toBe(false);
    expect(c?.yanked).toEqual({ reason: "broken & bad" });
    expect(c?.coreMetadata).toEqual({ hashes: {} });
  });

  test("base href", () => {
    const p = parseSimpleHtml(`<base href="https://cdn.example/x/"><a href="a-1.0.tar.gz">a</a>`, PAGE, "a");
    expect(p.files[0]?.url).toBe("https://cdn.example/x/a-1.0.tar.gz");
  });

  test("credentials never survive in file URLs", () => {
    const p = parseSimpleHtml(`<a href="https://u:p@h.example/a-1.0.tar.gz">a</a>`, PAGE, "a");
    expect(p.files[0]?.url).toBe("https://h.example/a-1.0.tar.gz");
  });

  test.each([
    ["&lt;3", "<3"],
    ["&#62;=1", ">=1"],
    ["&#x3E;2", ">2"],
    ["&bogus;", "&bogus;"],
  ])("unescape %s", (input, out) => expect(unescapeHtml(input)).toBe(out));
});

describe("PEP 691 JSON pages", () => {
  const json = JSON.stringify({
    meta: { "api-version": "1.1" },
    name: "foo",
    versions: ["0.9", "1.0"],
    files: [
      {
        filename: "foo-1.0-py3-none-any.whl",
        url: "../../files/foo-1.0-py3-none-any.whl",
        hashes: { sha256: SHA_A },
        "requires-python": ">=3.8",
        yanked: false,
        size: 123,
        "upload-time": "2024-01-01T00:00:00.000000Z",
        "core-metadata": { sha256: SHA_B },
      },
      {
        filename: "foo-0.9.tar.gz",
        url: "https://x.example/foo-0.9.tar.gz",
        hashes: {},
        yanked: "bad",
        "dist-info-metadata": true,
      },
      { filename: "foo-0.8.tar.gz", url: "foo-0.8.tar.gz", hashes: {}, yanked: true, unknown: 1 },
    ],
  });
  const page = parseSimpleJson(json, PAGE, "foo");

  test("fields", () => {
    expect(page.versions).toEqual(["0.9", "1.0"]);
    expect(page.files.map((f) => f.url)).toEqual([
      "https://example.org/files/foo-1.0-py3-none-any.whl",
      "https://x.example/foo-0.9.tar.gz",
      "https://example.org/simple/foo/foo-0.8.tar.gz",
    ]);
    expect(page.files[0]).toMatchObject({
      hashes: { sha256: SHA_A.toLowerCase() },
      requiresPython: ">=3.8",
      size: 123,
      uploadTime: "2024-01-01T00:00:00.000000Z",
      coreMetadata: { hashes: { sha256: SHA_B } },
      yanked: false,
    });
    expect(page.files[1]?.yanked).toEqual({ reason: "bad" });
    expect(page.files[1]?.coreMetadata).toEqual({ hashes: {} });
    expect(page.files[2]?.yanked).toEqual({ reason: "" });
  });

  test.each([
    ["not json", "The index page https://example.org/simple/foo/ is not valid JSON: Unexpected token"],
    ["null", "The index page https://example.org/simple/foo/ is not a JSON object"],
    [
      JSON.stringify({ meta: { "api-version": "2.0" }, files: [] }),
      "The index page https://example.org/simple/foo/ uses simple API version 2.0, which lockstep does not support",
    ],
    [
      JSON.stringify({ meta: { "api-version": "1.0" } }),
      'The index page https://example.org/simple/foo/ has no "files" array',
    ],
  ])("errors: %s", (text, message) => {
    expect(() => parseSimpleJson(text, PAGE, "foo")).toThrow(message);
  });
});
