import { describe, expect, test } from "vitest";
import { canonicalRepository, formatGitUrl, parseGitUrl, repositoryKey } from "./git-url";

describe("parseGitUrl", () => {
  test.each([
    ["git+https://host/org/repo.git", "https://host/org/repo.git", { kind: "default" }, undefined],
    [
      "git+https://host/org/repo.git@v1.0",
      "https://host/org/repo.git",
      { kind: "rev", value: "v1.0" },
      undefined,
    ],
    [
      "git+ssh://git@host/org/repo.git@main#subdirectory=pkgs/a",
      "ssh://git@host/org/repo.git",
      { kind: "rev", value: "main" },
      "pkgs/a",
    ],
    ["git+ssh://git@host/org/repo.git", "ssh://git@host/org/repo.git", { kind: "default" }, undefined],
    ["git+file:///tmp/r@feature/x", "file:///tmp/r", { kind: "rev", value: "feature/x" }, undefined],
    [
      "git+https://tok:secret@host/r.git@0123456789abcdef0123456789abcdef01234567#egg=r",
      "https://tok:secret@host/r.git",
      { kind: "rev", value: "0123456789abcdef0123456789abcdef01234567" },
      undefined,
    ],
    ["git+git://127.0.0.1:9418/r#subdirectory=./a/b/", "git://127.0.0.1:9418/r", { kind: "default" }, "a/b"],
  ])("%s", (input, repository, revision, subdirectory) => {
    expect(parseGitUrl(input)).toEqual({ repository, revision, subdirectory });
  });

  test.each([
    ["https://host/r.git", '"https://host/r.git" is not a git URL: it must start with "git+"'],
    ["git+ftp://host/r.git", '"git+ftp://host/r.git" uses the unsupported scheme "git+ftp"'],
    ["git+https://u:pw@host/r.git@", '"git+https://host/r.git@" has an empty revision after "@"'],
    [
      "git+https://u:pw@host/r.git#subdirectory=../up",
      'subdirectory "../up" of "git+https://host/r.git#subdirectory=../up" must be a relative path inside the repository',
    ],
    [
      "git+https://host/r.git#sha256=abc",
      '"git+https://host/r.git#sha256=abc" has an unknown fragment key "sha256"',
    ],
    ["git+nonsense", '"git+nonsense" is not a valid git URL'],
  ])("refuses %s (credentials redacted)", (input, message) => {
    expect(() => parseGitUrl(input)).toThrow(message);
  });
});

test.each([
  ["https://user:tok@Host.Example/Org/Repo.git/", "https://host.example/Org/Repo"],
  ["ssh://git@host/org/repo.git", "ssh://host/org/repo"],
  ["file:///srv/repo", "file:///srv/repo"],
])("canonicalRepository %s", (input, out) => expect(canonicalRepository(input)).toBe(out));

test("the cache key does not depend on credentials", () => {
  expect(repositoryKey("https://a:1@host/r.git")).toBe(repositoryKey("https://b:2@host/r"));
  expect(repositoryKey("https://host/r")).not.toBe(repositoryKey("https://host/s"));
});

test("formatGitUrl drops credentials", () => {
  expect(formatGitUrl("https://tok@host/r.git", "abc", "sub")).toBe(
    "git+https://host/r.git@abc#subdirectory=sub",
  );
  expect(formatGitUrl("file:///r", undefined)).toBe("git+file:///r");
});
