/**
 * Freshness of cached responses (RFC 9111 as a private cache), including the heuristic for static
 * mirrors' pages that carry only Last-Modified, and the LOCKSTEP_CACHE_TTL override's parsing.
 */
import { describe, expect, test } from "vitest";
import { HEURISTIC_FRESHNESS_CAP_MS, cacheTtlFromEnv, freshUntil } from "./cache";

const NOW = Date.parse("2026-12-04T12:00:00Z");
const http = (ms: number) => new Date(ms).toUTCString();
const HOUR = 3_600_000;

describe("freshUntil", () => {
  test.each<[string, Record<string, string | undefined>, number]>([
    ["no headers: revalidate", {}, 0],
    ["max-age", { "cache-control": "max-age=600" }, NOW + 600_000],
    ["max-age less Age", { "cache-control": "public, max-age=600", age: "100" }, NOW + 500_000],
    [
      "max-age beats Last-Modified",
      { "cache-control": "max-age=5", "last-modified": http(NOW - HOUR) },
      NOW + 5000,
    ],
    ["s-maxage alone is not max-age", { "cache-control": "s-maxage=600" }, 0],
    ["no-cache", { "cache-control": "no-cache", "last-modified": http(NOW - HOUR) }, 0],
    ["no-store", { "cache-control": "no-store, max-age=600" }, 0],
    ["Expires", { expires: http(NOW + 60_000) }, NOW + 60_000],
    ["invalid Expires: already stale", { expires: "never", "last-modified": http(NOW - HOUR) }, 0],
    ["heuristic: 10% of the age", { "last-modified": http(NOW - HOUR) }, NOW + HOUR / 10],
    [
      "heuristic: aged by our clock, not Date",
      { "last-modified": http(NOW - 1.5 * HOUR), date: http(NOW - HOUR) },
      NOW + (1.5 * HOUR) / 10,
    ],
    ["heuristic: capped", { "last-modified": http(NOW - 1000 * HOUR) }, NOW + HEURISTIC_FRESHNESS_CAP_MS],
    [
      "heuristic: with other directives",
      { "cache-control": "public", "last-modified": http(NOW - HOUR) },
      NOW + HOUR / 10,
    ],
    ["Last-Modified in the future", { "last-modified": http(NOW + HOUR) }, 0],
    ["Last-Modified unparseable", { "last-modified": "yesterday" }, 0],
  ])("%s", (_label, headers, expected) => {
    expect(freshUntil(headers, NOW)).toBe(expected);
  });
});

describe("cacheTtlFromEnv", () => {
  test.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ["", undefined],
    ["0", 0],
    [" 600 ", 600],
  ])("%j", (raw, expected) => {
    expect(cacheTtlFromEnv(raw === undefined ? {} : { LOCKSTEP_CACHE_TTL: raw })).toBe(expected);
  });

  test.each(["-1", "1.5", "10m"])("%j is refused", (raw) => {
    expect(() => cacheTtlFromEnv({ LOCKSTEP_CACHE_TTL: raw })).toThrow(
      `LOCKSTEP_CACHE_TTL must be a whole number of seconds, got ${JSON.stringify(raw)}`,
    );
  });
});
