/** `[tool.lockstep]` limits (issue 13): sizes with units, counts, ratios, seconds; bad values located. */
import { FileError } from "@lockstep/errors";
import { expect, test } from "vitest";
import { limitEnvName, parseLimitValue } from "./limit-settings";
import { parseProject } from "./project";

const text = (...l: string[]): string =>
  ["[project]", 'name = "demo"', 'version = "1.0"', "[tool.lockstep]", ...l].join("\n");

test.each([
  ["max-archive-size = 1024", { maxArchiveSize: 1024 }],
  ['max-archive-size = "8GiB"', { maxArchiveSize: 8 * 1024 ** 3 }],
  ['max-archive-size = "1.5 KiB"', { maxArchiveSize: 1536 }],
  ['max-download-size = "100MB"', { maxDownloadSize: 100_000_000 }],
  ['max-index-page-size = "64mib"', { maxIndexPageSize: 64 * 1024 ** 2 }],
  ['max-metadata-size = "10"', { maxMetadataSize: 10 }],
  ["max-archive-entries = 10", { maxArchiveEntries: 10 }],
  ["max-compression-ratio = 1000.5", { maxCompressionRatio: 1000.5 }],
  ["http-timeout = 0.5", { httpTimeout: 0.5 }],
  ["http-connect-timeout = 3", { httpConnectTimeout: 3 }],
])("%s", (line, limits) => {
  expect(parseProject(text(line), "pyproject.toml").lockstep.limits).toEqual(limits);
});

test("no limit set: none recorded (the enforcing packages' defaults apply)", () => {
  expect(parseProject(text(), "pyproject.toml").lockstep.limits).toEqual({});
});

test.each([
  [
    "max-archive-entries = 0",
    "pyproject.toml:5:23: expected tool.lockstep.max-archive-entries to be a positive integer, found the integer 0",
  ],
  [
    "max-archive-entries = 1.5",
    "pyproject.toml:5:23: expected tool.lockstep.max-archive-entries to be a positive integer, found the float 1.5",
  ],
  [
    'max-archive-size = "8 gigabytes"',
    'pyproject.toml:5:20: expected tool.lockstep.max-archive-size to be a positive number of bytes or a size such as "512MiB" or "8GiB", found "8 gigabytes"',
  ],
  [
    'max-archive-size = "1.5 B"',
    'pyproject.toml:5:20: expected tool.lockstep.max-archive-size to be a positive number of bytes or a size such as "512MiB" or "8GiB", found "1.5 B"',
  ],
  [
    "max-compression-ratio = 1",
    "pyproject.toml:5:25: expected tool.lockstep.max-compression-ratio to be a number greater than 1, found the integer 1",
  ],
  [
    'http-timeout = "30"',
    'pyproject.toml:5:16: expected tool.lockstep.http-timeout to be a positive number of seconds, found "30"',
  ],
  [
    "max-archive-entrys = 5",
    'pyproject.toml:5:1: unknown key "max-archive-entrys" in [tool.lockstep]; did you mean "max-archive-entries"?',
  ],
])("%s is refused with its position", (line, message) => {
  let error: unknown;
  try {
    parseProject(text(line), "pyproject.toml");
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FileError);
  expect((error as Error).message.split("\n")[0]).toBe(message);
});

test.each([
  ["size", "8GiB", 8 * 1024 ** 3],
  ["size", "123", 123],
  ["size", "-5", undefined],
  ["size", "0", undefined],
  ["count", "12", 12],
  ["count", "12.5", undefined],
  ["count", "12abc", undefined],
  ["seconds", "0.25", 0.25],
  ["seconds", "", undefined],
  ["ratio", "50", 50],
] as const)("from the environment: %s %j → %j", (kind, value, expected) => {
  expect(parseLimitValue(kind, value, true)).toBe(expected);
});

test("environment names", () => {
  expect(limitEnvName("max-archive-entries")).toBe("LOCKSTEP_MAX_ARCHIVE_ENTRIES");
  expect(limitEnvName("http-timeout")).toBe("LOCKSTEP_HTTP_TIMEOUT");
});
